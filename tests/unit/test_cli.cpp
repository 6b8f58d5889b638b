// The CLI without a process or a network: argument parsing, the exit statuses (2 only before
// anything is paid), the advice for lost requests, redaction of what it prints, jobs held
// elsewhere, and when `resume` may stop waiting.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_jobs.h"
#include "cli_report.h"

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
  auto fixed = parse({"generate", "x", "--project", "P", "--size", "512x256"});
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->params.width, 512);
  EXPECT_EQ(fixed->params.height, 256);
}

TEST(CliArgs, VerbNamesAndTheExitStatusesAreDocumented) {
  EXPECT_STREQ(commandName(Command::kGenerate), "generate");
  EXPECT_STREQ(commandName(Command::kResume), "resume");
  EXPECT_STREQ(commandName(Command::kResolve), "resolve");
  const std::string usage = usageText();
  for (const char* line : {"  0  ", "  1  ", "  2  ", "  3  ", "  4  ", "  5  "}) {
    EXPECT_TRUE(contains(usage, line)) << line;
  }
  EXPECT_TRUE(contains(usage, "before anything was paid"));
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
