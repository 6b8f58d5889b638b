// The panel's content scale and its record of where named widgets were laid out, which hosts read to
// check that nothing the artist needs falls outside the window.
#include <algorithm>

#include <imgui.h>

#include "panel_state.h"

namespace texforge::editor {

float uiScale(const Panel::State& s) {
  return std::max(0.5f, s.options.ui_scale);
}

void noteLayout(Panel::State& s, const char* name) {
  noteLayout(s, name, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void noteLayout(Panel::State& s, const char* name, const ImVec2& min, const ImVec2& max) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 clip_min = draw->GetClipRectMin(), clip_max = draw->GetClipRectMax();
  WidgetRect r;
  r.min_x = min.x;
  r.min_y = min.y;
  r.max_x = max.x;
  r.max_y = max.y;
  r.visible_min_x = std::clamp(min.x, clip_min.x, clip_max.x);
  r.visible_min_y = std::clamp(min.y, clip_min.y, clip_max.y);
  r.visible_max_x = std::clamp(max.x, clip_min.x, clip_max.x);
  r.visible_max_y = std::clamp(max.y, clip_min.y, clip_max.y);
  s.layout[name] = {ImGui::GetFrameCount(), r};
}

void Panel::setUiScale(float scale) {
  s_->options.ui_scale = scale;
}

float Panel::uiScale() const {
  return editor::uiScale(*s_);
}

std::map<std::string, WidgetRect> Panel::layout() const {
  int latest = -1;
  for (const auto& entry : s_->layout) latest = std::max(latest, entry.second.first);
  std::map<std::string, WidgetRect> out;
  for (const auto& entry : s_->layout) {
    if (entry.second.first == latest) out[entry.first] = entry.second.second;
  }
  return out;
}

}  // namespace texforge::editor
