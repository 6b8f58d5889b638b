// Shared fixtures for the editor tests: a headless ImGui context (no GPU, no backend) and an
// in-process emulator with a Generator on a temporary project.
#pragma once

#include <memory>
#include <string>

#include <imgui.h>

#include "test_support.h"
#include "texforge/editor/panel.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

namespace texforge::test {

// ImGui without a platform or renderer: the font atlas is built in memory, frames are rendered to
// draw lists that nobody displays.
class HeadlessImGui {
 public:
  HeadlessImGui() {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1400, 900);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(1)));
  }
  ~HeadlessImGui() { ImGui::DestroyContext(context_); }
  HeadlessImGui(const HeadlessImGui&) = delete;
  HeadlessImGui& operator=(const HeadlessImGui&) = delete;

  void frame(editor::Panel& panel) {
    ImGui::NewFrame();
    panel.draw();
    ImGui::Render();
  }

 private:
  ImGuiContext* context_ = nullptr;
};

// An emulator on an ephemeral port and a Generator on a fresh project, polling fast.
struct EmulatedProject {
  explicit EmulatedProject(int job_duration_ms = 150, std::string api_secret = "emulator-secret") {
    emulator::EmulatorOptions emu;
    emu.job_duration_ms = job_duration_ms;
    server = std::make_unique<emulator::Emulator>(emu);
    started = server->start();
    GeneratorOptions options;
    options.project_dir = dir.path();
    options.base_url = server->baseUrl();
    options.credentials = Credentials{"emulator-key", api_secret};
    options.poll_initial_s = 0.05;
    options.poll_max_s = 0.1;
    options.retry_base_s = 0.05;
    options.max_attempts = 2;
    auto created = createGenerator(std::move(options));
    if (created) generator = std::move(*created);
  }
  TempDir dir;
  std::unique_ptr<emulator::Emulator> server;
  bool started = false;
  std::unique_ptr<Generator> generator;
};

}  // namespace texforge::test
