// Undo of an import and Show in folder on the scripted Generator with the real folder importer: the
// file and sidecar go to the project's trash, the output can be imported again, Restore brings them
// back, and Show in folder hands the host's seam the absolute path (no file manager is started).
#include <filesystem>

#include <gtest/gtest.h>

#include "asset_browser.h"
#include "editor_test_support.h"
#include "scripted_generator.h"
#include "texforge/asset_importer.h"

namespace texforge::test {
namespace {
namespace fs = std::filesystem;

struct UndoPanel : ::testing::Test {
  void SetUp() override {
    ScriptedGeneratorOptions options;
    options.project_dir = project.path();
    options.importer = makeFolderImporter();
    generator = std::make_unique<ScriptedGenerator>(options);
    editor::PanelOptions panel_options = panelOptions(*generator, *makeNullTextureUploader(), project.path());
    panel_options.reveal_file = [this](const std::string& path) -> Status {
      revealed.push_back(path);
      return Ok{};
    };
    harness = std::make_unique<PanelHarness>(*generator, makeNullTextureUploader(), panel_options);
    panel = harness->panel.get();
  }

  // A ready output, imported through the panel; its relative path.
  std::string importOne() {
    panel->params().prompt = "mossy stone wall";
    EXPECT_TRUE(harness->frameUntilPriced());
    EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted);
    id = panel->sessionJobIds().front();
    generator->addReadyOutput(id, solidImage(16, 16, 120));
    EXPECT_TRUE(panel->importOutput(id, 0).ok());
    EXPECT_TRUE(harness->frameUntil([&] { return panel->importsPending() == 0; }));
    return generator->job(id)->outputs[0].imported_path;
  }

  TempDir project;
  std::unique_ptr<ScriptedGenerator> generator;
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
  std::vector<std::string> revealed;
  std::string id;
};

TEST_F(UndoPanel, RestoreIsStillOfferedAfterTheEditorRestarts) {
  const std::string rel = importOne();
  ASSERT_FALSE(rel.empty()) << panel->statusMessage();
  ASSERT_TRUE(panel->undoImport(id, 0).ok()) << panel->statusMessage();
  harness.reset();  // closed with the file in the trash

  harness =
      std::make_unique<PanelHarness>(*generator, makeNullTextureUploader(),
                                     panelOptions(*generator, *makeNullTextureUploader(), project.path()));
  panel = harness->panel.get();
  harness->frame();
  ASSERT_TRUE(panel->canRestoreImport(id, 0));
  ASSERT_TRUE(panel->restoreImport(id, 0).ok()) << panel->statusMessage();
  EXPECT_TRUE(fs::exists(project.file(rel)));
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kImported);
}

TEST_F(UndoPanel, UndoMovesTheFilesToTheTrashAndTheOutputCanBeImportedAgain) {
  const std::string rel = importOne();
  ASSERT_FALSE(rel.empty()) << panel->statusMessage();
  ASSERT_TRUE(fs::exists(project.file(rel)));
  const uint64_t imports = panel->importsCompleted();

  ASSERT_TRUE(panel->undoImport(id, 0).ok()) << panel->statusMessage();
  EXPECT_FALSE(fs::exists(project.file(rel)));
  EXPECT_FALSE(fs::exists(project.file(rel + ".texforge.json")));
  bool in_trash = false;
  for (const auto& entry : fs::recursive_directory_iterator(project.file(".texforge/trash"))) {
    const std::string path = entry.path().generic_string();
    in_trash |= path.size() > rel.size() && path.compare(path.size() - rel.size(), rel.size(), rel) == 0;
  }
  EXPECT_TRUE(in_trash) << "the relative path is kept under the trash";
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kReady);
  EXPECT_GT(panel->importsCompleted(), imports) << "asset lists rescan";
  EXPECT_TRUE(panel->canRestoreImport(id, 0));

  ASSERT_TRUE(panel->restoreImport(id, 0).ok()) << panel->statusMessage();
  EXPECT_TRUE(fs::exists(project.file(rel)));
  EXPECT_TRUE(fs::exists(project.file(rel + ".texforge.json")));
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kImported);
  EXPECT_EQ(generator->job(id)->outputs[0].imported_path, rel);

  // Undone again, then imported anew: the old copy cannot come back over the new one.
  ASSERT_TRUE(panel->undoImport(id, 0).ok());
  ASSERT_TRUE(panel->importOutput(id, 0).ok());
  ASSERT_TRUE(harness->frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kImported) << panel->statusMessage();
  EXPECT_TRUE(fs::exists(project.file(generator->job(id)->outputs[0].imported_path)));
  EXPECT_FALSE(panel->restoreImport(id, 0).ok());
}

TEST_F(UndoPanel, RestoreRefusesWhenAFileTookThePlace) {
  const std::string rel = importOne();
  ASSERT_TRUE(panel->undoImport(id, 0).ok());
  writeAll(project.file(rel), "someone else's");
  Status restored = panel->restoreImport(id, 0);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(readAll(project.file(rel)), "someone else's");
  EXPECT_EQ(generator->job(id)->outputs[0].state, OutputState::kReady);
}

TEST_F(UndoPanel, ShowInFolderCallsTheHostSeamWithTheAbsolutePath) {
  const std::string rel = importOne();
  ASSERT_TRUE(panel->showInFolder(rel).ok());
  ASSERT_EQ(revealed.size(), 1u);
  EXPECT_TRUE(fs::path(revealed[0]).is_absolute()) << revealed[0];
  EXPECT_TRUE(fs::equivalent(revealed[0], project.file(rel)));
}

TEST(AssetLabel, KeepsTheStartAndTheEndReadable) {
  const auto seven = [](const std::string& text) { return 7.0f * static_cast<float>(text.size()); };
  EXPECT_EQ(viewer::assetLabel("assets/crate.png", 84, seven), "crate");
  const std::string label =
      viewer::assetLabel("assets/generated/mossy-stone-wall-with-ivy-2e8e.png", 84, seven);
  EXPECT_EQ(label, "mossy-stone-\nwall-...2e8e");
  // At 2x the cell and the font grow together: the same label.
  const auto fourteen = [](const std::string& text) { return 14.0f * static_cast<float>(text.size()); };
  EXPECT_EQ(viewer::assetLabel("mossy-stone-wall-with-ivy-2e8e.png", 168, fourteen), label);
  for (size_t start = 0, end; start < label.size(); start = end + 1) {
    end = label.find('\n', start);
    if (end == std::string::npos) end = label.size();
    EXPECT_LE(seven(label.substr(start, end - start)), 84.0f);
  }
}

}  // namespace
}  // namespace texforge::test
