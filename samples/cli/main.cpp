// texforge: the headless command line. generate submits one request and waits for every image to
// be imported; batch does so for every row of a file; resume finishes what the journal holds; jobs
// lists the project's history. Each command ends with an Outcome; with --json, main() prints it as
// the run's one document.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_command.h"
#include "cli_jobs.h"
#include "cli_json.h"
#include "cli_report.h"
#include "texforge/generator.h"
#include "texforge/version.h"

using namespace texforge;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void onInterrupt(int) {
  g_interrupted = 1;
}

}  // namespace

// The steps every command shares (cli_command.h).
namespace texforge::cli {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The credentials this CLI would use: everything it prints is redacted with them, since a
// journal written by an older texforge may hold server text that echoed them.
static const Credentials& printCredentials() {
  static const Credentials credentials = CredentialStore{}.load();
  return credentials;
}

JobSnapshot forPrinting(const JobSnapshot& job) {
  return cli::printable(job, printCredentials());
}

// The outcome of a run that ends with error (exit status from its code unless given), said on
// stderr too: the --json document repeats it, people read it here.
cli::Outcome fail(const cli::CliArgs& args, Error error, int exit_status, std::string advice) {
  cli::Outcome out;
  out.command = cli::commandName(args.command);
  out.error = cli::printable(std::move(error), printCredentials());
  out.exit_status = exit_status >= 0 ? exit_status : cli::exitStatusFor(*out.error);
  out.advice = advice.empty() ? cli::adviceFor(*out.error) : std::move(advice);
  std::fprintf(stderr, "texforge: %s\n", out.error->message.c_str());
  if (!out.advice.empty()) std::fprintf(stderr, "texforge: %s\n", out.advice.c_str());
  return out;
}

// Ctrl-C or SIGTERM while waiting: exit 130 with the jobs as they stand; nothing at Scenario stops.
cli::Outcome interrupted(const cli::CliArgs& args, const Generator& gen, const std::vector<std::string>& ids,
                         std::string message) {
  cli::Outcome out = fail(args, makeError(ErrorCode::kStopped, std::move(message)), 130,
                          "run `texforge resume --project " + args.project_dir + "` to continue");
  for (const auto& id : ids) {
    if (auto job = gen.job(id)) out.jobs.push_back(forPrinting(*job));
  }
  return out;
}

// The option that changes a field, so a refusal says what to type.
static const char* optionFor(ParamField field) {
  switch (field) {
    case ParamField::kModel: return "--model";
    case ParamField::kPrompt: return "the prompt argument";
    case ParamField::kNumOutputs: return "--outputs";
    case ParamField::kSize: return "--size";
    case ParamField::kQuality: return "--quality";
    case ParamField::kBackground: return "--background";
    case ParamField::kReferenceImages: return "--ref";
    case ParamField::kMask: return "--mask";
    case ParamField::kUsage:  // the CLI sets neither of the host fields
    case ParamField::kHostMetadata: return "the request file";
    case ParamField::kAlpha: return "--alpha";
    case ParamField::kName: return "--name";
  }
  return "the arguments";
}

// The batch file's column that changes a field.
static const char* columnFor(ParamField field) {
  switch (field) {
    case ParamField::kModel: return "--model";
    case ParamField::kPrompt: return "column prompt";
    case ParamField::kNumOutputs: return "column outputs";
    case ParamField::kSize: return "column size";
    case ParamField::kQuality: return "column quality";
    case ParamField::kBackground: return "column background";
    case ParamField::kReferenceImages: return "column ref";
    case ParamField::kMask: return "column mask";
    case ParamField::kUsage: return "column usage";
    case ParamField::kHostMetadata: return "the batch file";
    case ParamField::kAlpha: return "column alpha or matte";
    case ParamField::kName: return "column name";
  }
  return "the row";
}

// The core's checks before anything is paid for. The first pass (no schema yet) also reads the local
// files and prints the warnings; the first blocking problem comes back with the option that fixes it
// (for a batch row, the row and its column: row is "row 3", or "" for generate).
Status checkRequest(const GenerationParams& params, const ModelSchema* schema, bool first_pass,
                    const std::string& row) {
  std::vector<ParamProblem> problems = checkParams(params, schema);
  if (first_pass) {
    auto local = checkLocalInputs(params);
    problems.insert(problems.end(), local.begin(), local.end());
  }
  for (const ParamProblem& p : problems) {
    if (!p.blocking && first_pass)
      std::fprintf(stderr, "texforge: warning: %s%s\n", row.empty() ? "" : (row + ": ").c_str(),
                   p.message.c_str());
  }
  Status first = firstBlocking(problems);
  if (first) return first;
  Error error = first.error();
  for (const ParamProblem& p : problems) {
    if (p.blocking) {
      if (row.empty()) {
        error.message += std::string(" (") + optionFor(p.field) + ")";
      } else {
        error.message = row + ", " + columnFor(p.field) + ": " + error.message;
      }
      break;
    }
  }
  return error;
}

// Pumps the engine until done() holds or the user interrupts; shows progress of the given jobs.
bool pumpUntil(Generator& gen, const std::vector<std::string>& ids, cli::ProgressPrinter& progress,
               const std::function<bool()>& done) {
  while (!done()) {
    if (g_interrupted) return false;
    gen.waitForActivity(1.0);  // news wakes it at once; the second is the progress line's clock and Ctrl-C
    gen.pump();
    for (const auto& id : ids) {
      if (auto job = gen.job(id)) progress.show(forPrinting(*job));
    }
  }
  gen.pump();
  return true;
}

// Set when the engine opens: what "the time waited" of a --timeout message counts from.
static int64_t g_waiting_since_ms = 0;

int64_t waitingSinceMs() {
  return g_waiting_since_ms;
}

constexpr int kBatchJobsInFlight = 32;

Result<std::unique_ptr<Generator>> openEngine(const cli::CliArgs& args, bool offline) {
  GeneratorOptions options;
  options.project_dir = args.project_dir;
  options.auto_import = true;
  options.decode_outputs = false;  // nothing here shows pixels: imports write the checked bytes as they came
  options.offline = offline;
  options.owner_name = std::string("texforge-cli ") + cli::commandName(args.command);
  if (args.timeout_s > 0) options.job_deadline_s = args.timeout_s;
  if (args.lost_answer_window_s >= 0) options.reconcile_window_s = args.lost_answer_window_s;
  // A batch is a pipeline's whole set: 32 at once unless told. One I/O thread carries them all, and
  // an account's plan limit answers the first POST over it with a 429 parallel-custom-jobs, which
  // charges nothing and lowers the cap to the plan's for the run; one request at a time needs 4.
  if (args.command == cli::Command::kBatch) options.max_jobs_in_flight = kBatchJobsInFlight;
  if (args.max_in_flight > 0) options.max_jobs_in_flight = args.max_in_flight;
  g_waiting_since_ms = nowMs();
  return createGenerator(std::move(options));
}

// The outcome the jobs stand for; without --json, printed as lines (unless the caller printed its own).
cli::Outcome report(const std::vector<JobSnapshot>& jobs, const cli::CliArgs& args, bool print_summary) {
  const std::string deadline =
      args.timeout_s > 0
          ? "--timeout " + std::to_string(static_cast<long>(args.timeout_s))
          : "the default deadline, " + std::to_string(static_cast<long>(GeneratorOptions{}.job_deadline_s)) +
                " s; --timeout changes it";
  std::vector<JobSnapshot> shown;
  for (const JobSnapshot& job : jobs) {
    shown.push_back(cli::withTimeWaited(forPrinting(job), g_waiting_since_ms, deadline));
  }
  if (!args.json && print_summary) cli::printSummary(shown, nowMs());
  cli::Outcome out = cli::outcomeFor(std::move(shown), nowMs());
  out.command = cli::commandName(args.command);
  return out;
}

cli::Outcome succeeded(const cli::CliArgs& args) {
  cli::Outcome out;
  out.command = cli::commandName(args.command);
  return out;
}

}  // namespace texforge::cli

namespace {

using namespace texforge::cli;

cli::Outcome runGenerate(const cli::CliArgs& args) {
  if (Status s = checkRequest(args.params, nullptr, true); !s) return fail(args, s.error());
  auto engine = openEngine(args, false);
  if (!engine) return fail(args, engine.error());
  Generator& gen = **engine;

  // The schema check also proves the credentials before anything is paid for.
  std::optional<Result<ModelSchema>> schema;
  gen.fetchSchema(args.params.model_id, [&](Result<ModelSchema> s) { schema = std::move(s); });
  cli::ProgressPrinter quiet(false);
  const std::string nothing_sent = "interrupted before anything was sent; nothing was charged";
  if (!pumpUntil(gen, {}, quiet, [&] { return schema.has_value(); }))
    return interrupted(args, gen, {}, nothing_sent);
  if (!*schema) return fail(args, schema->error());
  if (Status s = checkRequest(args.params, &schema->value(), false); !s) return fail(args, s.error());

  if (args.quote_only) {
    std::optional<Result<Quote>> quote;
    gen.quote(args.params, [&](Result<Quote> q) { quote = std::move(q); });
    if (!pumpUntil(gen, {}, quiet, [&] { return quote.has_value(); }))
      return interrupted(args, gen, {}, nothing_sent);
    if (!*quote) return fail(args, quote->error());
    if (!args.json) std::printf("%.2f creative units (nothing was charged)\n", quote->value().creative_units);
    cli::Outcome out = succeeded(args);
    out.quote = quote->value();
    return out;
  }

  auto id = gen.submit(args.params);
  if (!id) return fail(args, id.error());
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {*id}, progress, [&] {
    auto job = gen.job(*id);
    return job && !isJobActive(job->state) && cli::nothingLeftToWaitFor(gen, {}, g_waiting_since_ms);
  });
  progress.finishLine();
  std::vector<JobSnapshot> jobs = {*gen.job(*id)};
  if (!finished) {
    // Scenario never confirmed it: it may not even have been sent (waiting for a free slot).
    return interrupted(
        args, gen, {*id},
        jobs.front().job_id.empty()
            ? "stopped waiting before Scenario confirmed the request; `texforge resume` sends "
              "it if it never left, or looks for it among your jobs if it did"
            : "stopped waiting; the job goes on at Scenario and `texforge resume` collects its "
              "images");
  }
  return report(jobs, args);
}

cli::Outcome runResume(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(args, engine.error());
  Generator& gen = **engine;
  std::vector<std::string> ids;  // reported at the end, held ones included (as such)
  std::map<std::string, JobSnapshot> resumed;
  for (const auto& job : gen.jobs()) {
    switch (cli::resumeStepFor(job)) {
      case cli::ResumeStep::kSkip: continue;
      case cli::ResumeStep::kHeldElsewhere:
      case cli::ResumeStep::kWait: break;
      case cli::ResumeStep::kResume:
        if (Status s = gen.resumeJob(job.local_id); s) {
          resumed.emplace(job.local_id, job);
        } else if (auto now = gen.job(job.local_id); now && !isJobActive(now->state)) {
          // Refused and not already under way (the engine resumes some failures on its own).
          Error refusal = cli::printable(s.error(), printCredentials());
          std::fprintf(stderr, "texforge: %s: %s\n", job.local_id.c_str(), refusal.message.c_str());
        }
        break;
    }
    ids.push_back(job.local_id);
  }
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(
      gen, ids, progress, [&] { return cli::nothingLeftToWaitFor(gen, resumed, g_waiting_since_ms); });
  progress.finishLine();
  if (!finished) return interrupted(args, gen, ids, "stopped waiting; the jobs go on at Scenario");
  std::vector<JobSnapshot> jobs;
  for (const auto& id : ids) jobs.push_back(*gen.job(id));
  if (jobs.empty() && !args.json) std::fprintf(stderr, "nothing to resume in %s\n", args.project_dir.c_str());
  return report(jobs, args);
}

cli::Outcome runResolve(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(args, engine.error());
  Generator& gen = **engine;
  auto job = gen.job(args.job_id);
  if (job && !job->held_by.empty()) {
    // Read-only here: whoever holds it decides; saying so is not a failure of this command, but a
    // request whose answer was lost still is one (5).
    const std::string held = cli::heldLine(forPrinting(*job));
    cli::Outcome out = job->state == JobState::kUnknown
                           ? fail(args, makeError(ErrorCode::kUnknownSubmission, held), 5)
                           : succeeded(args);
    if (!out.error) std::fprintf(stderr, "%s\n", held.c_str());
    out.jobs = {forPrinting(*job)};
    return out;
  }
  // Let the start-up search finish first: it may find that the request did start, and a discard
  // decided meanwhile would be overwritten by its report. While a resend is not allowed yet there
  // is nothing to wait for: the engine refuses it, and says so below.
  const bool resend_allowed = !job || job->resend_allowed_at_ms <= nowMs();
  cli::ProgressPrinter quiet(false);
  if ((resend_allowed || args.resend != 1) && !pumpUntil(gen, {}, quiet, [&] {
        auto now = gen.job(args.job_id);
        return !now || now->state != JobState::kUnknown || now->needs_decision ||
               cli::nothingLeftToWaitFor(gen, {}, g_waiting_since_ms);
      })) {
    return interrupted(args, gen, {args.job_id}, "stopped waiting; nothing was resolved");
  }
  if (Status s = gen.resolveUnknown(args.job_id, args.resend == 1); !s) {
    auto now = gen.job(args.job_id);
    if (!now || now->state != JobState::kUnknown) return fail(args, s.error());
    // When it can be tried: from the job now, else as the engine opened it.
    if (now->resend_allowed_at_ms == 0 && job) now->resend_allowed_at_ms = job->resend_allowed_at_ms;
    const std::string when = args.resend == 1 ? cli::resendWaitText(*now, nowMs()) : "";
    cli::Outcome out = fail(args, s.error(), 5, when);  // still a request whose answer was lost
    out.jobs = {forPrinting(*now)};
    return out;
  }
  if (args.resend != 1) {
    std::fprintf(stderr, "discarded %s\n", args.job_id.c_str());
    cli::Outcome out = succeeded(args);
    if (auto now = gen.job(args.job_id)) out.jobs = {forPrinting(*now)};
    return out;
  }
  // The resend looks once more first; what that look reports comes after this moment.
  const int64_t resolved_at_ms = nowMs() + 1;
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {args.job_id}, progress,
                                  [&] { return cli::nothingLeftToWaitFor(gen, {}, resolved_at_ms); });
  progress.finishLine();
  if (!finished) return interrupted(args, gen, {args.job_id}, "stopped waiting; the resent request goes on");
  std::vector<JobSnapshot> jobs = {*gen.job(args.job_id)};
  return report(jobs, args);
}

cli::Outcome runJobs(const cli::CliArgs& args) {
  auto engine = openEngine(args, true);
  if (!engine) return fail(args, engine.error());
  cli::Outcome out = succeeded(args);  // listing jobs succeeds whatever became of them
  for (const JobSnapshot& job : (*engine)->jobs()) {
    out.jobs.push_back(cli::withTimeWaited(forPrinting(job), job.created_at_ms, ""));
  }
  if (!args.json) cli::printJobsTable(out.jobs, nowMs());
  return out;
}

cli::Outcome run(const cli::CliArgs& args) {
  switch (args.command) {
    case cli::Command::kHelp:
      if (!args.json) std::fputs(cli::usageText(), stdout);
      return succeeded(args);
    case cli::Command::kVersion:
      if (!args.json) std::printf("texforge %s\n", TEXFORGE_VERSION_STRING);
      return succeeded(args);
    case cli::Command::kGenerate: return runGenerate(args);
    case cli::Command::kResume: return runResume(args);
    case cli::Command::kJobs: return runJobs(args);
    case cli::Command::kResolve: return runResolve(args);
    case cli::Command::kBatch: return runBatch(args);
    case cli::Command::kRepairSeams: return runRepairSeams(args);
  }
  return succeeded(args);
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  std::vector<std::string> argv_copy(argv + 1, argv + argc);
  auto args = cli::parseArgs(argv_copy);
  cli::Outcome outcome;
  const bool json = args ? args->json : cli::wantsJson(argv_copy);
  if (args) {
    outcome = run(*args);
  } else {  // nothing was sent: 2
    outcome.command = cli::verbOf(argv_copy);
    outcome.exit_status = cli::exitStatusFor(args.error());
    outcome.error = args.error();
    outcome.advice = "run `texforge --help` for usage";
    std::fprintf(stderr, "texforge: %s\nRun `texforge --help` for usage.\n", args.error().message.c_str());
  }
  if (json) {
    std::fputs(cli::jsonDocument(outcome, nowMs()).c_str(), stdout);
    std::fflush(stdout);
  }
  return outcome.exit_status;
}
