// The shared emulator-plus-Generator set-up: fast options and the start-up order (emulator, then engine).
#include "emulated_engine.h"

#include <utility>

namespace texforge::test {

emulator::EmulatorOptions fastEmulatorOptions() {
  emulator::EmulatorOptions o;
  o.job_duration_ms = 120;
  return o;
}

GeneratorOptions fastGeneratorOptions() {
  GeneratorOptions o;
  o.poll_initial_s = 0.02;
  o.poll_max_s = 0.05;
  o.retry_base_s = 0.01;
  o.max_retry_wait_s = 0.2;
  o.reconcile_window_s = 0;  // one search decides; the window has tests of its own
  o.reconcile_every_s = 0.05;
  o.sync_every_s = 0.05;
  return o;
}

EmulatedEngine::EmulatedEngine(EmulatedEngineOptions engine_options) : options(std::move(engine_options)) {}

EmulatedEngine::~EmulatedEngine() {
  generator.reset();  // it may still be talking to the server
  server.reset();
}

bool EmulatedEngine::start() {
  server = std::make_unique<emulator::Emulator>(options.emulator);
  if (!server->start()) {
    error = "the emulator did not start: " + server->error();
    return false;
  }
  if (!options.start_generator) return true;
  generator = makeGenerator();
  return generator != nullptr;
}

GeneratorOptions EmulatedEngine::generatorOptions() const {
  GeneratorOptions o = options.generator;
  o.project_dir = project.path();
  o.base_url = server ? server->baseUrl() : "";
  if (o.credentials.api_key.empty() && o.credentials.api_secret.empty()) {
    o.credentials = {options.emulator.api_key, options.emulator.api_secret};
  }
  return o;
}

std::unique_ptr<Generator> EmulatedEngine::makeGenerator(GeneratorOptions generator_options) {
  auto created = createGenerator(std::move(generator_options));
  if (!created) {
    error = "createGenerator: " + created.error().message;
    return nullptr;
  }
  return std::move(*created);
}

}  // namespace texforge::test
