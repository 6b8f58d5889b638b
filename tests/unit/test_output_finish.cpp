// Finishing without a network: what the service is asked for (prompt additions, the matte's opaque
// background), the checks before paying (alpha method, matte colour, a model without transparency),
// the finishing of synthetic results (matte keyed, a flat border keyed, a picture left opaque and
// said so, a repair shifted back) and the record's JSON round trip.
#include <gtest/gtest.h>

#include "output_finish.h"
#include "texforge/params.h"

namespace texforge {
namespace {

DecodedImage filled(int w, int h, uint8_t r, uint8_t g, uint8_t b, bool alpha = false) {
  DecodedImage image;
  image.width = w;
  image.height = h;
  image.has_alpha = alpha;
  image.rgba.resize(size_t(w) * h * 4);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = r;
    image.rgba[i + 1] = g;
    image.rgba[i + 2] = b;
    image.rgba[i + 3] = 255;
  }
  return image;
}

// A disc of colour on a flat background: a sprite as a model paints it on a matte.
DecodedImage sprite(int size, const MatteColor& background) {
  DecodedImage image = filled(size, size, background.r, background.g, background.b);
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      const int dx = x - size / 2, dy = y - size / 2;
      if (dx * dx + dy * dy > (size / 3) * (size / 3)) continue;
      uint8_t* px = &image.rgba[(size_t(y) * size + x) * 4];
      px[0] = 200, px[1] = 40, px[2] = 30;
    }
  }
  return image;
}

GenerationParams transparent(const std::string& method) {
  GenerationParams p;
  p.prompt = "a potion";
  p.background = "transparent";
  p.alpha_method = method;
  return p;
}

TEST(OutputFinish, TheServiceIsAskedForTheMatteAsAnOpaqueBackground) {
  GenerationParams p = transparent("matte");
  p.matte_color = "#00ff00";
  EXPECT_EQ(backgroundToSend(p), "opaque");
  EXPECT_NE(promptToSend(p).find("flat, uniform #00FF00 background"), std::string::npos) << promptToSend(p);
  EXPECT_EQ(promptToSend(p).rfind("a potion", 0), 0u);

  p.alpha_method = "model";
  EXPECT_EQ(backgroundToSend(p), "transparent");
  EXPECT_EQ(promptToSend(p), "a potion");

  p.background = "opaque";
  p.alpha_method = "matte";  // only with a transparent background
  EXPECT_EQ(backgroundToSend(p), "opaque");
  EXPECT_EQ(promptToSend(p), "a potion");
  p.seamless = true;
  EXPECT_NE(promptToSend(p).find("Seamless tileable"), std::string::npos);
}

TEST(OutputFinish, BadMethodsAndColoursAreRefusedBeforePaying) {
  GenerationParams p = transparent("stencil");
  Status refused = validateParams(p, nullptr);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("model or matte"), std::string::npos) << refused.error().message;
  p.alpha_method = "matte";
  p.matte_color = "magenta";
  EXPECT_FALSE(validateParams(p, nullptr));
  p.matte_color = "#ff00ff";
  EXPECT_TRUE(validateParams(p, nullptr));
}

TEST(OutputFinish, AModelWithoutTransparencyNamesTheMatte) {
  ModelSchema schema;
  ModelInput background;
  background.name = "background";
  background.type = "string";
  background.allowed_values = {"auto", "opaque"};
  schema.inputs.push_back(background);
  GenerationParams p = transparent("model");
  Status refused = validateParams(p, &schema);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("matte"), std::string::npos) << refused.error().message;
  p.alpha_method = "matte";
  EXPECT_TRUE(validateParams(p, &schema));
  p.background = "neon";
  EXPECT_FALSE(validateParams(p, &schema));
}

TEST(OutputFinish, AMatteIsKeyedOut) {
  MatteColor magenta;
  FinishedOutput out = finishOutput(sprite(64, magenta), transparent("matte"), -1);
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(out.finish.alpha, "matte");
  EXPECT_EQ(out.image.rgba[3], 0);
  EXPECT_EQ(out.image.rgba[(size_t(32) * 64 + 32) * 4 + 3], 255);
  EXPECT_GT(out.finish.transparent_fraction, 0.4);
  EXPECT_LT(out.finish.seam, 0);  // not asked for
}

TEST(OutputFinish, OpaquePixelsOnAFlatBorderAreKeyedAndAPictureIsCalledOpaque) {
  MatteColor grey{120, 120, 120};
  FinishedOutput keyed = finishOutput(sprite(64, grey), transparent("model"), -1);
  EXPECT_EQ(keyed.finish.alpha, "border");
  EXPECT_EQ(keyed.image.rgba[3], 0);

  DecodedImage picture = filled(64, 64, 0, 0, 0);
  for (size_t i = 0; i < picture.rgba.size(); i += 4) picture.rgba[i] = uint8_t(i * 7 % 251);
  FinishedOutput opaque = finishOutput(picture, transparent("model"), -1);
  EXPECT_EQ(opaque.finish.alpha, "opaque");
  EXPECT_FALSE(opaque.changed);
  EXPECT_EQ(opaque.finish.transparent_fraction, 0);

  DecodedImage real = sprite(64, grey);
  real.has_alpha = true;
  real.rgba[3] = 0;
  EXPECT_EQ(finishOutput(real, transparent("model"), -1).finish.alpha, "model");
}

TEST(OutputFinish, ARepairIsShiftedBackAndScored) {
  DecodedImage image = filled(32, 32, 10, 10, 10);
  image.rgba[0] = 250;  // a marker at the origin
  GenerationParams p;
  p.prompt = "tiles";
  p.repair_of = "tf_1:0";
  FinishedOutput out = finishOutput(shiftSeamsToCentre(image), p, 4.5);
  EXPECT_TRUE(out.changed);
  EXPECT_EQ(out.image.rgba, image.rgba);
  EXPECT_EQ(out.finish.seam_before, 4.5);
  EXPECT_GE(out.finish.seam, 0);
}

TEST(OutputFinish, TheRecordRoundTripsAndToleratesGarbage) {
  OutputFinish f;
  EXPECT_EQ(finishToJson(f), "");
  EXPECT_FALSE(isFinished(f));
  f.seam = 1.2345;
  f.seam_before = 3.5;
  f.alpha = "matte";
  f.transparent_fraction = 0.25;
  f.original_path = "cache/x.png";
  const OutputFinish back = finishFromJson(finishToJson(f));
  EXPECT_NEAR(back.seam, 1.2345, 1e-3);
  EXPECT_EQ(back.seam_before, 3.5);
  EXPECT_EQ(back.alpha, "matte");
  EXPECT_EQ(back.original_path, "cache/x.png");
  EXPECT_TRUE(isFinished(back));
  for (const char* garbage : {"", "[]", "{", "{\"seamScore\":\"high\"}", "null"}) {
    EXPECT_FALSE(isFinished(finishFromJson(garbage))) << garbage;
  }
}

}  // namespace
}  // namespace texforge
