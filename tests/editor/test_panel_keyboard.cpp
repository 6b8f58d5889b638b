// The panel's keys: Ctrl+Enter generates from anywhere in the panel, the prompt box included;
// Enter and Escape answer the spending confirmation.
#include <gtest/gtest.h>
#include <imgui.h>

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

struct PanelKeys : ::testing::Test {
  void SetUp() override {
    Quote price;
    price.creative_units = 12.5;
    generator.setQuote(price);
    harness = std::make_unique<PanelHarness>(generator, project.path());
    panel = harness->panel.get();
    panel->params().prompt = "a cracked marble floor tile";
    ASSERT_TRUE(harness->frameUntilPriced());
  }
  void TearDown() override { harness.reset(); }

  // One frame of the panel with its window focused, as after the artist clicked into it.
  void focusedFrame() {
    harness->imgui.frame([&] {
      panel->draw();
      ImGui::SetWindowFocus("texforge");
    });
  }
  // Presses key (with Ctrl when asked) for one frame and lets it go the next; the focus stays
  // where it is (the panel after focusedFrame(), or a dialog).
  void press(int key, bool with_ctrl) {
    if (with_ctrl) HeadlessImGui::ctrl(true);
    HeadlessImGui::key(key, true);
    harness->frame();
    HeadlessImGui::key(key, false);
    if (with_ctrl) HeadlessImGui::ctrl(false);
    harness->frame();
  }

  TempDir project;
  ScriptedGenerator generator{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(PanelKeys, CtrlEnterGeneratesAndEnterAloneDoesNot) {
  focusedFrame();
  press(ImGuiKey_Enter, false);
  EXPECT_TRUE(panel->sessionJobIds().empty()) << "Enter alone is not a shortcut";
  press(ImGuiKey_Enter, true);
  ASSERT_EQ(panel->sessionJobIds().size(), 1u) << panel->statusMessage();
  EXPECT_EQ(generator.job(panel->sessionJobIds().front())->params.prompt, "a cracked marble floor tile");
}

TEST_F(PanelKeys, CtrlEnterDoesNothingWhileTheFormIsInvalid) {
  panel->params().prompt.clear();
  focusedFrame();
  press(ImGuiKey_Enter, true);
  EXPECT_TRUE(panel->sessionJobIds().empty());
}

TEST_F(PanelKeys, EscapeCancelsTheConfirmationAndEnterConfirmsIt) {
  panel->settings().spending_threshold = 10.0;  // 12.5 CU asks first
  focusedFrame();
  press(ImGuiKey_Enter, true);
  ASSERT_TRUE(panel->confirmationPending()) << "the Enter that opened it must not confirm it";
  press(ImGuiKey_Escape, false);
  EXPECT_FALSE(panel->confirmationPending());
  EXPECT_TRUE(panel->sessionJobIds().empty());

  focusedFrame();
  press(ImGuiKey_Enter, true);
  ASSERT_TRUE(panel->confirmationPending());
  press(ImGuiKey_Enter, false);
  EXPECT_FALSE(panel->confirmationPending());
  EXPECT_EQ(panel->sessionJobIds().size(), 1u) << panel->statusMessage();
}

}  // namespace
}  // namespace texforge::test
