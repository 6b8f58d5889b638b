// History: every generation in the project's journal, searchable by prompt, with the same actions
// as the gallery; a sidecar path rebuilds the form from an imported asset.
#include <ctime>

#include <imgui.h>

#include "imgui_compat.h"
#include "panel_state.h"
#include "texforge/asset_importer.h"
#include "texforge/editor/imgui_texture.h"

namespace texforge::editor {
namespace {

std::string formatDate(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  return buf;
}

void drawSmallThumb(Panel::State& s, const JobSnapshot& job, int index, float size) {
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + size, pos.y + size);
  drawCheckerboard(pos, end, 6.0f);
  const OutputSnapshot& out = job.outputs[index];
  if (out.state == OutputState::kReady || out.state == OutputState::kImported) {
    TextureView view = outputTexture(s, job, index, true);
    if (view.state == TextureState::kReady && view.width > 0) {
      const float scale = size / static_cast<float>(std::max(view.width, view.height));
      const float w = view.width * scale, h = view.height * scale;
      ImGui::GetWindowDrawList()->AddImage(toImTextureId(view.handle),
                                           ImVec2(pos.x + (size - w) / 2, pos.y + (size - h) / 2),
                                           ImVec2(pos.x + (size + w) / 2, pos.y + (size + h) / 2));
    }
  }
  ImGui::Dummy(ImVec2(size, size));
}

}  // namespace

void drawHistory(Panel& panel, Panel::State& s) {
  ImGui::SetNextItemWidth(320);
  inputTextWithHint("##search", "Search prompts...", &s.history_filter);
  ImGui::SameLine();
  const std::vector<std::string> matches = panel.historyMatches();
  ImGui::TextDisabled("%zu of %zu generations", matches.size(), s.jobs.size());

  if (!matches.empty() && !s.history_selected.valid()) s.history_selected = OutputRef{matches.front(), 0};
  const float list_width = ImGui::GetContentRegionAvail().x * 0.52f;
  ImGui::BeginChild("history_list", ImVec2(list_width, 0), true);
  if (ImGui::BeginTable("history", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 52);
    ImGui::TableSetupColumn("Prompt", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn("When", ImGuiTableColumnFlags_WidthFixed, 120);
    ImGui::TableSetupColumn("State", ImGuiTableColumnFlags_WidthFixed, 80);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(matches.size()), 54.0f);
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const JobSnapshot* job = s.findJob(matches[row]);
        if (!job) continue;
        ImGui::PushID(job->local_id.c_str());
        ImGui::TableNextRow(ImGuiTableRowFlags_None, 54.0f);
        ImGui::TableNextColumn();
        if (!job->outputs.empty()) {
          drawSmallThumb(s, *job, 0, 48.0f);
        } else {
          ImGui::Dummy(ImVec2(48, 48));
        }
        ImGui::TableNextColumn();
        const bool selected = s.history_selected.local_id == job->local_id;
        if (ImGui::Selectable(job->params.prompt.c_str(), selected, ImGuiSelectableFlags_SpanAllColumns,
                              ImVec2(0, 48))) {
          s.history_selected = OutputRef{job->local_id, 0};
        }
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", formatDate(job->created_at_ms).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(jobStateName(job->state));
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  ImGui::EndChild();
  ImGui::SameLine();

  ImGui::BeginChild("history_detail", ImVec2(0, 0), true);
  const JobSnapshot* job = s.history_selected.valid() ? s.findJob(s.history_selected.local_id) : nullptr;
  if (!job) {
    ImGui::TextDisabled("Select a generation to see its results.");
  } else {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextUnformatted(job->params.prompt.c_str());
    ImGui::PopTextWrapPos();
    ImGui::PushTextWrapPos(0.0f);  // the details wrap rather than run under the pane's edge
    ImGui::TextDisabled(
        "%s  |  %d outputs  |  %s  |  %s, %s, %s", formatDate(job->created_at_ms).c_str(),
        job->params.num_outputs,
        job->params.width
            ? (std::to_string(job->params.width) + "x" + std::to_string(job->params.height)).c_str()
            : "auto size",
        job->params.quality.c_str(), job->params.background.c_str(), formatCost(job->cost).c_str());
    ImGui::PopTextWrapPos();
    if (const std::string problem = describeJobProblem(*job); !problem.empty()) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(ImVec4(1, 0.45f, 0.42f, 1), "%s", problem.c_str());
      ImGui::PopTextWrapPos();
    }
    drawJobActions(panel, *job);
    for (size_t i = 0; i < job->outputs.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      if (i > 0) ImGui::SameLine();
      ImGui::BeginGroup();
      drawSmallThumb(s, *job, static_cast<int>(i), 72.0f);
      if (ImGui::IsItemClicked()) s.history_selected.index = static_cast<int>(i);
      // The same orange frame as the gallery says which result the preview below shows.
      const bool shown = s.history_selected.index == static_cast<int>(i);
      compat::addRectOutline(ImGui::GetWindowDrawList(), ImGui::GetItemRectMin(), ImGui::GetItemRectMax(),
                             shown ? IM_COL32(238, 140, 56, 255) : IM_COL32(70, 72, 78, 255), 3,
                             shown ? 2.5f : 1.0f);
      ImGui::EndGroup();
      ImGui::PopID();
    }
    drawPreview(panel, s, s.history_selected, ImGui::GetContentRegionAvail().y);
  }
  ImGui::EndChild();
}

}  // namespace texforge::editor
