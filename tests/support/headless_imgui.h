// ImGui without a platform or a renderer, for the editor tests and the bench: the font atlas is built
// in memory and frames become draw lists nobody displays. GUI builds only (texforge::testkit_gui).
// Builds with Debian's Dear ImGui 1.86 and with 1.92 (where it answers the atlas's texture requests
// as a renderer backend would).
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

struct ImGuiContext;

namespace texforge::editor {
class Panel;
}

namespace texforge::test {

// Owns one ImGui context, current from construction to destruction. UI (test) thread only.
class HeadlessImGui {
 public:
  // The font atlas's ImTextureID, as an integer: far from the null uploader's ids.
  static constexpr uint64_t kFontTexture = 0x7f000001u;

  HeadlessImGui();  // a 1400x900 display at 60 Hz, no .ini file
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  void frame(const std::function<void()>& draw);  // NewFrame, draw(), Render
  void frame(editor::Panel& panel);               // one frame of panel.draw()

  // Mouse input for the next frame: through ImGui's event queue where it has one (1.87 on), else
  // written into ImGuiIO as 1.86 reads it.
  static void mouseMove(float x, float y);
  static void mouseButton(int button, bool down);
  static void typeText(const char* utf8);     // characters for the focused text field
  static void key(int imgui_key, bool down);  // an ImGuiKey_ value (Backspace, Enter...)
  static void ctrl(bool down);                // the Ctrl modifier, held or released

  // What the frame just drawn shows.
  static unsigned hoveredId();      // the item under the mouse; 0 for none
  static bool hoveredIsDisabled();  // an item is under the mouse and drawn disabled
  // Every texture the frame's draw lists use (the font atlas included), as integers, in draw order.
  static std::vector<uint64_t> texturesDrawn();

 private:
  ImGuiContext* context_ = nullptr;
};

}  // namespace texforge::test
