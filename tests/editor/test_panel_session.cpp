// What survives a restart of the panel (the form and the gallery), taking results out of the
// gallery with the keyboard, and deleting a generation from the history.
#include <filesystem>

#include <gtest/gtest.h>
#include <imgui.h>

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

struct PanelSession : ::testing::Test {
  void open() {
    editor::PanelOptions options = panelOptions(generator, *uploader, project.path());
    options.session_name = "artist";
    harness = std::make_unique<PanelHarness>(generator, makeNullTextureUploader(), std::move(options));
    panel = harness->panel.get();
  }
  void TearDown() override { harness.reset(); }

  // A job of n ready outputs, submitted from the form.
  std::string generate(const std::string& prompt, int n) {
    panel->params().prompt = prompt;
    panel->params().num_outputs = n;
    EXPECT_TRUE(harness->frameUntilPriced());
    EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
    const std::string id = panel->sessionJobIds().front();
    for (int i = 0; i < n; ++i)
      generator.addReadyOutput(id, solidImage(64, 64, static_cast<uint8_t>(40 * i)));
    EXPECT_TRUE(
        harness->frameUntil([&] { return panel->galleryOutputs().size() >= static_cast<size_t>(n); }));
    return id;
  }
  void focusedFrame() {
    harness->imgui.frame([&] {
      panel->draw();
      ImGui::SetWindowFocus("texforge");
    });
  }
  void press(int key) {
    HeadlessImGui::key(key, true);
    harness->frame();
    HeadlessImGui::key(key, false);
    harness->frame();
  }

  TempDir project;
  ScriptedGenerator generator{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  std::unique_ptr<TextureUploader> uploader = makeNullTextureUploader();
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(PanelSession, TheFormAndTheGalleryComeBackAfterARestart) {
  open();
  const std::string id = generate("a mossy well", 3);
  panel->discardOutput(id, 1);
  panel->params().prompt = "a mossy well, at night";
  panel->params().quality = "high";
  harness.reset();  // the editor closes
  EXPECT_TRUE(std::filesystem::exists(project.file(".texforge/sessions/artist.json")));

  open();
  harness->frame();
  EXPECT_EQ(panel->params().prompt, "a mossy well, at night");
  EXPECT_EQ(panel->params().quality, "high");
  const auto shown = panel->galleryOutputs();
  ASSERT_EQ(shown.size(), 2u) << "the two results kept, not the one discarded";
  EXPECT_EQ(shown[0], std::make_pair(id, 0));
  EXPECT_EQ(shown[1], std::make_pair(id, 2));
}

TEST_F(PanelSession, ArrowsMoveThroughTheGalleryAndDeleteTakesTheSelectedOut) {
  open();
  const std::string id = generate("a stack of crates", 3);
  panel->selectOutput(id, 0);
  focusedFrame();
  press(ImGuiKey_RightArrow);
  press(ImGuiKey_RightArrow);
  press(ImGuiKey_LeftArrow);
  press(ImGuiKey_Delete);
  const auto shown = panel->galleryOutputs();
  ASSERT_EQ(shown.size(), 2u);
  EXPECT_EQ(shown[1], std::make_pair(id, 2)) << "the middle one went";
  // Taken out of the gallery is not deleted: the job and its outputs are all there.
  EXPECT_EQ(generator.job(id)->outputs.size(), 3u);
  EXPECT_EQ(panel->importAll(), 2) << "Import all leaves the discarded result alone";
}

TEST_F(PanelSession, DeletingAGenerationTakesItOutOfHistoryAndTheGallery) {
  open();
  const std::string id = generate("a rope bridge", 1);
  ASSERT_TRUE(panel->deleteJob(id).ok()) << panel->statusMessage();
  EXPECT_FALSE(generator.job(id).has_value());
  harness->frame();
  EXPECT_TRUE(panel->galleryOutputs().empty());
  panel->selectTab(editor::PanelTab::kHistory);
  harness->frame();
  EXPECT_TRUE(panel->historyMatches().empty());
}

TEST_F(PanelSession, ARunningGenerationIsNotDeletedAndTheStatusSaysWhy) {
  open();
  panel->params().prompt = "a slow waterfall";
  ASSERT_TRUE(harness->frameUntilPriced());
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  const std::string id = panel->sessionJobIds().front();
  EXPECT_FALSE(panel->deleteJob(id).ok());
  EXPECT_TRUE(generator.job(id).has_value());
  EXPECT_EQ(panel->statusMessage().rfind("Not deleted", 0), 0u) << panel->statusMessage();
}

TEST_F(PanelSession, AnUnreadableSessionFileStartsEmptyAndSaysSo) {
  std::filesystem::create_directories(project.file(".texforge/sessions"));
  writeAll(project.file(".texforge/sessions/artist.json"), "{not json");
  open();
  EXPECT_TRUE(panel->params().prompt.empty());
  EXPECT_NE(panel->statusMessage().find("could not be read"), std::string::npos) << panel->statusMessage();
}

}  // namespace
}  // namespace texforge::test
