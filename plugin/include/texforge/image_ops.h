// What texforge does to pixels after the service: the seam of a tileable texture (its score, the
// half-size shift that brings the seams to the middle, the band an inpainting request repaints),
// the truth about a result's alpha, keying out a flat matte colour, and trimming a sprite's
// transparent border. Pure functions on RGBA8 images (straight alpha); any thread.
#pragma once

#include <cstdint>
#include <string>

#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/image.h"

namespace texforge {

// How visible the wrap-around seams are. Tiling joins the right column to the left one and the bottom
// row to the top one; the score compares the colour steps across those joins with the steps between
// neighbouring pixels inside the image: about 1 for an image that tiles as smoothly as it is inside,
// above 2 where a seam shows. 0 for images under 4x4 or of flat colour. RGB only (alpha is ignored);
// steps are sums of the absolute R, G and B differences. The inside is sampled (every row up to about
// a million pixels, every n-th row beyond), so a 4096x4096 image costs about what 1024x1024 does.
struct TEXFORGE_CORE_API SeamScore {
  double horizontal = 0;  // across the left/right join
  double vertical = 0;    // across the top/bottom join
  double score = 0;       // the larger of the two
};
TEXFORGE_CORE_API SeamScore measureSeams(const DecodedImage& image);
// Below this a texture reads as seamless.
inline constexpr double kSeamlessScore = 1.5;

// Rolls the image by (dx, dy) with wrap-around: pixel (x, y) moves to ((x + dx) mod w, (y + dy) mod h).
// Any dx, dy (negative and larger than the image too); a malformed image comes back unchanged.
TEXFORGE_CORE_API DecodedImage rollImage(const DecodedImage& image, int dx, int dy);
// The shift that brings the seams to the middle (w/2, h/2), and the one that takes them back
// (-(w/2), -(h/2)): exact inverses for odd sizes too. The old edges then meet between pixels w/2 - 1
// and w/2 (and rows h/2 - 1 and h/2).
TEXFORGE_CORE_API DecodedImage shiftSeamsToCentre(const DecodedImage& image);
TEXFORGE_CORE_API DecodedImage shiftSeamsBack(const DecodedImage& image);

// The mask for repairing a centred seam: a PNG-ready RGBA image of width x height, opaque white
// except a transparent cross (transparent = area the model repaints) band pixels wide on each side
// of the centre lines (columns w/2 - band .. w/2 + band - 1, the same for rows), then alpha ramps up
// linearly over 4 pixels. band <= 0: max(8, width/16), used for both bands. Empty for a size <= 0.
TEXFORGE_CORE_API DecodedImage seamRepairMask(int width, int height, int band = 0);

// What a result's alpha really is. Alpha >= 250 counts as opaque (encoders leave near-255 values).
enum class AlphaKind {
  kNone,         // no alpha channel in the file
  kOpaque,       // an alpha channel, every pixel opaque
  kTransparent,  // some pixels are transparent or translucent
};
TEXFORGE_CORE_API const char* alphaKindName(AlphaKind kind);  // "none", "opaque", "transparent"
struct TEXFORGE_CORE_API AlphaReport {
  AlphaKind kind = AlphaKind::kNone;
  double transparent_fraction = 0;  // pixels with alpha < 250, 0..1
};
TEXFORGE_CORE_API AlphaReport inspectAlpha(const DecodedImage& image);

// An sRGB colour, from "#RRGGBB" (or "RRGGBB"), hex digits in either case; anything else is
// kInvalidArgument.
struct TEXFORGE_CORE_API MatteColor {
  uint8_t r = 255, g = 0, b = 255;
  std::string hex() const;  // "#FF00FF"
};
TEXFORGE_CORE_API Result<MatteColor> parseMatteColor(const std::string& text);
// The default matte: a magenta rarely found in game art.
inline constexpr const char* kDefaultMatte = "#FF00FF";

// Keys the matte out: pixels within `tolerance` of the matte become transparent, those beyond
// `tolerance + softness` stay opaque, those between get partial alpha; the matte's colour that
// spilled into the kept edge pixels is removed (de-spill). For a partial pixel the colour is
// un-blended, observed = a*fg + (1-a)*matte, with a re-estimated from the solid foreground within 4
// pixels when there is some (clamped to 0..255); partial pixels and opaque ones within 2 pixels of the
// matte then keep no more of the matte's hue (for magenta, (r+b)/2 above g) than that foreground has, or none
// where there is no foreground nearby. Distances are Euclidean in 8-bit RGB. Keyed-out pixels become
// transparent black; an input alpha multiplies the keyed one. The result has has_alpha = true.
struct TEXFORGE_CORE_API KeyOptions {
  double tolerance = 40;
  double softness = 60;
  bool despill = true;  // false: alpha only, colours untouched
};
TEXFORGE_CORE_API DecodedImage keyOutMatte(const DecodedImage& image, const MatteColor& matte,
                                           const KeyOptions& options = {});

// The smallest rectangle holding every pixel with alpha above `threshold`, grown by `padding` pixels
// on each side (clamped to the image). An image with nothing above the threshold gives the whole
// image. cropImage clamps the rectangle to the image; nothing left: an empty image (0 x 0).
struct TEXFORGE_CORE_API PixelRect {
  int x = 0, y = 0, width = 0, height = 0;
  bool operator==(const PixelRect& o) const {
    return x == o.x && y == o.y && width == o.width && height == o.height;
  }
};
TEXFORGE_CORE_API PixelRect opaqueBounds(const DecodedImage& image, int threshold = 0, int padding = 0);
TEXFORGE_CORE_API DecodedImage cropImage(const DecodedImage& image, const PixelRect& rect);

}  // namespace texforge
