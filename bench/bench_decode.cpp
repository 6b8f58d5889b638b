// Issue 12, goal 2 "Decode", measured: CPU time per 1024x1024 image of texforge::decodeImage against
// stb_image on the same bytes, the JPEG/WebP codecs called directly, and libspng when it was found.
//
// The inputs are what the emulator serves: its renderer and its encoders (stb PNG with the Sub filter,
// stb JPEG q90, libwebp q90), on a picture from a prompt and on a photo-like noisy picture, since
// grain is what makes real downloads large and slow to inflate. Each figure is the median of
// --runs decodes (default 21, after 2 warm-ups) in process CPU time, the decoders taking turns, so a
// busy machine moves the ratios little (the milliseconds still move with its caches and clocks).
// A plain main, not Google Benchmark: the ratios need every decoder's figure at once.
// Nothing fails on a slow machine; a decoder that fails or disagrees on PNG pixels is reported.
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(TEXFORGE_BENCH_OWN_STB)
// The core is a shared library whose stb is hidden: a private copy of the same headers.
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#endif
#include <stb_image.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <zlib.h>
#if defined(TEXFORGE_BENCH_HAVE_SPNG)
#include <spng.h>
#endif

#include "emulator_images.h"  // texforge::emulator::detail: the emulator's renderer and encoders
#include "texforge/image.h"

namespace texforge::bench {
namespace {

namespace emu = texforge::emulator::detail;

constexpr int kSide = 1024;
constexpr int kWarmups = 2;

double cpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// One decode of the bytes to RGBA8, pixels freed before it returns. With out, the pixels are also
// copied there (untimed, to compare the PNG decoders); a decoder that does not apply to a format is
// a null function there, not timed.
using DecodeFn = bool (*)(const std::string& bytes, std::vector<uint8_t>* out);

bool decodeTexforge(const std::string& bytes, std::vector<uint8_t>* out) {
  Result<DecodedImage> image = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!image) return false;
  if (out) out->assign(image->rgba.begin(), image->rgba.end());
  return true;
}

bool decodeStb(const std::string& bytes, std::vector<uint8_t>* out) {
  int w = 0, h = 0, channels = 0;
  stbi_uc* pixels = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()),
                                          &w, &h, &channels, 4);
  if (!pixels) return false;
  if (out) out->assign(pixels, pixels + size_t(w) * size_t(h) * 4);
  stbi_image_free(pixels);
  return true;
}

bool decodeTurbojpeg(const std::string& bytes, std::vector<uint8_t>* out) {
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitDecompress(), tjDestroy);
  if (!tj) return false;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  int w = 0, h = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data, bytes.size(), &w, &h, &subsampling, &colorspace) != 0) return false;
  std::vector<uint8_t> pixels(size_t(w) * size_t(h) * 4);
  if (tjDecompress2(tj.get(), data, bytes.size(), pixels.data(), w, 0, h, TJPF_RGBA, 0) != 0) return false;
  if (out) *out = std::move(pixels);
  return true;
}

bool decodeLibwebp(const std::string& bytes, std::vector<uint8_t>* out) {
  int w = 0, h = 0;
  uint8_t* pixels = WebPDecodeRGBA(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), &w, &h);
  if (!pixels) return false;
  if (out) out->assign(pixels, pixels + size_t(w) * size_t(h) * 4);
  WebPFree(pixels);
  return true;
}

#if defined(TEXFORGE_BENCH_HAVE_SPNG)
bool decodeSpng(const std::string& bytes, std::vector<uint8_t>* out) {
  std::unique_ptr<spng_ctx, void (*)(spng_ctx*)> ctx(spng_ctx_new(0), spng_ctx_free);
  if (!ctx) return false;
  if (spng_set_png_buffer(ctx.get(), bytes.data(), bytes.size()) != 0) return false;
  size_t size = 0;
  if (spng_decoded_image_size(ctx.get(), SPNG_FMT_RGBA8, &size) != 0) return false;
  std::vector<uint8_t> pixels(size);
  // TRNS as stb does when it expands to RGBA; CRC and Adler-32 checks left at libspng's defaults (on).
  if (spng_decode_image(ctx.get(), pixels.data(), size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS) != 0) return false;
  if (out) *out = std::move(pixels);
  return true;
}
#endif

uint32_t readBigEndian32(const unsigned char* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

// What the counting inflate pass decodeImage once ran against deflate bombs cost on its own (stb's
// capped allocations replace it now; kept for comparison): every IDAT inflated into a 64 KiB
// scratch buffer.
bool inflateIdatOnly(const std::string& bytes, std::vector<uint8_t>* out) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  z_stream z{};
  if (inflateInit(&z) != Z_OK) return false;
  std::unique_ptr<z_stream, int (*)(z_stream*)> owner(&z, inflateEnd);
  static uint8_t scratch[65536];
  uint64_t produced = 0;
  size_t pos = 33;
  while (size - pos >= 12) {
    const uint32_t length = readBigEndian32(data + pos);
    if (length > size - pos - 12) return false;
    if (std::memcmp(data + pos + 4, "IDAT", 4) == 0) {
      z.next_in = const_cast<unsigned char*>(data + pos + 8);
      z.avail_in = length;
      while (z.avail_in > 0) {
        z.next_out = scratch;
        z.avail_out = sizeof scratch;
        const int rc = inflate(&z, Z_NO_FLUSH);
        produced += sizeof scratch - z.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK) return false;
      }
    } else if (std::memcmp(data + pos + 4, "IEND", 4) == 0) {
      break;
    }
    pos += 12 + size_t{length};
  }
  if (out) out->clear();  // no pixels: nothing to compare
  return produced > 0;
}

// The median CPU time of one decode for each decoder (0 where it does not apply, negative where it
// failed). The decoders take turns run by run, so a neighbour's load on a shared machine falls on
// all of them alike rather than on whichever ran during the busy second; the order reverses every
// run, so none always follows the same neighbour (the caches it leaves, the heap it frees).
std::vector<double> medianMs(const std::vector<DecodeFn>& decoders, const std::string& bytes, int runs,
                             std::vector<std::vector<uint8_t>>* pixels) {
  const size_t n = decoders.size();
  std::vector<double> medians(n, 0.0);
  std::vector<std::vector<double>> times(n);
  pixels->assign(n, {});
  for (size_t d = 0; d < n; ++d) {
    if (decoders[d] && !decoders[d](bytes, &(*pixels)[d])) medians[d] = -1;
  }
  for (int i = -kWarmups; i < runs; ++i) {
    for (size_t k = 0; k < n; ++k) {
      const size_t d = (i & 1) ? n - 1 - k : k;
      if (!decoders[d] || medians[d] < 0) continue;
      const double start = cpuMs();
      const bool ok = decoders[d](bytes, nullptr);
      const double elapsed = cpuMs() - start;
      if (!ok) medians[d] = -1;
      if (i >= 0) times[d].push_back(elapsed);
    }
  }
  for (size_t d = 0; d < n; ++d) {
    if (medians[d] < 0 || times[d].empty()) continue;
    std::sort(times[d].begin(), times[d].end());
    medians[d] = times[d][times[d].size() / 2];
  }
  return medians;
}

// A photograph's statistics without a camera: a few octaves of smooth value noise per channel, soft
// light across the frame, and per-pixel grain (about +-10 levels), which no PNG filter predicts.
emu::RgbaImage photoLikeImage() {
  emu::RgbaImage image;
  image.width = image.height = kSide;
  image.pixels.resize(size_t(kSide) * kSide * 4);
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  // Lattices for the octaves: 9, 17, 33, 65 points a side.
  std::vector<std::vector<float>> lattices;
  for (int cells = 8; cells <= 64; cells *= 2) {
    std::vector<float> lattice(size_t(cells + 1) * size_t(cells + 1) * 3);
    for (float& v : lattice) v = float(next() % 1000) / 1000.f;
    lattices.push_back(std::move(lattice));
  }
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide; ++x) {
      float rgb[3] = {0, 0, 0};
      float amplitude = 0.5f;
      int cells = 8;
      for (const std::vector<float>& lattice : lattices) {
        const float fx = float(x) * cells / kSide, fy = float(y) * cells / kSide;
        const int ix = int(fx), iy = int(fy);
        float tx = fx - ix, ty = fy - iy;
        tx = tx * tx * (3 - 2 * tx);
        ty = ty * ty * (3 - 2 * ty);
        for (int c = 0; c < 3; ++c) {
          auto at = [&](int px, int py) { return lattice[(size_t(py) * (cells + 1) + px) * 3 + c]; };
          const float top = at(ix, iy) + (at(ix + 1, iy) - at(ix, iy)) * tx;
          const float bottom = at(ix, iy + 1) + (at(ix + 1, iy + 1) - at(ix, iy + 1)) * tx;
          rgb[c] += amplitude * (top + (bottom - top) * ty);
        }
        amplitude *= 0.5f;
        cells *= 2;
      }
      const float light = 0.6f + 0.4f * std::sin(float(x + y) * 0.0025f);
      uint8_t* p = &image.pixels[(size_t(y) * kSide + x) * 4];
      for (int c = 0; c < 3; ++c) {
        const float grain = float(int(next() % 21) - 10);
        p[c] = uint8_t(std::clamp(rgb[c] * 255.f * light + grain, 0.f, 255.f));
      }
      p[3] = 255;
    }
  }
  return image;
}

struct Input {
  std::string name;  // "render.png"...
  ImageFormat format = ImageFormat::kUnknown;
  std::string bytes;
};

bool addInput(std::vector<Input>* inputs, const std::string& picture, const emu::RgbaImage& image,
              const char* format, ImageFormat kind) {
  emu::EncodedImage encoded;
  if (!emu::encodeImage(image, format, &encoded)) {
    std::fprintf(stderr, "cannot encode %s as %s\n", picture.c_str(), format);
    return false;
  }
  inputs->push_back({picture + "." + encoded.ext, kind, std::move(encoded.bytes)});
  return true;
}

struct Column {
  const char* title;
  DecodeFn png;
  DecodeFn jpeg;
  DecodeFn webp;
};

void printRatio(double numerator, double denominator) {
  if (numerator > 0 && denominator > 0) {
    std::printf(" %7.2f", numerator / denominator);
  } else {
    std::printf(" %7s", "-");
  }
}

int run(int runs) {
  // A generated picture as a job without references returns it: prompt drawn in, blocks, gradients.
  emu::RenderSpec spec;
  spec.prompt = "weathered stone wall texture, moss in the cracks, seamless, 4k";
  spec.width = spec.height = kSide;
  spec.seed = 0x5eed'1234'abcd'0042ull;
  const emu::RgbaImage render = emu::renderImage(spec);
  emu::RenderSpec transparent_spec = spec;
  transparent_spec.transparent = true;
  const emu::RgbaImage render_alpha = emu::renderImage(transparent_spec);
  const emu::RgbaImage photo = photoLikeImage();

  std::vector<Input> inputs;
  bool encoded = addInput(&inputs, "render", render, "png", ImageFormat::kPng) &&
                 addInput(&inputs, "render-alpha", render_alpha, "png", ImageFormat::kPng) &&
                 addInput(&inputs, "photo", photo, "png", ImageFormat::kPng) &&
                 addInput(&inputs, "render", render, "jpeg", ImageFormat::kJpeg) &&
                 addInput(&inputs, "photo", photo, "jpeg", ImageFormat::kJpeg) &&
                 addInput(&inputs, "render", render, "webp", ImageFormat::kWebp) &&
                 addInput(&inputs, "photo", photo, "webp", ImageFormat::kWebp);
  if (!encoded) return 1;

#if defined(TEXFORGE_BENCH_HAVE_SPNG)
  constexpr bool kHaveSpng = true;
  const DecodeFn spng = decodeSpng;
#else
  constexpr bool kHaveSpng = false;
  const DecodeFn spng = nullptr;
#endif
  // a, b, c of the issue, then what explains a - b: the codec texforge uses called directly, and
  // the counting inflate pass on its own.
  const Column columns[] = {
      {"a:texforge", decodeTexforge, decodeTexforge, decodeTexforge},
      {"b:stb", decodeStb, decodeStb, nullptr},
      {"c:libspng", spng, nullptr, nullptr},
      {"codec", nullptr, decodeTurbojpeg, decodeLibwebp},
      {"zlib-pass", inflateIdatOnly, nullptr, nullptr},
  };
  constexpr int kColumns = int(sizeof columns / sizeof columns[0]);

  std::printf("texforge-bench-decode: %dx%d, median of %d runs (after %d warm-ups), CPU ms per image\n",
              kSide, kSide, runs, kWarmups);
  std::printf("libspng: %s\n", kHaveSpng ? "measured (spng_decode_image to SPNG_FMT_RGBA8)"
                                         : "not measured (not found at configure time)");
  std::printf(
      "a:texforge = texforge::decodeImage; b:stb = stbi_load_from_memory to RGBA;\n"
      "codec = libjpeg-turbo tjDecompress2 / libwebp WebPDecodeRGBA (what decodeImage calls);\n"
      "zlib-pass = IDAT inflated into a 64 KiB scratch buffer (the bomb check decodeImage no longer runs);\n"
      "a/codec: texforge over the codec it wraps (JPEG, WebP)\n\n");
  std::printf("%-18s %9s", "image", "bytes");
  for (const Column& column : columns) std::printf(" %10s", column.title);
  std::printf(" %7s %7s %7s\n", "a/b", "c/b", "a/codec");

  bool all_ok = true;
  for (const Input& input : inputs) {
    std::vector<DecodeFn> decoders;
    for (const Column& column : columns) {
      decoders.push_back(input.format == ImageFormat::kPng    ? column.png
                         : input.format == ImageFormat::kJpeg ? column.jpeg
                                                              : column.webp);
    }
    std::vector<std::vector<uint8_t>> pixels;
    const std::vector<double> ms = medianMs(decoders, input.bytes, runs, &pixels);
    for (double figure : ms) all_ok = all_ok && figure >= 0;
    std::printf("%-18s %9zu", input.name.c_str(), input.bytes.size());
    for (int i = 0; i < kColumns; ++i) {
      if (ms[i] > 0) {
        std::printf(" %10.2f", ms[i]);
      } else {
        std::printf(" %10s", ms[i] < 0 ? "FAILED" : "-");
      }
    }
    printRatio(ms[0], ms[1]);
    printRatio(ms[2], ms[1]);
    printRatio(ms[0], ms[3]);  // a/codec
    // PNG is lossless: texforge, stb and libspng must hand back the same pixels.
    if (input.format == ImageFormat::kPng) {
      const bool same = pixels[0] == pixels[1] && (!kHaveSpng || pixels[2] == pixels[1]);
      if (!same) all_ok = false;
      std::printf("  %s", same ? "pixels agree" : "PIXELS DIFFER");
    }
    std::printf("\n");
  }
  return all_ok ? 0 : 1;
}

}  // namespace
}  // namespace texforge::bench

int main(int argc, char** argv) {
  int runs = 21;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--runs N]\n", argv[0]);
      return 2;
    }
  }
  return texforge::bench::run(runs);
}
