// texforge: the headless command line. generate submits one request and waits for every image to
// be imported; resume finishes what the journal holds; jobs lists the project's history.
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_jobs.h"
#include "cli_report.h"
#include "texforge/generator.h"

using namespace texforge;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void onInterrupt(int) {
  g_interrupted = 1;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The credentials this CLI would use: everything it prints is redacted with them, since a
// journal written by an older texforge may hold server text that echoed them.
const Credentials& printCredentials() {
  static const Credentials credentials = CredentialStore{}.load();
  return credentials;
}

JobSnapshot forPrinting(const JobSnapshot& job) {
  return cli::printable(job, printCredentials());
}

int fail(Error error, bool json) {
  error = cli::printable(std::move(error), printCredentials());
  if (json) {
    std::printf("{\"ok\": false, \"error\": {\"code\": \"%s\", \"http_status\": %d}}\n",
                errorCodeName(error.code), error.http_status);
  }
  std::fprintf(stderr, "texforge: %s\n", error.message.c_str());
  if (std::string advice = cli::adviceFor(error); !advice.empty())
    std::fprintf(stderr, "texforge: %s\n", advice.c_str());
  return cli::exitStatusFor(error);
}

// The option that changes a field, so a refusal says what to type.
const char* optionFor(ParamField field) {
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
  }
  return "the arguments";
}

// The core's checks before anything is paid for. The first pass (no schema yet) also reads the local
// files and prints the warnings; the first blocking problem comes back with the option that fixes it.
Status checkRequest(const GenerationParams& params, const ModelSchema* schema, bool first_pass) {
  std::vector<ParamProblem> problems = checkParams(params, schema);
  if (first_pass) {
    auto local = checkLocalInputs(params);
    problems.insert(problems.end(), local.begin(), local.end());
  }
  for (const ParamProblem& p : problems) {
    if (!p.blocking && first_pass) std::fprintf(stderr, "texforge: warning: %s\n", p.message.c_str());
  }
  Status first = firstBlocking(problems);
  if (first) return first;
  Error error = first.error();
  for (const ParamProblem& p : problems) {
    if (p.blocking) {
      error.message += std::string(" (") + optionFor(p.field) + ")";
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
    gen.waitForActivity(0.25);
    gen.pump();
    for (const auto& id : ids) {
      if (auto job = gen.job(id)) progress.show(forPrinting(*job));
    }
  }
  gen.pump();
  return true;
}

// Set when the engine opens: what "the time waited" of a --timeout message counts from.
int64_t g_waiting_since_ms = 0;

Result<std::unique_ptr<Generator>> openEngine(const cli::CliArgs& args, bool offline) {
  GeneratorOptions options;
  options.project_dir = args.project_dir;
  options.auto_import = true;
  options.offline = offline;
  options.owner_name = std::string("texforge-cli ") + cli::commandName(args.command);
  if (args.timeout_s > 0) options.job_deadline_s = args.timeout_s;
  if (args.lost_answer_window_s >= 0) options.reconcile_window_s = args.lost_answer_window_s;
  g_waiting_since_ms = nowMs();
  return createGenerator(std::move(options));
}

// Prints the jobs' outcome (as JSON or as lines) and returns the exit status it stands for.
int report(const std::vector<JobSnapshot>& jobs, const cli::CliArgs& args) {
  const std::string deadline =
      args.timeout_s > 0
          ? "--timeout " + std::to_string(static_cast<long>(args.timeout_s))
          : "the default deadline, " + std::to_string(static_cast<long>(GeneratorOptions{}.job_deadline_s)) +
                " s; --timeout changes it";
  std::vector<JobSnapshot> shown;
  for (const JobSnapshot& job : jobs) {
    shown.push_back(cli::withTimeWaited(forPrinting(job), g_waiting_since_ms, deadline));
  }
  const int status = cli::exitStatusFor(shown);
  if (args.json) {
    cli::printJson(shown, status == 0);
  } else {
    cli::printSummary(shown, nowMs());
  }
  return status;
}

int runGenerate(const cli::CliArgs& args) {
  if (Status s = checkRequest(args.params, nullptr, true); !s) return fail(s.error(), args.json);
  auto engine = openEngine(args, false);
  if (!engine) return fail(engine.error(), args.json);
  Generator& gen = **engine;

  // The schema check also proves the credentials before anything is paid for.
  std::optional<Result<ModelSchema>> schema;
  gen.fetchSchema(args.params.model_id, [&](Result<ModelSchema> s) { schema = std::move(s); });
  cli::ProgressPrinter quiet(false);
  if (!pumpUntil(gen, {}, quiet, [&] { return schema.has_value(); })) return 130;
  if (!*schema) return fail(schema->error(), args.json);
  if (Status s = checkRequest(args.params, &schema->value(), false); !s) return fail(s.error(), args.json);

  if (args.quote_only) {
    std::optional<Result<Quote>> quote;
    gen.quote(args.params, [&](Result<Quote> q) { quote = std::move(q); });
    if (!pumpUntil(gen, {}, quiet, [&] { return quote.has_value(); })) return 130;
    if (!*quote) return fail(quote->error(), args.json);
    if (args.json) {
      std::printf("{\"ok\": true, \"creativeUnitsCost\": %.4f, \"creativeUnitsDiscount\": %.4f}\n",
                  quote->value().creative_units, quote->value().discount);
    } else {
      std::printf("%.2f creative units (nothing was charged)\n", quote->value().creative_units);
    }
    return 0;
  }

  auto id = gen.submit(args.params);
  if (!id) return fail(id.error(), args.json);
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {*id}, progress, [&] {
    auto job = gen.job(*id);
    return job && !isJobActive(job->state) && cli::nothingLeftToWaitFor(gen, {}, g_waiting_since_ms);
  });
  progress.finishLine();
  std::vector<JobSnapshot> jobs = {*gen.job(*id)};
  if (!finished) {
    if (jobs.front().job_id.empty()) {
      // Scenario never confirmed it: it may not even have been sent (waiting for a free slot).
      std::fprintf(stderr,
                   "texforge: stopped waiting before Scenario confirmed the request; `texforge resume "
                   "--project %s` sends it if it never left, or looks for it among your jobs if it did.\n",
                   args.project_dir.c_str());
    } else {
      std::fprintf(
          stderr,
          "texforge: stopped waiting. The job goes on at Scenario; run `texforge resume --project %s` "
          "to collect its images.\n",
          args.project_dir.c_str());
    }
    return 130;
  }
  return report(jobs, args);
}

int runResume(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(engine.error(), args.json);
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
  if (!finished) return 130;
  std::vector<JobSnapshot> jobs;
  for (const auto& id : ids) jobs.push_back(*gen.job(id));
  if (jobs.empty() && !args.json) std::fprintf(stderr, "nothing to resume in %s\n", args.project_dir.c_str());
  return report(jobs, args);
}

int runResolve(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(engine.error(), args.json);
  Generator& gen = **engine;
  auto job = gen.job(args.job_id);
  if (job && !job->held_by.empty()) {
    // Read-only here: whoever holds it decides; saying so is not a failure of this command.
    std::fprintf(stderr, "%s\n", cli::heldLine(forPrinting(*job)).c_str());
    return job->state == JobState::kUnknown ? 5 : 0;
  }
  // Let the start-up search finish first: it may find that the request did start. While a resend
  // is not allowed yet there is nothing to wait for: the engine refuses it, and says so below.
  const bool resend_allowed = !job || job->resend_allowed_at_ms <= nowMs();
  cli::ProgressPrinter quiet(false);
  if (resend_allowed && !pumpUntil(gen, {}, quiet, [&] {
        auto now = gen.job(args.job_id);
        return !now || now->state != JobState::kUnknown || now->needs_decision ||
               cli::nothingLeftToWaitFor(gen, {}, g_waiting_since_ms);
      })) {
    return 130;
  }
  if (Status s = gen.resolveUnknown(args.job_id, args.resend == 1); !s) {
    auto now = gen.job(args.job_id);
    if (!now || now->state != JobState::kUnknown) return fail(s.error(), args.json);
    fail(s.error(), args.json);
    // When it can be tried: from the job now, else as the engine opened it.
    if (now->resend_allowed_at_ms == 0 && job) now->resend_allowed_at_ms = job->resend_allowed_at_ms;
    if (std::string when = cli::resendWaitText(*now, nowMs()); !when.empty() && args.resend == 1)
      std::fprintf(stderr, "texforge: %s\n", when.c_str());
    return 5;  // still a request whose answer was lost
  }
  if (args.resend != 1) {
    std::fprintf(stderr, "discarded %s\n", args.job_id.c_str());
    return 0;
  }
  // The resend looks once more first; what that look reports comes after this moment.
  const int64_t resolved_at_ms = nowMs() + 1;
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {args.job_id}, progress,
                                  [&] { return cli::nothingLeftToWaitFor(gen, {}, resolved_at_ms); });
  progress.finishLine();
  if (!finished) return 130;
  std::vector<JobSnapshot> jobs = {*gen.job(args.job_id)};
  return report(jobs, args);
}

int runJobs(const cli::CliArgs& args) {
  auto engine = openEngine(args, true);
  if (!engine) return fail(engine.error(), args.json);
  std::vector<JobSnapshot> jobs;
  for (const JobSnapshot& job : (*engine)->jobs()) {
    jobs.push_back(cli::withTimeWaited(forPrinting(job), job.created_at_ms, ""));
  }
  if (args.json)
    cli::printJson(jobs, true);
  else
    cli::printJobsTable(jobs, nowMs());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGINT, onInterrupt);
  std::signal(SIGTERM, onInterrupt);
  std::vector<std::string> argv_copy(argv + 1, argv + argc);
  auto args = cli::parseArgs(argv_copy);
  if (!args) {
    std::fprintf(stderr, "texforge: %s\n", args.error().message.c_str());
    return 2;  // nothing was sent
  }
  switch (args->command) {
    case cli::Command::kHelp: std::fputs(cli::usageText(), stdout); return 0;
    case cli::Command::kVersion: std::printf("texforge 0.1.0\n"); return 0;
    case cli::Command::kGenerate: return runGenerate(*args);
    case cli::Command::kResume: return runResume(*args);
    case cli::Command::kJobs: return runJobs(*args);
    case cli::Command::kResolve: return runResolve(*args);
  }
  return 2;
}
