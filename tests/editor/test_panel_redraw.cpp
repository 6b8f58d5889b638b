// Panel::secondsUntilRedraw: what a host that sleeps between events learns from the panel. A still
// form with its price wants no frame at all; a form being typed wants one when its quote is due;
// a running job wants one when its clock shows the next second.
#include <cmath>

#include <gtest/gtest.h>

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

struct PanelRedraw : ::testing::Test {
  PanelRedraw() {
    auto uploader = makeNullTextureUploader();
    editor::PanelOptions options = panelOptions(generator, *uploader, project.path());
    options.quote_debounce_s = 0.6;
    options.clock = [this] { return now_s; };
    harness = std::make_unique<PanelHarness>(generator, std::move(uploader), options);
    panel = harness->panel.get();
    panel->params().prompt = "moss on a broken column";  // a valid form: it gets a price
  }

  TempDir project;
  ScriptedGenerator generator;
  double now_s = 100.0;
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(PanelRedraw, AStillFormWithItsPriceSleepsUntilAnEvent) {
  EXPECT_EQ(panel->secondsUntilRedraw(), 0.0) << "the first frame has not asked for the schema yet";
  harness->frame();
  now_s += 1.0;  // the debounce is over
  ASSERT_TRUE(harness->frameUntilPriced());
  harness->frame();
  EXPECT_TRUE(std::isinf(panel->secondsUntilRedraw())) << panel->secondsUntilRedraw();
}

TEST_F(PanelRedraw, AChangedFormWakesTheHostWhenItsQuoteIsDue) {
  harness->frame();
  now_s += 1.0;
  ASSERT_TRUE(harness->frameUntilPriced());
  const size_t quoted = generator.quoted().size();

  panel->params().prompt = "cracked basalt tiles";
  EXPECT_EQ(panel->secondsUntilRedraw(), 0.0) << "the change is seen in the next frame";
  harness->frame();
  EXPECT_NEAR(panel->secondsUntilRedraw(), 0.6, 0.01);
  now_s += 0.4;
  EXPECT_NEAR(panel->secondsUntilRedraw(), 0.2, 0.01);
  now_s += 0.25;
  harness->frame();  // the frame the host woke for asks for the price
  EXPECT_EQ(generator.quoted().size(), quoted + 1);
  ASSERT_TRUE(harness->frameUntilPriced());
  harness->frame();
  EXPECT_TRUE(std::isinf(panel->secondsUntilRedraw()));
}

TEST_F(PanelRedraw, ARunningJobWakesTheHostForItsClockAndAFinishedOneDoesNot) {
  harness->frame();
  now_s += 1.0;
  ASSERT_TRUE(harness->frameUntilPriced());
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  const std::string id = panel->sessionJobIds().front();
  generator.setState(id, JobState::kRunning);
  harness->frame();
  const double wait = panel->secondsUntilRedraw();
  EXPECT_GT(wait, 0.0);
  EXPECT_LE(wait, 1.01);  // the elapsed time shows whole seconds

  generator.addReadyOutput(id, solidImage(8, 8, 90));
  // Until the gallery has its textures: two frames in a row that left nothing to load or upload
  // (the first result opens the preview, which asks for more).
  int quiet = 0;
  ASSERT_TRUE(harness->frameUntil([&] {
    quiet = panel->textures().busy() ? 0 : quiet + 1;
    auto job = generator.job(id);
    return job && !isJobActive(job->state) && quiet >= 2;
  }));
  EXPECT_TRUE(std::isinf(panel->secondsUntilRedraw())) << panel->secondsUntilRedraw();
}

}  // namespace
}  // namespace texforge::test
