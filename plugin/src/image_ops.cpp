// Pixel operations for game-ready assets (image_ops.h): seam scores and the half-size roll for
// tileable textures, the seam-repair mask, the alpha report, matte keying with de-spill, and trimming.
#include "texforge/image_ops.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace texforge {
namespace {

// measureSeams samples whole rows (and row pairs) with a stride so that about this many pixel pairs
// are compared per direction: every row up to 1024x1024, a fraction of them on 4096x4096.
constexpr size_t kSeamSamplePairs = 1u << 20;
// Below this mean step (sum of RGB differences) the inside counts as flat, so a seam on an almost
// flat image still scores high instead of dividing by zero.
constexpr double kMinInteriorStep = 1.0 / 16.0;
// The soft edge of the seam-repair mask, in pixels.
constexpr int kMaskRamp = 4;
// Alpha at or above this counts as opaque (encoders and resamplers leave 254s behind).
constexpr int kOpaqueAlpha = 250;
// Opaque pixels this close to the matte are edge pixels: anti-aliased edges blend over 1-3 pixels,
// and the outer ones are still far enough from the matte to count as opaque.
constexpr int kEdgeRadius = 2;
// How far keyOutMatte looks for solid foreground (past the edge) next to an edge pixel.
constexpr int kForegroundRadius = kEdgeRadius + 2;

const uint8_t* pixelAt(const DecodedImage& image, int x, int y) {
  return &image.rgba[(size_t(y) * size_t(image.width) + size_t(x)) * 4];
}

int rgbStep(const uint8_t* a, const uint8_t* b) {
  return std::abs(a[0] - b[0]) + std::abs(a[1] - b[1]) + std::abs(a[2] - b[2]);
}

// Odd, so that the sampled rows do not line up with power-of-two blocks or tiles in the image.
int sampleStride(const DecodedImage& image) {
  size_t pixels = size_t(image.width) * size_t(image.height);
  int stride = int((pixels + kSeamSamplePairs - 1) / kSeamSamplePairs);
  if (stride > 1 && stride % 2 == 0) ++stride;
  return std::max(1, stride);
}

double seamRatio(double join, double interior) {
  if (join <= 0) return 0;
  return join / std::max(interior, kMinInteriorStep);
}

// Left/right join against the steps between neighbouring columns.
double horizontalSeam(const DecodedImage& image, int stride) {
  const int w = image.width, h = image.height;
  double join = 0;
  for (int y = 0; y < h; ++y) join += rgbStep(pixelAt(image, w - 1, y), pixelAt(image, 0, y));
  double interior = 0;
  size_t pairs = 0;
  for (int y = 0; y < h; y += stride) {
    const uint8_t* row = pixelAt(image, 0, y);
    for (int x = 0; x + 1 < w; ++x) interior += rgbStep(row + x * 4, row + x * 4 + 4);
    pairs += size_t(w - 1);
  }
  return seamRatio(join / h, interior / double(pairs));
}

// Top/bottom join against the steps between neighbouring rows.
double verticalSeam(const DecodedImage& image, int stride) {
  const int w = image.width, h = image.height;
  double join = 0;
  for (int x = 0; x < w; ++x) join += rgbStep(pixelAt(image, x, h - 1), pixelAt(image, x, 0));
  double interior = 0;
  size_t pairs = 0;
  for (int y = 0; y + 1 < h; y += stride) {
    const uint8_t* row = pixelAt(image, 0, y);
    const uint8_t* next = pixelAt(image, 0, y + 1);
    for (int x = 0; x < w; ++x) interior += rgbStep(row + x * 4, next + x * 4);
    pairs += size_t(w);
  }
  return seamRatio(join / w, interior / double(pairs));
}

bool wellFormed(const DecodedImage& image) {
  return image.width > 0 && image.height > 0 &&
         image.rgba.size() >= size_t(image.width) * size_t(image.height) * 4;
}

// Alpha of the seam-repair mask along one axis: 0 within `band` pixels of the centre line (which
// lies between pixels size/2 - 1 and size/2, where shiftSeamsToCentre puts the old edges), then a
// linear ramp up to 255.
int maskAlphaAlong(int i, int size, int band) {
  const double from_centre = std::fabs(i + 0.5 - size / 2);
  const double outside = from_centre - band + 0.5;  // 1 for the first pixel outside the band
  if (outside <= 0) return 0;
  return int(std::lround(255.0 * std::min(1.0, outside / (kMaskRamp + 1))));
}

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// --- keying ---

struct Rgb {
  double r = 0, g = 0, b = 0;
};

Rgb rgbOf(const uint8_t* p) {
  return {double(p[0]), double(p[1]), double(p[2])};
}
Rgb operator-(const Rgb& a, const Rgb& b) {
  return {a.r - b.r, a.g - b.g, a.b - b.b};
}
Rgb operator+(const Rgb& a, const Rgb& b) {
  return {a.r + b.r, a.g + b.g, a.b + b.b};
}
Rgb operator*(const Rgb& a, double k) {
  return {a.r * k, a.g * k, a.b * k};
}
double dot(const Rgb& a, const Rgb& b) {
  return a.r * b.r + a.g * b.g + a.b * b.b;
}

uint8_t toByte(double v) {
  return uint8_t(std::lround(std::clamp(v, 0.0, 255.0)));
}

// What the keyer knows about the matte: its colour and the direction of its hue (the matte minus its
// own grey, unit length; zero for a grey matte, which has no hue to spill).
struct Matte {
  Rgb colour;
  Rgb hue;
};

Matte matteOf(const MatteColor& m) {
  Matte out;
  out.colour = {double(m.r), double(m.g), double(m.b)};
  const double grey = (out.colour.r + out.colour.g + out.colour.b) / 3;
  const Rgb hue = out.colour - Rgb{grey, grey, grey};
  const double length = std::sqrt(dot(hue, hue));
  if (length > 1e-6) out.hue = hue * (1 / length);
  return out;
}

// How much of the matte's hue a colour carries (for magenta, proportional to (r + b) / 2 - g).
double spillOf(const Rgb& c, const Matte& matte) {
  return dot(c, matte.hue);
}

// Takes the matte's hue down to `level` where it exceeds it. Moving along the hue direction keeps
// r + g + b, so the pixel keeps its brightness.
Rgb clampSpill(const Rgb& c, const Matte& matte, double level) {
  const double excess = spillOf(c, matte) - level;
  return excess > 0 ? c - matte.hue * excess : c;
}

// Coverage from the distance to the matte: 0 within tolerance, 1 beyond tolerance + softness.
double coverageOf(const uint8_t* p, const Matte& matte, const KeyOptions& options) {
  const Rgb d = rgbOf(p) - matte.colour;
  const double distance = std::sqrt(dot(d, d));
  if (distance <= options.tolerance) return 0;
  if (options.softness <= 0 || distance >= options.tolerance + options.softness) return 1;
  return (distance - options.tolerance) / options.softness;
}

// The per-pixel classes the de-spill pass needs, worked out once.
struct Coverage {
  int width = 0, height = 0;
  std::vector<double> alpha;  // from the distance alone
  std::vector<uint8_t> edge;  // opaque, but within kEdgeRadius of a pixel that is not
  double at(int x, int y) const { return alpha[size_t(y) * width + x]; }
  bool solid(int x, int y) const { return at(x, y) >= 1 && !edge[size_t(y) * width + x]; }
};

// Marks the pixels within kEdgeRadius (a square) of a pixel that is not fully covered: a dilation
// along the rows, then along the columns, instead of a (2r+1)^2 look-around per pixel.
std::vector<uint8_t> nearMatte(const Coverage& c) {
  const int w = c.width, h = c.height;
  std::vector<uint8_t> rows(c.alpha.size(), 0), out(c.alpha.size(), 0);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (c.at(x, y) >= 1) continue;
      for (int nx = std::max(0, x - kEdgeRadius); nx <= std::min(w - 1, x + kEdgeRadius); ++nx) {
        rows[size_t(y) * w + nx] = 1;
      }
    }
  }
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (!rows[size_t(y) * w + x]) continue;
      for (int ny = std::max(0, y - kEdgeRadius); ny <= std::min(h - 1, y + kEdgeRadius); ++ny) {
        out[size_t(ny) * w + x] = 1;
      }
    }
  }
  return out;
}

Coverage coverageOfImage(const DecodedImage& image, const Matte& matte, const KeyOptions& options) {
  Coverage c;
  c.width = image.width;
  c.height = image.height;
  c.alpha.resize(size_t(c.width) * c.height);
  for (int y = 0; y < c.height; ++y) {
    for (int x = 0; x < c.width; ++x) {
      c.alpha[size_t(y) * c.width + x] = coverageOf(pixelAt(image, x, y), matte, options);
    }
  }
  c.edge = nearMatte(c);
  for (size_t i = 0; i < c.alpha.size(); ++i) c.edge[i] = c.edge[i] && c.alpha[i] >= 1;
  return c;
}

// The mean colour of the solid foreground near (x, y); false where there is none (thin features).
bool nearbyForeground(const DecodedImage& image, const Coverage& c, int x, int y, Rgb* out) {
  Rgb sum;
  int n = 0;
  for (int ny = std::max(0, y - kForegroundRadius); ny <= std::min(c.height - 1, y + kForegroundRadius);
       ++ny) {
    for (int nx = std::max(0, x - kForegroundRadius); nx <= std::min(c.width - 1, x + kForegroundRadius);
         ++nx) {
      if (!c.solid(nx, ny)) continue;
      sum = sum + rgbOf(pixelAt(image, nx, ny));
      ++n;
    }
  }
  if (n == 0) return false;
  *out = sum * (1.0 / n);
  return true;
}

// De-spill of one edge pixel. A partial pixel is taken as observed = a*fg + (1-a)*matte: with solid
// foreground nearby, a is re-estimated by projecting the pixel onto the matte-to-foreground line
// (the distance ramp alone underestimates how much foreground a blended pixel holds), then the
// foreground is un-blended. Both kinds of edge pixel then keep no more of the matte's hue than the
// nearby foreground has (no foreground nearby: none at all, the classic green-screen clamp).
void despillPixel(const DecodedImage& image, const Coverage& c, const Matte& matte, int x, int y, Rgb* colour,
                  double* alpha) {
  const Rgb observed = rgbOf(pixelAt(image, x, y));
  Rgb fg;
  const bool has_fg = nearbyForeground(image, c, x, y, &fg);
  const double level = has_fg ? spillOf(fg, matte) : 0;
  Rgb out = observed;
  if (*alpha < 1) {
    const Rgb axis = fg - matte.colour;
    const double axis_length2 = dot(axis, axis);
    if (has_fg && axis_length2 > 1) {
      *alpha = std::clamp(dot(observed - matte.colour, axis) / axis_length2, 0.0, 1.0);
    }
    if (*alpha * 255 < 0.5) return;
    out = (observed - matte.colour * (1 - *alpha)) * (1 / *alpha);
    out = {std::clamp(out.r, 0.0, 255.0), std::clamp(out.g, 0.0, 255.0), std::clamp(out.b, 0.0, 255.0)};
  }
  *colour = clampSpill(out, matte, level);
}

}  // namespace

SeamScore measureSeams(const DecodedImage& image) {
  SeamScore out;
  if (!wellFormed(image) || image.width < 4 || image.height < 4) return out;
  const int stride = sampleStride(image);
  out.horizontal = horizontalSeam(image, stride);
  out.vertical = verticalSeam(image, stride);
  out.score = std::max(out.horizontal, out.vertical);
  return out;
}

DecodedImage rollImage(const DecodedImage& image, int dx, int dy) {
  if (!wellFormed(image)) return image;
  const int w = image.width, h = image.height;
  dx = ((dx % w) + w) % w;
  dy = ((dy % h) + h) % h;
  DecodedImage out = image;
  const size_t row_bytes = size_t(w) * 4, head = size_t(w - dx) * 4, tail = size_t(dx) * 4;
  for (int y = 0; y < h; ++y) {
    const uint8_t* src = &image.rgba[size_t(y) * row_bytes];
    uint8_t* dst = &out.rgba[size_t((y + dy) % h) * row_bytes];
    // Source columns [0, w - dx) land at [dx, w); the last dx wrap round to the front.
    std::memcpy(dst + tail, src, head);
    std::memcpy(dst, src + head, tail);
  }
  return out;
}

DecodedImage shiftSeamsToCentre(const DecodedImage& image) {
  return rollImage(image, image.width / 2, image.height / 2);
}

DecodedImage shiftSeamsBack(const DecodedImage& image) {
  return rollImage(image, -(image.width / 2), -(image.height / 2));
}

DecodedImage seamRepairMask(int width, int height, int band) {
  DecodedImage out;
  if (width <= 0 || height <= 0) return out;
  if (band <= 0) band = std::max(8, width / 16);
  out.width = width;
  out.height = height;
  out.source_format = ImageFormat::kPng;
  out.has_alpha = true;
  out.rgba.assign(size_t(width) * size_t(height) * 4, 255);
  std::vector<int> column_alpha(size_t(width), 0);
  for (int x = 0; x < width; ++x) column_alpha[size_t(x)] = maskAlphaAlong(x, width, band);
  for (int y = 0; y < height; ++y) {
    const int row_alpha = maskAlphaAlong(y, height, band);
    for (int x = 0; x < width; ++x) {
      out.rgba[(size_t(y) * width + x) * 4 + 3] = uint8_t(std::min(row_alpha, column_alpha[size_t(x)]));
    }
  }
  return out;
}

const char* alphaKindName(AlphaKind kind) {
  switch (kind) {
    case AlphaKind::kNone: return "none";
    case AlphaKind::kOpaque: return "opaque";
    case AlphaKind::kTransparent: return "transparent";
  }
  return "none";
}

AlphaReport inspectAlpha(const DecodedImage& image) {
  AlphaReport out;
  if (!image.has_alpha) return out;
  const size_t pixels = image.rgba.size() / 4;
  size_t see_through = 0;
  for (size_t i = 0; i < pixels; ++i) see_through += image.rgba[i * 4 + 3] < kOpaqueAlpha;
  out.kind = see_through == 0 ? AlphaKind::kOpaque : AlphaKind::kTransparent;
  out.transparent_fraction = pixels ? double(see_through) / double(pixels) : 0;
  return out;
}

std::string MatteColor::hex() const {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out = "#";
  for (uint8_t v : {r, g, b}) {
    out += kDigits[v >> 4];
    out += kDigits[v & 15];
  }
  return out;
}

Result<MatteColor> parseMatteColor(const std::string& text) {
  const std::string digits = !text.empty() && text[0] == '#' ? text.substr(1) : text;
  int v[6] = {};
  bool ok = digits.size() == 6;
  for (size_t i = 0; ok && i < 6; ++i) ok = (v[i] = hexDigit(digits[i])) >= 0;
  if (!ok) {
    return makeError(
        ErrorCode::kInvalidArgument,
        "matte colour must be #RRGGBB (six hexadecimal digits, e.g. #FF00FF), not \"" + text + "\"");
  }
  MatteColor out;
  out.r = uint8_t(v[0] * 16 + v[1]);
  out.g = uint8_t(v[2] * 16 + v[3]);
  out.b = uint8_t(v[4] * 16 + v[5]);
  return out;
}

DecodedImage keyOutMatte(const DecodedImage& image, const MatteColor& matte_color,
                         const KeyOptions& options) {
  DecodedImage out = image;
  out.has_alpha = true;
  if (!wellFormed(image)) return out;
  const Matte matte = matteOf(matte_color);
  const Coverage c = coverageOfImage(image, matte, options);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      uint8_t* p = &out.rgba[(size_t(y) * image.width + x) * 4];
      double alpha = c.at(x, y);
      Rgb colour = rgbOf(p);
      const bool partial = alpha > 0 && alpha < 1;
      if (options.despill && (partial || c.edge[size_t(y) * image.width + x])) {
        despillPixel(image, c, matte, x, y, &colour, &alpha);
      }
      const uint8_t a = toByte(alpha * p[3]);
      // Keyed-out pixels become transparent black, so no matte colour bleeds in when an engine
      // filters the texture with straight alpha.
      if (a == 0) colour = {};
      p[0] = toByte(colour.r);
      p[1] = toByte(colour.g);
      p[2] = toByte(colour.b);
      p[3] = a;
    }
  }
  return out;
}

PixelRect opaqueBounds(const DecodedImage& image, int threshold, int padding) {
  const PixelRect whole{0, 0, image.width, image.height};
  if (!wellFormed(image)) return whole;
  int x0 = image.width, y0 = image.height, x1 = -1, y1 = -1;
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* row = pixelAt(image, 0, y);
    for (int x = 0; x < image.width; ++x) {
      if (row[x * 4 + 3] <= threshold) continue;
      x0 = std::min(x0, x);
      x1 = std::max(x1, x);
      y0 = std::min(y0, y);
      y1 = std::max(y1, y);
    }
  }
  if (x1 < 0) return whole;
  padding = std::max(0, padding);
  x0 = std::max(0, x0 - padding);
  y0 = std::max(0, y0 - padding);
  x1 = std::min(image.width - 1, x1 + padding);
  y1 = std::min(image.height - 1, y1 + padding);
  return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

DecodedImage cropImage(const DecodedImage& image, const PixelRect& rect) {
  DecodedImage out;
  out.source_format = image.source_format;
  out.has_alpha = image.has_alpha;
  if (!wellFormed(image)) return out;
  const int x0 = std::clamp(rect.x, 0, image.width), y0 = std::clamp(rect.y, 0, image.height);
  const int x1 = std::clamp(rect.x + std::max(0, rect.width), x0, image.width);
  const int y1 = std::clamp(rect.y + std::max(0, rect.height), y0, image.height);
  out.width = x1 - x0;
  out.height = y1 - y0;
  if (out.width == 0 || out.height == 0) {
    out.width = out.height = 0;
    return out;
  }
  out.rgba.resize(size_t(out.width) * out.height * 4);
  for (int y = y0; y < y1; ++y) {
    std::memcpy(&out.rgba[size_t(y - y0) * out.width * 4], pixelAt(image, x0, y), size_t(out.width) * 4);
  }
  return out;
}

}  // namespace texforge
