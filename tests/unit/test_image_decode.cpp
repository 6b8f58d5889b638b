// Unit tests for the image decoder: format sniffing, decoding each format, and safety on truncated,
// garbage and oversized input (the decoder sees untrusted downloads).
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

// Test images are generated with the same libraries the core links (static core: they come along).
#if __has_include(<stb_image_write.h>)
#include <stb_image_write.h>
#else
#include <stb/stb_image_write.h>
#endif
#include <webp/encode.h>
#include <zlib.h>

#include "texforge/image.h"

namespace texforge {
namespace {

// A gradient with a distinct alpha so pixel checks can see channel order.
DecodedImage makeImage(int width, int height) {
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.rgba.resize(size_t(width) * size_t(height) * 4);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      uint8_t* p = &image.rgba[(size_t(y) * width + x) * 4];
      p[0] = uint8_t(x * 16);
      p[1] = uint8_t(y * 16);
      p[2] = 200;
      p[3] = 128;
    }
  }
  return image;
}

std::vector<uint8_t> makePng(int width, int height) {
  Result<std::vector<uint8_t>> png = encodePng(makeImage(width, height));
  EXPECT_TRUE(png.ok());
  return png.ok() ? *png : std::vector<uint8_t>{};
}

// Solid colour, so lossy JPEG keeps a predictable pixel.
std::vector<uint8_t> makeJpeg(int width, int height) {
  std::vector<uint8_t> rgb(size_t(width) * size_t(height) * 3);
  for (size_t i = 0; i < rgb.size(); i += 3) {
    rgb[i] = 200;
    rgb[i + 1] = 100;
    rgb[i + 2] = 50;
  }
  std::vector<uint8_t> out;
  stbi_write_jpg_to_func(
      [](void* ctx, void* data, int size) {
        auto* v = static_cast<std::vector<uint8_t>*>(ctx);
        v->insert(v->end(), static_cast<uint8_t*>(data), static_cast<uint8_t*>(data) + size);
      },
      &out, width, height, 3, rgb.data(), 95);
  return out;
}

std::vector<uint8_t> makeWebp(int width, int height, bool lossless) {
  const DecodedImage image = makeImage(width, height);
  uint8_t* output = nullptr;
  const size_t size = lossless ? WebPEncodeLosslessRGBA(image.rgba.data(), width, height, width * 4, &output)
                               : WebPEncodeRGBA(image.rgba.data(), width, height, width * 4, 90.0f, &output);
  std::vector<uint8_t> out(output, output + size);
  WebPFree(output);
  return out;
}

TEST(ImageDecode, SniffsEachFormat) {
  const std::vector<uint8_t> png = makePng(4, 4);
  const std::vector<uint8_t> jpeg = makeJpeg(4, 4);
  const std::vector<uint8_t> webp = makeWebp(4, 4, true);
  EXPECT_EQ(sniffImageFormat(png.data(), png.size()), ImageFormat::kPng);
  EXPECT_EQ(sniffImageFormat(jpeg.data(), jpeg.size()), ImageFormat::kJpeg);
  EXPECT_EQ(sniffImageFormat(webp.data(), webp.size()), ImageFormat::kWebp);
  const uint8_t riff_not_webp[12] = {'R', 'I', 'F', 'F', 0, 0, 0, 0, 'W', 'A', 'V', 'E'};
  EXPECT_EQ(sniffImageFormat(riff_not_webp, sizeof riff_not_webp), ImageFormat::kUnknown);
  EXPECT_EQ(sniffImageFormat(png.data(), 7), ImageFormat::kUnknown);
  EXPECT_EQ(sniffImageFormat(nullptr, 0), ImageFormat::kUnknown);
}

TEST(ImageDecode, FormatNames) {
  EXPECT_STREQ(imageFormatName(ImageFormat::kJpeg), "jpeg");
  EXPECT_STREQ(imageFormatExtension(ImageFormat::kJpeg), ".jpg");
  EXPECT_STREQ(imageFormatExtension(ImageFormat::kWebp), ".webp");
  EXPECT_STREQ(imageFormatExtension(ImageFormat::kUnknown), ".bin");
  EXPECT_STREQ(imageFormatMime(ImageFormat::kPng), "image/png");
  EXPECT_STREQ(imageFormatMime(ImageFormat::kWebp), "image/webp");
}

TEST(ImageDecode, DecodesPngExactly) {
  const std::vector<uint8_t> png = makePng(7, 5);
  Result<DecodedImage> decoded = decodeImage(png.data(), png.size());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->width, 7);
  EXPECT_EQ(decoded->height, 5);
  EXPECT_EQ(decoded->source_format, ImageFormat::kPng);
  EXPECT_TRUE(decoded->has_alpha);
  ASSERT_EQ(decoded->rgba.size(), 7u * 5u * 4u);
  EXPECT_EQ(decoded->rgba, makeImage(7, 5).rgba);
  const uint8_t* p = &decoded->rgba[(4 * 7 + 3) * 4];  // x=3, y=4
  EXPECT_EQ(p[0], 48);
  EXPECT_EQ(p[1], 64);
  EXPECT_EQ(p[2], 200);
  EXPECT_EQ(p[3], 128);
}

TEST(ImageDecode, DecodesJpeg) {
  const std::vector<uint8_t> jpeg = makeJpeg(16, 8);
  Result<DecodedImage> decoded = decodeImage(jpeg.data(), jpeg.size());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->width, 16);
  EXPECT_EQ(decoded->height, 8);
  EXPECT_EQ(decoded->source_format, ImageFormat::kJpeg);
  EXPECT_FALSE(decoded->has_alpha);
  ASSERT_EQ(decoded->rgba.size(), 16u * 8u * 4u);
  const uint8_t* p = &decoded->rgba[(3 * 16 + 5) * 4];
  EXPECT_NEAR(p[0], 200, 6);
  EXPECT_NEAR(p[1], 100, 6);
  EXPECT_NEAR(p[2], 50, 6);
  EXPECT_EQ(p[3], 255);
}

TEST(ImageDecode, DecodesWebpLosslessAndLossy) {
  const std::vector<uint8_t> lossless = makeWebp(9, 6, true);
  Result<DecodedImage> decoded = decodeImage(lossless.data(), lossless.size());
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(decoded->width, 9);
  EXPECT_EQ(decoded->height, 6);
  EXPECT_EQ(decoded->source_format, ImageFormat::kWebp);
  EXPECT_TRUE(decoded->has_alpha);
  EXPECT_EQ(decoded->rgba, makeImage(9, 6).rgba);

  const std::vector<uint8_t> lossy = makeWebp(32, 32, false);
  Result<DecodedImage> lossy_decoded = decodeImage(lossy.data(), lossy.size());
  ASSERT_TRUE(lossy_decoded.ok()) << lossy_decoded.error().message;
  EXPECT_EQ(lossy_decoded->width, 32);
  EXPECT_EQ(lossy_decoded->rgba.size(), 32u * 32u * 4u);
}

TEST(ImageDecode, ProbeReadsHeaderAndAlpha) {
  const std::vector<uint8_t> png = makePng(12, 3);
  Result<ImageInfo> info = probeImage(png.data(), png.size());
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->width, 12);
  EXPECT_EQ(info->height, 3);
  EXPECT_TRUE(info->has_alpha);
  EXPECT_EQ(info->format, ImageFormat::kPng);

  const std::vector<uint8_t> jpeg = makeJpeg(10, 20);
  Result<ImageInfo> jpeg_info = probeImage(jpeg.data(), jpeg.size());
  ASSERT_TRUE(jpeg_info.ok());
  EXPECT_EQ(jpeg_info->width, 10);
  EXPECT_EQ(jpeg_info->height, 20);
  EXPECT_FALSE(jpeg_info->has_alpha);
}

// Builds a PNG by hand from chunks; CRCs are not checked by the probe, so zeros are fine.
std::vector<uint8_t> pngWithChunks(uint32_t width, uint32_t height, uint8_t color_type, bool with_trns) {
  std::vector<uint8_t> out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  auto be32 = [&](uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(uint8_t(v >> shift));
  };
  auto chunk = [&](const char* type, const std::vector<uint8_t>& body) {
    be32(uint32_t(body.size()));
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), body.begin(), body.end());
    be32(0);
  };
  std::vector<uint8_t> ihdr;
  for (uint32_t v : {width, height}) {
    for (int shift = 24; shift >= 0; shift -= 8) ihdr.push_back(uint8_t(v >> shift));
  }
  ihdr.insert(ihdr.end(), {8, color_type, 0, 0, 0});
  chunk("IHDR", ihdr);
  if (with_trns) chunk("tRNS", {0, 0, 0, 0, 0, 0});
  chunk("IDAT", {0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  chunk("IEND", {});
  return out;
}

TEST(ImageDecode, PngAlphaFromColorTypeAndTrns) {
  for (uint8_t color_type : {0, 2, 3}) {
    const std::vector<uint8_t> opaque = pngWithChunks(4, 4, color_type, false);
    Result<ImageInfo> info = probeImage(opaque.data(), opaque.size());
    ASSERT_TRUE(info.ok()) << info.error().message;
    EXPECT_FALSE(info->has_alpha) << int(color_type);
    const std::vector<uint8_t> keyed = pngWithChunks(4, 4, color_type, true);
    Result<ImageInfo> keyed_info = probeImage(keyed.data(), keyed.size());
    ASSERT_TRUE(keyed_info.ok());
    EXPECT_TRUE(keyed_info->has_alpha) << int(color_type);
  }
  for (uint8_t color_type : {4, 6}) {
    const std::vector<uint8_t> png = pngWithChunks(4, 4, color_type, false);
    Result<ImageInfo> info = probeImage(png.data(), png.size());
    ASSERT_TRUE(info.ok());
    EXPECT_TRUE(info->has_alpha) << int(color_type);
  }
}

TEST(ImageDecode, HugePngClaimRefusedBeforeAllocating) {
  const std::vector<uint8_t> png = pngWithChunks(100000, 100000, 6, false);
  Result<ImageInfo> info = probeImage(png.data(), png.size());
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->width, 100000);

  Result<DecodedImage> decoded = decodeImage(png.data(), png.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kDecode);
  EXPECT_NE(decoded.error().message.find("100000x100000"), std::string::npos) << decoded.error().message;
  EXPECT_NE(decoded.error().message.find("16777216"), std::string::npos) << decoded.error().message;
}

TEST(ImageDecode, LimitsApply) {
  const std::vector<uint8_t> png = makePng(64, 64);
  DecodeLimits small_pixels;
  small_pixels.max_pixels = 64 * 63;
  Result<DecodedImage> by_pixels = decodeImage(png.data(), png.size(), small_pixels);
  ASSERT_FALSE(by_pixels.ok());
  EXPECT_EQ(by_pixels.error().code, ErrorCode::kDecode);

  DecodeLimits small_bytes;
  small_bytes.max_bytes = png.size() - 1;
  Result<DecodedImage> by_bytes = decodeImage(png.data(), png.size(), small_bytes);
  ASSERT_FALSE(by_bytes.ok());
  EXPECT_EQ(by_bytes.error().code, ErrorCode::kDecode);

  const std::vector<uint8_t> webp = makeWebp(64, 64, true);
  Result<DecodedImage> webp_by_pixels = decodeImage(webp.data(), webp.size(), small_pixels);
  ASSERT_FALSE(webp_by_pixels.ok());
  EXPECT_EQ(webp_by_pixels.error().code, ErrorCode::kDecode);
}

TEST(ImageDecode, ZeroDimensionsRefused) {
  const std::vector<uint8_t> png = pngWithChunks(0, 16, 6, false);
  Result<DecodedImage> decoded = decodeImage(png.data(), png.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kDecode);
}

TEST(ImageDecode, GarbageRefused) {
  std::vector<uint8_t> garbage(1000);
  uint32_t state = 12345;
  for (uint8_t& b : garbage) {
    state = state * 1103515245u + 12345u;
    b = uint8_t(state >> 16);
  }
  Result<DecodedImage> decoded = decodeImage(garbage.data(), garbage.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, ErrorCode::kDecode);
  EXPECT_EQ(decoded.error().message, "not a PNG, JPEG or WebP image");
  EXPECT_FALSE(decodeImage(nullptr, 0).ok());

  // Right magic, garbage after it.
  for (std::vector<uint8_t> magic :
       {std::vector<uint8_t>{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'},
        std::vector<uint8_t>{0xFF, 0xD8, 0xFF},
        std::vector<uint8_t>{'R', 'I', 'F', 'F', 0xFF, 0, 0, 0, 'W', 'E', 'B', 'P'}}) {
    std::vector<uint8_t> bytes = garbage;
    std::memcpy(bytes.data(), magic.data(), magic.size());
    Result<DecodedImage> bad = decodeImage(bytes.data(), bytes.size());
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, ErrorCode::kDecode);
  }
}

// Every prefix of a valid file must fail cleanly (or, for the full length, succeed): the decoder
// must never read past the end or crash. Run under ASan to make this test sharp.
void expectEveryPrefixFailsCleanly(const std::vector<uint8_t>& bytes) {
  for (size_t length = 0; length < bytes.size(); ++length) {
    // A copy of exactly `length` bytes, so a read past the end is a heap overflow ASan can see.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + length);
    Result<DecodedImage> decoded = decodeImage(prefix.data(), prefix.size());
    if (decoded.ok()) {
      // JPEG decoders tolerate a missing end marker; a success must still be the right shape.
      EXPECT_EQ(decoded->rgba.size(), size_t(decoded->width) * decoded->height * 4) << length;
    } else {
      EXPECT_EQ(decoded.error().code, ErrorCode::kDecode) << length;
    }
    (void)probeImage(prefix.data(), prefix.size());
  }
  Result<DecodedImage> full = decodeImage(bytes.data(), bytes.size());
  EXPECT_TRUE(full.ok());
}

TEST(ImageDecode, TruncatedPngFailsCleanly) {
  const std::vector<uint8_t> png = makePng(8, 8);
  expectEveryPrefixFailsCleanly(png);
  // A PNG cut before its last pixel data cannot succeed.
  Result<DecodedImage> half = decodeImage(png.data(), png.size() / 2);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().code, ErrorCode::kDecode);
}

TEST(ImageDecode, TruncatedJpegFailsCleanly) {
  expectEveryPrefixFailsCleanly(makeJpeg(16, 16));
}

TEST(ImageDecode, TruncatedWebpFailsCleanly) {
  expectEveryPrefixFailsCleanly(makeWebp(8, 8, true));
  const std::vector<uint8_t> lossy = makeWebp(16, 16, false);
  expectEveryPrefixFailsCleanly(lossy);
  Result<DecodedImage> half = decodeImage(lossy.data(), lossy.size() / 2);
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(half.error().code, ErrorCode::kDecode);
}

TEST(ImageDecode, EncodePngRejectsBadBuffers) {
  DecodedImage image = makeImage(4, 4);
  image.rgba.pop_back();
  Result<std::vector<uint8_t>> png = encodePng(image);
  ASSERT_FALSE(png.ok());
  EXPECT_EQ(png.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(encodePng(DecodedImage{}).ok());
}

// --- The integrity check that stands in for a decode where no pixels are shown -----------------

TEST(ImageIntegrity, SoundFilesOfEachFormatPassWithTheirHeader) {
  for (const auto& bytes :
       {makePng(48, 32), makeJpeg(48, 32), makeWebp(48, 32, true), makeWebp(48, 32, false)}) {
    auto info = checkImageIntegrity(bytes.data(), bytes.size());
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->width, 48);
    EXPECT_EQ(info->height, 32);
  }
}

TEST(ImageIntegrity, AFlippedByteOrAMissingEndIsCaughtWithoutDecoding) {
  std::vector<uint8_t> png = makePng(48, 32);
  png[png.size() - 20] ^= 0x40;  // inside the pixel data: only its CRC tells
  auto damaged = checkImageIntegrity(png.data(), png.size());
  ASSERT_FALSE(damaged);
  EXPECT_NE(damaged.error().message.find("checksum"), std::string::npos) << damaged.error().message;

  const std::vector<uint8_t> jpeg = makeJpeg(48, 32);
  const std::vector<uint8_t> webp = makeWebp(48, 32, false);
  for (const auto* whole : {&jpeg, &webp}) {
    const std::vector<uint8_t> cut(whole->begin(), whole->end() - 8);
    EXPECT_FALSE(checkImageIntegrity(cut.data(), cut.size())) << "a truncated file passed";
  }
  std::vector<uint8_t> no_end = makePng(48, 32);
  no_end.resize(no_end.size() - 12);  // without IEND
  EXPECT_FALSE(checkImageIntegrity(no_end.data(), no_end.size()));
  const std::string garbage = "not an image at all";
  EXPECT_FALSE(checkImageIntegrity(reinterpret_cast<const uint8_t*>(garbage.data()), garbage.size()));
}

TEST(ImageIntegrity, EveryPrefixOfAPngFailsAndTheLimitsApply) {
  const std::vector<uint8_t> png = makePng(16, 16);
  for (size_t n = 0; n < png.size(); ++n) EXPECT_FALSE(checkImageIntegrity(png.data(), n)) << n;
  DecodeLimits small;
  small.max_pixels = 100;
  EXPECT_FALSE(checkImageIntegrity(png.data(), png.size(), small));
}

// A PNG with the given header whose rows are `samples` (filter byte 0 added here), one IDAT.
std::string rawPng(uint32_t width, uint32_t height, uint8_t depth, uint8_t color_type,
                   const std::vector<uint8_t>& row_bytes, const std::string& extra_chunks = {}) {
  auto be32 = [](uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  auto chunk = [&](const char* type, const std::string& body) {
    std::string typed = std::string(type, 4) + body;
    return be32(static_cast<uint32_t>(body.size())) + typed +
           be32(static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
  };
  const size_t stride = row_bytes.size() / height;
  std::string raw;
  for (uint32_t y = 0; y < height; ++y) {
    raw.push_back(0);
    raw.append(reinterpret_cast<const char*>(row_bytes.data() + y * stride), stride);
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  EXPECT_EQ(compress(reinterpret_cast<Bytef*>(packed.data()), &packed_size,
                     reinterpret_cast<const Bytef*>(raw.data()), static_cast<uLong>(raw.size())),
            Z_OK);
  packed.resize(packed_size);
  const std::string ihdr = be32(width) + be32(height) + std::string{char(depth), char(color_type), 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + extra_chunks + chunk("IDAT", packed) +
         chunk("IEND", "");
}

// stb decodes into the image's own buffer when its last allocation is the RGBA output, and is
// copied from otherwise; each layout below takes a different route through its allocations (one
// whose inflate buffer or 16-bit intermediate is exactly the output's size among them), and every
// one must come out exact.
TEST(ImageDecode, EveryPngLayoutDecodesExactly) {
  struct Case {
    const char* name;
    uint32_t width, height;
    uint8_t depth, color_type;
    int samples;  // per pixel in the file
  };
  const Case cases[] = {
      {"rgba8", 5, 3, 8, 6, 4},   {"rgb8", 5, 3, 8, 2, 3},        {"rgb8 one column", 1, 7, 8, 2, 3},
      {"gray8", 6, 2, 8, 0, 1},   {"gray-alpha8", 4, 4, 8, 4, 2}, {"gray-alpha16", 3, 5, 16, 4, 2},
      {"rgba16", 2, 3, 16, 6, 4}, {"rgb16", 3, 2, 16, 2, 3},      {"palette8", 4, 3, 8, 3, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const int bytes_per_sample = c.depth / 8;
    std::vector<uint8_t> rows(size_t(c.width) * c.height * c.samples * bytes_per_sample);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = uint8_t(i * 37 + 11);
    // Palette entries i -> (i*3, i*5, i*7); each pixel's index below 16.
    std::string plte;
    if (c.color_type == 3) {
      for (int i = 0; i < 16; ++i) plte += std::string{char(i * 3), char(i * 5), char(i * 7)};
      for (uint8_t& index : rows) index &= 15;
    }
    std::string extra;
    if (!plte.empty()) {
      auto be32 = [](uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
      const std::string typed = "PLTE" + plte;
      extra = be32(uint32_t(plte.size())) + typed +
              be32(uint32_t(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
    }
    const std::string png = rawPng(c.width, c.height, c.depth, c.color_type, rows, extra);
    Result<DecodedImage> image = decodeImage(reinterpret_cast<const uint8_t*>(png.data()), png.size());
    ASSERT_TRUE(image.ok()) << image.error().message;
    ASSERT_EQ(image->width, int(c.width));
    ASSERT_EQ(image->height, int(c.height));
    ASSERT_EQ(image->rgba.size(), size_t(c.width) * c.height * 4);
    for (size_t p = 0; p < size_t(c.width) * c.height; ++p) {
      // The 8-bit value of each sample: the high byte of a 16-bit one.
      auto sample = [&](int s) { return rows[(p * c.samples + s) * bytes_per_sample]; };
      uint8_t expected[4];
      switch (c.color_type) {
        case 6:
          for (int s = 0; s < 4; ++s) expected[s] = sample(s);
          break;
        case 2:
          expected[0] = sample(0), expected[1] = sample(1), expected[2] = sample(2), expected[3] = 255;
          break;
        case 0: expected[0] = expected[1] = expected[2] = sample(0), expected[3] = 255; break;
        case 4: expected[0] = expected[1] = expected[2] = sample(0), expected[3] = sample(1); break;
        default: {
          const uint8_t i = rows[p];
          expected[0] = uint8_t(i * 3), expected[1] = uint8_t(i * 5), expected[2] = uint8_t(i * 7),
          expected[3] = 255;
        }
      }
      for (int s = 0; s < 4; ++s)
        ASSERT_EQ(image->rgba[p * 4 + s], expected[s]) << "pixel " << p << " channel " << s;
    }
  }
}

}  // namespace
}  // namespace texforge

// A 16x16 PNG whose pixel data inflates to 64 MiB: a decompression bomb must be refused without
// the decoder growing its buffer to match.
TEST(ImageDecodeBomb, PngThatInflatesFarBeyondItsHeaderIsRefused) {
  std::string idat;
  z_stream z{};
  ASSERT_EQ(deflateInit(&z, 9), Z_OK);
  std::vector<uint8_t> zeros(1 << 20, 0);
  std::vector<uint8_t> out(1 << 16);
  for (int i = 0; i < 64; ++i) {
    z.next_in = zeros.data();
    z.avail_in = static_cast<uInt>(zeros.size());
    const int flush = i == 63 ? Z_FINISH : Z_NO_FLUSH;
    do {
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      deflate(&z, flush);
      idat.append(reinterpret_cast<char*>(out.data()), out.size() - z.avail_out);
    } while (z.avail_out == 0);
  }
  deflateEnd(&z);
  auto be32 = [](uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  auto chunk = [&](const char* type, const std::string& body) {
    std::string typed = std::string(type, 4) + body;
    return be32(static_cast<uint32_t>(body.size())) + typed +
           be32(static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(typed.data()), typed.size())));
  };
  std::string ihdr = be32(16) + be32(16) + std::string{8, 6, 0, 0, 0};
  std::string png =
      std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", idat) + chunk("IEND", "");
  ASSERT_LT(png.size(), 200000u) << "the bomb itself is small";
  auto decoded = texforge::decodeImage(reinterpret_cast<const uint8_t*>(png.data()), png.size());
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.error().code, texforge::ErrorCode::kDecode);
  EXPECT_NE(decoded.error().message.find("bomb"), std::string::npos) << decoded.error().message;
}
