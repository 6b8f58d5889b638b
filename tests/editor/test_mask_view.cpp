// The mask painter's zoom and pan: the screen <-> mask mapping, zooming around the cursor, pans that
// cannot lose the mask, strokes at 400% after a pan landing on the pixels under the cursor (driven by
// the mouse on a headless frame), and the form's mask thumbnail with Clear mask.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <imgui.h>

#include "editor_test_support.h"
#include "mask_view.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

using editor::MaskView;

TEST(MaskViewMath, ScreenAndMaskPointsMapBothWays) {
  MaskView view;
  view.zoom = 4.0f;
  view.offset_x = -100.0f;
  view.offset_y = 37.5f;
  const ImVec2 canvas_min(10, 20);
  const ImVec2 top_left = editor::maskToScreen(view, canvas_min, ImVec2(30, 40));
  EXPECT_FLOAT_EQ(top_left.x, 10 - 100 + 30 * 4);
  EXPECT_FLOAT_EQ(top_left.y, 20 + 37.5f + 40 * 4);
  // The middle of that pixel's on-screen square is its centre in the mask.
  const ImVec2 back = editor::screenToMask(view, canvas_min, ImVec2(top_left.x + 2, top_left.y + 2));
  EXPECT_FLOAT_EQ(back.x, 30.5f);
  EXPECT_FLOAT_EQ(back.y, 40.5f);
}

TEST(MaskViewMath, FitShowsTheWholeMaskCentred) {
  MaskView view;
  editor::fitMaskView(view, 512, 256, ImVec2(400, 300));
  EXPECT_FLOAT_EQ(view.zoom, 400.0f / 512);
  EXPECT_FLOAT_EQ(view.offset_x, 0.0f);
  EXPECT_FLOAT_EQ(view.offset_y, (300 - 256 * view.zoom) / 2);
  EXPECT_TRUE(view.fit);
}

TEST(MaskViewMath, ZoomKeepsTheMaskPointUnderTheCursor) {
  const ImVec2 canvas(600, 400);
  MaskView view;
  editor::fitMaskView(view, 256, 256, canvas);
  const ImVec2 cursor(230, 170);  // in canvas coordinates, over the mask
  const ImVec2 before = editor::screenToMask(view, ImVec2(0, 0), cursor);
  for (float zoom : {4.0f, 9.3f, 0.8f, 32.0f}) {
    editor::zoomMaskView(view, zoom, cursor, 256, 256, canvas);
    EXPECT_FLOAT_EQ(view.zoom, zoom);
    const ImVec2 after = editor::screenToMask(view, ImVec2(0, 0), cursor);
    EXPECT_NEAR(after.x, before.x, 1e-3f) << "at zoom " << zoom;
    EXPECT_NEAR(after.y, before.y, 1e-3f) << "at zoom " << zoom;
  }
  EXPECT_FALSE(view.fit);
  editor::zoomMaskView(view, 1000.0f, cursor, 256, 256, canvas);
  EXPECT_FLOAT_EQ(view.zoom, editor::kMaskMaxZoom);
  editor::zoomMaskView(view, 0.001f, cursor, 256, 256, canvas);
  EXPECT_FLOAT_EQ(view.zoom, 400.0f / 256 / 2) << "down to half of Fit";
  editor::fitMaskView(view, 64, 64, canvas);
  editor::zoomMaskView(view, 0.001f, cursor, 64, 64, canvas);
  EXPECT_FLOAT_EQ(view.zoom, 1.0f) << "a small mask zooms out to 1:1 at most";
}

TEST(MaskViewMath, PanningCannotPushTheMaskOutOfTheCanvas) {
  const ImVec2 canvas(600, 400);
  MaskView view;
  view.zoom = 4.0f;  // a 256 px mask is 1024 px wide on screen
  view.offset_x = -1e6f;
  view.offset_y = 1e6f;
  editor::clampMaskView(view, 256, 256, canvas);
  EXPECT_FLOAT_EQ(view.offset_x + 256 * 4, editor::kMaskKeepVisible) << "its right edge stays in";
  EXPECT_FLOAT_EQ(view.offset_y, canvas.y - editor::kMaskKeepVisible) << "its top edge stays in";
  // Inside the limits nothing moves.
  view.offset_x = -300;
  view.offset_y = -50;
  editor::clampMaskView(view, 256, 256, canvas);
  EXPECT_FLOAT_EQ(view.offset_x, -300);
  EXPECT_FLOAT_EQ(view.offset_y, -50);
  // A mask smaller on screen than the margin stays whole.
  view.zoom = 0.1f;  // 25.6 px
  view.offset_x = 1e6f;
  editor::clampMaskView(view, 256, 256, canvas);
  EXPECT_FLOAT_EQ(view.offset_x, canvas.x - 25.6f);
}

TEST(MaskViewMath, ZoomStepsArePowersOfTwo) {
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(1.0f, 1), 2.0f);
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(2.0f, 1), 4.0f);
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(3.0f, 1), 4.0f);
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(4.0f, -1), 2.0f);
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(0.3f, -1), 0.25f);
  EXPECT_FLOAT_EQ(editor::nextMaskZoomStep(0.3f, 1), 0.5f);
}

// The wheel for the next frame: queued where ImGui has an event queue (1.87 on), else written into
// ImGuiIO as 1.86 reads it.
template <typename Io>
auto queueWheel(Io& io, float y, int) -> decltype(io.AddMouseWheelEvent(0.0f, y)) {
  io.AddMouseWheelEvent(0.0f, y);
}
template <typename Io>
void queueWheel(Io& io, float y, long) {
  io.MouseWheel = y;
}

// The painter over a 256 x 256 reference, driven by the mouse and keys as an artist would.
struct MaskPainterMouse : ::testing::Test {
  void SetUp() override {
    const std::string reference = project.file("reference.png");
    auto png = encodePng(solidImage(kSide, kSide, 160));
    ASSERT_TRUE(png.ok());
    writeAll(reference, std::string(png->begin(), png->end()));
    panel->addReference(reference);
    ASSERT_TRUE(panel->openMaskPainter());
    ASSERT_TRUE(harness.frameUntil([&] { return panel->layout().count("mask.image") > 0; }));
    harness.frame();
    ASSERT_EQ(panel->mask().width(), kSide);
  }

  editor::WidgetRect rect(const char* name) const { return panel->layout().at(name); }
  float zoom() const {
    const editor::WidgetRect r = rect("mask.image");
    return (r.max_x - r.min_x) / kSide;
  }
  // The mask position under a screen point, from where the frame drew the mask.
  ImVec2 maskAt(ImVec2 screen) const {
    const editor::WidgetRect r = rect("mask.image");
    return ImVec2((screen.x - r.min_x) / zoom(), (screen.y - r.min_y) / zoom());
  }
  ImVec2 canvasCentre() const {
    const editor::WidgetRect c = rect("mask.canvas");
    return whole(ImVec2((c.min_x + c.max_x) / 2, (c.min_y + c.max_y) / 2));
  }
  // ImGui 1.86 rounds the mouse position down to whole pixels: points the mouse goes to are whole.
  static ImVec2 whole(ImVec2 at) { return ImVec2(std::floor(at.x), std::floor(at.y)); }
  void move(ImVec2 at) {
    HeadlessImGui::mouseMove(at.x, at.y);
    harness.frame();
  }
  void drag(int button, ImVec2 from, ImVec2 to) {
    move(from);
    HeadlessImGui::mouseButton(button, true);
    harness.frame();
    move(to);
    HeadlessImGui::mouseButton(button, false);
    harness.frame();
  }
  void type(const char* text) {
    HeadlessImGui::typeText(text);
    harness.frame();
  }

  static constexpr int kSide = 256;
  TempDir project;
  ScriptedGenerator generator;
  PanelHarness harness{generator, project.path()};
  editor::Panel* panel = harness.panel.get();
};

TEST_F(MaskPainterMouse, TheWheelZoomsAroundTheCursor) {
  const editor::WidgetRect image = rect("mask.image");
  const ImVec2 cursor = whole(ImVec2(image.min_x + (image.max_x - image.min_x) * 0.3f,
                                     image.min_y + (image.max_y - image.min_y) * 0.6f));
  move(cursor);
  const ImVec2 before = maskAt(cursor);
  const float fit = zoom();
  queueWheel(ImGui::GetIO(), 2.0f, 0);
  harness.frame();
  EXPECT_NEAR(zoom(), fit * 1.5625f, 1e-3f) << "two notches of 125%";
  const ImVec2 after = maskAt(cursor);
  EXPECT_NEAR(after.x, before.x, 0.01f);
  EXPECT_NEAR(after.y, before.y, 0.01f);
}

TEST_F(MaskPainterMouse, AStrokeAt400PercentAfterAPanPaintsThePixelsUnderTheCursor) {
  move(canvasCentre());
  type("1");  // 1:1
  type("+");  // two steps: 400%
  type("+");
  ASSERT_FLOAT_EQ(zoom(), 4.0f);
  // Pan with the middle button: the mask follows the mouse.
  const editor::WidgetRect before = rect("mask.image");
  const ImVec2 centre = canvasCentre();
  drag(2, centre, ImVec2(centre.x - 150, centre.y - 90));
  const editor::WidgetRect panned = rect("mask.image");
  EXPECT_FLOAT_EQ(panned.min_x, before.min_x - 150);
  EXPECT_FLOAT_EQ(panned.min_y, before.min_y - 90);
  EXPECT_FALSE(panel->mask().hasPaint()) << "panning paints nothing";

  // One click of the 48 px brush (radius 24 mask pixels, softness 0.5).
  const ImVec2 click(centre.x + 37, centre.y - 21);
  const ImVec2 at = maskAt(click);
  move(click);
  HeadlessImGui::mouseButton(0, true);
  harness.frame();
  HeadlessImGui::mouseButton(0, false);
  harness.frame();

  editor::MaskCanvas expected;
  expected.reset(kSide, kSide);
  expected.strokeTo(at.x, at.y, 24.0f, 0.5f, false);
  expected.endStroke();
  const editor::MaskCanvas& painted = panel->mask();
  int differing = 0;
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      // Float rounding may move a soft edge pixel by a step or two, never more.
      if (std::abs(painted.at(x, y) - expected.at(x, y)) > 2) ++differing;
    }
  }
  EXPECT_EQ(differing, 0);
  EXPECT_EQ(painted.at(static_cast<int>(at.x), static_cast<int>(at.y)), 255);
  EXPECT_EQ(painted.at(static_cast<int>(at.x) + 26, static_cast<int>(at.y)), 0);
}

TEST_F(MaskPainterMouse, SpaceAndTheLeftButtonPanInsteadOfPainting) {
  type("+");
  const editor::WidgetRect before = rect("mask.image");
  const ImVec2 centre = canvasCentre();
  HeadlessImGui::key(ImGuiKey_Space, true);
  drag(0, centre, ImVec2(centre.x + 40, centre.y + 30));
  HeadlessImGui::key(ImGuiKey_Space, false);
  harness.frame();
  const editor::WidgetRect after = rect("mask.image");
  EXPECT_FLOAT_EQ(after.min_x, before.min_x + 40);
  EXPECT_FLOAT_EQ(after.min_y, before.min_y + 30);
  EXPECT_FALSE(panel->mask().hasPaint());
}

TEST_F(MaskPainterMouse, APanFarAwayLeavesPartOfTheMaskInTheCanvas) {
  type("1");
  type("+");  // 200%: 512 px on screen
  const ImVec2 centre = canvasCentre();
  drag(2, centre, ImVec2(centre.x + 2000, centre.y + 2000));
  const editor::WidgetRect image = rect("mask.image"), canvas = rect("mask.canvas");
  EXPECT_FLOAT_EQ(image.min_x, canvas.max_x - editor::kMaskKeepVisible);
  EXPECT_FLOAT_EQ(image.min_y, canvas.max_y - editor::kMaskKeepVisible);
  type("f");  // Fit brings it all back
  const editor::WidgetRect fitted = rect("mask.image");
  EXPECT_GE(fitted.min_x, canvas.min_x);
  EXPECT_LE(fitted.max_x, canvas.max_x);
  EXPECT_GE(fitted.min_y, canvas.min_y);
  EXPECT_LE(fitted.max_y, canvas.max_y);
}

TEST_F(MaskPainterMouse, TheFormShowsTheMaskItUsesAndClearMaskRemovesIt) {
  const ImVec2 centre = canvasCentre();
  drag(0, centre, ImVec2(centre.x + 30, centre.y));
  ASSERT_TRUE(panel->mask().hasPaint());
  const editor::WidgetRect use = rect("mask.use");
  drag(0, ImVec2(use.min_x + 4, use.min_y + 4), ImVec2(use.min_x + 4, use.min_y + 4));  // Use this mask
  ASSERT_TRUE(panel->params().mask.has_value()) << panel->statusMessage();
  const std::string path = panel->params().mask->local_path;
  ASSERT_TRUE(harness.frameUntil(
      [&] { return panel->textures().peek("mask-overlay:" + path).state == editor::TextureState::kReady; }));
  harness.frame();
  const auto layout = panel->layout();
  ASSERT_EQ(layout.count("mask.thumbnail"), 1u);
  const uint64_t overlay = panel->textures().peek("mask-overlay:" + path).handle.id;
  const std::vector<uint64_t> drawn = HeadlessImGui::texturesDrawn();
  EXPECT_NE(std::find(drawn.begin(), drawn.end(), overlay), drawn.end()) << "the thumbnail shows the mask";
  EXPECT_EQ(layout.count("mask.canvas"), 0u) << "Use this mask closed the painter";

  panel->clearMask();
  EXPECT_FALSE(panel->params().mask.has_value());
  harness.frame();
  EXPECT_EQ(panel->layout().count("mask.thumbnail"), 0u);
  EXPECT_TRUE(panel->mask().hasPaint()) << "the painted canvas stays for the next Paint mask...";
}

}  // namespace
}  // namespace texforge::test
