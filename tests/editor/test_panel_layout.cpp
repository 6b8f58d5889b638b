// The panel fits small and scaled windows: at 800x600 (the viewer's panel window inside it) the
// Generate button with its price, the mask painter's buttons and History's prompt column are whole
// and on screen, and the content scale grows what text alone does not (thumbnails, fixed widths).
#include <string>

#include <gtest/gtest.h>
#include <imgui.h>

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

struct SmallWindowPanel : ::testing::Test {
  void SetUp() override { open(1.0f); }
  void TearDown() override { harness.reset(); }

  void open(float scale) {
    harness.reset();
    editor::PanelOptions options = panelOptions(generator, *uploader_for_options, project.path());
    options.ui_scale = scale;
    harness = std::make_unique<PanelHarness>(generator, makeNullTextureUploader(), std::move(options));
    panel = harness->panel.get();
    ImGui::GetIO().DisplaySize = ImVec2(kWidth, kHeight);  // before NewFrame: the viewport follows it
  }

  // One viewer-like frame: an 800x600 display, the asset list's 240 px on the left, the panel's
  // window filling the rest below a banner.
  void frame() {
    harness->imgui.frame([&] {
      ImGui::SetNextWindowPos(ImVec2(240, 32));
      ImGui::SetNextWindowSize(ImVec2(kWidth - 240, kHeight - 32));
      ImGui::Begin("host", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize);
      panel->drawContents();
      ImGui::End();
    });
  }
  bool framesUntil(const std::function<bool()>& done) {
    return waitUntil(done, [&] {
      frame();
      if (!done()) generator.waitForActivity(0.1);
    });
  }

  // The widget was drawn, lies inside the display and nothing of it was clipped.
  static ::testing::AssertionResult whole(const std::map<std::string, editor::WidgetRect>& layout,
                                          const std::string& name) {
    auto it = layout.find(name);
    if (it == layout.end()) return ::testing::AssertionFailure() << name << " was not drawn";
    const editor::WidgetRect& r = it->second;
    if (r.min_x < 0 || r.min_y < 0 || r.max_x > kWidth || r.max_y > kHeight)
      return ::testing::AssertionFailure() << name << " at [" << r.min_x << ", " << r.min_y << "]-["
                                           << r.max_x << ", " << r.max_y << "] leaves the window";
    if (r.visible_min_x != r.min_x || r.visible_min_y != r.min_y || r.visible_max_x != r.max_x ||
        r.visible_max_y != r.max_y)
      return ::testing::AssertionFailure()
             << name << " is cut off: [" << r.visible_min_x << ", " << r.visible_min_y << "]-["
             << r.visible_max_x << ", " << r.visible_max_y << "] of [" << r.min_x << ", " << r.min_y << "]-["
             << r.max_x << ", " << r.max_y << "] shows";
    return ::testing::AssertionSuccess();
  }

  void addReference(int width, int height) {
    const std::string reference = project.file("reference.png");
    auto png = encodePng(solidImage(width, height, 160));
    ASSERT_TRUE(png.ok());
    writeAll(reference, std::string(png->begin(), png->end()));
    panel->addReference(reference);
  }

  static constexpr float kWidth = 800, kHeight = 600;
  TempDir project;
  ScriptedGenerator generator{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  std::unique_ptr<TextureUploader> uploader_for_options = makeNullTextureUploader();
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(SmallWindowPanel, TheGenerateButtonShowsItsWholePrice) {
  Quote quote;
  quote.creative_units = 32.0;
  generator.setQuote(quote);
  panel->params().prompt = "mossy stone wall";
  panel->params().num_outputs = 4;
  ASSERT_TRUE(framesUntil([&] { return panel->currentQuote().has_value(); }));
  frame();
  ASSERT_NE(panel->generateButtonLabel().find("32.00"), std::string::npos) << panel->generateButtonLabel();
  const auto layout = panel->layout();
  EXPECT_TRUE(whole(layout, "generate"));
  // The label needs more than the form's width on one line: the price went under it, so the
  // button is taller than one line of text.
  const editor::WidgetRect& r = layout.at("generate");
  EXPECT_GT(r.max_y - r.min_y, ImGui::GetTextLineHeight() * 2);
}

TEST_F(SmallWindowPanel, TheMaskPaintersButtonsStayOnScreenOverATallReference) {
  addReference(512, 1536);  // taller than the window at any width that fits it
  ASSERT_TRUE(panel->openMaskPainter());
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("mask.use") > 0; }));
  frame();
  const auto layout = panel->layout();
  EXPECT_TRUE(whole(layout, "mask.use"));
  EXPECT_TRUE(whole(layout, "mask.close"));
  EXPECT_TRUE(whole(layout, "mask.canvas"));
  const editor::WidgetRect& canvas = layout.at("mask.canvas");
  EXPECT_GT(canvas.max_y - canvas.min_y, 100.0f) << "the canvas shrank to fit, not to nothing";
}

TEST_F(SmallWindowPanel, HistoryKeepsAReadablePromptColumn) {
  panel->params().prompt = "a weathered bronze statue of a lion, moss in the cracks, overcast light";
  ASSERT_TRUE(framesUntil([&] { return panel->currentQuote().has_value() || !panel->quoteError().empty(); }));
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  panel->selectTab(editor::PanelTab::kHistory);
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("history.prompt") > 0; }));
  frame();  // a table sizes its columns in the frame after its first
  const auto layout = panel->layout();
  EXPECT_TRUE(whole(layout, "history.prompt"));
  const editor::WidgetRect& prompt = layout.at("history.prompt");
  // Room for a readable start of the prompt: at least 16 characters of the font.
  EXPECT_GE(prompt.max_x - prompt.min_x, ImGui::CalcTextSize("a weathered bron").x);
}

TEST_F(SmallWindowPanel, TheContentScaleGrowsThumbnailsAsTheFontWould) {
  open(2.0f);
  panel->params().prompt = "a lantern";
  ASSERT_TRUE(framesUntil([&] { return panel->currentQuote().has_value() || !panel->quoteError().empty(); }));
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  panel->selectTab(editor::PanelTab::kHistory);
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("history.prompt") > 0; }));
  const editor::WidgetRect& row = panel->layout().at("history.prompt");
  EXPECT_FLOAT_EQ(row.max_y - row.min_y, 96.0f) << "a history row is as tall as its 2x thumbnail";
  EXPECT_FLOAT_EQ(panel->uiScale(), 2.0f);
  panel->setUiScale(1.0f);
  frame();
  const editor::WidgetRect& row_1x = panel->layout().at("history.prompt");
  EXPECT_FLOAT_EQ(row_1x.max_y - row_1x.min_y, 48.0f);
}

TEST_F(SmallWindowPanel, ResultsWrapIntoRowsAndThePreviewsActionsStayInTheWindow) {
  panel->params().prompt = "a carved rune stone";
  panel->params().num_outputs = 8;
  ASSERT_TRUE(framesUntil([&] { return panel->currentQuote().has_value() || !panel->quoteError().empty(); }));
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  const std::string id = panel->sessionJobIds().front();
  for (int i = 0; i < 8; ++i) generator.addReadyOutput(id, solidImage(64, 64, static_cast<uint8_t>(30 * i)));
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("preview.copy_prompt") > 0; }));
  frame();
  const auto layout = panel->layout();
  ASSERT_TRUE(layout.count("gallery.first") && layout.count("gallery.last"));
  const editor::WidgetRect& first = layout.at("gallery.first");
  const editor::WidgetRect& last = layout.at("gallery.last");
  EXPECT_GT(last.min_y, first.max_y) << "eight results in a narrow pane take more than one row";
  EXPECT_LE(last.max_x, kWidth) << "no thumbnail starts beyond the window's edge";
  EXPECT_TRUE(whole(layout, "preview.copy_prompt"));
}

TEST_F(SmallWindowPanel, TwoResultsAndBeforeAfterShowSideBySide) {
  addReference(1024, 1024);
  panel->params().prompt = "the same chest, opened";
  panel->params().num_outputs = 2;
  ASSERT_TRUE(framesUntil([&] { return panel->currentQuote().has_value() || !panel->quoteError().empty(); }));
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  const std::string id = panel->sessionJobIds().front();
  for (int i = 0; i < 2; ++i) generator.addReadyOutput(id, solidImage(64, 64, static_cast<uint8_t>(90 * i)));
  ASSERT_TRUE(framesUntil([&] { return panel->galleryOutputs().size() == 2; }));
  panel->selectOutput(id, 0);
  panel->compareWith(id, 1);
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("preview.b") > 0; }));
  auto layout = panel->layout();
  ASSERT_TRUE(layout.count("preview.a"));
  EXPECT_LE(layout.at("preview.a").max_x, layout.at("preview.b").min_x) << "side by side, not on top";
  EXPECT_TRUE(whole(layout, "preview.b"));

  panel->compareWithBefore(true);  // beside the reference it was made from
  ASSERT_TRUE(framesUntil([&] { return panel->layout().count("preview.b") > 0; }));
  layout = panel->layout();
  const editor::WidgetRect& before = layout.at("preview.b");
  EXPECT_NEAR(before.max_x - before.min_x, before.max_y - before.min_y, 1.0f) << "the square reference";
  panel->selectOutput(id, 1);  // a plain selection ends the comparison
  frame();
  EXPECT_EQ(panel->layout().count("preview.b"), 0u);
}

}  // namespace
}  // namespace texforge::test
