// The emulator's pictures: deterministic per request, sized as asked (snapped to the 16 grid), in the
// configured format, with real alpha for transparent backgrounds, and references and masks honoured.
#include <webp/decode.h>

#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

Rgba solid(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  Rgba image{w, h, {}};
  for (int i = 0; i < w * h; ++i) image.pixels.insert(image.pixels.end(), {r, g, b, a});
  return image;
}

TEST_F(EmulatorTest, SameRequestGivesSamePixels) {
  json body = {{"prompt", "determinism"}, {"numOutputs", 2}, {"width", 1024}, {"height", 640}};
  std::vector<std::string> first = generateAssets(body);
  std::vector<std::string> second = generateAssets(body);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(first[0], second[0]);                      // new assets...
  EXPECT_EQ(download(first[0]), download(second[0]));  // ...same pixels
  EXPECT_EQ(download(first[1]), download(second[1]));
  EXPECT_NE(download(first[0]), download(first[1]));  // outputs of one job differ
  body["prompt"] = "something else";
  std::vector<std::string> other = generateAssets(body);
  ASSERT_EQ(other.size(), 2u);
  EXPECT_NE(download(other[0]), download(first[0]));
}

TEST_F(EmulatorTest, SizesAutoAndOffGrid) {
  std::vector<std::string> snapped =
      generateAssets({{"prompt", "off grid"}, {"width", 1000}, {"height", 700}});
  ASSERT_EQ(snapped.size(), 1u);
  Rgba image;
  ASSERT_TRUE(decodeRgba(download(snapped[0]), &image));
  EXPECT_EQ(image.width, 1008);
  EXPECT_EQ(image.height, 704);

  std::vector<std::string> automatic = generateAssets({{"prompt", "auto size"}, {"quality", "low"}});
  ASSERT_EQ(automatic.size(), 1u);
  json a = asset(automatic[0]);
  EXPECT_EQ(a["properties"]["width"], 1024);
  EXPECT_EQ(a["properties"]["height"], 1024);
}

TEST_F(EmulatorTest, JpegAndWebpOutputsCarryTheirMagic) {
  emulator_->setOutputFormat("jpeg");
  std::vector<std::string> jpeg =
      generateAssets({{"prompt", "jpeg please"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(jpeg.size(), 1u);
  std::string bytes = download(jpeg[0]);
  EXPECT_EQ(bytes.substr(0, 3), std::string("\xff\xd8\xff", 3));
  EXPECT_EQ(asset(jpeg[0])["mimeType"], "image/jpeg");
  EXPECT_NE(asset(jpeg[0])["url"].get<std::string>().find(".jpg?"), std::string::npos);

  emulator_->setOutputFormat("webp");
  std::vector<std::string> webp =
      generateAssets({{"prompt", "webp please"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(webp.size(), 1u);
  bytes = download(webp[0]);
  ASSERT_GE(bytes.size(), 12u);
  EXPECT_EQ(bytes.substr(0, 4), "RIFF");
  EXPECT_EQ(bytes.substr(8, 4), "WEBP");
  int w = 0, h = 0;
  EXPECT_TRUE(WebPGetInfo(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &w, &h));
  EXPECT_EQ(w, 1024);
}

TEST_F(EmulatorTest, TransparentBackgroundHasRealAlpha) {
  for (const char* format : {"png", "webp", "jpeg"}) {
    emulator_->setOutputFormat(format);
    std::vector<std::string> ids = generateAssets(
        {{"prompt", "sprite"}, {"background", "transparent"}, {"width", 1024}, {"height", 640}});
    ASSERT_EQ(ids.size(), 1u);
    std::string bytes = download(ids[0]);
    Rgba image;
    if (bytes.compare(0, 4, "RIFF") == 0) {
      uint8_t* data = WebPDecodeRGBA(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                     &image.width, &image.height);
      ASSERT_NE(data, nullptr);
      image.pixels.assign(data, data + size_t(image.width) * image.height * 4);
      WebPFree(data);
    } else {
      // JPEG cannot hold alpha, so a transparent request must come back as something that can.
      ASSERT_EQ(bytes.substr(0, 4), "\x89PNG") << format;
      ASSERT_TRUE(decodeRgba(bytes, &image));
    }
    int transparent = 0, opaque = 0;
    for (size_t i = 3; i < image.pixels.size(); i += 4) {
      transparent += image.pixels[i] < 255;
      opaque += image.pixels[i] == 255;
    }
    EXPECT_GT(transparent, 0) << format;
    EXPECT_GT(opaque, 0) << format;
    EXPECT_EQ(image.at(0, 0)[3], 0) << format;
  }
  emulator_->setOutputFormat("png");
  std::vector<std::string> opaque_ids =
      generateAssets({{"prompt", "opaque"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(opaque_ids.size(), 1u);
  Rgba image;
  ASSERT_TRUE(decodeRgba(download(opaque_ids[0]), &image));
  EXPECT_EQ(image.at(0, 0)[3], 255);
}

TEST_F(EmulatorTest, ReferenceImageShapesTheOutput) {
  std::string black = upload(encodePng(solid(64, 64, 0, 0, 0)));
  std::string white = upload(encodePng(solid(64, 64, 255, 255, 255)));
  auto meanRed = [&](const std::string& ref) {
    std::vector<std::string> ids = generateAssets({{"prompt", "same prompt"}, {"referenceImages", {ref}}});
    Rgba image;
    EXPECT_EQ(ids.size(), 1u);
    if (ids.empty() || !decodeRgba(download(ids[0]), &image)) return -1.0;
    EXPECT_EQ(image.width, 64);  // auto size follows the reference
    double sum = 0;
    for (size_t i = 0; i < image.pixels.size(); i += 4) sum += image.pixels[i];
    return sum / (image.pixels.size() / 4);
  };
  double dark = meanRed(black), bright = meanRed(white);
  EXPECT_GE(dark, 0);
  EXPECT_GT(bright, dark + 60);
}

TEST_F(EmulatorTest, MaskChangesOnlyTransparentPixels) {
  Rgba reference{64, 64, {}};
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x)
      reference.pixels.insert(reference.pixels.end(), {uint8_t(x * 4), uint8_t(y * 4), 77, 255});
  }
  // Left half opaque (keep), right half transparent (edit).
  Rgba mask{64, 64, {}};
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) mask.pixels.insert(mask.pixels.end(), {0, 0, 0, uint8_t(x < 32 ? 255 : 0)});
  }
  std::string ref_id = upload(encodePng(reference));
  std::string mask_id = upload(encodePng(mask));
  std::vector<std::string> ids = generateAssets(
      {{"prompt", "inpaint the right half"}, {"referenceImages", {ref_id}}, {"mask", mask_id}});
  ASSERT_EQ(ids.size(), 1u);
  Rgba out;
  ASSERT_TRUE(decodeRgba(download(ids[0]), &out));
  ASSERT_EQ(out.width, 64);
  ASSERT_EQ(out.height, 64);
  int kept_changed = 0, edited_changed = 0;
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      bool same = std::equal(out.at(x, y), out.at(x, y) + 4, reference.at(x, y));
      (x < 32 ? kept_changed : edited_changed) += !same;
    }
  }
  EXPECT_EQ(kept_changed, 0);
  EXPECT_GT(edited_changed, 32 * 64 / 2);
}

TEST_F(EmulatorTest, MaskOfAnotherSizeFailsTheJob) {
  std::string ref_id = upload(encodePng(solid(64, 64, 10, 20, 30)));
  std::string mask_id = upload(encodePng(solid(32, 32, 0, 0, 0, 0)));
  std::string id = submit({{"prompt", "mismatch"}, {"referenceImages", {ref_id}}, {"mask", mask_id}});
  ASSERT_FALSE(id.empty());
  json job = waitForJob(id);
  EXPECT_EQ(job["status"], "failure");
  EXPECT_EQ(job["metadata"]["error"], "mask and reference image must have the same dimensions");
  EXPECT_EQ(job["metadata"]["assetIds"].size(), 0u);
}

TEST_F(EmulatorTest, MaskWithoutReferenceIsRejected) {
  std::string mask_id = upload(encodePng(solid(16, 16, 0, 0, 0, 0)));
  Reply r = post(kGeneratePath, {{"prompt", "no ref"}, {"mask", mask_id}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.value("reason", "").find("referenceImages"), std::string::npos);
}

}  // namespace
}  // namespace texforge::emulator::testing
