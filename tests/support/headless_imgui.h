// ImGui without a platform or a renderer, for the editor tests and the bench: the font atlas is built
// in memory and frames become draw lists nobody displays. GUI builds only (texforge::testkit_gui).
#pragma once

#include <functional>

struct ImGuiContext;

namespace texforge::editor {
class Panel;
}

namespace texforge::test {

// Owns one ImGui context, current from construction to destruction. UI (test) thread only.
class HeadlessImGui {
 public:
  HeadlessImGui();  // a 1400x900 display at 60 Hz, no .ini file
  ~HeadlessImGui();
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  void frame(const std::function<void()>& draw);  // NewFrame, draw(), Render
  void frame(editor::Panel& panel);               // one frame of panel.draw()

 private:
  ImGuiContext* context_ = nullptr;
};

}  // namespace texforge::test
