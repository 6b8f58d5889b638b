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

struct RenderSpec {
  std::string prompt;
  int width = 1024;
  int height = 1024;
  bool transparent = false;  // alpha 0 outside a central disc
  int index = 0;             // which output of the job (drawn as "#index+1/count")
  int count = 1;
  uint64_t seed = 0;                     // hash of the whole request: same request, same pixels
  const RgbaImage* reference = nullptr;  // the first reference image, any size
  const RgbaImage* mask = nullptr;       // same size as reference; alpha < 128 = area to edit
};

// With a mask, every pixel under mask alpha >= 128 equals the (resized) reference exactly.
RgbaImage renderImage(const RenderSpec& spec);

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
