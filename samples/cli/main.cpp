// texforge: the headless command line. generate submits one request and waits for every image to
// be imported; resume finishes what the journal holds; jobs lists the project's history.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_report.h"
#include "texforge/generator.h"

using namespace texforge;

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void onInterrupt(int) {
  g_interrupted = 1;
}

int fail(const Error& error, bool json) {
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
      if (auto job = gen.job(id)) progress.show(*job);
    }
  }
  gen.pump();
  return true;
}

Result<std::unique_ptr<Generator>> openEngine(const cli::CliArgs& args, bool offline) {
  GeneratorOptions options;
  options.project_dir = args.project_dir;
  options.auto_import = true;
  options.offline = offline;
  if (args.timeout_s > 0) options.job_deadline_s = args.timeout_s;
  return createGenerator(std::move(options));
}

// Prints the jobs' outcome (as JSON or as lines) and returns the exit status it stands for.
int report(const std::vector<JobSnapshot>& jobs, bool json) {
  const int status = cli::exitStatusFor(jobs);
  if (json) {
    cli::printJson(jobs, status == 0);
  } else {
    cli::printSummary(jobs);
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
    return job && !isJobActive(job->state) && gen.idle();
  });
  progress.finishLine();
  std::vector<JobSnapshot> jobs = {*gen.job(*id)};
  if (!finished) {
    std::fprintf(stderr,
                 "texforge: stopped waiting. The job goes on at Scenario; run `texforge resume --project %s` "
                 "to collect its images.\n",
                 args.project_dir.c_str());
    return 130;
  }
  return report(jobs, args.json);
}

int runResume(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(engine.error(), args.json);
  Generator& gen = **engine;
  std::vector<std::string> ids;
  for (const auto& job : gen.jobs()) {
    const bool unimported = std::any_of(job.outputs.begin(), job.outputs.end(), [](const OutputSnapshot& o) {
      return o.state != OutputState::kImported;
    });
    if (isJobActive(job.state) || job.state == JobState::kReady || job.state == JobState::kUnknown ||
        (job.state == JobState::kFailed && unimported)) {
      ids.push_back(job.local_id);
    }
  }
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, ids, progress, [&] { return gen.idle(); });
  progress.finishLine();
  if (!finished) return 130;
  std::vector<JobSnapshot> jobs;
  for (const auto& id : ids) jobs.push_back(*gen.job(id));
  if (jobs.empty() && !args.json) std::fprintf(stderr, "nothing to resume in %s\n", args.project_dir.c_str());
  return report(jobs, args.json);
}

int runResolve(const cli::CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(engine.error(), args.json);
  Generator& gen = **engine;
  // Let the start-up reconciliation finish first: it may find that the request did start.
  cli::ProgressPrinter quiet(false);
  if (!pumpUntil(gen, {}, quiet, [&] { return gen.idle(); })) return 130;
  if (Status s = gen.resolveUnknown(args.job_id, args.resend == 1); !s) return fail(s.error(), args.json);
  if (args.resend != 1) {
    std::fprintf(stderr, "discarded %s\n", args.job_id.c_str());
    return 0;
  }
  cli::ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {args.job_id}, progress, [&] { return gen.idle(); });
  progress.finishLine();
  if (!finished) return 130;
  std::vector<JobSnapshot> jobs = {*gen.job(args.job_id)};
  return report(jobs, args.json);
}

int runJobs(const cli::CliArgs& args) {
  auto engine = openEngine(args, true);
  if (!engine) return fail(engine.error(), args.json);
  auto jobs = (*engine)->jobs();
  if (args.json)
    cli::printJson(jobs, true);
  else
    cli::printJobsTable(jobs);
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
    return 2;
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
