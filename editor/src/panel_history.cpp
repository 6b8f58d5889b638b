// History: every generation in the project's journal, searchable by prompt, with the same actions
// as the gallery; a sidecar path rebuilds the form from an imported asset.
#include <algorithm>
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

// The longest start of text, cut at a character boundary, that fits width with "..." after it.
std::string ellipsize(const std::string& text, float width) {
  const std::string line = text.substr(0, text.find('\n'));
  if (line.size() == text.size() && ImGui::CalcTextSize(text.c_str()).x <= width) return text;
  const float room = width - ImGui::CalcTextSize("...").x;
  size_t lo = 0, hi = line.size();  // lo fits; find the largest that does
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > lo && (static_cast<unsigned char>(line[mid]) & 0xC0) == 0x80) --mid;  // UTF-8 lead byte
    if (mid == lo) break;
    if (ImGui::CalcTextSize(line.c_str(), line.c_str() + mid).x <= room) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return line.substr(0, lo) + "...";
}

// One row of the list: the prompt on one line (cut with "..."), when and how it went below it; the
// whole prompt and any problem in a tooltip. Returns true when clicked; the first row notes where its
// prompt went.
bool historyRow(Panel::State& s, const JobSnapshot& job, bool selected, float height, bool first) {
  const ImVec2 min = ImGui::GetCursorScreenPos();  // the column's, not the row's
  const float width = ImGui::GetContentRegionAvail().x;
  const bool clicked =
      ImGui::Selectable("##row", selected, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, height));
  if (first) noteLayout(s, "history.prompt", min, ImVec2(min.x + width, min.y + height));
  const float line = ImGui::GetTextLineHeightWithSpacing();
  const float top = min.y + std::max(0.0f, (height - line - ImGui::GetTextLineHeight()) * 0.5f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const std::string prompt = job.params.prompt.empty() ? "(no prompt)" : job.params.prompt;
  draw->AddText(ImVec2(min.x, top), ImGui::GetColorU32(ImGuiCol_Text), ellipsize(prompt, width).c_str());
  const bool failed = job.state == JobState::kFailed || job.state == JobState::kUnknown;
  const std::string when = formatDate(job.created_at_ms) + "  " + jobStateName(job.state);
  draw->AddText(ImVec2(min.x, top + line),
                failed ? IM_COL32(255, 120, 110, 255) : ImGui::GetColorU32(ImGuiCol_TextDisabled),
                ellipsize(when, width).c_str());
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(prompt.c_str());
    if (const std::string problem = describeJobProblem(job); !problem.empty()) {
      ImGui::TextColored(ImVec4(1, 0.45f, 0.42f, 1), "%s", problem.c_str());
    }
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  return clicked;
}

}  // namespace

namespace {

// "Delete...", for a finished job this panel may decide about, and the dialog that asks first.
// Copies what it needs: the job may be gone after the answer.
void drawDeleteJob(Panel& panel, const JobSnapshot& job) {
  if (isJobActive(job.state) || job.state == JobState::kUnknown || !job.held_by.empty()) return;
  if (ImGui::SmallButton("Delete...")) ImGui::OpenPopup("Delete from history");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("Deletes this generation from the history; imported assets stay.");
  if (!ImGui::BeginPopupModal("Delete from history", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
  ImGui::TextUnformatted(
      "This generation leaves the project's history and texforge's cache, for every program on the "
      "project. Images you imported stay in the project.");
  ImGui::PopTextWrapPos();
  const std::string local_id = job.local_id;
  const bool enter = compat::keyPressed(ImGuiKey_Enter) || compat::keyPressed(compat::kKeypadEnter);
  if (ImGui::Button("Delete") || enter) {
    ImGui::CloseCurrentPopup();
    panel.deleteJob(local_id);
  }
  ImGui::SameLine();
  if ((ImGui::Button("Cancel") || compat::keyPressed(ImGuiKey_Escape)) && !enter) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

}  // namespace

void drawHistory(Panel& panel, Panel::State& s) {
  const float scale = uiScale(s);
  const float em = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(std::min(320 * scale, ImGui::GetContentRegionAvail().x * 0.5f));
  inputTextWithHint("##search", "Search prompts...", &s.history_filter);
  ImGui::SameLine();
  const std::vector<std::string> matches = panel.historyMatches();
  ImGui::TextDisabled("%zu of %zu generations", matches.size(), s.jobs.size());

  if (!matches.empty() && !s.history_selected.valid()) s.history_selected = OutputRef{matches.front(), 0};
  // The list keeps room for a readable prompt (about 16 characters' width) and the details pane for
  // its buttons; when both do not fit the list gives way first.
  const float avail = ImGui::GetContentRegionAvail().x;
  const float list_width =
      std::max(std::min(avail * 0.52f, avail - 14 * em), std::min(16 * em, avail * 0.6f));
  const float thumb = 48 * scale;
  const float row_content =
      std::max(thumb, ImGui::GetTextLineHeightWithSpacing() + ImGui::GetTextLineHeight());
  const float row_height = row_content + ImGui::GetStyle().CellPadding.y * 2;
  ImGui::BeginChild("history_list", ImVec2(list_width, 0), true);
  if (ImGui::BeginTable("history", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, thumb);
    ImGui::TableSetupColumn("Prompt", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(matches.size()), row_height);
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const JobSnapshot* job = s.findJob(matches[row]);
        if (!job) continue;
        ImGui::PushID(job->local_id.c_str());
        ImGui::TableNextRow(ImGuiTableRowFlags_None, row_height);
        ImGui::TableNextColumn();
        if (!job->outputs.empty()) {
          drawSmallThumb(s, *job, 0, thumb);
        } else {
          ImGui::Dummy(ImVec2(thumb, thumb));
        }
        ImGui::TableNextColumn();
        const bool selected = s.history_selected.local_id == job->local_id;
        if (historyRow(s, *job, selected, row_content, row == 0))
          s.history_selected = OutputRef{job->local_id, 0};
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
    drawDeleteJob(panel, *job);
    const float result_thumb = 72 * scale;
    for (size_t i = 0; i < job->outputs.size(); ++i) {
      ImGui::PushID(static_cast<int>(i));
      // The results wrap into rows rather than run past the pane's edge.
      if (i > 0) sameLineIfFits(result_thumb);
      ImGui::BeginGroup();
      drawSmallThumb(s, *job, static_cast<int>(i), result_thumb);
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
