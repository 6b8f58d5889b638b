// The integration fixture: the shared EmulatedEngine (emulator on an ephemeral port, fast polling)
// with the emulator only started, so each test makes its Generators. Waits are on conditions.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "emulated_engine.h"
#include "test_support.h"

namespace texforge::test {

// A fault for the emulator with no Retry-After delay, so tests stay fast.
inline emulator::Fault fault(emulator::Route route, emulator::FaultKind kind, int count = 1,
                             std::string text = {}) {
  emulator::Fault f;
  f.route = route;
  f.kind = kind;
  f.count = count;
  f.retry_after_s = 0;
  f.text = std::move(text);
  return f;
}

class EngineTest : public ::testing::Test {
 protected:
  // Subclasses set emulator_options_ first, then call this.
  void SetUp() override {
    engine_.options.start_generator = false;
    ASSERT_TRUE(engine_.start()) << engine_.error;
  }

  GeneratorOptions options() const { return engine_.generatorOptions(); }

  std::unique_ptr<Generator> makeGenerator(GeneratorOptions o) {
    auto g = engine_.makeGenerator(std::move(o));
    EXPECT_NE(g, nullptr) << engine_.error;
    return g;
  }
  std::unique_ptr<Generator> makeGenerator() { return makeGenerator(options()); }

  // Pumps until the job has left the active states and nothing waits for pump().
  JobSnapshot runToEnd(Generator& gen, const std::string& id) {
    const bool done = waitUntil(
        [&] {
          auto j = gen.job(id);
          return j && !isJobActive(j->state) && gen.idle();
        },
        [&] {
          gen.waitForActivity(0.1);
          gen.pump();
        });
    EXPECT_TRUE(done) << "job " << id << " did not settle";
    gen.pump();
    return *gen.job(id);
  }

  GenerationParams params(const std::string& prompt, int outputs = 1) const {
    GenerationParams p;
    p.prompt = prompt;
    p.num_outputs = outputs;
    return p;
  }

  EmulatedEngine engine_;
  // The names the tests use, bound to the engine's parts (a test may stop and replace emulator_).
  emulator::EmulatorOptions& emulator_options_ = engine_.options.emulator;
  std::unique_ptr<emulator::Emulator>& emulator_ = engine_.server;
  TempDir& project_ = engine_.project;
};

}  // namespace texforge::test
