// An in-process emulator on an ephemeral port plus a Generator wired to it through the real
// HTTP stack, with fast polling so the suite stays quick. Waits are on conditions, never sleeps.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "test_support.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

namespace texforge::test {

// A fault for the emulator with no Retry-After delay, so tests stay fast.
inline emulator::Fault fault(emulator::Route route, emulator::FaultKind kind, int count = 1, std::string text = {}) {
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
  void SetUp() override {
    emulator_options_.job_duration_ms = 120;
    emulator_ = std::make_unique<emulator::Emulator>(emulator_options_);
    ASSERT_TRUE(emulator_->start()) << emulator_->error();
  }

  GeneratorOptions options() const {
    GeneratorOptions o;
    o.project_dir = project_.path();
    o.base_url = emulator_->baseUrl();
    o.credentials = {emulator_options_.api_key, emulator_options_.api_secret};
    o.poll_initial_s = 0.02;
    o.poll_max_s = 0.05;
    o.retry_base_s = 0.01;
    o.max_retry_wait_s = 0.2;
    return o;
  }

  std::unique_ptr<Generator> makeGenerator(GeneratorOptions o) {
    auto g = createGenerator(std::move(o));
    EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message);
    return g.ok() ? std::move(*g) : nullptr;
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

  emulator::EmulatorOptions emulator_options_;
  std::unique_ptr<emulator::Emulator> emulator_;
  TempDir project_;
};

}  // namespace texforge::test
