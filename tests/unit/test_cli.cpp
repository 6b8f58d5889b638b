// The CLI without a process or a network: argument parsing, the exit statuses (2 only before
// anything is paid), the --json document (schema, version, one error shape), the advice for lost
// requests, redaction of what it prints, jobs held elsewhere, and when `resume` may stop waiting.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_jobs.h"
#include "cli_json.h"
#include "cli_report.h"
#include "texforge/version.h"

namespace texforge::cli {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

Result<CliArgs> parse(std::vector<std::string> args) {
  return parseArgs(args);
}

JobSnapshot jobIn(JobState state, std::string id = "tf_1") {
  JobSnapshot job;
  job.local_id = std::move(id);
  job.job_id = "job_1";
  job.state = state;
  job.params.prompt = "a crate";
  return job;
}

OutputSnapshot outputIn(OutputState state, int index = 0) {
  OutputSnapshot o;
  o.index = index;
  o.state = state;
  o.asset_id = "asset_" + std::to_string(index);
  return o;
}

TEST(CliArgs, EverythingAfterDoubleDashIsPositional) {
  auto args = parse({
      "generate",
      "--project",
      "P",
      "--outputs",
      "2",
      "--",
      "-a dash first",
  });
  ASSERT_TRUE(args.ok()) << args.error().message;
  EXPECT_EQ(args->params.prompt, "-a dash first");
  EXPECT_EQ(args->params.num_outputs, 2);
  auto option_after = parse({"generate", "--project", "P", "--", "--json"});
  ASSERT_TRUE(option_after.ok());
  EXPECT_EQ(option_after->params.prompt, "--json");
  EXPECT_FALSE(option_after->json);
  auto dash_prompt = parse({"generate", "--project", "P", "-a dash first"});
  ASSERT_FALSE(dash_prompt.ok());
  EXPECT_TRUE(contains(dash_prompt.error().message, "after --")) << dash_prompt.error().message;
  EXPECT_FALSE(parse({"generate", "--project", "P", "--", "one", "two"}).ok());
}

TEST(CliArgs, AZeroSideIsRefusedNotTakenForAuto) {
  for (const char* size : {"0x0", "0x1024", "1024x0", "-16x16"}) {
    auto args = parse({"generate", "x", "--project", "P", "--size", size});
    ASSERT_FALSE(args.ok()) << size;
    EXPECT_EQ(args.error().code, ErrorCode::kInvalidArgument);
    EXPECT_TRUE(contains(args.error().message, "--size auto")) << args.error().message;
  }
  auto automatic = parse({"generate", "x", "--project", "P", "--size", "auto"});
  ASSERT_TRUE(automatic.ok());
  EXPECT_EQ(automatic->params.width, 0);
  auto fixed = parse({"generate", "x", "--project", "P", "--size", "1536x1024"});
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->params.width, 1536);
  EXPECT_EQ(fixed->params.height, 1024);
}

TEST(CliArgs, VerbNamesAndTheExitStatusesAreDocumented) {
  EXPECT_STREQ(commandName(Command::kGenerate), "generate");
  EXPECT_STREQ(commandName(Command::kResume), "resume");
  EXPECT_STREQ(commandName(Command::kResolve), "resolve");
  EXPECT_STREQ(commandName(Command::kVersion), "version");
  const std::string usage = usageText();
  for (const char* line : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  ", "  130  "}) {
    EXPECT_TRUE(contains(usage, line)) << line;
  }
  EXPECT_TRUE(contains(usage, "before anything was paid"));
  EXPECT_TRUE(contains(usage, kJsonSchema));
}

TEST(CliArgs, JsonIsHonouredBeforeTheVerbAndByHelpAndVersion) {
  auto before = parse({"--json", "jobs", "--project", "P"});
  ASSERT_TRUE(before.ok()) << before.error().message;
  EXPECT_EQ(before->command, Command::kJobs);
  EXPECT_TRUE(before->json);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"--version", "--json"}, {"version", "--json"}, {"--json", "--version"}}) {
    auto version = parse(args);
    ASSERT_TRUE(version.ok());
    EXPECT_EQ(version->command, Command::kVersion) << args[0];
    EXPECT_TRUE(version->json) << args[0];
  }
  auto plain_version = parse({"version"});
  ASSERT_TRUE(plain_version.ok());
  EXPECT_EQ(plain_version->command, Command::kVersion);
  EXPECT_FALSE(plain_version->json);
  auto help = parse({"generate", "--json", "--help"});
  ASSERT_TRUE(help.ok());
  EXPECT_EQ(help->command, Command::kHelp);
  EXPECT_TRUE(help->json);
  auto help_then_json = parse({"generate", "--help", "--json"});
  ASSERT_TRUE(help_then_json.ok());
  EXPECT_TRUE(help_then_json->json);
  auto only_json = parse({"--json"});
  ASSERT_TRUE(only_json.ok());
  EXPECT_EQ(only_json->command, Command::kHelp);
  EXPECT_TRUE(only_json->json);
}

TEST(CliArgs, ARefusalStillKnowsWhetherJsonWasAskedForAndTheVerb) {
  const std::vector<std::string> unknown = {"frobnicate", "--json"};
  EXPECT_FALSE(parse(unknown).ok());
  EXPECT_TRUE(wantsJson(unknown));
  EXPECT_EQ(verbOf(unknown), "");
  const std::vector<std::string> no_project = {"--json", "generate", "a crate"};
  EXPECT_FALSE(parse(no_project).ok());
  EXPECT_TRUE(wantsJson(no_project));
  EXPECT_EQ(verbOf(no_project), "generate");
  // After --, "--json" is the prompt, not the option.
  EXPECT_FALSE(wantsJson({"generate", "--project", "P", "--", "--json"}));
  EXPECT_FALSE(wantsJson({"resolve", "--project", "P"}));
  EXPECT_EQ(verbOf({"resolve"}), "resolve");
  EXPECT_EQ(verbOf({}), "help");
  EXPECT_EQ(verbOf({"version"}), "version");
}

TEST(CliExit, TwoOnlyForErrorsBeforeAnythingIsPaid) {
  EXPECT_EQ(exitStatusFor(makeError(ErrorCode::kInvalidArgument, "bad size")), 2);
  EXPECT_EQ(exitStatusFor(makeError(ErrorCode::kNotFound, "no such file")), 2);
  EXPECT_EQ(exitStatusFor(makeError(ErrorCode::kCredentials, "rejected")), 3);

  // The same codes on a job that was sent (a 400 from the paid POST, a 404 on an asset): 1.
  JobSnapshot refused = jobIn(JobState::kFailed);
  refused.error = makeError(ErrorCode::kInvalidArgument, "The service refused the request", 400);
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{refused}), 1);
  JobSnapshot lost_asset = jobIn(JobState::kReady);
  lost_asset.outputs = {outputIn(OutputState::kFailed)};
  lost_asset.outputs[0].error = makeError(ErrorCode::kNotFound, "Not found", 404);
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{lost_asset}), 1);

  JobSnapshot network = jobIn(JobState::kFailed);
  network.error = makeError(ErrorCode::kNetwork, "reset");
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{network}), 4);
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{jobIn(JobState::kUnknown)}), 5);

  JobSnapshot done = jobIn(JobState::kImported);
  done.outputs = {outputIn(OutputState::kImported)};
  JobSnapshot held = jobIn(JobState::kRunning, "tf_2");
  held.held_by = "texforge-cli generate, pid 4242 on ws-3, is working on it";
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{done, held}), 0);
}

// The parts of a document every exit path shares; fails the test on anything missing or mistyped.
nlohmann::json parsedDocument(const Outcome& outcome) {
  const std::string text = jsonDocument(outcome, 1'800'000'000'000);
  EXPECT_EQ(text.back(), '\n');
  // parse() refuses anything after the one value: this is exactly one document.
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << text;
  if (doc.is_discarded()) return {};
  EXPECT_EQ(doc.value("schema", ""), "texforge-cli/1");
  EXPECT_EQ(doc.value("version", ""), TEXFORGE_VERSION_STRING);
  EXPECT_EQ(doc.value("command", "?"), outcome.command);
  EXPECT_EQ(doc.value("exit_status", -1), outcome.exit_status);
  EXPECT_TRUE(doc["ok"].is_boolean());
  EXPECT_EQ(doc["ok"], outcome.exit_status == 0);
  EXPECT_EQ(doc.contains("error") && !doc["error"].is_null(), outcome.exit_status != 0) << text;
  return doc;
}

// The one error shape: code, http_status, message and advice, all four, typed.
void expectErrorShape(const nlohmann::json& error, const std::string& code) {
  ASSERT_TRUE(error.is_object()) << error.dump();
  EXPECT_EQ(error.size(), 4u) << error.dump();
  EXPECT_EQ(error.value("code", ""), code);
  EXPECT_TRUE(error["http_status"].is_number_integer()) << error.dump();
  EXPECT_TRUE(error["message"].is_string()) << error.dump();
  EXPECT_FALSE(error.value("message", "").empty()) << error.dump();
  EXPECT_TRUE(error["advice"].is_string()) << error.dump();
}

TEST(CliJson, EveryOutcomeIsOneDocumentWithTheSchemaTheVersionAndOneErrorShape) {
  Outcome refused;  // as main() builds it for arguments parseArgs refused
  refused.command = "";
  refused.exit_status = 2;
  refused.error = makeError(ErrorCode::kInvalidArgument, "unknown command \"frobnicate\"");
  refused.advice = "run `texforge --help` for usage";
  nlohmann::json doc = parsedDocument(refused);
  expectErrorShape(doc["error"], "invalid_argument");
  EXPECT_EQ(doc["error"]["advice"], refused.advice);
  EXPECT_FALSE(doc.contains("jobs"));  // not a job command

  Outcome credentials;
  credentials.command = "generate";
  credentials.exit_status = 3;
  credentials.error = makeError(ErrorCode::kCredentials, "the key or secret was rejected", 401);
  doc = parsedDocument(credentials);
  expectErrorShape(doc["error"], "credentials");
  EXPECT_EQ(doc["error"]["http_status"], 401);
  EXPECT_EQ(doc["error"]["message"], "the key or secret was rejected");
  EXPECT_EQ(doc["error"]["advice"], "");
  ASSERT_TRUE(doc["jobs"].is_array());  // job commands always carry jobs, empty before any job
  EXPECT_TRUE(doc["jobs"].empty());

  Outcome stopped;
  stopped.command = "resume";
  stopped.exit_status = 130;
  stopped.error = makeError(ErrorCode::kStopped, "stopped waiting");
  stopped.jobs = {jobIn(JobState::kRunning)};
  doc = parsedDocument(stopped);
  expectErrorShape(doc["error"], "stopped");
  ASSERT_EQ(doc["jobs"].size(), 1u);
  EXPECT_EQ(doc["jobs"][0]["local_id"], "tf_1");

  Outcome version;
  version.command = "version";
  doc = parsedDocument(version);
  EXPECT_TRUE(doc["error"].is_null());
  EXPECT_FALSE(doc.contains("usage"));

  Outcome help;
  help.command = "help";
  doc = parsedDocument(help);
  EXPECT_EQ(doc.value("usage", ""), usageText());

  Outcome quote;
  quote.command = "generate";
  quote.quote = Quote{2.5, 0.25};
  doc = parsedDocument(quote);
  EXPECT_EQ(doc["quote"]["creative_units"], 2.5);
  EXPECT_EQ(doc["quote"]["discount"], 0.25);
  // texforge 0.1's names stay under texforge-cli/1.
  EXPECT_EQ(doc["creativeUnitsCost"], 2.5);
  EXPECT_EQ(doc["creativeUnitsDiscount"], 0.25);
  EXPECT_TRUE(doc["jobs"].empty());
}

TEST(CliJson, JobsKeepTheirFieldsAndTheirErrorsTakeTheSameShape) {
  JobSnapshot job = jobIn(JobState::kFailed);
  job.error = makeError(ErrorCode::kNetwork, "connection reset");
  job.outputs = {outputIn(OutputState::kImported), outputIn(OutputState::kFailed, 1)};
  job.outputs[0].imported_path = "assets/generated/a-crate.png";
  job.outputs[1].error = makeError(ErrorCode::kServer, "bad gateway", 502);
  job.params.num_outputs = 2;
  job.params.prompt = "a crate \xff\xfe";  // invalid UTF-8 still makes a document
  Outcome out = outcomeFor({job}, 1'800'000'000'000);
  out.command = "generate";
  nlohmann::json doc = parsedDocument(out);
  EXPECT_EQ(doc["exit_status"], 4);
  expectErrorShape(doc["error"], "network");
  ASSERT_EQ(doc["jobs"].size(), 1u);
  const nlohmann::json& shown = doc["jobs"][0];
  for (const char* field :
       {"local_id", "job_id", "state", "status", "prompt", "model", "num_outputs", "cost", "created_at_ms",
        "held_by", "other_account", "needs_decision", "resend_allowed_at_ms", "error", "advice", "outputs"}) {
    EXPECT_TRUE(shown.contains(field)) << field;
  }
  expectErrorShape(shown["error"], "network");
  EXPECT_TRUE(contains(shown.value("advice", ""), "texforge resume")) << shown.dump();
  EXPECT_EQ(shown["error"]["advice"], shown["advice"]);
  ASSERT_EQ(shown["outputs"].size(), 2u);
  EXPECT_TRUE(shown["outputs"][0]["error"].is_null());
  EXPECT_EQ(shown["outputs"][0]["sidecar"], "assets/generated/a-crate.png.texforge.json");
  expectErrorShape(shown["outputs"][1]["error"], "server");
  EXPECT_EQ(shown["outputs"][1]["error"]["http_status"], 502);
  EXPECT_TRUE(contains(shown.value("prompt", ""), "a crate")) << shown.dump();
}

TEST(CliOutcome, TheFirstProblemBecomesTheErrorWithItsJobAndItsAdvice) {
  const int64_t now = 1'800'000'000'000;
  JobSnapshot done = jobIn(JobState::kImported, "tf_done");
  done.outputs = {outputIn(OutputState::kImported)};
  Outcome ok = outcomeFor({done}, now);
  EXPECT_EQ(ok.exit_status, 0);
  EXPECT_FALSE(ok.error.has_value());
  EXPECT_EQ(ok.jobs.size(), 1u);

  JobSnapshot refused = jobIn(JobState::kFailed, "tf_refused");
  refused.error = makeError(ErrorCode::kInvalidArgument, "The service refused the request", 400);
  Outcome failed = outcomeFor({done, refused}, now);
  EXPECT_EQ(failed.exit_status, 1);  // sent: never 2
  ASSERT_TRUE(failed.error.has_value());
  EXPECT_EQ(failed.error->code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(failed.error->http_status, 400);
  EXPECT_EQ(failed.error->message, "tf_refused: The service refused the request");

  JobSnapshot lost = jobIn(JobState::kUnknown, "tf_lost");
  lost.needs_decision = true;
  Outcome unknown = outcomeFor({lost}, now);
  EXPECT_EQ(unknown.exit_status, 5);
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->code, ErrorCode::kUnknownSubmission);
  EXPECT_TRUE(contains(unknown.advice, "texforge resolve tf_lost --resend")) << unknown.advice;
  EXPECT_TRUE(contains(unknown.advice, "you pay twice")) << unknown.advice;

  JobSnapshot stopped = jobIn(JobState::kStopped, "tf_stopped");
  Outcome stop = outcomeFor({stopped}, now);
  EXPECT_EQ(stop.exit_status, 1);
  ASSERT_TRUE(stop.error.has_value());
  EXPECT_EQ(stop.error->code, ErrorCode::kStopped);
  EXPECT_TRUE(contains(stop.error->message, "tf_stopped: 0 of 1 images")) << stop.error->message;
  EXPECT_TRUE(contains(stop.advice, "texforge resume")) << stop.advice;

  JobSnapshot unimported = jobIn(JobState::kReady, "tf_ready");
  unimported.outputs = {outputIn(OutputState::kReady)};
  Outcome ready = outcomeFor({unimported}, now);
  EXPECT_EQ(ready.exit_status, 1);
  ASSERT_TRUE(ready.error.has_value());
  EXPECT_TRUE(contains(ready.error->message, "tf_ready: image 1: ready")) << ready.error->message;

  JobSnapshot held = jobIn(JobState::kUnknown, "tf_held");
  held.held_by = "texforge-cli resume, pid 7 on ws-3, is working on it";
  Outcome elsewhere = outcomeFor({held}, now);
  EXPECT_EQ(elsewhere.exit_status, 0);  // another process's to decide
  EXPECT_FALSE(elsewhere.error.has_value());
  EXPECT_EQ(exitStatusFor(std::vector<JobSnapshot>{held, lost}), 5);
}

TEST(CliAdvice, ALostRequestIsNeverAdvisedToBeResentEarlyOrWithoutThePrice) {
  const int64_t now = 1'800'000'000'000;
  JobSnapshot looking = jobIn(JobState::kUnknown);
  looking.resend_allowed_at_ms = now + 600'000;
  const std::string early = adviceFor(looking, now);
  EXPECT_TRUE(contains(early, "wait")) << early;
  EXPECT_TRUE(contains(early, localTimeText(looking.resend_allowed_at_ms))) << early;
  EXPECT_TRUE(contains(early, "you pay twice")) << early;
  EXPECT_TRUE(contains(resendWaitText(looking, now), localTimeText(looking.resend_allowed_at_ms)));
  EXPECT_TRUE(contains(resendWaitText(looking, now), "you pay twice"));
  EXPECT_EQ(resendWaitText(looking, looking.resend_allowed_at_ms), "");

  JobSnapshot not_found = jobIn(JobState::kUnknown);
  not_found.needs_decision = true;
  const std::string decide = adviceFor(not_found, now);
  EXPECT_TRUE(contains(decide, "texforge resolve tf_1 --resend")) << decide;
  EXPECT_TRUE(contains(decide, "you pay twice")) << decide;

  const std::string still_looking = adviceFor(jobIn(JobState::kUnknown), now);
  EXPECT_TRUE(contains(still_looking, "wait")) << still_looking;
  EXPECT_TRUE(contains(still_looking, "you pay twice")) << still_looking;

  const std::string identical = adviceFor(makeError(ErrorCode::kUnknownSubmission, "unresolved"));
  EXPECT_TRUE(contains(identical, "you pay twice")) << identical;

  JobSnapshot stopped = jobIn(JobState::kStopped);
  EXPECT_TRUE(contains(adviceFor(stopped, now), "texforge resume"));
}

TEST(CliHeld, AJobHeldElsewhereIsReportedAsSuchAndMarkedInTheTable) {
  JobSnapshot held = jobIn(JobState::kRunning, "tf_x");
  held.held_by = "texforge-cli, pid 4242 on ws-3, is working on it";
  EXPECT_EQ(heldLine(held), "tf_x: texforge-cli, pid 4242 on ws-3, is working on it; nothing to do here");
  EXPECT_EQ(heldLine(jobIn(JobState::kRunning)), "");
  EXPECT_EQ(adviceFor(held, 0), "");
  JobSnapshot foreign = jobIn(JobState::kStopped, "tf_y");
  foreign.held_by = "created on https://other.example/v1 with another API key";
  foreign.other_account = true;

  testing::internal::CaptureStdout();
  printJobsTable({held, foreign, jobIn(JobState::kImported, "tf_z")}, 0);
  const std::string table = testing::internal::GetCapturedStdout();
  EXPECT_TRUE(contains(table, "NOTE")) << table;
  EXPECT_TRUE(contains(table, "held elsewhere")) << table;
  EXPECT_TRUE(contains(table, "other account")) << table;
  EXPECT_TRUE(contains(table, "pid 4242 on ws-3")) << table;
}

TEST(CliTimeout, TheMessageSaysTheTimeReallyWaited) {
  JobSnapshot job = jobIn(JobState::kFailed);
  job.finished_at_ms = 1'000'000 + 31'400;
  job.error = makeError(ErrorCode::kTimeout, "the job was still running after 0 minutes");
  const JobSnapshot shown = withTimeWaited(job, 1'000'000, "--timeout 30");
  EXPECT_TRUE(contains(shown.error->message, "after 31 s (--timeout 30)")) << shown.error->message;
  EXPECT_FALSE(contains(shown.error->message, "0 minutes"));
  job.created_at_ms = 1'000'000 - 2'000;
  const JobSnapshot listed = withTimeWaited(job, job.created_at_ms, "");
  EXPECT_TRUE(contains(listed.error->message, "33 s after it was submitted")) << listed.error->message;
  // A timeout from an earlier run keeps its own words.
  EXPECT_EQ(withTimeWaited(job, 2'000'000, "--timeout 30").error->message, job.error->message);
}

TEST(CliRedaction, NothingPrintedCarriesATokenASignedQueryOrTheCredentials) {
  const Credentials credentials{"key-Aladdin", "secret-open-sesame"};
  const std::string token = basicAuthorization(credentials).substr(6);
  JobSnapshot job = jobIn(JobState::kFailed);
  job.params.prompt = "a crate like https://example.com/ref.png?v=2 key-Aladdin";
  job.error = makeError(ErrorCode::kServer, "echo: Authorization: Basic " + token +
                                                " at https://cdn.example.com/a.png?X-Amz-Signature=abc123");
  job.outputs = {outputIn(OutputState::kFailed)};
  job.outputs[0].error = makeError(ErrorCode::kNetwork, "refused secret-open-sesame");
  job.server_status = "failed Bearer eyJhbGciOiJIUzI1NiJ9.e30.x";
  const JobSnapshot shown = printable(job, credentials);
  for (const std::string& text :
       {shown.error->message, shown.outputs[0].error->message, shown.server_status}) {
    EXPECT_FALSE(contains(text, token)) << text;
    EXPECT_FALSE(contains(text, "X-Amz-Signature")) << text;
    EXPECT_FALSE(contains(text, "secret-open-sesame")) << text;
    EXPECT_FALSE(contains(text, "eyJhbGciOiJIUzI1NiJ9")) << text;
  }
  EXPECT_TRUE(contains(shown.error->message, "https://cdn.example.com/a.png?")) << shown.error->message;
  EXPECT_TRUE(contains(shown.error->message, "Authorization: Basic *** at")) << shown.error->message;
  EXPECT_EQ(shown.params.prompt, "a crate like https://example.com/ref.png?v=2 ***");
  const Error error = printable(makeError(ErrorCode::kCredentials, "rejected Basic " + token), credentials);
  EXPECT_FALSE(contains(error.message, token)) << error.message;
  EXPECT_FALSE(
      contains(printable(makeError(ErrorCode::kServer, "Basic " + token), Credentials{}).message, token));
}

TEST(CliResume, StoppedJobsAreResumedAndHeldOnesOnlyReported) {
  JobSnapshot stopped = jobIn(JobState::kStopped);
  EXPECT_EQ(resumeStepFor(stopped), ResumeStep::kResume);
  JobSnapshot timed_out = jobIn(JobState::kFailed);
  timed_out.error = makeError(ErrorCode::kTimeout, "still running");
  EXPECT_EQ(resumeStepFor(timed_out), ResumeStep::kResume);
  EXPECT_EQ(resumeStepFor(jobIn(JobState::kRunning)), ResumeStep::kWait);
  EXPECT_EQ(resumeStepFor(jobIn(JobState::kUnknown)), ResumeStep::kWait);
  JobSnapshot done = jobIn(JobState::kImported);
  done.outputs = {outputIn(OutputState::kImported)};
  EXPECT_EQ(resumeStepFor(done), ResumeStep::kSkip);
  stopped.held_by = "texforge-cli resume, pid 7 on ws-3, is working on it";
  EXPECT_EQ(resumeStepFor(stopped), ResumeStep::kHeldElsewhere);
}

// Just enough of a Generator for nothingLeftToWaitFor: jobs() and idle().
class FakeGenerator : public Generator {
 public:
  std::vector<JobSnapshot> jobs_;
  bool idle_ = false;
  Result<std::string> submit(const GenerationParams&) override { return std::string("tf_new"); }
  void quote(const GenerationParams&, std::function<void(Result<Quote>)>) override {}
  void fetchSchema(const std::string&, std::function<void(Result<ModelSchema>)>) override {}
  Status resolveUnknown(const std::string&, bool) override { return Ok{}; }
  Status recheckUnknown(const std::string&) override { return Ok{}; }
  Status resumeJob(const std::string&) override { return Ok{}; }
  void stopWaiting(const std::string&) override {}
  Status removeJob(const std::string&) override { return Ok{}; }
  std::vector<GeneratorEvent> pump() override { return {}; }
  bool waitForActivity(double) override { return false; }
  std::vector<JobSnapshot> jobs() const override { return jobs_; }
  std::optional<JobSnapshot> job(const std::string& id) const override {
    for (const auto& j : jobs_) {
      if (j.local_id == id) return j;
    }
    return std::nullopt;
  }
  bool idle() const override { return idle_; }
  Result<ImportedAsset> importOutput(const std::string&, int) override {
    return makeError(ErrorCode::kNotFound, "fake");
  }
  void importOutputAsync(const std::string&, int, std::function<void(Result<ImportedAsset>)>) override {}
  Result<DecodedImage> loadOutputImage(const std::string&, int) const override {
    return makeError(ErrorCode::kNotFound, "fake");
  }
  GeneratorStats stats() const override { return {}; }
  std::string baseUrl() const override { return "http://127.0.0.1:1/v1"; }
  std::string projectDir() const override { return "."; }
};

TEST(CliResume, WaitingEndsWhenOnlyJobsHeldElsewhereKeepTheEngineBusy) {
  FakeGenerator gen;
  JobSnapshot held = jobIn(JobState::kRunning, "tf_held");
  held.held_by = "texforge-cli generate, pid 4242 on ws-3, is working on it";
  JobSnapshot mine = jobIn(JobState::kRunning, "tf_mine");
  gen.jobs_ = {held, mine};
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 0));  // this process's job still runs
  gen.jobs_[1].state = JobState::kImported;
  EXPECT_TRUE(nothingLeftToWaitFor(gen, {}, 0));  // only the held job is busy
  gen.jobs_[1].state = JobState::kReady;
  gen.jobs_[1].outputs = {outputIn(OutputState::kReady)};
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 0));  // an import is on its way
  gen.jobs_ = {held};
  gen.jobs_[0].held_by.clear();
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 0));  // not idle, and nothing held elsewhere explains it
  gen.idle_ = true;
  EXPECT_TRUE(nothingLeftToWaitFor(gen, {}, 0));

  // A resume that was asked for but has not changed the job yet is still waited for, idle or not.
  JobSnapshot stopped = jobIn(JobState::kStopped, "tf_stopped");
  stopped.updated_at_ms = 5;
  gen.jobs_ = {stopped};
  const std::map<std::string, JobSnapshot> resumed = {{stopped.local_id, stopped}};
  EXPECT_FALSE(nothingLeftToWaitFor(gen, resumed, 0));
  gen.jobs_[0].state = JobState::kImported;
  gen.jobs_[0].updated_at_ms = 9;
  EXPECT_TRUE(nothingLeftToWaitFor(gen, resumed, 0));
}

TEST(CliResume, ALostRequestIsWaitedForUntilItsFirstSearchOfThisRunReports) {
  FakeGenerator gen;  // not idle: the engine keeps looking for the rest of the window
  JobSnapshot lost = jobIn(JobState::kUnknown, "tf_lost");
  lost.error = makeError(ErrorCode::kUnknownSubmission, "not among your recent jobs yet");
  lost.updated_at_ms = 1'000;  // journaled by an earlier run
  lost.resend_allowed_at_ms = 900'000;
  gen.jobs_ = {lost};
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 2'000));
  gen.jobs_[0].updated_at_ms = 2'500;  // this run's search reported
  EXPECT_TRUE(nothingLeftToWaitFor(gen, {}, 2'000));
  gen.jobs_[0].resend_allowed_at_ms = 0;  // just lost in this run: "looking for it", no search yet
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 2'000));
  gen.jobs_[0].resend_allowed_at_ms = 900'000;
  gen.jobs_[0].error.reset();  // looked for, nothing reported yet
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 2'000));
  gen.jobs_[0].needs_decision = true;  // the search is over: a busy engine is busy with something else
  EXPECT_FALSE(nothingLeftToWaitFor(gen, {}, 2'000));
  gen.idle_ = true;
  EXPECT_TRUE(nothingLeftToWaitFor(gen, {}, 2'000));
}

}  // namespace
}  // namespace texforge::cli
