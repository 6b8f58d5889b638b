// What the panel says and offers about a result's finishing: its seam score and alpha in words,
// "Repair seams..." (priced and confirmed like Generate), and the repair that replaces a result in
// the tiled preview.
#include <cstdio>

#include <imgui.h>

#include "panel_state.h"
#include "texforge/image_ops.h"

namespace texforge::editor {

std::string describeFinish(const OutputFinish& finish, bool* warning) {
  bool warn = false;
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : "  ") + part; };
  char number[64];
  if (finish.seam >= 0) {
    const bool seamless = finish.seam < kSeamlessScore;
    warn = warn || !seamless;
    if (finish.seam_before >= 0) {
      std::snprintf(number, sizeof number, "Seam %.1f -> %.1f", finish.seam_before, finish.seam);
    } else {
      std::snprintf(number, sizeof number, "Seam %.1f", finish.seam);
    }
    add(std::string(number) + (seamless ? ": tiles cleanly" : ": visible when tiled"));
  }
  if (finish.alpha == "model") {
    add("Alpha: from the model");
  } else if (finish.alpha == "matte") {
    add("Alpha: keyed out from the matte colour");
  } else if (finish.alpha == "border") {
    add("Alpha: the service sent opaque pixels; keyed out from the flat background");
  } else if (finish.alpha == "opaque") {
    warn = true;
    add("Not transparent: the service sent opaque pixels. Try the matte alpha method.");
  }
  if (warning) *warning = warn;
  return text;
}

Status Panel::repairSeams(const std::string& local_id, int output_index) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "no generator");
  auto request = s.generator->seamRepairRequest(local_id, output_index);
  if (!request) {
    s.setStatus("Cannot repair the seams: " + describeError(request.error()), true);
    return request.error();
  }
  s.repair_pending = *request;
  s.setStatus("Pricing the seam repair...", false);
  Panel* panel = this;
  auto on_quote = [panel, params = *request](State& state, Result<Quote> quote) {
    if (!state.repair_pending || *state.repair_pending != params) return;  // another one replaced it
    state.repair_pending.reset();
    askToSpend(*panel, state, {params}, quote ? std::optional<Quote>(*quote) : std::nullopt,
               quote ? std::string() : describeError(quote.error()), "this seam repair");
  };
  s.generator->quote(*request, whileSameGenerator(s, on_quote));
  return Ok{};
}

std::optional<std::pair<std::string, int>> Panel::repairOf(const std::string& local_id,
                                                           int output_index) const {
  const std::string key = local_id + ":" + std::to_string(output_index);
  for (const JobSnapshot& job : s_->jobs) {  // newest first
    if (job.params.repair_of != key) continue;
    for (const OutputSnapshot& o : job.outputs) {
      if (o.state == OutputState::kReady || o.state == OutputState::kImported)
        return std::make_pair(job.local_id, o.index);
    }
  }
  return std::nullopt;
}

void Panel::showRepaired(bool on) {
  s_->show_repaired = on;
}

void Panel::setPreviewView(bool tiled, bool checker) {
  s_->tiled = tiled;
  s_->checker = checker;
}

OutputRef drawFinishLine(Panel& panel, Panel::State& s, const JobSnapshot& job, int index) {
  OutputRef shown{job.local_id, index};
  const OutputSnapshot& out = job.outputs[index];
  const auto repair = panel.repairOf(job.local_id, index);
  const JobSnapshot* repair_job = repair ? s.findJob(repair->first) : nullptr;
  if (repair_job && s.show_repaired) shown = {repair->first, repair->second};
  const OutputSnapshot& described = repair_job && s.show_repaired ? repair_job->outputs[repair->second] : out;

  bool warning = false;
  const std::string text = describeFinish(described.finish, &warning);
  const bool texture = out.finish.seam >= 0 || s.tiled;  // a tileable result, or one tried as a tile
  if (text.empty() && !texture && !repair_job) return shown;
  if (!text.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    if (warning) {
      ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.4f, 1), "%s", text.c_str());
    } else {
      ImGui::TextDisabled("%s", text.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  if (repair_job) {
    if (!text.empty()) ImGui::SameLine();
    if (ImGui::RadioButton("Original", !s.show_repaired)) panel.showRepaired(false);
    ImGui::SameLine();
    if (ImGui::RadioButton("Repaired", s.show_repaired)) panel.showRepaired(true);
    return shown;
  }
  if (texture && job.params.repair_of.empty() &&
      (out.state == OutputState::kReady || out.state == OutputState::kImported)) {
    if (!text.empty()) sameLineIfFits(buttonWidth("Repair seams..."));
    if (ImGui::Button("Repair seams...")) panel.repairSeams(job.local_id, index);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip(
          "One inpainting request repaints a band over the seams (offset to the middle), priced and "
          "confirmed like Generate. Both images are kept.");
    }
  }
  return shown;
}

}  // namespace texforge::editor
