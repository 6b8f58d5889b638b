// The panel's dark theme: neutral greys, one warm accent for primary actions, generous spacing.
// Applied by the host after creating its ImGui context, and again whenever its content scale changes.
#include <imgui.h>

#include "imgui_compat.h"
#include "texforge/editor/panel.h"

namespace texforge::editor {

void applyDarkTheme(float scale) {
  // From ImGui's defaults each time, so a host may call it again when its scale changes without
  // scaling twice what the theme leaves as it is.
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 6.0f;
  style.ChildRounding = 6.0f;
  style.FrameRounding = 4.0f;
  style.PopupRounding = 4.0f;
  style.GrabRounding = 4.0f;
  style.TabRounding = 4.0f;
  style.ScrollbarRounding = 6.0f;
  style.WindowPadding = ImVec2(12, 12);
  style.FramePadding = ImVec2(8, 5);
  style.ItemSpacing = ImVec2(8, 7);
  style.ItemInnerSpacing = ImVec2(6, 4);
  style.IndentSpacing = 16.0f;
  style.ScrollbarSize = 12.0f;
  style.WindowBorderSize = 1.0f;
  style.ChildBorderSize = 1.0f;
  style.FrameBorderSize = 0.0f;

  ImVec4* c = style.Colors;
  const ImVec4 bg(0.105f, 0.108f, 0.118f, 1.0f);
  const ImVec4 panel(0.140f, 0.145f, 0.158f, 1.0f);
  const ImVec4 frame(0.190f, 0.196f, 0.215f, 1.0f);
  const ImVec4 frame_hover(0.240f, 0.248f, 0.270f, 1.0f);
  const ImVec4 accent(0.93f, 0.55f, 0.22f, 1.0f);
  const ImVec4 accent_dim(0.70f, 0.40f, 0.15f, 1.0f);
  c[ImGuiCol_Text] = ImVec4(0.90f, 0.91f, 0.93f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.52f, 0.54f, 0.58f, 1.0f);
  c[ImGuiCol_WindowBg] = bg;
  c[ImGuiCol_ChildBg] = panel;
  c[ImGuiCol_PopupBg] = ImVec4(0.12f, 0.125f, 0.135f, 0.98f);
  c[ImGuiCol_Border] = ImVec4(0.24f, 0.25f, 0.27f, 1.0f);
  c[ImGuiCol_FrameBg] = frame;
  c[ImGuiCol_FrameBgHovered] = frame_hover;
  c[ImGuiCol_FrameBgActive] = ImVec4(0.28f, 0.29f, 0.31f, 1.0f);
  c[ImGuiCol_TitleBg] = bg;
  c[ImGuiCol_TitleBgActive] = ImVec4(0.15f, 0.155f, 0.17f, 1.0f);
  c[ImGuiCol_MenuBarBg] = panel;
  c[ImGuiCol_CheckMark] = accent;
  c[ImGuiCol_SliderGrab] = accent_dim;
  c[ImGuiCol_SliderGrabActive] = accent;
  c[ImGuiCol_Button] = ImVec4(0.22f, 0.23f, 0.25f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.30f, 0.31f, 0.34f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.36f, 0.37f, 0.40f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.22f, 0.23f, 0.25f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.28f, 0.29f, 0.32f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.32f, 0.33f, 0.36f, 1.0f);
  c[ImGuiCol_Separator] = c[ImGuiCol_Border];
  c[ImGuiCol_Tab] = panel;
  c[ImGuiCol_TabHovered] = frame_hover;
  c[compat::kTabSelected] = ImVec4(0.24f, 0.25f, 0.27f, 1.0f);
  c[compat::kTabDimmed] = panel;
  c[compat::kTabDimmedSelected] = frame;
  c[ImGuiCol_PlotHistogram] = accent;
  c[ImGuiCol_PlotHistogramHovered] = accent;
  c[ImGuiCol_TableHeaderBg] = frame;
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.025f);
  c[ImGuiCol_TextSelectedBg] = ImVec4(0.93f, 0.55f, 0.22f, 0.35f);
  c[ImGuiCol_ModalWindowDimBg] = ImVec4(0, 0, 0, 0.55f);
  compat::applyNewerThemeColors(c, accent, frame_hover);
  style.ScaleAllSizes(scale);  // spacing only: fonts are the host's (see applyDarkTheme in panel.h)
}

}  // namespace texforge::editor
