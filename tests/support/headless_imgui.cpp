// The headless ImGui context: a real font atlas (the panel measures text) and a fake texture id.
#include "headless_imgui.h"

#include <cstdint>

#include <imgui.h>

#include "texforge/editor/panel.h"

namespace texforge::test {

HeadlessImGui::HeadlessImGui() {
  context_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1400, 900);
  io.DeltaTime = 1.0f / 60.0f;
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  io.Fonts->SetTexID((ImTextureID)(uintptr_t)1);  // compiles whether ImTextureID is void* or ImU64
}

HeadlessImGui::~HeadlessImGui() {
  ImGui::DestroyContext(context_);
}

void HeadlessImGui::frame(const std::function<void()>& draw) {
  ImGui::NewFrame();
  if (draw) draw();
  ImGui::Render();
}

void HeadlessImGui::frame(editor::Panel& panel) {
  frame([&] { panel.draw(); });
}

}  // namespace texforge::test
