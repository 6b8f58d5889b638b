// EngineSession: chooses Scenario or the embedded emulator, and builds the Generator with the
// project's import folder and endpoint. Demo mode polls faster since the emulator is local, and keeps
// its journal and cache apart from the project's real ones.
#include "engine_session.h"

#include <cstdint>
#include <cstdlib>
#include <filesystem>

namespace texforge::viewer {

int demoPort(const std::string& project_dir) {
  std::error_code ec;
  const std::string path = std::filesystem::weakly_canonical(project_dir, ec).generic_string();
  uint32_t hash = 2166136261u;  // FNV-1a over the project's path
  for (unsigned char c : ec ? project_dir : path) hash = (hash ^ c) * 16777619u;
  return 41000 + static_cast<int>(hash % 8000);  // any program may hold it: build() falls back
}

Result<std::unique_ptr<Generator>> EngineSession::build(const SessionConfig& config) {
  const Credentials stored = CredentialStore{}.load();
  demo_ = config.force_demo || stored.empty();
  GeneratorOptions options;
  options.project_dir = config.project_dir;
  options.wake = config.wake;
  options.importer = makeFolderImporter(FolderImporterOptions{config.settings.import_folder});
  options.max_jobs_in_flight = config.settings.max_jobs_in_flight;
  options.owner_name = demo_ ? "texforge viewer (demo)" : "texforge viewer";
  if (demo_) {
    if (!emulator_) {
      emulator::EmulatorOptions emu;
      emu.job_duration_ms = config.job_duration_ms;
      emu.visible_seams = config.visible_seams;
      emu.port = demoPort(config.project_dir);
      emulator_ = std::make_unique<emulator::Emulator>(emu);
      bool started = emulator_->start();
      if (!started) {
        emu.port = 0;  // taken (a second viewer on the project, say): any free port
        emulator_ = std::make_unique<emulator::Emulator>(emu);
        started = emulator_->start();
      }
      if (!started) {
        std::string message = "The demo emulator could not start: " + emulator_->error();
        emulator_.reset();
        return makeError(ErrorCode::kNetwork, message);
      }
    }
    options.base_url = emulator_->baseUrl();
    options.credentials = Credentials{"emulator-key", "emulator-secret"};
    options.poll_initial_s = 0.2;
    options.poll_max_s = 0.5;
    // The emulator's jobs never mix with (or resolve, or take over) the project's paid ones.
    options.state_dir = config.project_dir + "/.texforge/demo";
    banner_ = config.force_demo
                  ? "Demo mode (--demo): the built-in emulator makes the images; nothing is paid."
                  : "Demo mode: no Scenario credentials found, so the built-in emulator makes the images. "
                    "Add your API key in Settings to use Scenario.";
  } else {
    options.base_url = config.settings.endpoint;
    options.credentials = stored;
    banner_.clear();
  }
  return createGenerator(std::move(options));
}

Status EngineSession::open(const SessionConfig& config) {
  auto generator = build(config);
  problem_.reset();
  if (!generator && !demo_) {
    // A setting texforge refuses (an endpoint, a CA file) must not keep the viewer from opening:
    // it opens in demo mode and shows the problem in Settings, where it can be fixed.
    problem_ = generator.error();
    SessionConfig fallback = config;
    fallback.force_demo = true;
    generator = build(fallback);
  }
  if (!generator) return generator.error();
  generator_ = std::move(*generator);
  return Ok{};
}

Status EngineSession::reopen(const SessionConfig& config, editor::Panel& panel) {
  // One Generator per journal at a time: the old one stops before the new one resumes its jobs.
  panel.setGenerator(nullptr);  // waits for loaders that still use the old one
  generator_.reset();
  auto generator = build(config);
  Status status = Ok{};
  if (!generator) {
    status = generator.error();
    SessionConfig fallback = config;
    fallback.force_demo = true;
    generator = build(fallback);
    if (!generator) return generator.error();
  }
  generator_ = std::move(*generator);
  panel.setGenerator(generator_.get());
  return status;
}

}  // namespace texforge::viewer
