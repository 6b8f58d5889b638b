// Files a host drops on the panel (Panel::dropFiles): PNG, JPEG and WebP files become references,
// decided by their bytes; anything else is refused with a message naming the file and what is
// accepted; while the mask painter is open the image loads into the mask instead.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

struct PanelDrop : ::testing::Test {
  std::string png(const std::string& name, int width = 16, int height = 16, uint8_t value = 200) {
    auto bytes = encodePng(solidImage(width, height, value));
    EXPECT_TRUE(bytes.ok());
    const std::string path = project.file(name);
    writeAll(path, std::string(bytes->begin(), bytes->end()));
    return path;
  }
  std::string file(const std::string& name, const std::string& bytes) {
    writeAll(project.file(name), bytes);
    return project.file(name);
  }
  bool said(const std::string& part) const { return panel->statusMessage().find(part) != std::string::npos; }

  TempDir project;
  ScriptedGenerator generator;
  PanelHarness harness{generator, project.path()};
  editor::Panel* panel = harness.panel.get();
};

TEST_F(PanelDrop, ImagesBecomeReferencesInTheOrderDropped) {
  const std::string wall = png("wall.png");
  // JPEG and WebP are told by their signatures, whatever the name says.
  const std::string photo = file("photo.jpeg", std::string("\xff\xd8\xff\xe0", 4) + "rest of a jpeg");
  const std::string sprite = file("sprite.bin", std::string("RIFF\x10\0\0\0WEBPVP8 rest", 20));
  EXPECT_EQ(panel->dropFiles({wall, photo, sprite}), 3);
  const auto& references = panel->params().reference_images;
  ASSERT_EQ(references.size(), 3u);
  EXPECT_EQ(references[0].local_path, wall);
  EXPECT_EQ(references[1].local_path, photo);
  EXPECT_EQ(references[2].local_path, sprite);
  EXPECT_TRUE(said("Added 3 references")) << panel->statusMessage();
  harness.frame();  // and the form draws them
  EXPECT_EQ(panel->params().reference_images.size(), 3u);
}

TEST_F(PanelDrop, AFileThatIsNoImageIsRefusedWithWhatIsAccepted) {
  const std::string notes = file("notes.txt", "a shopping list");
  const std::string renamed = file("fake.png", "plain text under an image's name");
  EXPECT_EQ(panel->dropFiles({notes, renamed}), 0);
  EXPECT_TRUE(panel->params().reference_images.empty());
  EXPECT_TRUE(said("notes.txt")) << panel->statusMessage();
  EXPECT_TRUE(said("fake.png")) << panel->statusMessage();
  EXPECT_TRUE(said("PNG, JPEG or WebP")) << panel->statusMessage();
}

TEST_F(PanelDrop, AMissingFileOrAFolderIsRefused) {
  std::filesystem::create_directories(project.file("textures"));
  EXPECT_EQ(panel->dropFiles({project.file("gone.png"), project.file("textures")}), 0);
  EXPECT_TRUE(panel->params().reference_images.empty());
  EXPECT_TRUE(said("gone.png (not found)")) << panel->statusMessage();
  EXPECT_TRUE(said("textures (a folder)")) << panel->statusMessage();
}

TEST_F(PanelDrop, AMixedDropTakesTheImagesAndNamesTheRest) {
  const std::string wall = png("wall.png");
  EXPECT_EQ(panel->dropFiles({project.file("readme.md"), wall}), 1);
  ASSERT_EQ(panel->params().reference_images.size(), 1u);
  EXPECT_EQ(panel->params().reference_images[0].local_path, wall);
  EXPECT_TRUE(said("reference 1")) << panel->statusMessage();
  EXPECT_TRUE(said("readme.md (not found)")) << panel->statusMessage();
}

TEST_F(PanelDrop, NoMoreThanTheModelTakes) {
  const std::string wall = png("wall.png");
  std::vector<std::string> many(12, wall);
  EXPECT_EQ(panel->dropFiles(many), kMaxReferences);
  EXPECT_EQ(panel->params().reference_images.size(), static_cast<size_t>(kMaxReferences));
  EXPECT_TRUE(said("at most 10 references")) << panel->statusMessage();
}

TEST_F(PanelDrop, WhileTheMaskPainterIsOpenAnImageLoadsIntoTheMask) {
  panel->addReference(png("reference.png", 32, 32, 200));
  ASSERT_TRUE(panel->openMaskPainter());
  ASSERT_TRUE(harness.frameUntil([&] { return panel->mask().width() == 32; }));
  EXPECT_FALSE(panel->mask().canUndo());

  // Alpha 0 is the area to change: a fully transparent image paints the whole canvas.
  auto clear = encodePng(solidImage(8, 8, 0));
  ASSERT_TRUE(clear.ok());
  const std::string mask = file("mask.png", std::string(clear->begin(), clear->end()));
  EXPECT_EQ(panel->dropFiles({mask, project.file("second.png")}), 1);
  EXPECT_EQ(panel->params().reference_images.size(), 1u) << "the drop went to the references";
  EXPECT_TRUE(panel->mask().canUndo()) << panel->statusMessage();
  EXPECT_TRUE(said("Mask loaded from mask.png")) << panel->statusMessage();
  EXPECT_TRUE(said("second.png (not found)")) << panel->statusMessage();
}

}  // namespace
}  // namespace texforge::test
