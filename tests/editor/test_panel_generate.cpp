// Panel tests on a headless ImGui context against the in-process emulator: validation next to the
// fields, the quote on the Generate button, the spending confirmation, jobs listed, imports (queued on
// the core's import thread) write files.
#include <filesystem>

#include <gtest/gtest.h>

#include "editor_test_support.h"
#include "texforge/asset_importer.h"

namespace texforge::test {
namespace {

struct PanelFixture : ::testing::Test {
  void SetUp() override {
    ASSERT_TRUE(project.started);
    ASSERT_NE(project.generator, nullptr);
    uploader = makeNullTextureUploader();
    editor::PanelOptions options;
    options.generator = project.generator.get();
    options.uploader = uploader.get();
    options.project_dir = project.dir.path();
    options.quote_debounce_s = 0.0;
    options.settings.spending_threshold = 0.0;  // never ask unless a test sets it
    panel = std::make_unique<editor::Panel>(options);
  }
  void TearDown() override { panel.reset(); }

  // Draws frames until done(), blocking on the engine between frames (no sleeps).
  bool frameUntil(const std::function<bool()>& done) {
    return waitUntil(done, [&] {
      project.generator->waitForActivity(0.1);
      imgui.frame(*panel);
    });
  }

  HeadlessImGui imgui;
  EmulatedProject project;
  std::unique_ptr<TextureUploader> uploader;
  std::unique_ptr<editor::Panel> panel;
};

TEST_F(PanelFixture, EmptyPromptIsExplainedNextToTheFieldAndNothingIsSent) {
  panel->params().prompt = "   ";
  imgui.frame(*panel);
  auto errors = panel->fieldErrors();
  ASSERT_EQ(errors.count("prompt"), 1u);
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kInvalid);
  imgui.frame(*panel);
  EXPECT_TRUE(panel->sessionJobIds().empty());
  EXPECT_EQ(project.server->stats().generate_posts, 0);
}

TEST_F(PanelFixture, OffGridSizeAndTooManyOutputsAreFlaggedPerField) {
  panel->params().prompt = "a crate";
  panel->params().width = 1000;
  panel->params().height = 1024;
  panel->params().num_outputs = 11;
  ASSERT_TRUE(frameUntil([&] { return panel->schema() != nullptr; }));  // the model's own limits apply
  auto errors = panel->fieldErrors();
  EXPECT_EQ(errors.count("size"), 1u);
  EXPECT_NE(errors["size"].find("multiples of 16"), std::string::npos);
  EXPECT_EQ(errors.count("numOutputs"), 1u);
  EXPECT_EQ(errors.count("prompt"), 0u);
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kInvalid);
}

TEST_F(PanelFixture, QuoteAppearsOnTheGenerateButtonAndFollowsTheForm) {
  panel->params().prompt = "mossy stone wall";
  panel->params().num_outputs = 1;
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  const double one = panel->currentQuote()->creative_units;
  EXPECT_GT(one, 0.0);
  EXPECT_NE(panel->generateButtonLabel().find("CU"), std::string::npos);
  EXPECT_EQ(project.server->stats().generate_posts, 0);  // a quote is a dry run

  panel->params().num_outputs = 3;  // the old quote no longer applies
  EXPECT_FALSE(panel->currentQuote().has_value());
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  EXPECT_GT(panel->currentQuote()->creative_units, one);
}

TEST_F(PanelFixture, SpendingAboveTheThresholdAsksFirst) {
  panel->settings().spending_threshold = 0.01;
  panel->params().prompt = "expensive castle";
  ASSERT_TRUE(frameUntil([&] { return panel->currentQuote().has_value(); }));
  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  EXPECT_TRUE(panel->confirmationPending());
  imgui.frame(*panel);  // the modal is drawn
  panel->confirmGenerate(false);
  imgui.frame(*panel);
  EXPECT_TRUE(panel->sessionJobIds().empty());
  EXPECT_EQ(project.server->stats().generate_posts, 0);

  EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kNeedsConfirmation);
  EXPECT_EQ(panel->confirmGenerate(true), editor::GenerateOutcome::kSubmitted);
  EXPECT_EQ(panel->sessionJobIds().size(), 1u);
}

TEST_F(PanelFixture, GenerateListsTheJobAndImportAllWritesFilesWithSidecars) {
  panel->params().prompt = "wooden barrel sprite";
  panel->params().num_outputs = 2;
  panel->params().width = 256;
  panel->params().height = 256;
  imgui.frame(*panel);
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  ASSERT_EQ(panel->sessionJobIds().size(), 1u);
  const std::string id = panel->sessionJobIds().front();

  ASSERT_TRUE(frameUntil([&] {
    auto job = project.generator->job(id);
    return job && job->state == JobState::kReady && job->readyCount() == 2;
  }));
  // The gallery uploads both results within a few frames.
  ASSERT_TRUE(frameUntil([&] { return !panel->textures().busy() && uploader->liveCount() >= 2; }));

  // Import all queues both and returns; answers arrive only inside pump(), so both are pending now.
  EXPECT_EQ(panel->importAll(), 2);
  EXPECT_TRUE(panel->importPending(id, 0));
  EXPECT_TRUE(panel->importPending(id, 1));
  EXPECT_EQ(panel->importsPending(), 2u);
  EXPECT_NE(panel->statusMessage().find("Importing"), std::string::npos) << panel->statusMessage();
  EXPECT_EQ(panel->importAll(), 0);  // what is queued is not queued again
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_NE(panel->statusMessage().find("Imported 2 images"), std::string::npos) << panel->statusMessage();

  auto job = project.generator->job(id);
  ASSERT_TRUE(job);
  for (const auto& out : job->outputs) {
    ASSERT_EQ(out.state, OutputState::kImported);
    const std::string path = project.dir.path() + "/" + out.imported_path;
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
    EXPECT_TRUE(std::filesystem::exists(path + ".texforge.json"));
    EXPECT_EQ(out.imported_path.rfind("assets/generated/", 0), 0u) << out.imported_path;
  }
  EXPECT_EQ(panel->importAll(), 0);  // nothing imported twice
  EXPECT_EQ(panel->statusMessage(), "Nothing new to import.");
  EXPECT_TRUE(panel->importOutput(id, 0).ok());  // an imported output is not queued again either
  EXPECT_EQ(panel->importsPending(), 0u);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(project.dir.file("assets/generated"))) {
    files += entry.path().extension() == ".png" ? 1 : 0;
  }
  EXPECT_EQ(files, 2u);
  EXPECT_EQ(project.server->stats().generate_posts, 1);
}

TEST_F(PanelFixture, ImportFailuresAreExplainedAndNothingStaysPending) {
  panel->params().prompt = "cracked tile";
  panel->params().width = 256;
  panel->params().height = 256;
  imgui.frame(*panel);
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  const std::string id = panel->sessionJobIds().front();

  // Not ready yet (or no such output): refused at once, nothing queued.
  Status missing = panel->importOutput(id, 5);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(panel->importsPending(), 0u);

  ASSERT_TRUE(frameUntil([&] {
    auto job = project.generator->job(id);
    return job && job->state == JobState::kReady;
  }));
  // A file where the import folder should be: the write fails on the import thread.
  writeAll(project.dir.file("assets"), "not a folder");
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  EXPECT_TRUE(panel->importPending(id, 0));
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_NE(panel->statusMessage().find("Could not save the image into assets/generated"), std::string::npos)
      << panel->statusMessage();
  EXPECT_EQ(project.generator->job(id)->outputs[0].state, OutputState::kReady);  // still importable later

  std::filesystem::remove(project.dir.file("assets"));
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_EQ(project.generator->job(id)->outputs[0].state, OutputState::kImported);
  EXPECT_EQ(panel->statusMessage().rfind("Imported assets/generated/", 0), 0u) << panel->statusMessage();
}

TEST_F(PanelFixture, ResultActionsFeedTheFormAndHistorySearchFindsByPrompt) {
  panel->params().prompt = "Rusty Lantern icon";
  panel->params().quality = "low";
  imgui.frame(*panel);
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  const std::string id = panel->sessionJobIds().front();
  ASSERT_TRUE(frameUntil([&] {
    auto job = project.generator->job(id);
    return job && job->state == JobState::kReady;
  }));

  panel->useAsReference(id, 0);
  ASSERT_EQ(panel->params().reference_images.size(), 1u);
  EXPECT_FALSE(panel->params().reference_images[0].local_path.empty());

  panel->params().prompt = "something else";
  panel->params().quality = "high";
  panel->rerun(id);
  EXPECT_EQ(panel->params().prompt, "Rusty Lantern icon");
  EXPECT_EQ(panel->params().quality, "low");

  panel->selectTab(editor::PanelTab::kHistory);
  panel->setHistoryFilter("lantern");
  imgui.frame(*panel);
  imgui.frame(*panel);
  ASSERT_EQ(panel->historyMatches().size(), 1u);
  EXPECT_EQ(panel->historyMatches().front(), id);
  panel->setHistoryFilter("dragon");
  EXPECT_TRUE(panel->historyMatches().empty());
}

TEST_F(PanelFixture, SidecarOfAnImportedResultRebuildsTheForm) {
  panel->params().prompt = "blue crystal";
  panel->params().background = "opaque";
  imgui.frame(*panel);
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
  const std::string id = panel->sessionJobIds().front();
  ASSERT_TRUE(frameUntil([&] {
    auto job = project.generator->job(id);
    return job && job->state == JobState::kReady;
  }));
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  ASSERT_TRUE(frameUntil([&] { return panel->importsPending() == 0; }));
  auto job = project.generator->job(id);
  ASSERT_EQ(job->outputs[0].state, OutputState::kImported);
  auto params = readSidecarParams(project.dir.path() + "/" + job->outputs[0].imported_path + ".texforge.json");
  ASSERT_TRUE(params.ok());
  panel->params() = GenerationParams{};
  panel->loadParams(*params);
  EXPECT_EQ(panel->params().prompt, "blue crystal");
  EXPECT_EQ(panel->params().background, "opaque");
}

TEST(PanelErrors, RejectedCredentialsAreExplainedInArtistWords) {
  HeadlessImGui imgui;
  EmulatedProject project(150, "wrong-secret");
  ASSERT_TRUE(project.started);
  ASSERT_NE(project.generator, nullptr);
  auto uploader = makeNullTextureUploader();
  editor::PanelOptions options;
  options.generator = project.generator.get();
  options.uploader = uploader.get();
  options.project_dir = project.dir.path();
  options.quote_debounce_s = 0.0;
  editor::Panel panel(options);
  panel.params().prompt = "anything";
  ASSERT_TRUE(waitUntil([&] { return !panel.quoteError().empty(); },
                        [&] {
                          project.generator->waitForActivity(0.1);
                          imgui.frame(panel);
                        }));
  EXPECT_NE(panel.quoteError().find("API key"), std::string::npos) << panel.quoteError();
  EXPECT_NE(panel.quoteError().find("Settings"), std::string::npos);
  EXPECT_FALSE(panel.currentQuote().has_value());
}

}  // namespace
}  // namespace texforge::test
