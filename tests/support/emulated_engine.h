// The one "emulator plus Generator on a temporary project" set-up shared by the test binaries, the
// soak run and the bench: the emulator in-process on an ephemeral port, every wait short.
#pragma once

#include <memory>
#include <string>

#include "test_support.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

namespace texforge::test {

// EmulatorOptions{} with jobs of 120 ms from queued to success.
emulator::EmulatorOptions fastEmulatorOptions();

// GeneratorOptions{} polling every 20-50 ms and retrying after 10 ms, waiting at most 0.2 s on a
// Retry-After, so a fault costs a test milliseconds.
GeneratorOptions fastGeneratorOptions();

struct EmulatedEngineOptions {
  emulator::EmulatorOptions emulator = fastEmulatorOptions();
  // For every Generator made here. project_dir and base_url always come from the engine; empty
  // credentials become the emulator's own (set others to test a 401).
  GeneratorOptions generator = fastGeneratorOptions();
  bool start_generator = true;  // false: start() starts the emulator only (arm faults, then makeGenerator())
};

// Public parts, because tests reach into the emulator's stats and faults. Test thread only.
struct EmulatedEngine {
  explicit EmulatedEngine(EmulatedEngineOptions engine_options = {});  // makes the folder, starts nothing
  ~EmulatedEngine();  // the Generator goes first, then the emulator, then the folder
  EmulatedEngine(const EmulatedEngine&) = delete;
  EmulatedEngine& operator=(const EmulatedEngine&) = delete;

  // Starts the emulator and, when options.start_generator, the Generator; false with error set.
  bool start();
  // options.generator with this project, this emulator's URL and (when empty) its credentials.
  GeneratorOptions generatorOptions() const;
  // Another Generator on the same project (the same journal: it resumes what is there); null with
  // error set when createGenerator refuses. The caller destroys it before the engine.
  std::unique_ptr<Generator> makeGenerator(GeneratorOptions generator_options);
  std::unique_ptr<Generator> makeGenerator() { return makeGenerator(generatorOptions()); }

  EmulatedEngineOptions options;               // read by start() and generatorOptions()
  TempDir project;                             // the project folder, removed last
  std::unique_ptr<emulator::Emulator> server;  // null before start(); a test may stop and replace it
  std::unique_ptr<Generator> generator;        // the one start() made, or null
  std::string error;                           // why start() or makeGenerator() failed
};

}  // namespace texforge::test
