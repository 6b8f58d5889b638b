// Image synthesis for the emulator: deterministic pictures from a prompt and parameters (with the prompt
// drawn in), reference and mask compositing, and PNG/JPEG/WebP encoding, decoding and sniffing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace texforge::emulator::detail {

struct RgbaImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  // width * height * 4, rows top to bottom
};

struct ImageProbe {
  std::string mime;  // image/png, image/jpeg, image/webp
  std::string ext;   // png, jpg, webp
  int width = 0;
  int height = 0;
};

// Recognises PNG, JPEG and WebP by their magic bytes and reads the size from the header only.
bool probeImage(const std::string& bytes, ImageProbe* out);
// Full decode to RGBA8; false for anything not a decodable PNG, JPEG or WebP.
bool decodeImage(const std::string& bytes, RgbaImage* out);

RgbaImage resizeNearest(const RgbaImage& image, int width, int height);

// A matte colour asked for in the prompt with the client's wording, "flat, uniform #RRGGBB background"
// (hex digits in either case); false when the prompt has none.
bool findMatteInPrompt(const std::string& prompt, uint8_t rgb[3]);

struct RenderSpec {
  std::string prompt;
  int width = 1024;
  int height = 1024;
  bool transparent = false;  // alpha 0 outside a central disc
  // Opaque, the subject (the same disc) painted over this flat colour with an anti-aliased edge that
  // blends into it; its hues kept opposite the matte's, as a model told to isolate the subject would.
  bool matte = false;
  uint8_t matte_rgb[3] = {255, 0, 255};
  // A brightness ramp left to right and top to bottom, so the image does not tile: each wrap-around
  // join is a strong step (not applied to the repainted area of an edit, nor over a matte).
  bool visible_seams = false;
  int index = 0;  // which output of the job (drawn as "#index+1/count")
  int count = 1;
  uint64_t seed = 0;                     // hash of the whole request: same request, same pixels
  const RgbaImage* reference = nullptr;  // the first reference image, any size
  const RgbaImage* mask = nullptr;       // same size as reference; alpha < 128 = area to edit
};

// With a mask, every pixel under mask alpha >= 128 equals the (resized) reference exactly, and the
// others are repainted to continue the kept pixels around them (interpolated from the nearest kept
// ones along the row and the column, with a little of the pattern's detail), as an inpainting model
// does: a band repainted across a seam leaves no seam.
RgbaImage renderImage(const RenderSpec& spec);

// Repaints the pixels of out where keep is 0 so they continue the kept ones, then adds the detail of
// pattern (the bare generated pattern) fading in away from them; with nothing kept, out becomes
// generated. emulator_inpaint.cpp.
void inpaint(RgbaImage& out, std::vector<uint8_t> keep, const RgbaImage& pattern, const RgbaImage& generated);

struct EncodedImage {
  std::string bytes;
  std::string mime;
  std::string ext;
};

// format: png, jpeg or webp. JPEG cannot carry alpha, so a transparent request falls back to PNG
// (the caller decides; see emulator_jobs.cpp).
bool encodeImage(const RgbaImage& image, const std::string& format, EncodedImage* out);

std::string corruptImageBytes();  // starts like a PNG, then garbage
std::string oversizedPngBytes();  // a well-formed PNG header claiming 100000 x 100000, tiny body

}  // namespace texforge::emulator::detail
