// The editor panel drawn headless with the host's own Dear ImGui: a generation on the in-process
// emulator shows up in the panel's gallery as a texture. Proves the editor builds and runs against
// the ImGui the host linked (a current release here, Debian's 1.86 in the main build). Exit 0 on success.
#include <imgui.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "texforge/editor/panel.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"
#include "texforge/texture_uploader.h"

namespace {

int run(const char* project_dir) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(1280, 800);
  io.IniFilename = nullptr;
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);  // no renderer: the legacy atlas path
  io.Fonts->SetTexID((ImTextureID)(uintptr_t)1);

  texforge::emulator::EmulatorOptions emulator_options;
  emulator_options.job_duration_ms = 200;
  texforge::emulator::Emulator emulator(emulator_options);
  if (!emulator.start()) return 1;
  texforge::GeneratorOptions options;
  options.project_dir = project_dir;
  options.base_url = emulator.baseUrl();
  options.credentials = {"emulator-key", "emulator-secret"};
  options.read_environment = false;
  auto generator = texforge::createGenerator(options);
  if (!generator) {
    std::fprintf(stderr, "createGenerator: %s\n", generator.error().message.c_str());
    return 1;
  }
  auto uploader = texforge::makeNullTextureUploader();
  texforge::editor::PanelOptions panel_options;
  panel_options.generator = generator->get();
  panel_options.uploader = uploader.get();
  panel_options.project_dir = project_dir;
  texforge::editor::Panel panel(panel_options);

  texforge::GenerationParams params;
  params.prompt = "a wooden crate sprite";
  params.width = params.height = 1024;
  auto id = (*generator)->submit(params);
  if (!id) return 1;
  for (int frame = 0; frame < 2000; ++frame) {  // frames paced by the engine's news, 50 ms at most
    (*generator)->waitForActivity(0.05);
    io.DeltaTime = 1.0f / 60.0f;
    ImGui::NewFrame();
    panel.draw();
    ImGui::Render();
    auto job = (*generator)->job(*id);
    if (job && job->state == texforge::JobState::kFailed) {
      std::fprintf(stderr, "job failed: %s\n", job->error ? job->error->message.c_str() : "?");
      return 1;
    }
    if (job && job->state == texforge::JobState::kReady && uploader->liveCount() > 0) {
      std::printf("frame %d: job ready, %zu texture(s) in the panel, %d draw lists\n", frame,
                  uploader->liveCount(), ImGui::GetDrawData()->CmdListsCount);
      return 0;
    }
  }
  std::fprintf(stderr, "the panel never showed the result\n");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROJECT_DIR\n", argv[0]);
    return 2;
  }
  std::printf("Dear ImGui %s\n", ImGui::GetVersion());
  ImGui::CreateContext();
  const int status = run(argv[1]);  // the panel is gone before its ImGui context
  ImGui::DestroyContext();
  return status;
}
