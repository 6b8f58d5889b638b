// The emulator's inpainting: an edit's masked pixels are filled so they continue the kept ones
// (interpolated along rows and columns, as a real model blends into its surroundings), with a little
// of the generated pattern's detail, so a repaint across a seam leaves no seam.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "emulator_images.h"

namespace texforge::emulator::detail {

namespace {

// --- inpainting ---

// The detail added to a repainted pixel: this share of the pattern's own detail (see detailOf),
// reaching full strength this many pixels away from the kept ones.
constexpr float kDetailAmplitude = 0.3f;
constexpr float kDetailFadePx = 6.f;
constexpr int kDetailFineRadius = 2;
constexpr int kDetailCoarseRadius = 8;

// What one fill pass gathers for each pixel it can reach: interpolations weighted by 1/distance.
struct FillSums {
  std::vector<float> value;     // 4 per pixel, weighted
  std::vector<float> weight;    // sum of weights
  std::vector<float> distance;  // to the nearest known pixel along the row or the column
};

// How far across a hole a pixel `dl` from its left edge and `dr` from its right one takes its mix
// (0: all left, 1: all right): linear, except that the two pixels either side of the middle take the
// same mix. Rounding a linear ramp flips half the channels exactly at the middle, and a repaint
// across a seam puts the old edge line there: that would leave a faint step of its own.
float mixAcross(float dl, float dr) {
  const float n = dl + dr, from_middle = dl - n / 2;
  const float flat = std::copysign(std::max(0.f, std::fabs(from_middle) - 0.5f), from_middle);
  return 0.5f + flat / (n - 1);
}

// Adds, for every unknown pixel of one line (a row or a column: `n` pixels, `step` apart in pixel
// units from `first`), the interpolation between the nearest known pixels on either side of it (or
// the one there is), weighted by 1/distance to the nearer one.
void gatherLine(const RgbaImage& img, const std::vector<uint8_t>& known, size_t first, size_t step, int n,
                std::vector<int>& next, FillSums& sums) {
  int after = -1;
  for (int i = n - 1; i >= 0; --i) {
    if (known[first + size_t(i) * step]) after = i;
    next[size_t(i)] = after;
  }
  int before = -1;
  for (int i = 0; i < n; ++i) {
    const size_t at = first + size_t(i) * step;
    if (known[at]) {
      before = i;
      continue;
    }
    const int r = next[size_t(i)];
    if (before < 0 && r < 0) continue;
    const uint8_t* lp = before >= 0 ? &img.pixels[(first + size_t(before) * step) * 4] : nullptr;
    const uint8_t* rp = r >= 0 ? &img.pixels[(first + size_t(r) * step) * 4] : nullptr;
    const float dl = before >= 0 ? float(i - before) : 0.f, dr = r >= 0 ? float(r - i) : 0.f;
    const float near = !lp ? dr : !rp ? dl : std::min(dl, dr);
    const float t = lp && rp ? mixAcross(dl, dr) : 0.f;
    const float w = 1.f / near;
    for (int k = 0; k < 4; ++k) {
      const float v = !lp ? rp[k] : !rp ? lp[k] : lp[k] + (rp[k] - lp[k]) * t;
      sums.value[at * 4 + size_t(k)] += v * w;
    }
    sums.weight[at] += w;
    sums.distance[at] = std::min(sums.distance[at], near);
  }
}

// One pass: every unknown pixel with a known one in its row or its column takes the weighted mix of
// the row's and the column's interpolations; it reads only pixels known before the pass. Records the
// distance of those it fills in `distance` (kept from the first pass that reaches a pixel).
size_t fillPass(RgbaImage& img, std::vector<uint8_t>& known, std::vector<float>& distance) {
  const size_t w = size_t(img.width), h = size_t(img.height), n = w * h;
  FillSums sums{std::vector<float>(n * 4, 0.f), std::vector<float>(n, 0.f),
                std::vector<float>(n, std::numeric_limits<float>::max())};
  std::vector<int> next(std::max(w, h));
  for (size_t y = 0; y < h; ++y) gatherLine(img, known, y * w, 1, int(w), next, sums);
  for (size_t x = 0; x < w; ++x) gatherLine(img, known, x, w, int(h), next, sums);
  size_t filled = 0;
  for (size_t i = 0; i < n; ++i) {
    if (known[i] || sums.weight[i] <= 0) continue;
    for (int k = 0; k < 4; ++k) {
      img.pixels[i * 4 + size_t(k)] =
          uint8_t(std::lround(std::clamp(sums.value[i * 4 + size_t(k)] / sums.weight[i], 0.f, 255.f)));
    }
    known[i] = 1;
    distance[i] = sums.distance[i];
    ++filled;
  }
  return filled;
}

// One pass of a box blur over `n` values `step` apart (edges clamped), as a running sum.
void blurLine(const float* in, float* out, int n, size_t step, int radius) {
  float sum = 0;
  for (int d = -radius; d <= radius; ++d) sum += in[size_t(std::clamp(d, 0, n - 1)) * step];
  for (int i = 0; i < n; ++i) {
    out[size_t(i) * step] = sum / float(2 * radius + 1);
    sum += in[size_t(std::min(i + radius + 1, n - 1)) * step] - in[size_t(std::max(i - radius, 0)) * step];
  }
}

// A box blur of one channel, rows then columns.
std::vector<float> boxBlur(const std::vector<float>& channel, int w, int h, int radius) {
  std::vector<float> rows(channel.size()), out(channel.size());
  for (int y = 0; y < h; ++y) blurLine(&channel[size_t(y) * w], &rows[size_t(y) * w], w, 1, radius);
  for (int x = 0; x < w; ++x) blurLine(&rows[size_t(x)], &out[size_t(x)], h, size_t(w), radius);
  return out;
}

// The pattern's detail in one channel: a band-pass (a small blur minus a large one), which keeps
// its texture but not the steps between its blocks (lines at every fourth row and column).
std::vector<float> detailOf(const RgbaImage& pattern, int k) {
  std::vector<float> channel(size_t(pattern.width) * pattern.height);
  for (size_t i = 0; i < channel.size(); ++i) channel[i] = pattern.pixels[i * 4 + size_t(k)];
  std::vector<float> fine = boxBlur(channel, pattern.width, pattern.height, kDetailFineRadius);
  const std::vector<float> coarse = boxBlur(channel, pattern.width, pattern.height, kDetailCoarseRadius);
  for (size_t i = 0; i < fine.size(); ++i) fine[i] -= coarse[i];
  return fine;
}

}  // namespace

// Repaints the pixels of `out` where `keep` is 0 so they continue the kept ones: two fill passes
// reach every pixel when any is kept (the first fills the rows and columns of the kept pixels, the
// second everything else), then the pattern's detail is added, fading in away from the kept pixels.
// With nothing kept, the generated picture is all there is.
void inpaint(RgbaImage& out, std::vector<uint8_t> keep, const RgbaImage& pattern,
             const RgbaImage& generated) {
  const size_t n = keep.size();
  const std::vector<uint8_t> kept = keep;
  std::vector<float> distance(n, kDetailFadePx);
  if (fillPass(out, keep, distance) > 0) fillPass(out, keep, distance);
  const std::vector<float> detail[3] = {detailOf(pattern, 0), detailOf(pattern, 1), detailOf(pattern, 2)};
  for (size_t i = 0; i < n; ++i) {
    if (kept[i]) continue;
    if (!keep[i]) {
      std::memcpy(&out.pixels[i * 4], &generated.pixels[i * 4], 4);
      continue;
    }
    const float gain = kDetailAmplitude * std::min(1.f, distance[i] / kDetailFadePx);
    for (size_t k = 0; k < 3; ++k) {
      out.pixels[i * 4 + k] =
          uint8_t(std::lround(std::clamp(out.pixels[i * 4 + k] + gain * detail[k][i], 0.f, 255.f)));
    }
  }
}

}  // namespace texforge::emulator::detail
