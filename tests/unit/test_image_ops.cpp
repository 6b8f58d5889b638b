// Unit tests for image_ops.h: seam scores of periodic, noisy and gradient images, the half-size roll
// and its inverse at even and odd sizes, the seam-repair mask, the alpha report, matte parsing and
// keying with de-spill on an anti-aliased synthetic sprite, and trimming.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "texforge/image_ops.h"

namespace texforge {
namespace {

constexpr double kTwoPi = 6.283185307179586;

DecodedImage blank(int width, int height, uint8_t r = 0, uint8_t g = 0, uint8_t b = 0, uint8_t a = 255) {
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.has_alpha = true;
  image.rgba.resize(size_t(width) * size_t(height) * 4);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    image.rgba[i] = r;
    image.rgba[i + 1] = g;
    image.rgba[i + 2] = b;
    image.rgba[i + 3] = a;
  }
  return image;
}

uint8_t* at(DecodedImage& image, int x, int y) {
  return &image.rgba[(size_t(y) * image.width + x) * 4];
}

// Whole periods across and down, the three channels a third of a period apart: it tiles exactly,
// and its steps are about as large everywhere, the wrap included.
DecodedImage periodic(int width, int height) {
  DecodedImage image = blank(width, height);
  std::vector<double> across(size_t(width) * 3), down(size_t(height) * 3);
  for (int k = 0; k < 3; ++k) {
    const double phase = kTwoPi * k / 3;
    for (int x = 0; x < width; ++x) across[size_t(x) * 3 + k] = 60 * std::sin(kTwoPi * 3 * x / width + phase);
    for (int y = 0; y < height; ++y) down[size_t(y) * 3 + k] = 60 * std::sin(kTwoPi * 2 * y / height + phase);
  }
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int k = 0; k < 3; ++k) {
        at(image, x, y)[k] = uint8_t(std::lround(128 + across[size_t(x) * 3 + k] + down[size_t(y) * 3 + k]));
      }
    }
  }
  return image;
}

DecodedImage noise(int width, int height, uint32_t seed) {
  DecodedImage image = blank(width, height);
  std::mt19937 random(seed);
  for (size_t i = 0; i < image.rgba.size(); i += 4) {
    for (int k = 0; k < 3; ++k) image.rgba[i + k] = uint8_t(random() & 0xff);
  }
  return image;
}

DecodedImage gradient(int width, int height) {
  DecodedImage image = blank(width, height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      at(image, x, y)[0] = uint8_t(x * 255 / (width - 1));
      at(image, x, y)[1] = uint8_t(y * 255 / (height - 1));
      at(image, x, y)[2] = 90;
    }
  }
  return image;
}

// Every pixel different, so a roll that misplaces one is caught.
DecodedImage numbered(int width, int height) {
  DecodedImage image = blank(width, height);
  for (int i = 0; i < width * height; ++i) {
    image.rgba[size_t(i) * 4] = uint8_t(i);
    image.rgba[size_t(i) * 4 + 1] = uint8_t(i >> 8);
    image.rgba[size_t(i) * 4 + 2] = uint8_t(i >> 16);
    image.rgba[size_t(i) * 4 + 3] = uint8_t(255 - (i & 7));
  }
  return image;
}

TEST(ImageOpsSeams, PeriodicImageScoresAsSeamless) {
  SeamScore s = measureSeams(periodic(128, 96));
  EXPECT_LT(s.score, kSeamlessScore);
  EXPECT_GT(s.horizontal, 0.5);
  EXPECT_GT(s.vertical, 0.5);
  EXPECT_DOUBLE_EQ(s.score, std::max(s.horizontal, s.vertical));
}

TEST(ImageOpsSeams, NoiseScoresAboutOne) {
  SeamScore s = measureSeams(noise(256, 256, 7));
  EXPECT_NEAR(s.horizontal, 1.0, 0.15);
  EXPECT_NEAR(s.vertical, 1.0, 0.15);
}

TEST(ImageOpsSeams, GradientShowsItsSeamsUntilShifted) {
  DecodedImage image = gradient(64, 48);
  SeamScore s = measureSeams(image);
  EXPECT_GT(s.horizontal, 2);
  EXPECT_GT(s.vertical, 2);
  // In the middle the joins are ordinary neighbours.
  EXPECT_LT(measureSeams(shiftSeamsToCentre(image)).score, kSeamlessScore);
}

TEST(ImageOpsSeams, FlatAndTinyImagesScoreZero) {
  EXPECT_EQ(measureSeams(blank(64, 64, 10, 20, 30)).score, 0);
  EXPECT_EQ(measureSeams(gradient(3, 64)).score, 0);
  EXPECT_EQ(measureSeams(DecodedImage{}).score, 0);
}

TEST(ImageOpsSeams, LargeImagesAreSampledNotSkipped) {
  DecodedImage image = gradient(2048, 2048);
  EXPECT_GT(measureSeams(image).score, 2);
  EXPECT_LT(measureSeams(periodic(2048, 2048)).score, kSeamlessScore);
}

TEST(ImageOpsRoll, MovesPixelsWithWrapAround) {
  DecodedImage image = numbered(5, 3);
  DecodedImage rolled = rollImage(image, 1, 2);
  for (int y = 0; y < 3; ++y) {
    for (int x = 0; x < 5; ++x) {
      EXPECT_TRUE(std::equal(at(image, x, y), at(image, x, y) + 4, at(rolled, (x + 1) % 5, (y + 2) % 3)));
    }
  }
  // Negative and oversized shifts are the same roll modulo the size.
  EXPECT_EQ(rollImage(image, -4, -1).rgba, rolled.rgba);
  EXPECT_EQ(rollImage(image, 11, 5).rgba, rolled.rgba);
  EXPECT_EQ(rollImage(image, 0, 0).rgba, image.rgba);
}

TEST(ImageOpsRoll, ShiftBackUndoesShiftAtEvenAndOddSizes) {
  for (auto [w, h] : {std::pair{64, 48}, std::pair{63, 47}, std::pair{1, 1}, std::pair{2, 7}}) {
    DecodedImage image = numbered(w, h);
    DecodedImage centred = shiftSeamsToCentre(image);
    if (w * h > 1) {
      EXPECT_NE(centred.rgba, image.rgba) << w << "x" << h;
    }
    DecodedImage back = shiftSeamsBack(centred);
    EXPECT_EQ(back.width, w);
    EXPECT_EQ(back.height, h);
    EXPECT_EQ(back.rgba, image.rgba) << w << "x" << h;
  }
}

TEST(ImageOpsRoll, OldEdgesMeetAtTheCentreLines) {
  DecodedImage image = numbered(63, 47);
  DecodedImage centred = shiftSeamsToCentre(image);
  EXPECT_TRUE(std::equal(at(image, 62, 0), at(image, 62, 0) + 4, at(centred, 63 / 2 - 1, 47 / 2)));
  EXPECT_TRUE(std::equal(at(image, 0, 46), at(image, 0, 46) + 4, at(centred, 63 / 2, 47 / 2 - 1)));
}

TEST(ImageOpsMask, TransparentCrossWithSoftEdge) {
  DecodedImage mask = seamRepairMask(256, 192);  // band: max(8, 256/16) = 16
  ASSERT_EQ(mask.width, 256);
  ASSERT_EQ(mask.height, 192);
  ASSERT_EQ(mask.rgba.size(), 256u * 192u * 4u);
  EXPECT_TRUE(mask.has_alpha);
  auto alpha = [&](int x, int y) { return int(at(mask, x, y)[3]); };
  EXPECT_EQ(alpha(0, 0), 255);
  EXPECT_EQ(at(mask, 0, 0)[0], 255);
  EXPECT_EQ(at(mask, 0, 0)[1], 255);
  EXPECT_EQ(at(mask, 0, 0)[2], 255);
  // Band: 16 pixels on each side of the line between 127 and 128.
  for (int x = 128 - 16; x < 128 + 16; ++x) EXPECT_EQ(alpha(x, 10), 0) << x;
  for (int y = 96 - 16; y < 96 + 16; ++y) EXPECT_EQ(alpha(10, y), 0) << y;
  EXPECT_EQ(alpha(128, 96), 0);
  // The ramp: rising, partial for a few pixels, then opaque; the same on both sides.
  EXPECT_GT(alpha(128 - 17, 10), 0);
  EXPECT_LT(alpha(128 - 17, 10), 128);
  EXPECT_LT(alpha(128 - 17, 10), alpha(128 - 18, 10));
  EXPECT_EQ(alpha(128 - 22, 10), 255);
  for (int d = 0; d < 128; ++d) EXPECT_EQ(alpha(127 - d, 10), alpha(128 + d, 10)) << d;
  for (int d = 0; d < 96; ++d) EXPECT_EQ(alpha(10, 95 - d), alpha(10, 96 + d)) << d;
}

TEST(ImageOpsMask, ExplicitBandAndSmallImages) {
  DecodedImage mask = seamRepairMask(64, 64, 3);
  EXPECT_EQ(at(mask, 29, 5)[3], 0);
  EXPECT_EQ(at(mask, 34, 5)[3], 0);
  EXPECT_GT(at(mask, 28, 5)[3], 0);
  EXPECT_GT(at(mask, 35, 5)[3], 0);
  DecodedImage small = seamRepairMask(64, 64);  // 64/16 = 4, raised to 8
  EXPECT_EQ(at(small, 24, 5)[3], 0);
  EXPECT_GT(at(small, 23, 5)[3], 0);
  EXPECT_EQ(seamRepairMask(0, 10).rgba.size(), 0u);
}

TEST(ImageOpsAlpha, Kinds) {
  DecodedImage image = blank(2, 2);
  image.has_alpha = false;
  EXPECT_EQ(inspectAlpha(image).kind, AlphaKind::kNone);
  image.has_alpha = true;
  EXPECT_EQ(inspectAlpha(image).kind, AlphaKind::kOpaque);
  at(image, 1, 0)[3] = 251;  // near-opaque encoder leftovers still count as opaque
  EXPECT_EQ(inspectAlpha(image).kind, AlphaKind::kOpaque);
  EXPECT_EQ(inspectAlpha(image).transparent_fraction, 0);
  at(image, 0, 1)[3] = 100;
  AlphaReport report = inspectAlpha(image);
  EXPECT_EQ(report.kind, AlphaKind::kTransparent);
  EXPECT_DOUBLE_EQ(report.transparent_fraction, 0.25);
  EXPECT_STREQ(alphaKindName(AlphaKind::kNone), "none");
  EXPECT_STREQ(alphaKindName(AlphaKind::kOpaque), "opaque");
  EXPECT_STREQ(alphaKindName(AlphaKind::kTransparent), "transparent");
}

TEST(ImageOpsMatte, ParsesHexInEitherCase) {
  Result<MatteColor> a = parseMatteColor("#ff00FF");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->r, 255);
  EXPECT_EQ(a->g, 0);
  EXPECT_EQ(a->b, 255);
  Result<MatteColor> b = parseMatteColor("1a2B3c");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->r, 0x1a);
  EXPECT_EQ(b->g, 0x2b);
  EXPECT_EQ(b->b, 0x3c);
  EXPECT_EQ(b->hex(), "#1A2B3C");
  EXPECT_EQ(MatteColor{}.hex(), kDefaultMatte);
}

TEST(ImageOpsMatte, RefusesAnythingElse) {
  for (const char* text :
       {"", "#", "#FF00F", "#FF00FF0", "FF00GG", "##FF00F", "magenta", " #FF00FF", "#FF 0FF"}) {
    Result<MatteColor> r = parseMatteColor(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << text;
    EXPECT_NE(r.error().message.find("#RRGGBB"), std::string::npos) << r.error().message;
  }
}

// A green-ish disc on magenta, its edge blended over two pixels as a renderer anti-aliases it.
constexpr int kSpriteSide = 64;
constexpr double kDiscRadius = 20;
const uint8_t kForeground[3] = {60, 160, 80};

double discCoverage(int x, int y) {
  double d = std::hypot(x + 0.5 - kSpriteSide / 2, y + 0.5 - kSpriteSide / 2);
  return std::clamp((kDiscRadius - d) / 2 + 0.5, 0.0, 1.0);
}

DecodedImage spriteOnMagenta() {
  DecodedImage image = blank(kSpriteSide, kSpriteSide, 255, 0, 255);
  image.has_alpha = false;
  const uint8_t magenta[3] = {255, 0, 255};
  for (int y = 0; y < kSpriteSide; ++y) {
    for (int x = 0; x < kSpriteSide; ++x) {
      double a = discCoverage(x, y);
      for (int k = 0; k < 3; ++k)
        at(image, x, y)[k] = uint8_t(std::lround(a * kForeground[k] + (1 - a) * magenta[k]));
    }
  }
  return image;
}

// How much more green a pixel has than the mean of red and blue: 90 for the foreground, -255 for
// the matte; an edge pixel tinted by the matte falls well below the foreground's.
double greenExcess(const uint8_t* p) {
  return p[1] - (p[0] + p[2]) / 2.0;
}

TEST(ImageOpsKey, SpriteOnMagentaKeysOutWithCleanEdges) {
  DecodedImage keyed = keyOutMatte(spriteOnMagenta(), MatteColor{});
  ASSERT_EQ(keyed.width, kSpriteSide);
  EXPECT_TRUE(keyed.has_alpha);
  for (auto [x, y] : {std::pair{0, 0}, std::pair{63, 0}, std::pair{0, 63}, std::pair{63, 63}}) {
    EXPECT_EQ(at(keyed, x, y)[3], 0);
  }
  EXPECT_EQ(at(keyed, 32, 32)[3], 255);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(at(keyed, 32, 32)[k], kForeground[k]);
  int partial = 0;
  for (int y = 0; y < kSpriteSide; ++y) {
    for (int x = 0; x < kSpriteSide; ++x) {
      const double coverage = discCoverage(x, y);
      const uint8_t* p = at(keyed, x, y);
      if (coverage == 0) {
        EXPECT_EQ(p[3], 0) << x << "," << y;
      }
      if (coverage == 1 && std::hypot(x + 0.5 - 32, y + 0.5 - 32) < kDiscRadius - 4) {
        EXPECT_EQ(p[3], 255);
      }
      if (p[3] == 0) continue;
      partial += p[3] < 255;
      EXPECT_GT(greenExcess(p), 60) << x << "," << y << " coverage " << coverage << " alpha " << int(p[3])
                                    << " rgb " << int(p[0]) << " " << int(p[1]) << " " << int(p[2]);
    }
  }
  EXPECT_GT(partial, 20);  // the anti-aliased edge keeps partial alpha
}

TEST(ImageOpsKey, WithoutDespillTheEdgeKeepsTheMatteTint) {
  KeyOptions options;
  options.despill = false;
  DecodedImage keyed = keyOutMatte(spriteOnMagenta(), MatteColor{}, options);
  double worst = 1e9;
  for (int y = 0; y < kSpriteSide; ++y) {
    for (int x = 0; x < kSpriteSide; ++x) {
      if (at(keyed, x, y)[3] > 0) worst = std::min(worst, greenExcess(at(keyed, x, y)));
    }
  }
  EXPECT_LT(worst, 0);  // the check above would catch a keyer that leaves the tint
}

TEST(ImageOpsKey, InputAlphaIsKeptAndOtherMattesWork) {
  DecodedImage image = blank(8, 8, 0, 255, 0);  // all matte
  at(image, 3, 3)[0] = 200;                     // one red-ish pixel, half transparent already
  at(image, 3, 3)[1] = 10;
  at(image, 3, 3)[2] = 10;
  at(image, 3, 3)[3] = 128;
  Result<MatteColor> green = parseMatteColor("#00FF00");
  ASSERT_TRUE(green.ok());
  DecodedImage keyed = keyOutMatte(image, *green);
  EXPECT_EQ(at(keyed, 0, 0)[3], 0);
  EXPECT_EQ(at(keyed, 0, 0)[1], 0);  // keyed out to transparent black
  EXPECT_EQ(at(keyed, 3, 3)[3], 128);
}

TEST(ImageOpsBounds, TightPaddedAndEmpty) {
  DecodedImage image = blank(40, 30, 0, 0, 0, 0);
  at(image, 10, 5)[3] = 255;
  at(image, 20, 12)[3] = 40;
  EXPECT_EQ(opaqueBounds(image), (PixelRect{10, 5, 11, 8}));
  EXPECT_EQ(opaqueBounds(image, 50), (PixelRect{10, 5, 1, 1}));  // 40 is not above the threshold
  EXPECT_EQ(opaqueBounds(image, 0, 3), (PixelRect{7, 2, 17, 14}));
  EXPECT_EQ(opaqueBounds(image, 0, 100), (PixelRect{0, 0, 40, 30}));  // clamped to the image
  EXPECT_EQ(opaqueBounds(blank(40, 30, 0, 0, 0, 0)), (PixelRect{0, 0, 40, 30}));
}

TEST(ImageOpsBounds, CropCopiesTheRectangleAndClamps) {
  DecodedImage image = numbered(16, 12);
  DecodedImage crop = cropImage(image, PixelRect{3, 4, 5, 2});
  ASSERT_EQ(crop.width, 5);
  ASSERT_EQ(crop.height, 2);
  EXPECT_TRUE(crop.has_alpha);
  for (int y = 0; y < 2; ++y) {
    for (int x = 0; x < 5; ++x)
      EXPECT_TRUE(std::equal(at(crop, x, y), at(crop, x, y) + 4, at(image, x + 3, y + 4)));
  }
  DecodedImage clamped = cropImage(image, PixelRect{10, 10, 20, 20});
  EXPECT_EQ(clamped.width, 6);
  EXPECT_EQ(clamped.height, 2);
  EXPECT_TRUE(std::equal(at(clamped, 0, 0), at(clamped, 0, 0) + 4, at(image, 10, 10)));
  DecodedImage nothing = cropImage(image, PixelRect{20, 0, 5, 5});
  EXPECT_EQ(nothing.width, 0);
  EXPECT_EQ(nothing.height, 0);
  EXPECT_TRUE(nothing.rgba.empty());
  // Trimming a sprite: crop to its bounds.
  DecodedImage sprite = blank(32, 32, 0, 0, 0, 0);
  at(sprite, 9, 11)[3] = 255;
  PixelRect bounds = opaqueBounds(sprite, 0, 1);
  DecodedImage trimmed = cropImage(sprite, bounds);
  EXPECT_EQ(trimmed.width, 3);
  EXPECT_EQ(trimmed.height, 3);
  EXPECT_EQ(at(trimmed, 1, 1)[3], 255);
}

}  // namespace
}  // namespace texforge
