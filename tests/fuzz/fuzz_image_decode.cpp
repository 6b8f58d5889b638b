// libFuzzer target for the safe decoder: any bytes given to sniffImageFormat, probeImage and
// decodeImage must give an image that honours the limits or a kDecode error, never a crash or UB.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "texforge/image.h"

using namespace texforge;

namespace {

// Small limits so that big claims take the refusal path and each run stays fast; the real
// defaults only move the threshold.
constexpr uint64_t kMaxPixels = 512 * 512;
constexpr size_t kMaxBytes = 1u << 20;
constexpr uint64_t kRoundTripPixels = 64 * 64;  // encodePng is slow; round-trip small images only

// A broken contract is a bug the fuzzer must report, so it aborts instead of returning quietly.
void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ImageFormat sniffed = sniffImageFormat(data, size);
  check(sniffImageFormat(nullptr, size) == ImageFormat::kUnknown);

  Result<ImageInfo> info = probeImage(data, size);
  if (sniffed == ImageFormat::kUnknown) check(!info.ok());
  if (info.ok()) {
    check(info->format == sniffed);
    check(info->width > 0 && info->height > 0);
  } else {
    check(info.error().code == ErrorCode::kDecode);
  }

  DecodeLimits limits;
  limits.max_pixels = kMaxPixels;
  limits.max_bytes = kMaxBytes;
  Result<DecodedImage> image = decodeImage(data, size, limits);
  if (!image.ok()) {
    check(image.error().code == ErrorCode::kDecode);
    check(!image.error().message.empty());
    return 0;
  }
  // A decoded image is exactly what the header promised and within the limits.
  check(info.ok());
  check(size <= kMaxBytes);
  check(image->width == info->width && image->height == info->height);
  check(image->source_format == sniffed);
  const uint64_t pixels = uint64_t(image->width) * uint64_t(image->height);
  check(pixels <= kMaxPixels);
  check(image->rgba.size() == pixels * 4);

  // The same bytes under a limit one pixel too small are refused before decoding.
  DecodeLimits tight = limits;
  tight.max_pixels = pixels - 1;
  check(!decodeImage(data, size, tight).ok());
  DecodeLimits short_input = limits;
  short_input.max_bytes = size - 1;
  check(!decodeImage(data, size, short_input).ok());

  if (pixels <= kRoundTripPixels) {
    // What we decoded, encoded as PNG and decoded again, is the same picture.
    auto png = encodePng(*image);
    check(png.ok());
    auto again = decodeImage(png->data(), png->size(), limits);
    check(again.ok());
    check(again->rgba == image->rgba);
  }
  return 0;
}
