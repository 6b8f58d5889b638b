// What differs between the Dear ImGui versions the editor builds with, from Debian's 1.86 to 1.92:
// the one file under editor/src that tests IMGUI_VERSION_NUM, so each difference is named once.
#pragma once

#include <imgui.h>

namespace texforge::editor::compat {

// A rectangle outline. 1.92.8 swapped AddRect's last two parameters (thickness now comes before
// flags) and deletes the old order when obsolete functions are disabled.
inline void addRectOutline(ImDrawList* draw, const ImVec2& min, const ImVec2& max, ImU32 color,
                           float rounding, float thickness) {
#if IMGUI_VERSION_NUM >= 19280
  draw->AddRect(min, max, color, rounding, thickness, ImDrawFlags_None);
#else
  draw->AddRect(min, max, color, rounding, ImDrawFlags_None, thickness);
#endif
}

// The selected and unfocused tab colours were renamed in 1.90.9; the old names are aliases only
// while obsolete functions are enabled.
#if IMGUI_VERSION_NUM >= 19090
constexpr ImGuiCol kTabSelected = ImGuiCol_TabSelected;
constexpr ImGuiCol kTabDimmed = ImGuiCol_TabDimmed;
constexpr ImGuiCol kTabDimmedSelected = ImGuiCol_TabDimmedSelected;
#else
constexpr ImGuiCol kTabSelected = ImGuiCol_TabActive;
constexpr ImGuiCol kTabDimmed = ImGuiCol_TabUnfocused;
constexpr ImGuiCol kTabDimmedSelected = ImGuiCol_TabUnfocusedActive;
#endif

// Colours newer than 1.86 that StyleColorsDark() derives from its own blue; without this the dark
// theme would show a blue line over the selected tab, blue links and keyboard cursor, and a bluish
// checked box.
inline void applyNewerThemeColors(ImVec4* colors, const ImVec4& accent, const ImVec4& frame_hover) {
#if IMGUI_VERSION_NUM >= 19090
  colors[ImGuiCol_TabSelectedOverline] = accent;
  colors[ImGuiCol_TabDimmedSelectedOverline] = ImVec4(accent.x, accent.y, accent.z, 0.0f);
#endif
#if IMGUI_VERSION_NUM >= 19100
  colors[ImGuiCol_TextLink] = accent;
#endif
#if IMGUI_VERSION_NUM >= 19140
  colors[ImGuiCol_NavCursor] = accent;
#else
  colors[ImGuiCol_NavHighlight] = accent;
#endif
  // Added during 1.92.x; 1.92.9 is the oldest release it was checked against, earlier 1.92 releases
  // keep ImGui's own colour for it.
#if IMGUI_VERSION_NUM >= 19290
  colors[ImGuiCol_CheckboxSelectedBg] = frame_hover;
#else
  (void)frame_hover;
#endif
}

// The keypad's Enter was renamed in 1.87 (KeyPad to Keypad).
#if IMGUI_VERSION_NUM >= 18700
constexpr ImGuiKey kKeypadEnter = ImGuiKey_KeypadEnter;
#else
constexpr ImGuiKey kKeypadEnter = ImGuiKey_KeyPadEnter;
#endif

// A key that went down this frame (or repeats, when repeat). 1.87 took ImGuiKey values directly
// and later removed GetKeyIndex, which 1.86 needs to map them.
inline bool keyPressed(ImGuiKey key, bool repeat = false) {
#if IMGUI_VERSION_NUM >= 18700
  return ImGui::IsKeyPressed(key, repeat);
#else
  return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
#endif
}

// A key held down this frame (see keyPressed).
inline bool keyDown(ImGuiKey key) {
#if IMGUI_VERSION_NUM >= 18700
  return ImGui::IsKeyDown(key);
#else
  return ImGui::IsKeyDown(ImGui::GetKeyIndex(key));
#endif
}

}  // namespace texforge::editor::compat
