// Builds the --json document (schema texforge-cli/1) from a run's Outcome. Field names here are
// the contract docs/cli-json.md describes: add freely, rename or remove only with a new schema.
#include "cli_json.h"

#include <nlohmann/json.hpp>

#include "cli_args.h"
#include "texforge/version.h"

namespace texforge::cli {
namespace {

using Json = nlohmann::ordered_json;  // schema and version first, as documented

Json errorJson(const std::optional<Error>& e, const std::string& advice) {
  if (!e) return nullptr;
  return {{"code", errorCodeName(e->code)},
          {"http_status", e->http_status},
          {"message", e->message},
          {"advice", advice}};
}

Json jobJson(const JobSnapshot& job, int64_t now_ms) {
  const std::string advice = adviceFor(job, now_ms);
  Json outputs = Json::array();
  for (const auto& o : job.outputs) {
    outputs.push_back(
        {{"index", o.index},
         {"asset_id", o.asset_id},
         {"state", outputStateName(o.state)},
         {"path", o.imported_path},
         {"sidecar", o.imported_path.empty() ? "" : o.imported_path + ".texforge.json"},
         {"width", o.width},
         {"height", o.height},
         {"format", o.format == ImageFormat::kUnknown ? "" : imageFormatName(o.format)},
         {"seam_score", o.finish.seam >= 0 ? Json(o.finish.seam) : Json(nullptr)},
         {"seam_score_before", o.finish.seam_before >= 0 ? Json(o.finish.seam_before) : Json(nullptr)},
         {"alpha", o.finish.alpha},
         {"error", errorJson(o.error, advice)}});
  }
  return {{"local_id", job.local_id},
          {"job_id", job.job_id},
          {"state", jobStateName(job.state)},
          {"status", job.server_status},
          {"prompt", job.params.prompt},
          {"model", job.params.model_id},
          {"num_outputs", job.params.num_outputs},
          {"cost", job.cost},
          {"created_at_ms", job.created_at_ms},
          {"held_by", job.held_by},
          {"other_account", job.other_account},
          {"needs_decision", job.needs_decision},
          {"resend_allowed_at_ms", job.resend_allowed_at_ms},
          {"error", errorJson(job.error, advice)},
          {"advice", advice},
          {"outputs", outputs}};
}

bool reportsJobs(const std::string& command) {
  for (Command c : {Command::kGenerate, Command::kResume, Command::kJobs, Command::kResolve, Command::kBatch,
                    Command::kRepairSeams}) {
    if (command == commandName(c)) return true;
  }
  return false;
}

}  // namespace

std::string jsonDocument(const Outcome& outcome, int64_t now_ms) {
  Json doc = {{"schema", kJsonSchema},
              {"version", TEXFORGE_VERSION_STRING},
              {"command", outcome.command},
              {"ok", outcome.exit_status == 0},
              {"exit_status", outcome.exit_status},
              {"error", errorJson(outcome.error, outcome.advice)}};
  if (reportsJobs(outcome.command)) {
    doc["jobs"] = Json::array();
    for (const auto& job : outcome.jobs) doc["jobs"].push_back(jobJson(job, now_ms));
  }
  if (outcome.quote) {
    doc["quote"] = {{"creative_units", outcome.quote->creative_units}, {"discount", outcome.quote->discount}};
    // The names of texforge 0.1's quote document, which pipelines read: kept until texforge-cli/2.
    doc["creativeUnitsCost"] = outcome.quote->creative_units;
    doc["creativeUnitsDiscount"] = outcome.quote->discount;
  }
  if (outcome.command == commandName(Command::kHelp)) doc["usage"] = usageText();
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace texforge::cli
