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

// The file name shortened in the middle to fit width: imported names share the prompt's start and
// differ at the end (the asset id), so the end is what tells them apart.
std::string fitName(const std::string& relative_path, float width) {
  std::string name = relative_path.substr(relative_path.find_last_of('/') + 1);
  const size_t dot = name.find_last_of('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  if (ImGui::CalcTextSize(name.c_str()).x <= width) return name;
  size_t head = name.size() / 2, tail = name.size() - head;
  std::string fitted;
  while (head + tail > 2) {
    if (tail > head) {
      --tail;
    } else {
      --head;
    }
    fitted = name.substr(0, head) + "~" + name.substr(name.size() - tail);
    if (ImGui::CalcTextSize(fitted.c_str()).x <= width) break;
  }
  return fitted;
}

}  // namespace

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
  ImGui::BeginChild("asset_grid", ImVec2(0, -preview_height), true);
  const int per_row = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (kThumb + 10)));
  for (size_t i = 0; i < assets.size(); ++i) {
    const auto& asset = assets[i];
    ImGui::PushID(asset.relative_path.c_str());
    if (i % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    const ImVec2 pos = ImGui::GetCursorScreenPos();
    ImDrawList* draw = ImGui::GetWindowDrawList();
    checker(draw, pos, ImVec2(pos.x + kThumb, pos.y + kThumb), 7.0f);
    const std::string path = asset.absolute_path;
    auto view = panel.textures().get(
        "asset:" + path + "@" + std::to_string(asset.modified_ns),
        [path]() { return editor::loadImageFile(path); }, true);
    drawFitted(draw, view, pos, kThumb, kThumb);
    const bool is_selected = asset.relative_path == selected_;
    draw->AddRect(pos, ImVec2(pos.x + kThumb, pos.y + kThumb),
                  is_selected ? IM_COL32(238, 140, 56, 255) : IM_COL32(70, 72, 78, 255), 3, 0,
                  is_selected ? 2.5f : 1);
    ImGui::InvisibleButton("a", ImVec2(kThumb, kThumb));
    if (ImGui::IsItemClicked()) selected_ = is_selected ? "" : asset.relative_path;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", asset.relative_path.c_str());
    ImGui::TextDisabled("%s", fitName(asset.relative_path, kThumb).c_str());
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
