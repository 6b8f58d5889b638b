// The results gallery: thumbnails as outputs arrive, Import all, and the large preview with zoom,
// pan, checkerboard behind transparency, a tiled 3x3 view, the real pixel size and per-result actions.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include <imgui.h>

#include "imgui_compat.h"
#include "panel_state.h"
#include "texforge/editor/imgui_texture.h"

namespace texforge::editor {
namespace {

// The thumbnail's side at the host's content scale.
float thumbSize(const Panel::State& s) {
  return 112.0f * uiScale(s);
}

// Width of the preview's view options (Fit, 1:1, Tile 3x3, Checker) with the separator before them.
float viewOptionsWidth() {
  const ImGuiStyle& style = ImGui::GetStyle();
  auto checkbox = [&](const char* label) {
    return ImGui::GetFrameHeight() + style.ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
  };
  return ImGui::CalcTextSize("|").x + buttonWidth("Fit") + buttonWidth("1:1") + checkbox("Tile 3x3") +
         checkbox("Checker") + style.ItemSpacing.x * 5;
}

void drawThumbnail(Panel& panel, Panel::State& s, const JobSnapshot& job, int index) {
  const OutputSnapshot& out = job.outputs[index];
  const float thumb = thumbSize(s);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + thumb, pos.y + thumb);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  drawCheckerboard(pos, end, 8.0f);
  TextureView view = outputTexture(s, job, index, true);
  if (view.state == TextureState::kReady && view.width > 0) {
    const float scale = thumb / static_cast<float>(std::max(view.width, view.height));
    const float w = view.width * scale, h = view.height * scale;
    draw->AddImage(toImTextureId(view.handle), ImVec2(pos.x + (thumb - w) / 2, pos.y + (thumb - h) / 2),
                   ImVec2(pos.x + (thumb + w) / 2, pos.y + (thumb + h) / 2));
  } else {
    draw->AddRectFilled(pos, end, IM_COL32(30, 31, 35, 220));
    const char* text = out.state == OutputState::kFailed ? "failed"
                       : isJobActive(job.state)          ? "generating"
                                                         : "loading";
    draw->AddText(
        ImVec2(pos.x + 10, pos.y + (thumb - ImGui::GetTextLineHeight()) / 2),
        out.state == OutputState::kFailed ? IM_COL32(255, 120, 110, 255) : IM_COL32(200, 200, 205, 255),
        text);
  }
  const bool selected = s.selected.local_id == job.local_id && s.selected.index == index;
  const bool importing = s.isImporting(job.local_id, index);
  if (importing) {
    // A strip along the bottom: the picture stays visible while its file is being written.
    const float strip = ImGui::GetTextLineHeight() + 6;
    draw->AddRectFilled(ImVec2(pos.x + 1, end.y - strip), ImVec2(end.x - 1, end.y - 1),
                        IM_COL32(20, 20, 24, 210), 3, ImDrawFlags_RoundCornersBottom);
    draw->AddText(ImVec2(pos.x + 8, end.y - strip + 3), IM_COL32(238, 170, 100, 255), "importing...");
  } else if (out.state == OutputState::kImported) {
    // A drawn check mark: the fonts a host loads need not have a check glyph.
    const float k = uiScale(s);
    const ImVec2 c(end.x - 14 * k, pos.y + 14 * k);
    draw->AddCircleFilled(c, 9.0f * k, IM_COL32(52, 160, 84, 255));
    // Two lines: AddPolyline's signature changed in 1.92.8.
    const ImVec2 corner(c.x - 1.3f * k, c.y + 3.6f * k);
    draw->AddLine(ImVec2(c.x - 4.5f * k, c.y + 0.2f * k), corner, IM_COL32_WHITE, 2.0f * k);
    draw->AddLine(corner, ImVec2(c.x + 4.6f * k, c.y - 3.4f * k), IM_COL32_WHITE, 2.0f * k);
  }
  compat::addRectOutline(draw, pos, end, selected ? IM_COL32(238, 140, 56, 255) : IM_COL32(70, 72, 78, 255),
                         3, selected ? 2.5f : 1.0f);
  ImGui::InvisibleButton("thumb", ImVec2(thumb, thumb));
  if (ImGui::IsItemClicked()) {
    // Ctrl+click puts the result beside the selected one; a plain click selects it.
    if (ImGui::GetIO().KeyCtrl && s.selected.valid() &&
        !(s.selected.local_id == job.local_id && s.selected.index == index))
      panel.compareWith(job.local_id, index);
    else
      panel.selectOutput(job.local_id, index);
  }
  if (ImGui::IsItemHovered()) {
    if (out.state == OutputState::kFailed) {
      ImGui::SetTooltip("%s\nThis image failed: %s", job.params.prompt.substr(0, 120).c_str(),
                        view.error.c_str());
    } else {
      ImGui::SetTooltip("%s\n%d x %d  %s", job.params.prompt.substr(0, 120).c_str(), out.width, out.height,
                        importing ? "importing" : outputStateName(out.state));
    }
  }
}

// Two images fitted into the halves of the preview, each with its label in the corner.
void drawSideBySide(Panel::State& s, const TextureView& left, const std::string& left_label,
                    const TextureView& right, const std::string& right_label, const ImVec2& origin,
                    const ImVec2& avail) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float half = avail.x / 2;
  const struct {
    const TextureView* view;
    const std::string* label;
    const char* layout_name;
  } sides[] = {{&left, &left_label, "preview.a"}, {&right, &right_label, "preview.b"}};
  for (int i = 0; i < 2; ++i) {
    const ImVec2 area(origin.x + half * i, origin.y);
    const TextureView& view = *sides[i].view;
    if (view.state == TextureState::kReady && view.width > 0 && view.height > 0) {
      const float zoom = std::min((half - 8) / view.width, avail.y / static_cast<float>(view.height));
      const float w = view.width * zoom, h = view.height * zoom;
      const ImVec2 min(area.x + (half - w) / 2, area.y + (avail.y - h) / 2), max(min.x + w, min.y + h);
      if (s.checker) drawCheckerboard(min, max);
      draw->AddImage(toImTextureId(view.handle), min, max);
      noteLayout(s, sides[i].layout_name, min, max);
    } else {
      draw->AddText(ImVec2(area.x + 16, area.y + 40), IM_COL32(200, 200, 205, 255),
                    view.state == TextureState::kFailed ? view.error.c_str() : "Loading...");
    }
    const ImVec2 text = ImGui::CalcTextSize(sides[i].label->c_str());
    draw->AddRectFilled(ImVec2(area.x + 6, area.y + 6), ImVec2(area.x + 18 + text.x, area.y + 12 + text.y),
                        IM_COL32(20, 20, 24, 200), 4);
    draw->AddText(ImVec2(area.x + 12, area.y + 9), IM_COL32(225, 225, 230, 255), sides[i].label->c_str());
  }
}

// The arrow keys move the selection through the gallery (up and down by a row), Delete takes
// the selected result out of it; not while a text field has the keyboard.
void galleryKeys(Panel& panel, Panel::State& s, const std::vector<GalleryEntry>& shown, int per_row) {
  if (shown.empty() || ImGui::GetIO().WantTextInput ||
      !ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows))
    return;
  const auto selected = std::find_if(shown.begin(), shown.end(), [&](const GalleryEntry& e) {
    return e.index == s.selected.index && e.job->local_id == s.selected.local_id;
  });
  const int at = selected == shown.end() ? -1 : static_cast<int>(selected - shown.begin());
  const int last = static_cast<int>(shown.size()) - 1;
  int to = at;
  if (compat::keyPressed(ImGuiKey_RightArrow, true)) to = at < 0 ? 0 : std::min(at + 1, last);
  if (compat::keyPressed(ImGuiKey_LeftArrow, true)) to = at < 0 ? 0 : std::max(at - 1, 0);
  if (compat::keyPressed(ImGuiKey_DownArrow, true)) to = at < 0 ? 0 : std::min(at + per_row, last);
  if (compat::keyPressed(ImGuiKey_UpArrow, true)) to = at < 0 ? 0 : std::max(at - per_row, 0);
  if (to != at) panel.selectOutput(shown[to].job->local_id, shown[to].index);
  if (at >= 0 && compat::keyPressed(ImGuiKey_Delete)) {
    panel.discardOutput(shown[at].job->local_id, shown[at].index);
    const int next = at < last ? at + 1 : at - 1;  // the neighbour takes its place
    if (next >= 0) panel.selectOutput(shown[next].job->local_id, shown[next].index);
  }
}

}  // namespace

void drawGallery(Panel& panel, Panel::State& s) {
  const std::vector<GalleryEntry> shown = galleryEntries(s);
  const int total = static_cast<int>(shown.size());
  int ready = 0, imported = 0;  // ready: what Import all would queue now
  for (const auto& [job, index] : shown) {
    const OutputSnapshot& out = job->outputs[index];
    ready += out.state == OutputState::kReady && !s.isImporting(job->local_id, index) ? 1 : 0;
    imported += out.state == OutputState::kImported ? 1 : 0;
  }
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::Text("RESULTS  %d", total);
  ImGui::PopStyleColor();
  const float import_width = 150 * uiScale(s);
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - import_width);
  ImGui::BeginDisabled(ready == 0);
  char label[48];
  if (ready == 0 && !s.importing.empty()) {
    std::snprintf(label, sizeof label, "Importing %zu...", s.importing.size());
  } else if (ready == 0 && imported > 0) {
    std::snprintf(label, sizeof label, "All imported");
  } else {
    std::snprintf(label, sizeof label, "Import all (%d)", ready);
  }
  if (ImGui::Button(label, ImVec2(import_width, 0))) panel.importAll();
  ImGui::EndDisabled();

  // The thumbnails wrap into rows: two rows show, more scroll.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float thumb = thumbSize(s);
  const float cell = thumb + style.ItemSpacing.x;
  const float inner = ImGui::GetContentRegionAvail().x - style.WindowPadding.x * 2 - style.ScrollbarSize;
  const int per_row = std::max(1, static_cast<int>((inner + style.ItemSpacing.x) / cell));
  const int rows = std::max(1, (total + per_row - 1) / per_row);
  const float row_height = thumb + style.ItemSpacing.y;
  ImGui::BeginChild("thumbs", ImVec2(0, std::min(rows, 2) * row_height + style.WindowPadding.y * 2), true);
  int drawn = 0;
  for (const auto& [job, index] : shown) {
    if (drawn % per_row != 0) ImGui::SameLine();
    ++drawn;
    ImGui::PushID(job->local_id.c_str());
    ImGui::PushID(index);
    drawThumbnail(panel, s, *job, index);
    if (drawn == 1) noteLayout(s, "gallery.first");
    noteLayout(s, "gallery.last");
    ImGui::PopID();
    ImGui::PopID();
  }
  if (drawn == 0) ImGui::TextDisabled("Results appear here as they arrive.");
  ImGui::EndChild();
  galleryKeys(panel, s, shown, per_row);

  drawPreview(panel, s, s.selected, ImGui::GetContentRegionAvail().y);
}

void drawPreview(Panel& panel, Panel::State& s, const OutputRef& ref, float height) {
  const JobSnapshot* job = ref.valid() ? s.findJob(ref.local_id) : nullptr;
  if (!job || ref.index >= static_cast<int>(job->outputs.size())) {
    ImGui::BeginChild("preview_empty", ImVec2(0, height), true);
    ImGui::TextDisabled("Select a result to preview it.");
    ImGui::EndChild();
    return;
  }
  const OutputSnapshot& out = job->outputs[ref.index];
  const float toolbar_top = ImGui::GetCursorPosY();

  // Actions and view options.
  const bool importing = s.isImporting(job->local_id, ref.index);
  ImGui::BeginDisabled(out.state != OutputState::kReady || importing);
  if (ImGui::Button(importing                             ? "Importing..."
                    : out.state == OutputState::kImported ? "Imported"
                                                          : "Import")) {
    panel.importOutput(job->local_id, ref.index);
  }
  ImGui::EndDisabled();
  if (out.state == OutputState::kImported && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", out.imported_path.c_str());
  }
  drawImportedActions(panel, s, *job, ref.index);  // Show in folder, Undo import, Restore (panel_undo.cpp)
  sameLineIfFits(buttonWidth("Use as reference"));
  ImGui::BeginDisabled(out.cache_path.empty() && out.asset_id.empty());
  if (ImGui::Button("Use as reference")) panel.useAsReference(job->local_id, ref.index);
  ImGui::EndDisabled();
  sameLineIfFits(buttonWidth("Re-run"));
  if (ImGui::Button("Re-run")) panel.rerun(job->local_id);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Fill the form with these settings");
  sameLineIfFits(buttonWidth("Copy prompt"));
  if (ImGui::Button("Copy prompt")) panel.copyPrompt(job->local_id);
  noteLayout(s, "preview.copy_prompt");
  // The view options move to their own line when the pane is too narrow (History's detail pane).
  if (ImGui::GetContentRegionAvail().x - ImGui::GetItemRectMax().x + ImGui::GetCursorScreenPos().x >
      viewOptionsWidth()) {
    ImGui::SameLine();
    ImGui::TextDisabled("|");
    ImGui::SameLine();
  }
  if (ImGui::Button("Fit")) s.fit = true;
  ImGui::SameLine();
  if (ImGui::Button("1:1")) {
    s.fit = false;
    s.zoom = 1.0f;
    s.pan_x = s.pan_y = 0;
  }
  ImGui::SameLine();
  ImGui::Checkbox("Tile 3x3", &s.tiled);
  ImGui::SameLine();
  ImGui::Checkbox("Checker", &s.checker);
  // The seam and alpha as measured; a repaired texture shows its repair unless switched back.
  const OutputRef shown = drawFinishLine(panel, s, *job, ref.index);
  const JobSnapshot* shown_job = s.findJob(shown.local_id);
  if (!shown_job) shown_job = job;
  const OutputSnapshot& shown_out = shown_job->outputs[shown.index];
  TextureView view = outputTexture(s, *shown_job, shown.index, false);

  // Compare: only for the gallery's selection (History's preview shows one result).
  const bool is_selection = ref.local_id == s.selected.local_id && ref.index == s.selected.index;
  const std::string before_path =
      job->params.reference_images.empty() ? "" : job->params.reference_images.front().local_path;
  TextureView beside;
  std::string beside_label;
  if (is_selection) {
    if (!before_path.empty()) {
      bool before = s.compare_before;
      if (ImGui::Checkbox("Before / after", &before)) panel.compareWithBefore(before);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Shows the image this one was made from beside it.");
      sameLineIfFits(buttonWidth("End compare"));
    }
    if (s.compare_before && !before_path.empty()) {
      beside = fileTexture(s, before_path, false);
      beside_label = "Before";
    } else if (const JobSnapshot* other = s.compare.valid() ? s.findJob(s.compare.local_id) : nullptr;
               other && s.compare.index < static_cast<int>(other->outputs.size())) {
      beside = outputTexture(s, *other, s.compare.index, false);
      beside_label = "#" + std::to_string(s.compare.index + 1);
      if (ImGui::SmallButton("End compare")) panel.compareWith("", -1);
    } else if (before_path.empty()) {
      ImGui::TextDisabled("Ctrl+click another result to compare");
    }
  }

  const float toolbar_height = ImGui::GetCursorPosY() - toolbar_top;
  ImGui::BeginChild("preview", ImVec2(0, std::max(height - toolbar_height, 80.0f)), true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::InvisibleButton("canvas", ImVec2(std::max(avail.x, 1.0f), std::max(avail.y, 1.0f)),
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (view.state != TextureState::kReady || view.width <= 0) {
    const bool failed = view.state == TextureState::kFailed;
    draw->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(origin.x + 16, origin.y + 16),
                  failed ? IM_COL32(255, 120, 110, 255) : IM_COL32(200, 200, 205, 255),
                  failed ? view.error.c_str() : "Loading...", nullptr, std::max(avail.x - 32, 60.0f));
    ImGui::EndChild();
    return;
  }
  if (!beside_label.empty()) {
    drawSideBySide(s, view, "#" + std::to_string(ref.index + 1), beside, beside_label, origin, avail);
    ImGui::EndChild();
    return;
  }
  const int tiles = s.tiled ? 3 : 1;
  const float content_w = static_cast<float>(view.width * tiles),
              content_h = static_cast<float>(view.height * tiles);
  if (s.fit) {
    s.zoom = std::min(avail.x / content_w, avail.y / content_h);
    s.pan_x = s.pan_y = 0;
  }
  const ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemHovered() && io.MouseWheel != 0.0f) {
    const float factor = io.MouseWheel > 0 ? 1.15f : 1.0f / 1.15f;
    const float new_zoom = std::clamp(s.zoom * factor, 0.05f, 32.0f);
    // Keep the pixel under the cursor where it is.
    const float cx = io.MousePos.x - (origin.x + avail.x / 2 + s.pan_x);
    const float cy = io.MousePos.y - (origin.y + avail.y / 2 + s.pan_y);
    s.pan_x -= cx * (new_zoom / s.zoom - 1.0f);
    s.pan_y -= cy * (new_zoom / s.zoom - 1.0f);
    s.zoom = new_zoom;
    s.fit = false;
  }
  if (ImGui::IsItemActive() &&
      (ImGui::IsMouseDragging(ImGuiMouseButton_Left) || ImGui::IsMouseDragging(ImGuiMouseButton_Middle))) {
    s.pan_x += io.MouseDelta.x;
    s.pan_y += io.MouseDelta.y;
    s.fit = false;
  }
  const float w = content_w * s.zoom, h = content_h * s.zoom;
  const ImVec2 min(origin.x + (avail.x - w) / 2 + s.pan_x, origin.y + (avail.y - h) / 2 + s.pan_y);
  const ImVec2 max(min.x + w, min.y + h);
  draw->PushClipRect(origin, ImVec2(origin.x + avail.x, origin.y + avail.y), true);
  if (s.checker) {
    drawCheckerboard(ImVec2(std::max(min.x, origin.x), std::max(min.y, origin.y)),
                     ImVec2(std::min(max.x, origin.x + avail.x), std::min(max.y, origin.y + avail.y)));
  }
  const float tw = w / tiles, th = h / tiles;
  for (int ty = 0; ty < tiles; ++ty) {
    for (int tx = 0; tx < tiles; ++tx) {
      const ImVec2 a(min.x + tx * tw, min.y + ty * th);
      draw->AddImage(toImTextureId(view.handle), a, ImVec2(a.x + tw, a.y + th));
    }
  }
  // The real pixel size and zoom, in the corner.
  char info[128];
  std::snprintf(info, sizeof info, "%d x %d px  %s  %.0f%%", view.width, view.height,
                imageFormatName(shown_out.format), s.zoom * 100.0f);
  if (shown_out.finish.seam >= 0) {  // the score beside the tiles it describes
    const size_t used = std::strlen(info);
    std::snprintf(info + used, sizeof info - used, "  seam %.1f", shown_out.finish.seam);
  }
  const ImVec2 text_size = ImGui::CalcTextSize(info);
  draw->AddRectFilled(ImVec2(origin.x + 6, origin.y + 6),
                      ImVec2(origin.x + 18 + text_size.x, origin.y + 12 + text_size.y),
                      IM_COL32(20, 20, 24, 200), 4);
  draw->AddText(ImVec2(origin.x + 12, origin.y + 9), IM_COL32(225, 225, 230, 255), info);
  draw->PopClipRect();
  ImGui::EndChild();
}

}  // namespace texforge::editor
