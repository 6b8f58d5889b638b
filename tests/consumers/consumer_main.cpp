// A game's tool as an engine programmer writes it against texforge: one generation on the
// in-process emulator, imported into a fresh project. Built by each consumer project (installed
// package, add_subdirectory) so the same code proves each way of getting texforge. Exit 0 on success.
#include <cstdio>
#include <filesystem>
#include <string>

#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"
#include "texforge/version.h"
#ifdef CONSUMER_WITH_EDITOR
#include "texforge/editor/presets.h"
#include "texforge/gl/texture_uploader_gl.h"
#endif

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PROJECT_DIR\n", argv[0]);
    return 2;
  }
  std::printf("texforge %s (%d)\n", TEXFORGE_VERSION_STRING, TEXFORGE_VERSION_NUMBER);
#ifdef CONSUMER_WITH_EDITOR
  // The editor and GL layers link and answer without a window.
  std::printf("editor presets: %zu\n", texforge::editor::builtinPresets().size());
  if (texforge::editor::builtinPresets().empty()) return 1;
  auto gl_uploader = &texforge::gl::makeGlTextureUploader;
  if (!gl_uploader) return 1;
#endif
  texforge::emulator::EmulatorOptions emulator_options;
  emulator_options.job_duration_ms = 200;
  texforge::emulator::Emulator emulator(emulator_options);
  if (!emulator.start()) {
    std::fprintf(stderr, "emulator: %s\n", emulator.error().c_str());
    return 1;
  }
  texforge::GeneratorOptions options;
  options.project_dir = argv[1];
  options.base_url = emulator.baseUrl();
  options.credentials = {"emulator-key", "emulator-secret"};
  options.read_environment = false;
  options.auto_import = true;
  auto generator = texforge::createGenerator(options);
  if (!generator) {
    std::fprintf(stderr, "createGenerator: %s\n", generator.error().message.c_str());
    return 1;
  }
  texforge::GenerationParams params;
  params.prompt = "a mossy stone wall texture";
  params.width = params.height = 1024;
  auto id = (*generator)->submit(params);
  if (!id) {
    std::fprintf(stderr, "submit: %s\n", id.error().message.c_str());
    return 1;
  }
  for (int waits = 0; waits < 600; ++waits) {  // at most 60 s, woken early by every change
    (*generator)->waitForActivity(0.1);
    (*generator)->pump();
    auto job = (*generator)->job(*id);
    if (!job) return 1;
    if (job->state == texforge::JobState::kFailed) {
      std::fprintf(stderr, "job failed: %s\n", job->error ? job->error->message.c_str() : "?");
      return 1;
    }
    bool imported = !job->outputs.empty();
    for (const auto& output : job->outputs)
      imported = imported && output.state == texforge::OutputState::kImported;
    if (imported) {
      for (const auto& output : job->outputs) {
        const auto path = std::filesystem::path(argv[1]) / output.imported_path;
        std::printf("imported %s (%d x %d)\n", output.imported_path.c_str(), output.width, output.height);
        if (!std::filesystem::exists(path)) return 1;
      }
      return 0;
    }
  }
  std::fprintf(stderr, "the job did not finish in time\n");
  return 1;
}
