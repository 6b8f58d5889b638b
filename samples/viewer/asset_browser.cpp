// AssetBrowser: a grid of the project's images with names; the selected one is previewed below
// with its size, and can become a reference or rebuild the form from its sidecar.
#include "asset_browser.h"

#include <algorithm>

#include <imgui.h>

#include "texforge/asset_importer.h"
#include "texforge/editor/imgui_texture.h"

namespace texforge::viewer {
namespace {

constexpr float kThumb = 84.0f;

void checker(ImDrawList* draw, ImVec2 min, ImVec2 max, float cell) {
  draw->AddRectFilled(min, max, IM_COL32(58, 58, 62, 255));
  int row = 0;
  for (float y = min.y; y < max.y; y += cell, ++row) {
    for (float x = min.x + ((row & 1) ? cell : 0); x < max.x; x += 2 * cell) {
      draw->AddRectFilled(ImVec2(x, y), ImVec2(std::min(x + cell, max.x), std::min(y + cell, max.y)),
                          IM_COL32(92, 92, 98, 255));
    }
  }
}

void drawFitted(ImDrawList* draw, const editor::TextureView& view, ImVec2 pos, float w, float h) {
  if (view.state != editor::TextureState::kReady || view.width <= 0) return;
  const float scale = std::min(w / view.width, h / view.height);
  const float iw = view.width * scale, ih = view.height * scale;
  draw->AddImage(editor::toImTextureId(view.handle), ImVec2(pos.x + (w - iw) / 2, pos.y + (h - ih) / 2),
                 ImVec2(pos.x + (w + iw) / 2, pos.y + (h + ih) / 2));
}

// The length of the longest start of text (cut at a UTF-8 character boundary) whose width is at
// most width.
size_t fittingPrefix(const std::string& text, float width, const TextWidth& text_width) {
  size_t lo = 0, hi = text.size();
  while (lo < hi) {
    size_t mid = (lo + hi + 1) / 2;
    while (mid > lo && mid < text.size() && (static_cast<unsigned char>(text[mid]) & 0xC0) == 0x80) --mid;
    if (mid == lo) break;
    if (text_width(text.substr(0, mid)) <= width) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// text cut in the middle to fit width, keeping its last word (after '-', '_' or ' ', up to 8
// bytes; else its last 4 bytes) and as much of its start as fits before "...".
std::string middleEllipsis(const std::string& text, float width, const TextWidth& text_width) {
  if (text_width(text) <= width) return text;
  const size_t cut = text.find_last_of("-_ ");
  size_t tail_len = cut != std::string::npos && text.size() - cut - 1 <= 8 && cut + 1 < text.size()
                        ? text.size() - cut - 1
                        : std::min<size_t>(4, text.size());
  std::string tail = text.substr(text.size() - tail_len);
  while (!tail.empty() && text_width("..." + tail) > width) tail.erase(0, 1);
  while (!tail.empty() && (static_cast<unsigned char>(tail[0]) & 0xC0) == 0x80) tail.erase(0, 1);
  const std::string head_room = text.substr(0, text.size() - tail.size());
  const float room = width - text_width("..." + tail);
  return head_room.substr(0, room > 0 ? fittingPrefix(head_room, room, text_width) : 0) + "..." + tail;
}

}  // namespace

std::string assetLabel(const std::string& relative_path, float width, const TextWidth& text_width) {
  std::string stem = relative_path.substr(relative_path.find_last_of('/') + 1);
  const size_t dot = stem.find_last_of('.');
  if (dot != std::string::npos && dot > 0) stem.resize(dot);
  if (stem.empty() || text_width(stem) <= width) return stem;
  size_t first = fittingPrefix(stem, width, text_width);
  if (first == 0) return middleEllipsis(stem, width, text_width);
  // Break after a separator in the second half of the first line: words stay whole.
  const size_t sep = stem.find_last_of("-_ ", first - 1);
  if (sep != std::string::npos && sep + 1 >= first / 2 && sep + 1 < stem.size()) first = sep + 1;
  return stem.substr(0, first) + "\n" + middleEllipsis(stem.substr(first), width, text_width);
}

std::string AssetBrowser::tooltip(const std::string& relative_path) {
  for (const auto& asset : assets_.assets()) {
    if (asset.relative_path != relative_path) continue;
    if (!asset.has_sidecar) return relative_path;
    const std::string key = asset.absolute_path + "@" + std::to_string(asset.modified_ns);
    auto it = prompts_.find(key);
    if (it == prompts_.end()) {
      auto params = readSidecarParams(asset.absolute_path + ".texforge.json");
      it = prompts_.emplace(key, params ? params->prompt : std::string()).first;
    }
    return it->second.empty() ? relative_path : relative_path + "\n\n" + it->second;
  }
  return {};
}

void AssetBrowser::draw(editor::Panel& panel, double now_s) {
  // A finished import rescans at once, so results show up here in the frame their file landed.
  if (panel.importsCompleted() != imports_seen_) stale_ = true;
  imports_seen_ = panel.importsCompleted();
  if (stale_) assets_.refresh(now_s, 0, true);
  stale_ = false;
  const auto& assets = assets_.assets();
  ImGui::TextDisabled("%zu images in the project", assets.size());
  ImGui::SameLine(ImGui::GetContentRegionAvail().x - 60);
  if (ImGui::SmallButton("Rescan")) assets_.refresh(now_s, 0, true);

  const float preview_height = selected_.empty() ? 0.0f : 300.0f;
  // Cells as wide as the thumbnails; labels are remade only when that width changes.
  const float thumb = kThumb * std::max(0.5f, panel.uiScale());
  const float labels_key = thumb * 1000.0f + ImGui::GetFontSize();
  if (labels_key != labels_key_) labels_.clear();
  labels_key_ = labels_key;
  const TextWidth measure = [](const std::string& text) { return ImGui::CalcTextSize(text.c_str()).x; };
  ImGui::BeginChild("asset_grid", ImVec2(0, -preview_height), true);
  const int per_row = std::max(
      1, static_cast<int>(ImGui::GetContentRegionAvail().x / (thumb + 10 * std::max(0.5f, panel.uiScale()))));
  for (size_t i = 0; i < assets.size(); ++i) {
    const auto& asset = assets[i];
    ImGui::PushID(asset.relative_path.c_str());
    if (i % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    checker(draw, pos, ImVec2(pos.x + thumb, pos.y + thumb), 7.0f);
    const std::string path = asset.absolute_path;
    auto view = panel.textures().get(
        "asset:" + path + "@" + std::to_string(asset.modified_ns),
        [path]() { return editor::loadImageFile(path); }, true);
    drawFitted(draw, view, pos, thumb, thumb);
    const bool is_selected = asset.relative_path == selected_;
    draw->AddRect(pos, ImVec2(pos.x + thumb, pos.y + thumb),
                  is_selected ? IM_COL32(238, 140, 56, 255) : IM_COL32(70, 72, 78, 255), 3, 0,
                  is_selected ? 2.5f : 1);
    ImGui::InvisibleButton("a", ImVec2(thumb, thumb));
    if (ImGui::IsItemClicked()) selected_ = is_selected ? "" : asset.relative_path;
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28);
      ImGui::TextUnformatted(tooltip(asset.relative_path).c_str());
      ImGui::PopTextWrapPos();
      ImGui::EndTooltip();
    }
    auto& label = labels_[asset.relative_path];
    if (label.empty()) label = assetLabel(asset.relative_path, thumb, measure);
    ImGui::TextDisabled("%s", label.c_str());
    if (label.find('\n') == std::string::npos) ImGui::TextDisabled(" ");  // rows stay one height
    ImGui::EndGroup();
    ImGui::PopID();
  }
  if (assets.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextDisabled("Imported results land in %s and show up here.",
                        panel.settings().import_folder.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();

  // Looked up after the grid, so a click in this frame is already in selected_ (looking it up in
  // the loop, before the click was read, cleared every new selection in the frame it was made).
  const editor::ProjectAsset* chosen = nullptr;
  for (const auto& asset : assets) {
    if (asset.relative_path == selected_) chosen = &asset;
  }
  if (!chosen) {
    selected_.clear();  // the selected file is gone
    return;
  }
  ImGui::BeginChild("asset_preview", ImVec2(0, 0), true);
  const std::string path = chosen->absolute_path;
  auto view = panel.textures().get(
      "asset:" + path + "@" + std::to_string(chosen->modified_ns) + "#full",
      [path]() { return editor::loadImageFile(path); }, false);
  ImGui::TextUnformatted(chosen->relative_path.c_str());
  ImGui::TextDisabled("%d x %d px", view.width, view.height);
  if (ImGui::Button("Use as reference")) panel.addReference(path);
  ImGui::SameLine();
  if (ImGui::Button("Show in folder")) panel.showInFolder(path);
  if (chosen->has_sidecar) {
    ImGui::SameLine();
    if (ImGui::Button("Load its settings")) {
      auto params = readSidecarParams(path + ".texforge.json");
      if (params) {
        panel.loadParams(*params);
        message_ = "Form rebuilt from the sidecar.";
      } else {
        message_ = editor::describeError(params.error());
      }
    }
  }
  if (!message_.empty()) ImGui::TextDisabled("%s", message_.c_str());
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  checker(ImGui::GetWindowDrawList(), pos, ImVec2(pos.x + avail.x, pos.y + avail.y), 10.0f);
  drawFitted(ImGui::GetWindowDrawList(), view, pos, avail.x, avail.y);
  ImGui::EndChild();
}

}  // namespace texforge::viewer
