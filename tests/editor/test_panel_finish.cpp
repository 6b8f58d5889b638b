// The panel's game-ready options end to end (emulator, real engine and HTTP stack, headless ImGui):
// one job per prompt line priced together, a seamless texture's score, "Repair seams..." priced and
// confirmed like Generate, the preview switching between original and repair, and the words for
// what finishing found.
#include <gtest/gtest.h>

#include <cstdio>

#include "editor_test_support.h"
#include "emulated_engine.h"
#include "texforge/image_ops.h"

namespace texforge::test {
namespace {

EmulatedEngineOptions finishEngine() {
  EmulatedEngineOptions options;
  options.emulator.job_duration_ms = 100;
  options.emulator.visible_seams = true;
  options.generator.max_attempts = 2;
  return options;
}

TEST(PanelFinish, OneJobPerLineSubmitsEachLineOnceAtTheSummedPrice) {
  EmulatedEngine engine(finishEngine());
  ASSERT_TRUE(engine.start()) << engine.error;
  PanelHarness harness(*engine.generator, engine.project.path());
  editor::Panel& panel = *harness.panel;
  panel.params().prompt = "a wooden crate\n\n  a rusty barrel  \na clay pot\n";
  panel.params().width = panel.params().height = 1024;
  panel.params().name = "props";
  panel.setPromptPerLine(true);
  const auto requests = panel.requestsToSend();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_EQ(requests[1].prompt, "a rusty barrel");
  EXPECT_EQ(requests[0].name, "props");
  EXPECT_EQ(requests[2].name, "props-3");
  ASSERT_TRUE(harness.frameUntilPriced());
  ASSERT_TRUE(panel.currentQuote());
  const std::string label = panel.generateButtonLabel();
  EXPECT_NE(label.find("3 jobs"), std::string::npos) << label;
  char total[32];
  std::snprintf(total, sizeof total, "%.2f CU", panel.currentQuote()->creative_units * 3);
  EXPECT_NE(label.find(total), std::string::npos) << label;

  // Above the threshold the three are confirmed together, then sent once each.
  panel.settings().spending_threshold = panel.currentQuote()->creative_units * 2;
  ASSERT_EQ(panel.pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  EXPECT_NE(panel.confirmationMessage().find("3 jobs"), std::string::npos) << panel.confirmationMessage();
  ASSERT_EQ(panel.confirmGenerate(true), editor::GenerateOutcome::kSubmitted) << panel.statusMessage();
  EXPECT_EQ(panel.sessionJobIds().size(), 3u);
  ASSERT_TRUE(harness.frameUntil([&] {
    for (const auto& id : panel.sessionJobIds()) {
      auto job = engine.generator->job(id);
      if (!job || job->state != JobState::kReady) return false;
    }
    return true;
  }));
  const auto per_prompt = engine.server->stats().generate_posts_per_prompt;
  EXPECT_EQ(engine.server->stats().generate_posts, 3);
  for (const char* prompt : {"a wooden crate", "a rusty barrel", "a clay pot"}) {
    EXPECT_EQ(per_prompt.count(prompt), 1u) << prompt;
  }
}

TEST(PanelFinish, RepairSeamsIsPricedConfirmedAndShownBesideTheOriginal) {
  EmulatedEngine engine(finishEngine());
  ASSERT_TRUE(engine.start()) << engine.error;
  PanelHarness harness(*engine.generator, engine.project.path());
  editor::Panel& panel = *harness.panel;
  panel.params().prompt = "mossy cobblestones";
  panel.params().width = panel.params().height = 1024;
  panel.params().seamless = true;
  ASSERT_TRUE(harness.frameUntilPriced());
  ASSERT_EQ(panel.pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel.statusMessage();
  const std::string id = panel.sessionJobIds().front();
  ASSERT_TRUE(harness.frameUntil([&] {
    auto job = engine.generator->job(id);
    return job && job->state == JobState::kReady;
  }));
  const OutputFinish before = engine.generator->job(id)->outputs[0].finish;
  bool warning = false;
  const std::string words = editor::describeFinish(before, &warning);
  EXPECT_TRUE(warning);
  EXPECT_NE(words.find("visible when tiled"), std::string::npos) << words;
  EXPECT_FALSE(panel.repairOf(id, 0));

  // A threshold below any price: the repair asks, like Generate, before it is sent.
  panel.settings().spending_threshold = 0.01;
  const int paid = engine.server->stats().generate_posts;
  ASSERT_TRUE(panel.repairSeams(id, 0));
  ASSERT_TRUE(harness.frameUntil([&] { return panel.confirmationPending(); })) << panel.statusMessage();
  EXPECT_NE(panel.confirmationMessage().find("seam repair"), std::string::npos)
      << panel.confirmationMessage();
  EXPECT_EQ(engine.server->stats().generate_posts, paid);
  ASSERT_EQ(panel.confirmGenerate(true), editor::GenerateOutcome::kSubmitted) << panel.statusMessage();
  ASSERT_TRUE(harness.frameUntil([&] { return panel.repairOf(id, 0).has_value(); }));
  EXPECT_EQ(engine.server->stats().generate_posts, paid + 1);
  const auto repair = *panel.repairOf(id, 0);
  const OutputFinish after = engine.generator->job(repair.first)->outputs[repair.second].finish;
  EXPECT_LT(after.seam, kSeamlessScore);
  EXPECT_NE(editor::describeFinish(after).find("tiles cleanly"), std::string::npos)
      << editor::describeFinish(after);

  // The tiled preview of the original draws with its repair and back, frame after frame.
  panel.selectOutput(id, 0);
  panel.showRepaired(true);
  harness.frame();
  panel.showRepaired(false);
  harness.frame();
}

TEST(PanelFinish, TheWordsSayHowTheAlphaWasMade) {
  OutputFinish f;
  EXPECT_EQ(editor::describeFinish(f), "");
  f.alpha = "matte";
  EXPECT_NE(editor::describeFinish(f).find("matte"), std::string::npos);
  bool warning = true;
  f.alpha = "opaque";
  EXPECT_NE(editor::describeFinish(f, &warning).find("Not transparent"), std::string::npos);
  EXPECT_TRUE(warning);
  f.alpha = "border";
  editor::describeFinish(f, &warning);
  EXPECT_FALSE(warning);
}

}  // namespace
}  // namespace texforge::test
