// `texforge repair-seams ID[:N]`: one inpainting request over the seams of a texture the project
// already has, priced and confirmed like a batch, then waited for and imported; the scores before
// and after are printed, and both images stay.
#include <cstdio>
#include <optional>

#include "cli_command.h"
#include "cli_jobs.h"
#include "texforge/image_ops.h"

namespace texforge::cli {

Outcome runRepairSeams(const CliArgs& args) {
  auto engine = openEngine(args, false);
  if (!engine) return fail(args, engine.error());
  Generator& gen = **engine;
  const std::string image = args.job_id + " image " + std::to_string(args.output_index + 1);
  auto request = gen.seamRepairRequest(args.job_id, args.output_index);
  if (!request) {
    Error e = request.error();
    e.message = "cannot repair the seams of " + image + ": " + e.message;
    const bool unknown = e.code == ErrorCode::kNotFound;  // refused before anything was paid
    return fail(args, std::move(e), unknown ? 2 : -1,
                unknown ? "`texforge jobs --project " + args.project_dir + "` lists the jobs and their images"
                        : std::string());
  }
  if (Status s = checkRequest(*request, nullptr, true); !s) return fail(args, s.error());

  std::optional<Result<Quote>> quote;
  gen.quote(*request, [&](Result<Quote> q) { quote = std::move(q); });
  ProgressPrinter quiet(false);
  if (!pumpUntil(gen, {}, quiet, [&] { return quote.has_value(); }))
    return interrupted(args, gen, {}, "interrupted while pricing the repair; nothing was charged");
  if (!*quote) return fail(args, quote->error());
  const double price = quote->value().creative_units;
  const auto source = gen.job(args.job_id);
  const double before = source ? source->outputs[args.output_index].finish.seam : -1;
  if (!args.json) {
    std::printf("seam repair of %s: %.2f creative units", image.c_str(), price);
    if (before >= 0) std::printf(" (seam score now %.2f)", before);
    std::printf("\n");
    std::fflush(stdout);
  }
  if (args.quote_only) {
    Outcome out = succeeded(args);
    out.quote = quote->value();
    return out;
  }
  if (auto declined = confirmSpending(args, price, 1, "seam repair")) return *declined;

  auto id = gen.submit(*request);
  if (!id) return fail(args, id.error());
  ProgressPrinter progress(true);
  const bool finished = pumpUntil(gen, {*id}, progress, [&] {
    auto job = gen.job(*id);
    return job && !isJobActive(job->state) && nothingLeftToWaitFor(gen, {}, waitingSinceMs());
  });
  progress.finishLine();
  if (!finished) {
    return interrupted(args, gen, {*id},
                       "stopped waiting; the repair goes on at Scenario and `texforge resume` collects it");
  }
  const JobSnapshot job = *gen.job(*id);
  if (!args.json && !job.outputs.empty() && job.outputs[0].finish.seam >= 0) {
    std::printf(
        "seam score %.2f -> %.2f%s\n", job.outputs[0].finish.seam_before, job.outputs[0].finish.seam,
        job.outputs[0].finish.seam < kSeamlessScore ? " (tiles cleanly)" : " (still visible: try again)");
  }
  return report({job}, args);
}

}  // namespace texforge::cli
