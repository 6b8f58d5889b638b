// Decoded images and the safe decoder: sniffs PNG/JPEG/WebP from the bytes and checks the pixel
// count from the header before allocating anything. Safe on untrusted input; callable on any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "texforge/error.h"
#include "texforge/export.h"

namespace texforge {

enum class ImageFormat { kUnknown, kPng, kJpeg, kWebp };

TEXFORGE_CORE_API const char* imageFormatName(ImageFormat format);       // "png", "jpeg", "webp", "unknown"
TEXFORGE_CORE_API const char* imageFormatExtension(ImageFormat format);  // ".png", ".jpg", ".webp", ".bin"
TEXFORGE_CORE_API const char* imageFormatMime(ImageFormat format);       // "image/png"...

// Looks only at the magic bytes.
TEXFORGE_CORE_API ImageFormat sniffImageFormat(const uint8_t* data, size_t size);

struct TEXFORGE_CORE_API DecodeLimits {
  uint64_t max_pixels = 4096ull * 4096ull;  // the model's maximum is 3840x3840
  size_t max_bytes = 64u << 20;             // encoded input larger than this is refused
};

struct TEXFORGE_CORE_API ImageInfo {
  int width = 0;
  int height = 0;
  bool has_alpha = false;  // the encoded image carries an alpha channel
  ImageFormat format = ImageFormat::kUnknown;
};

// Reads the header only (no pixel allocation).
TEXFORGE_CORE_API Result<ImageInfo> probeImage(const uint8_t* data, size_t size);

// std::allocator, except that growing a vector leaves the new bytes unset instead of zeroing them:
// a decoder writes every byte, and zeroing a 4 MiB image first is a pass over memory stb_image's own
// decode does not make. Code that grows a PixelBytes must write what it grew.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// Pixel bytes: a std::vector of uint8_t whose resize() does not zero. Compare or copy it with
// another vector through iterators (std::equal, assign(begin, end)).
using PixelBytes = std::vector<uint8_t, UninitializedAllocator<uint8_t>>;

struct TEXFORGE_CORE_API DecodedImage {
  int width = 0;
  int height = 0;
  ImageFormat source_format = ImageFormat::kUnknown;
  bool has_alpha = false;  // the source had an alpha channel
  PixelBytes rgba;         // width*height*4 bytes, rows top to bottom, straight alpha
};

// Decodes to RGBA8. Fails with kDecode (corrupt, truncated, unsupported, over the limits).
TEXFORGE_CORE_API Result<DecodedImage> decodeImage(const uint8_t* data, size_t size,
                                                   const DecodeLimits& limits = {});

// Checks an encoded image's structure without decoding its pixels (a small fraction of a decode's
// cost): for PNG every chunk's length and CRC, IHDR first, pixel data present, IEND last; for JPEG
// the markers from SOI through the scan header and an EOI at the end; for WebP the RIFF and chunk
// sizes against the file. Also the header's limits. What a download must pass before its bytes are
// imported as they came. Fails with kDecode naming the damage.
TEXFORGE_CORE_API Result<ImageInfo> checkImageIntegrity(const uint8_t* data, size_t size,
                                                        const DecodeLimits& limits = {});

// Encodes RGBA8 as PNG (used for masks painted in the editor and by tests).
TEXFORGE_CORE_API Result<std::vector<uint8_t>> encodePng(const DecodedImage& image);

}  // namespace texforge
