// The emulator's pictures for game-ready assets, measured with the core's own image_ops: visible seams
// that an edit of the centre cross repairs, a flat matte background that keys out cleanly, and a model
// that ignores a transparent background.
#include <string>
#include <vector>

#include "emulator_test_helpers.h"
#include "texforge/image.h"
#include "texforge/image_ops.h"

namespace texforge::emulator::testing {
namespace {

// The smallest picture the model makes (655360 pixels).
constexpr int kWidth = 1024, kHeight = 640;
constexpr char kMattePrompt[] =
    "a red gem. Isolated subject on a flat, uniform #FF00FF background with no shadows or gradients.";

DecodedImage decoded(const std::string& bytes) {
  Result<DecodedImage> image = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  EXPECT_TRUE(image.ok()) << (image.ok() ? "" : image.error().message);
  return image.ok() ? *image : DecodedImage{};
}

std::string pngOf(const DecodedImage& image) {
  Result<std::vector<uint8_t>> png = texforge::encodePng(image);
  EXPECT_TRUE(png.ok());
  return png.ok() ? std::string(png->begin(), png->end()) : std::string();
}

const uint8_t* pixel(const DecodedImage& image, int x, int y) {
  return &image.rgba[(size_t(y) * image.width + x) * 4];
}

class EmulatorSeamsTest : public EmulatorTest {
 protected:
  // One generated picture, decoded.
  DecodedImage generate(const json& body) {
    std::vector<std::string> ids = generateAssets(body);
    EXPECT_EQ(ids.size(), 1u) << body.dump();
    return ids.empty() ? DecodedImage{} : decoded(download(ids[0]));
  }

  void startWithModes(bool visible_seams, bool ignore_transparency) {
    EmulatorOptions options = defaultOptions();
    options.visible_seams = visible_seams;
    options.ignore_transparency = ignore_transparency;
    startWith(options);
  }
};

TEST_F(EmulatorSeamsTest, InpaintingTheCentreCrossRepairsVisibleSeams) {
  startWithModes(true, false);
  const DecodedImage image =
      generate({{"prompt", "mossy stone wall, tileable texture"}, {"width", kWidth}, {"height", kHeight}});
  ASSERT_EQ(image.width, kWidth);
  const SeamScore before = measureSeams(image);
  RecordProperty("seam_score_visible", std::to_string(before.score));
  EXPECT_GT(before.score, 3);

  const DecodedImage centred = shiftSeamsToCentre(image);
  const DecodedImage mask = seamRepairMask(kWidth, kHeight);
  const std::string reference_id = upload(pngOf(centred));
  const std::string mask_id = upload(pngOf(mask));
  ASSERT_FALSE(reference_id.empty());
  ASSERT_FALSE(mask_id.empty());
  const DecodedImage repaired = generate({{"prompt", "mossy stone wall, tileable texture"},
                                          {"referenceImages", {reference_id}},
                                          {"mask", mask_id}});
  ASSERT_EQ(repaired.width, kWidth);
  ASSERT_EQ(repaired.height, kHeight);

  // The kept pixels are the reference's, the repainted ones are not a copy of the seam.
  int kept_changed = 0, repainted_changed = 0, repainted = 0;
  for (size_t i = 0; i < repaired.rgba.size(); i += 4) {
    const bool same = std::equal(&repaired.rgba[i], &repaired.rgba[i] + 4, &centred.rgba[i]);
    if (mask.rgba[i + 3] >= 128) {
      kept_changed += !same;
    } else {
      ++repainted;
      repainted_changed += !same;
    }
  }
  EXPECT_EQ(kept_changed, 0);
  EXPECT_GT(repainted_changed, repainted / 2);

  const SeamScore after = measureSeams(shiftSeamsBack(repaired));
  RecordProperty("seam_score_repaired", std::to_string(after.score));
  EXPECT_LT(after.score, kSeamlessScore)
      << "horizontal " << after.horizontal << ", vertical " << after.vertical;
}

TEST_F(EmulatorSeamsTest, VisibleSeamsOnlyWhenAsked) {
  const json body = {{"prompt", "sand dunes"}, {"width", kWidth}, {"height", kHeight}};
  const SeamScore plain = measureSeams(generate(body));
  RecordProperty("seam_score_default", std::to_string(plain.score));

  Reply set = post("/_emulator/config", {{"visible_seams", true}});
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["visible_seams"], true);
  EXPECT_EQ(set.body["ignore_transparency"], false);
  const SeamScore seams = measureSeams(generate(body));
  EXPECT_GT(seams.score, 3);
  EXPECT_GT(seams.score, plain.score);

  EXPECT_EQ(post("/_emulator/config", {{"visible_seams", "yes"}}).status, 400);
  EXPECT_EQ(post("/_emulator/config", {{"ignore_transparency", 1}}).status, 400);
  EXPECT_EQ(post("/_emulator/config", json::object()).body["visible_seams"],
            true);  // the refusals changed nothing
}

TEST_F(EmulatorSeamsTest, MattePromptGivesAFlatBackgroundThatKeysOut) {
  const DecodedImage image = generate({{"prompt", kMattePrompt}, {"width", kWidth}, {"height", kHeight}});
  ASSERT_EQ(image.width, kWidth);
  for (auto [x, y] :
       {std::pair{0, 0}, std::pair{kWidth - 1, 0}, std::pair{0, kHeight - 1},
        std::pair{kWidth - 1, kHeight - 1}, std::pair{kWidth / 2, 2}, std::pair{2, kHeight / 2}}) {
    const uint8_t* p = pixel(image, x, y);
    EXPECT_EQ(p[0], 255) << x << "," << y;
    EXPECT_EQ(p[1], 0) << x << "," << y;
    EXPECT_EQ(p[2], 255) << x << "," << y;
    EXPECT_EQ(p[3], 255) << x << "," << y;
  }
  // The subject's edge blends into the matte: a ring of colours mostly matte but not quite, as
  // anti-aliasing leaves them (what de-spill is for).
  int blended = 0;
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    const int dr = image.rgba[i] - 255, dg = image.rgba[i + 1], db = image.rgba[i + 2] - 255;
    const int distance2 = dr * dr + dg * dg + db * db;
    blended += distance2 > 0 && distance2 < 150 * 150;
  }
  EXPECT_GT(blended, 400);  // the disc's circumference is about 1850 pixels

  Result<MatteColor> magenta = parseMatteColor(kDefaultMatte);
  ASSERT_TRUE(magenta.ok());
  const DecodedImage keyed = keyOutMatte(image, *magenta);
  EXPECT_EQ(pixel(keyed, 0, 0)[3], 0);
  EXPECT_EQ(pixel(keyed, kWidth - 1, kHeight - 1)[3], 0);
  EXPECT_EQ(pixel(keyed, kWidth / 2, kHeight / 2)[3], 255);
  EXPECT_EQ(inspectAlpha(keyed).kind, AlphaKind::kTransparent);
  // The subject's hues are opposite magenta, so no kept pixel may lean to it (g well below the mean
  // of r and b), the edge included. The lower half: the drawn prompt sits at the top.
  int tinted = 0, kept = 0;
  for (int y = kHeight / 2; y < kHeight; ++y) {
    for (int x = 0; x < kWidth; ++x) {
      const uint8_t* p = pixel(keyed, x, y);
      if (p[3] == 0) continue;
      ++kept;
      tinted += p[1] - (p[0] + p[2]) / 2.0 < -20;
    }
  }
  EXPECT_GT(kept, 1000);
  EXPECT_EQ(tinted, 0);
}

TEST_F(EmulatorSeamsTest, MatteHexIsCaseInsensitiveAndTheWordingExact) {
  const DecodedImage green = generate(
      {{"prompt", "a barrel on a flat, uniform #00ff00 background"}, {"width", kWidth}, {"height", kHeight}});
  ASSERT_EQ(green.width, kWidth);
  EXPECT_EQ(pixel(green, 0, 0)[0], 0);
  EXPECT_EQ(pixel(green, 0, 0)[1], 255);
  EXPECT_EQ(pixel(green, 0, 0)[2], 0);
  Result<MatteColor> matte = parseMatteColor("#00FF00");
  ASSERT_TRUE(matte.ok());
  EXPECT_EQ(pixel(keyOutMatte(green, *matte), kWidth / 2, kHeight / 2)[3], 255);

  // Other wording, or a transparent background, paints no matte.
  const DecodedImage loose = generate(
      {{"prompt", "a barrel on a flat uniform #00FF00 background"}, {"width", kWidth}, {"height", kHeight}});
  ASSERT_EQ(loose.width, kWidth);
  EXPECT_FALSE(pixel(loose, 0, 0)[0] == 0 && pixel(loose, 0, 0)[1] == 255 && pixel(loose, 0, 0)[2] == 0);
  const DecodedImage transparent = generate(
      {{"prompt", kMattePrompt}, {"background", "transparent"}, {"width", kWidth}, {"height", kHeight}});
  ASSERT_EQ(transparent.width, kWidth);
  EXPECT_EQ(pixel(transparent, 0, 0)[3], 0);
}

TEST_F(EmulatorSeamsTest, IgnoredTransparencyComesBackOpaque) {
  startWithModes(false, true);
  const json body = {
      {"prompt", "sprite"}, {"background", "transparent"}, {"width", kWidth}, {"height", kHeight}};
  const DecodedImage png = generate(body);  // accepted: the model says it can
  ASSERT_EQ(png.width, kWidth);
  const AlphaKind kind = inspectAlpha(png).kind;
  EXPECT_TRUE(kind == AlphaKind::kOpaque || kind == AlphaKind::kNone) << alphaKindName(kind);
  EXPECT_EQ(pixel(png, 0, 0)[3], 255);

  emulator_->setOutputFormat("jpeg");
  std::vector<std::string> ids = generateAssets(body);
  ASSERT_EQ(ids.size(), 1u);
  const std::string bytes = download(ids[0]);
  EXPECT_EQ(bytes.substr(0, 3), std::string("\xff\xd8\xff", 3));  // no PNG fallback: nothing to keep
  EXPECT_EQ(inspectAlpha(decoded(bytes)).kind, AlphaKind::kNone);

  // Switched off through the control route, the same request has real alpha again.
  emulator_->setOutputFormat("png");
  Reply set = post("/_emulator/config", {{"ignore_transparency", false}});
  ASSERT_EQ(set.status, 200) << set.raw;
  EXPECT_EQ(set.body["ignore_transparency"], false);
  EXPECT_EQ(inspectAlpha(generate(body)).kind, AlphaKind::kTransparent);
}

}  // namespace
}  // namespace texforge::emulator::testing
