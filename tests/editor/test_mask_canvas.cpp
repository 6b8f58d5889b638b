// MaskCanvas: strokes paint and erase, undo/redo/clear/invert are exact, and the exported PNG has
// the reference's size with transparent pixels exactly where the artist painted.
#include <gtest/gtest.h>

#include "test_support.h"
#include "texforge/editor/mask_canvas.h"
#include "texforge/project_files.h"

namespace texforge::test {
namespace {

using editor::MaskCanvas;

TEST(MaskCanvas, BrushPaintsInsideItsRadiusOnly) {
  MaskCanvas canvas;
  canvas.reset(64, 32);
  canvas.beginStroke();
  canvas.strokeTo(10, 10, 4, 0.0f, false);
  canvas.strokeTo(30, 10, 4, 0.0f, false);
  canvas.endStroke();
  EXPECT_EQ(canvas.at(20, 10), 255);  // on the line between the two points
  EXPECT_EQ(canvas.at(20, 20), 0);
  EXPECT_EQ(canvas.at(50, 10), 0);
  EXPECT_TRUE(canvas.hasPaint());
}

TEST(MaskCanvas, SoftnessFadesTheEdge) {
  MaskCanvas canvas;
  canvas.reset(64, 64);
  canvas.strokeTo(32, 32, 16, 1.0f, false);
  canvas.endStroke();
  EXPECT_GT(canvas.at(32, 32), 200);
  const int edge = canvas.at(32 + 12, 32);
  EXPECT_GT(edge, 0);
  EXPECT_LT(edge, 128);
}

TEST(MaskCanvas, EraserUndoRedoClearInvert) {
  MaskCanvas canvas;
  canvas.reset(16, 16);
  canvas.strokeTo(8, 8, 6, 0.0f, false);
  canvas.endStroke();
  ASSERT_EQ(canvas.at(8, 8), 255);
  canvas.strokeTo(8, 8, 2, 0.0f, true);
  canvas.endStroke();
  EXPECT_EQ(canvas.at(8, 8), 0);
  EXPECT_EQ(canvas.at(4, 8), 255);
  canvas.undo();
  EXPECT_EQ(canvas.at(8, 8), 255);
  canvas.redo();
  EXPECT_EQ(canvas.at(8, 8), 0);
  canvas.invert();
  EXPECT_EQ(canvas.at(8, 8), 255);
  EXPECT_EQ(canvas.at(0, 0), 255);
  canvas.clear();
  EXPECT_FALSE(canvas.hasPaint());
  canvas.undo();
  EXPECT_TRUE(canvas.hasPaint());
}

TEST(MaskCanvas, LoadFromImageReadsAlphaAsPaint) {
  MaskCanvas canvas;
  canvas.reset(8, 8);
  DecodedImage image;
  image.width = 4;
  image.height = 4;
  image.rgba.assign(4 * 4 * 4, 255);
  image.rgba[3] = 0;  // top-left pixel transparent: to be edited
  ASSERT_TRUE(canvas.loadFromImage(image).ok());
  EXPECT_EQ(canvas.at(0, 0), 255);
  EXPECT_EQ(canvas.at(1, 1), 255);  // scaled up 2x
  EXPECT_EQ(canvas.at(2, 2), 0);
}

TEST(MaskCanvas, SavedPngHasTheSizeAndTransparentWherePainted) {
  TempDir dir;
  MaskCanvas canvas;
  canvas.reset(48, 40);
  canvas.strokeTo(10, 10, 5, 0.0f, false);
  canvas.endStroke();
  auto path = editor::saveMaskPng(canvas, dir.path());
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_NE(path->find("/.texforge/masks/"), std::string::npos);
  auto bytes = readFile(*path);
  ASSERT_TRUE(bytes.ok());
  auto image = decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->width, 48);
  EXPECT_EQ(image->height, 40);
  EXPECT_TRUE(image->has_alpha);
  EXPECT_EQ(image->rgba[(10 * 48 + 10) * 4 + 3], 0);    // painted: transparent
  EXPECT_EQ(image->rgba[(30 * 48 + 40) * 4 + 3], 255);  // untouched: opaque
}

}  // namespace
}  // namespace texforge::test
