// Procedural, deterministic image synthesis (pattern + prompt text + output index) and the codecs the
// emulator needs. Everything here is pure: no server state, safe to call outside the emulator's lock.
#include "emulator_images.h"

// stb compiled here, private to this file (static functions): the emulator never shares a symbol
// with the core it serves, whichever of the two a program links first.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#include <stb_image.h>
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
#include <webp/decode.h>
#include <webp/encode.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "emulator_font.h"
#include "emulator_signing.h"

namespace texforge::emulator::detail {

namespace {

// Uploads are capped in bytes, but a small PNG can still claim a huge canvas: refuse to decode those.
constexpr int kMaxDecodeSide = 8192;

bool startsWith(const std::string& bytes, const char* magic, size_t offset = 0) {
  size_t n = std::strlen(magic);
  return bytes.size() >= offset + n && bytes.compare(offset, n, magic) == 0;
}

bool isWebp(const std::string& bytes) {
  return startsWith(bytes, "RIFF") && startsWith(bytes, "WEBP", 8);
}

float hash01(uint64_t seed, int64_t x, int64_t y) {
  uint64_t h = mix64(seed ^ mix64(uint64_t(x) * 0x9E3779B97F4A7C15ull + uint64_t(y) * 0xC2B2AE3D27D4EB4Full));
  return float(h >> 40) / float(1 << 24);
}

// Smooth value noise on a lattice of `cell` pixels.
float valueNoise(uint64_t seed, int x, int y, int cell) {
  int cx = x / cell, cy = y / cell;
  float fx = float(x % cell) / float(cell), fy = float(y % cell) / float(cell);
  fx = fx * fx * (3 - 2 * fx);
  fy = fy * fy * (3 - 2 * fy);
  float a = hash01(seed, cx, cy), b = hash01(seed, cx + 1, cy);
  float c = hash01(seed, cx, cy + 1), d = hash01(seed, cx + 1, cy + 1);
  return (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
}

void hsvToRgb(float h, float s, float v, uint8_t* rgb) {
  h = std::fmod(h, 360.f);
  if (h < 0) h += 360.f;
  s = std::clamp(s, 0.f, 1.f);
  v = std::clamp(v, 0.f, 1.f);
  float c = v * s, hp = h / 60.f, x = c * (1 - std::fabs(std::fmod(hp, 2.f) - 1)), m = v - c;
  float r = 0, g = 0, b = 0;
  switch (int(hp)) {
    case 0:
      r = c;
      g = x;
      break;
    case 1:
      r = x;
      g = c;
      break;
    case 2:
      g = c;
      b = x;
      break;
    case 3:
      g = x;
      b = c;
      break;
    case 4:
      r = x;
      b = c;
      break;
    default:
      r = c;
      b = x;
      break;
  }
  rgb[0] = uint8_t(std::lround((r + m) * 255));
  rgb[1] = uint8_t(std::lround((g + m) * 255));
  rgb[2] = uint8_t(std::lround((b + m) * 255));
}

// The pattern is worked out once per kBlock x kBlock pixels: a twentieth of the work, and rows that
// repeat compress in a fraction of the time. The prompt is still drawn at full resolution.
constexpr int kBlock = 4;

// The hue of a colour in degrees; 0 for greys.
float hueOf(const uint8_t* rgb) {
  const float r = rgb[0], g = rgb[1], b = rgb[2];
  const float hi = std::max({r, g, b}), lo = std::min({r, g, b}), c = hi - lo;
  if (c <= 0) return 0;
  float h = hi == r ? std::fmod((g - b) / c, 6.f) : hi == g ? (b - r) / c + 2 : (r - g) / c + 4;
  return h * 60.f;
}

// Where the subject's hues start. Over a matte they start opposite it, so the pattern's spread of
// about 100 degrees stays far from the matte and keying it out leaves the subject whole.
float baseHue(const RenderSpec& spec) {
  if (spec.matte) return hueOf(spec.matte_rgb) + 130.f + float(spec.seed % 20) + 7.f * float(spec.index);
  return float(spec.seed % 360) + 47.f * float(spec.index);
}

// with_checker false: the noise and rings only, the fine detail an edit's repaint borrows (the
// checkerboard's straight edges would draw lines across it, at the centre lines among others).
void paintPattern(RgbaImage& img, const RenderSpec& spec, bool with_checker = true) {
  const float hue0 = baseHue(spec);
  const int tile = std::max(8, std::min(img.width, img.height) / 8);
  const int cell = std::max(4, std::min(img.width, img.height) / 6);
  const float cx = img.width * 0.5f, cy = img.height * 0.5f;
  const float span = float(std::min(img.width, img.height));
  const float radius = 0.46f * span;
  for (int y0 = 0; y0 < img.height; y0 += kBlock) {
    for (int x0 = 0; x0 < img.width; x0 += kBlock) {
      const int x = std::min(x0 + kBlock / 2, img.width - 1), y = std::min(y0 + kBlock / 2, img.height - 1);
      float u = float(x) / float(img.width), v = float(y) / float(img.height);
      float n = valueNoise(spec.seed, x, y, cell);
      bool checker = with_checker && (((x / tile) + (y / tile)) & 1);
      float d = std::hypot(x - cx, y - cy);
      float ring = std::sin(d / span * 40.f + float(spec.index));
      float hue = hue0 + 50.f * u - 25.f * v + 30.f * n;
      float sat = 0.45f + 0.3f * n;
      float val = 0.5f + 0.25f * n + (checker ? 0.1f : 0.f) + 0.08f * ring;
      uint8_t rgba[4];
      hsvToRgb(hue, sat, val, rgba);
      rgba[3] = spec.transparent ? uint8_t(std::clamp((radius - d) * 255.f, 0.f, 255.f)) : 255;
      const int x1 = std::min(x0 + kBlock, img.width), y1 = std::min(y0 + kBlock, img.height);
      for (int py = y0; py < y1; ++py) {
        for (int px = x0; px < x1; ++px) std::memcpy(&img.pixels[(size_t(py) * img.width + px) * 4], rgba, 4);
      }
    }
  }
}

void blendReference(RgbaImage& img, const RgbaImage& reference) {
  RgbaImage ref = resizeNearest(reference, img.width, img.height);
  for (size_t i = 0; i < img.pixels.size(); i += 4) {
    for (int k = 0; k < 3; ++k) {
      img.pixels[i + k] = uint8_t((ref.pixels[i + k] * 3 + img.pixels[i + k] * 2) / 5);
    }
  }
}

// The subject disc over the matte colour, coverage worked out per pixel (the pattern's blocks would
// give a stepped edge) with a ramp of about 1.5 pixels, blended into the matte as a renderer does.
void paintMatte(RgbaImage& img, const RenderSpec& spec) {
  const float cx = img.width * 0.5f, cy = img.height * 0.5f;
  const float radius = 0.46f * float(std::min(img.width, img.height));
  for (int y = 0; y < img.height; ++y) {
    for (int x = 0; x < img.width; ++x) {
      const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
      const float a = std::clamp((radius - d) / 1.5f + 0.5f, 0.f, 1.f);
      uint8_t* p = &img.pixels[(size_t(y) * img.width + x) * 4];
      for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::lround(a * p[k] + (1 - a) * spec.matte_rgb[k]));
      p[3] = 255;
    }
  }
}

// Brightness from 55% at the left and top edges up to 100% at the right and bottom ones: smooth
// inside, a step of about half the brightness across each wrap-around join.
void addVisibleSeams(RgbaImage& img) {
  for (int y = 0; y < img.height; ++y) {
    const float fy = 0.55f + 0.45f * float(y) / float(std::max(1, img.height - 1));
    for (int x = 0; x < img.width; ++x) {
      const float f = fy * (0.55f + 0.45f * float(x) / float(std::max(1, img.width - 1)));
      uint8_t* p = &img.pixels[(size_t(y) * img.width + x) * 4];
      for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::lround(p[k] * f));
    }
  }
}

void darkenRect(RgbaImage& img, int x0, int y0, int x1, int y1) {
  x0 = std::max(0, x0);
  y0 = std::max(0, y0);
  x1 = std::min(img.width, x1);
  y1 = std::min(img.height, y1);
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      uint8_t* p = &img.pixels[(size_t(y) * img.width + x) * 4];
      for (int k = 0; k < 3; ++k) p[k] = uint8_t(p[k] * 3 / 10);
      p[3] = std::max<uint8_t>(p[3], 200);
    }
  }
}

// Greedy word wrap into lines of at most `columns` glyphs; long words are cut.
std::vector<std::string> wrapText(const std::string& text, int columns) {
  std::vector<std::string> lines;
  std::string line, word;
  auto flushWord = [&] {
    while (glyphCount(word) > columns) {
      if (!line.empty()) {
        lines.push_back(line);
        line.clear();
      }
      lines.push_back(word.substr(0, size_t(columns)));
      word.erase(0, size_t(columns));
    }
    if (word.empty()) return;
    if (line.empty())
      line = word;
    else if (glyphCount(line) + 1 + glyphCount(word) <= columns)
      line += " " + word;
    else {
      lines.push_back(line);
      line = word;
    }
    word.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
      flushWord();
    else
      word += c;
  }
  flushWord();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

void paintText(RgbaImage& img, const RenderSpec& spec) {
  const uint8_t white[4] = {255, 255, 255, 255};
  const uint8_t gold[4] = {255, 214, 90, 255};
  const int scale = std::max(1, std::min(img.width, img.height) / 256);
  // Clear of the band a seam repair repaints (a sixteenth of the long side around the centre lines,
  // once shifted), so an edit's blend never drags the letters into it.
  const int margin = 2 * scale + std::max(img.width, img.height) / 16 + 16;

  std::string label = "#" + std::to_string(spec.index + 1) + "/" + std::to_string(spec.count);
  int label_scale = scale * 2;
  darkenRect(img, margin - scale, margin - scale,
             margin + glyphCount(label) * kGlyphAdvance * label_scale + scale,
             margin + kGlyphHeight * label_scale + scale);
  drawText(img, margin, margin, label, label_scale, gold);

  int columns = std::max(1, (img.width - 2 * margin) / (kGlyphAdvance * scale));
  int top = margin + kLineAdvance * label_scale;
  int max_lines = std::max(0, (img.height - top - margin) / (kLineAdvance * scale));
  std::vector<std::string> lines = wrapText(spec.prompt, columns);
  if (int(lines.size()) > max_lines) {
    lines.resize(size_t(max_lines));
    if (!lines.empty()) {
      std::string& last = lines.back();
      while (!last.empty() && glyphCount(last) + 3 > columns) last.pop_back();
      last += "...";
    }
  }
  for (size_t i = 0; i < lines.size(); ++i) {
    int y = top + int(i) * kLineAdvance * scale;
    int width = glyphCount(lines[i]) * kGlyphAdvance * scale;
    darkenRect(img, margin - scale, y - scale, margin + width + scale, y + (kGlyphHeight + 1) * scale);
    drawText(img, margin, y, lines[i], scale, white);
  }
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void appendBytes(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
}

void putBigEndian(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xff);
}

uint32_t crc32(const std::string& bytes) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : bytes) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void putChunk(std::string& out, const char* type, const std::string& data) {
  putBigEndian(out, uint32_t(data.size()));
  std::string body = std::string(type, 4) + data;
  out += body;
  putBigEndian(out, crc32(body));
}

}  // namespace

bool probeImage(const std::string& bytes, ImageProbe* out) {
  if (isWebp(bytes)) {
    int w = 0, h = 0;
    if (!WebPGetInfo(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &w, &h)) return false;
    *out = {"image/webp", "webp", w, h};
    return true;
  }
  bool png = startsWith(bytes, "\x89PNG\r\n\x1a\n");
  bool jpeg = startsWith(bytes, "\xff\xd8\xff");
  if (!png && !jpeg) return false;
  int w = 0, h = 0, comp = 0;
  if (!stbi_info_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w, &h,
                             &comp)) {
    return false;
  }
  *out = png ? ImageProbe{"image/png", "png", w, h} : ImageProbe{"image/jpeg", "jpg", w, h};
  return true;
}

bool decodeImage(const std::string& bytes, RgbaImage* out) {
  ImageProbe probe;
  if (!probeImage(bytes, &probe) || probe.width <= 0 || probe.height <= 0 || probe.width > kMaxDecodeSide ||
      probe.height > kMaxDecodeSide) {
    return false;
  }
  int w = 0, h = 0;
  uint8_t* data = nullptr;
  bool webp = probe.ext == "webp";
  if (webp) {
    data = WebPDecodeRGBA(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &w, &h);
  } else {
    int comp = 0;
    data = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()), &w, &h,
                                 &comp, 4);
  }
  if (!data) return false;
  out->width = w;
  out->height = h;
  out->pixels.assign(data, data + size_t(w) * size_t(h) * 4);
  if (webp)
    WebPFree(data);
  else
    stbi_image_free(data);
  return true;
}

RgbaImage resizeNearest(const RgbaImage& image, int width, int height) {
  if (image.width == width && image.height == height) return image;
  RgbaImage out;
  out.width = width;
  out.height = height;
  out.pixels.resize(size_t(width) * height * 4);
  for (int y = 0; y < height; ++y) {
    int sy = int(int64_t(y) * image.height / height);
    for (int x = 0; x < width; ++x) {
      int sx = int(int64_t(x) * image.width / width);
      std::memcpy(&out.pixels[(size_t(y) * width + x) * 4],
                  &image.pixels[(size_t(sy) * image.width + sx) * 4], 4);
    }
  }
  return out;
}

bool findMatteInPrompt(const std::string& prompt, uint8_t rgb[3]) {
  static const std::string kBefore = "flat, uniform #", kAfter = " background";
  for (size_t at = prompt.find(kBefore); at != std::string::npos; at = prompt.find(kBefore, at + 1)) {
    const size_t hex = at + kBefore.size();
    if (prompt.compare(hex + 6, kAfter.size(), kAfter) != 0) continue;
    int digits[6];
    bool ok = true;
    for (size_t i = 0; i < 6 && ok; ++i) ok = (digits[i] = hexValue(prompt[hex + i])) >= 0;
    if (!ok) continue;
    for (int k = 0; k < 3; ++k) rgb[k] = uint8_t(digits[2 * k] * 16 + digits[2 * k + 1]);
    return true;
  }
  return false;
}

RgbaImage renderImage(const RenderSpec& spec) {
  RgbaImage generated;
  generated.width = spec.width;
  generated.height = spec.height;
  generated.pixels.resize(size_t(spec.width) * spec.height * 4);
  paintPattern(generated, spec);
  const bool editing = spec.reference && spec.mask;
  // An edit's repainted pixels take their detail from the bare pattern.
  RgbaImage pattern;
  if (editing) {
    pattern = generated;
    paintPattern(pattern, spec, false);
  }
  if (spec.reference) blendReference(generated, *spec.reference);
  if (spec.matte) paintMatte(generated, spec);
  paintText(generated, spec);
  if (!editing) {
    if (spec.visible_seams && !spec.matte) addVisibleSeams(generated);
    return generated;
  }

  // Inpainting: start from the reference and change only where the mask is transparent.
  RgbaImage out = resizeNearest(*spec.reference, spec.width, spec.height);
  RgbaImage mask = resizeNearest(*spec.mask, spec.width, spec.height);
  std::vector<uint8_t> keep(size_t(spec.width) * spec.height);
  for (size_t i = 0; i < keep.size(); ++i) keep[i] = mask.pixels[i * 4 + 3] >= 128;
  inpaint(out, std::move(keep), pattern, generated);
  return out;
}

bool encodeImage(const RgbaImage& image, const std::string& format, EncodedImage* out) {
  out->bytes.clear();
  if (format == "jpeg" || format == "jpg") {
    if (!stbi_write_jpg_to_func(appendBytes, &out->bytes, image.width, image.height, 4, image.pixels.data(),
                                90)) {
      return false;
    }
    out->mime = "image/jpeg";
    out->ext = "jpg";
    return true;
  }
  if (format == "webp") {
    uint8_t* data = nullptr;
    size_t size =
        WebPEncodeRGBA(image.pixels.data(), image.width, image.height, image.width * 4, 90.f, &data);
    if (size == 0 || !data) return false;
    out->bytes.assign(reinterpret_cast<const char*>(data), size);
    WebPFree(data);
    out->mime = "image/webp";
    out->ext = "webp";
    return true;
  }
  // stb tries five filters on every row, which costs more than it saves on these images; Sub suits
  // the blocks. Set once, before any encode reads it.
  static const bool sub_filter = (stbi_write_force_png_filter = 1, true);
  (void)sub_filter;
  if (!stbi_write_png_to_func(appendBytes, &out->bytes, image.width, image.height, 4, image.pixels.data(),
                              image.width * 4)) {
    return false;
  }
  out->mime = "image/png";
  out->ext = "png";
  return true;
}

std::string corruptImageBytes() {
  std::string out = "\x89PNG\r\n\x1a\n";
  for (int i = 0; i < 2048; ++i) out += char(mix64(uint64_t(i)) & 0xff);
  return out;
}

std::string oversizedPngBytes() {
  std::string out = "\x89PNG\r\n\x1a\n";
  std::string ihdr;
  putBigEndian(ihdr, 100000);
  putBigEndian(ihdr, 100000);
  ihdr += std::string("\x08\x06\x00\x00\x00", 5);  // 8-bit RGBA, deflate, no filter, no interlace
  putChunk(out, "IHDR", ihdr);
  // A zlib stream header and a few stored bytes: far less than the claimed canvas.
  putChunk(out, "IDAT", std::string("\x78\x01\x00\x04\x00\xfb\xff\x00\x00\x00\x00", 11));
  putChunk(out, "IEND", "");
  return out;
}

}  // namespace texforge::emulator::detail
