// Sniffing, probing and decoding PNG/JPEG/WebP into RGBA8, plus PNG encoding. Downloads are
// untrusted, so the header is checked against the limits before any pixel memory is allocated.
#include <algorithm>
#include <climits>
#include <cstring>
#include <memory>
#include <string>

#include <stb_image.h>
#include <stb_image_write.h>
#include <turbojpeg.h>
#include <webp/decode.h>
#include <zlib.h>

#include "texforge/image.h"

// stb_image_impl.c: the largest allocation stb may make on this thread (0: no limit).
extern "C" void texforge_stbi_limit(size_t bytes);
// stb_image_impl.c: a buffer of exactly `bytes` that stb may take for one allocation of that size.
extern "C" void texforge_stbi_output(void* buffer, size_t bytes);

namespace texforge {
namespace {

constexpr uint8_t kPngSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

struct StbiFree {
  void operator()(stbi_uc* p) const noexcept { stbi_image_free(p); }
};
using StbiPixels = std::unique_ptr<stbi_uc, StbiFree>;

uint32_t readBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

Error decodeError(std::string message) {
  return makeError(ErrorCode::kDecode, std::move(message));
}

const char* stbReason() {
  const char* reason = stbi_failure_reason();
  return reason ? reason : "unknown reason";
}

// PNG header read by hand: stb_image refuses huge claims itself with a vague "too large", and we
// want the real dimensions to explain the refusal. Also the only way to see a tRNS chunk.
Result<ImageInfo> probePng(const uint8_t* data, size_t size) {
  // signature(8) + IHDR length(4) + type(4) + body(13) + crc(4)
  if (size < 33) return decodeError("truncated PNG header");
  if (readBigEndian32(data + 8) != 13 || std::memcmp(data + 12, "IHDR", 4) != 0) {
    return decodeError("corrupt PNG: the first chunk is not IHDR");
  }
  const uint32_t width = readBigEndian32(data + 16);
  const uint32_t height = readBigEndian32(data + 20);
  const uint8_t bit_depth = data[24];
  const uint8_t color_type = data[25];
  if (width == 0 || height == 0 || width > INT_MAX || height > INT_MAX) {
    return decodeError("corrupt PNG: invalid dimensions");
  }
  const bool depth_ok =
      bit_depth == 1 || bit_depth == 2 || bit_depth == 4 || bit_depth == 8 || bit_depth == 16;
  const bool color_ok =
      color_type == 0 || color_type == 2 || color_type == 3 || color_type == 4 || color_type == 6;
  if (!depth_ok || !color_ok) return decodeError("unsupported PNG pixel format");

  ImageInfo info;
  info.width = static_cast<int>(width);
  info.height = static_cast<int>(height);
  info.format = ImageFormat::kPng;
  info.has_alpha = color_type == 4 || color_type == 6;

  // Walk every chunk: tRNS before the pixel data means alpha, and a chunk longer than the data left
  // is refused here, because stb_image grows its buffer to a claimed IDAT length before reading it.
  size_t pos = 33;
  bool seen_idat = false;
  while (size - pos >= 8) {
    const uint32_t length = readBigEndian32(data + pos);
    const uint8_t* type = data + pos + 4;
    if (std::memcmp(type, "IEND", 4) == 0) break;
    if (std::memcmp(type, "IDAT", 4) == 0) seen_idat = true;
    if (!seen_idat && std::memcmp(type, "tRNS", 4) == 0) info.has_alpha = true;
    if (length > size - pos - 8 || size - pos - 8 - length < 4) {
      return decodeError("truncated or corrupt PNG: a chunk claims more bytes than the image has");
    }
    pos += 8 + size_t{length} + 4;
  }
  return info;
}

// stb_image 2.27 (Debian 12's libstb) writes past its 257-entry code-length table when a DHT
// segment's sixteen counts add up to more than 256 (fixed upstream in 2.28). Such a file is corrupt
// anyway, so it is refused before stb sees it. Walks every marker, including those between scans.
bool jpegHuffmanTablesSane(const uint8_t* data, size_t size) {
  size_t pos = 2;  // after SOI
  while (pos + 4 <= size) {
    if (data[pos] != 0xFF) {  // entropy-coded data between markers
      ++pos;
      continue;
    }
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {  // fill byte
      ++pos;
      continue;
    }
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // stuffing, TEM, RSTn
      pos += 2;
      continue;
    }
    if (marker == 0xD9) return true;  // EOI
    const size_t length = (size_t{data[pos + 2]} << 8) | data[pos + 3];
    if (marker == 0xC4) {
      // Read the way stb reads it: by the declared length, with zeros past the end of the data.
      long remaining = static_cast<long>(length) - 2;
      size_t table = pos + 4;
      while (remaining > 0) {
        size_t symbols = 0;
        for (size_t i = 1; i <= 16; ++i) symbols += table + i < size ? data[table + i] : 0;
        if (symbols > 256) return false;
        table += 17 + symbols;
        remaining -= static_cast<long>(17 + symbols);
      }
    }
    pos += 2 + length;
  }
  return true;
}

// JPEG goes through libjpeg-turbo, not stb_image: fuzzing found out-of-bounds reads in the
// Huffman decoder of the stb in Debian 12, and libjpeg-turbo is fuzzed continuously upstream.
struct TjDeleter {
  void operator()(void* handle) const { tjDestroy(handle); }
};
using TjHandle = std::unique_ptr<void, TjDeleter>;

Result<ImageInfo> probeJpeg(const uint8_t* data, size_t size) {
  if (!jpegHuffmanTablesSane(data, size))
    return decodeError("corrupt JPEG: a Huffman table has more than 256 codes");
  if (size > INT_MAX) return decodeError("image data too large");
  TjHandle tj(tjInitDecompress());
  if (!tj) return decodeError("cannot start the JPEG decoder");
  int width = 0, height = 0, subsampling = 0, colorspace = 0;
  if (tjDecompressHeader3(tj.get(), data, static_cast<unsigned long>(size), &width, &height, &subsampling,
                          &colorspace) != 0) {
    return decodeError(std::string("corrupt or unsupported JPEG (") + tjGetErrorStr2(tj.get()) + ")");
  }
  if (width <= 0 || height <= 0) return decodeError("corrupt JPEG: invalid dimensions");
  ImageInfo info;
  info.width = width;
  info.height = height;
  info.format = ImageFormat::kJpeg;
  info.has_alpha = false;
  return info;
}

Result<ImageInfo> probeWebp(const uint8_t* data, size_t size) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data, size, &features);
  if (status == VP8_STATUS_NOT_ENOUGH_DATA) return decodeError("truncated WebP header");
  if (status != VP8_STATUS_OK) return decodeError("corrupt or unsupported WebP header");
  if (features.width <= 0 || features.height <= 0) return decodeError("corrupt WebP: invalid dimensions");
  if (features.has_animation) return decodeError("animated WebP images are not supported");
  ImageInfo info;
  info.width = features.width;
  info.height = features.height;
  info.format = ImageFormat::kWebp;
  info.has_alpha = features.has_alpha != 0;
  return info;
}

// The most any allocation of one PNG decode may take: the pixel data as the header sizes it (16-bit
// samples, the filter byte of each row, interlacing's extra rows), twice over for stb's conversions,
// plus slack. A stream that inflates past it is a decompression bomb.
size_t pngAllocationLimit(const ImageInfo& info) {
  const uint64_t pixels = uint64_t(info.width) * uint64_t(info.height);
  return static_cast<size_t>(
      std::min<uint64_t>(pixels * 8 * 2 + uint64_t(info.height) * 16 + (1u << 20), SIZE_MAX / 2));
}

// stb decodes straight into the image's own buffer: its result is the offered buffer whenever its
// last step allocates the RGBA output while the buffer is free; otherwise (an earlier allocation of
// the same size still held it) its result is copied in.
Result<DecodedImage> decodeWithStb(const uint8_t* data, size_t size, const ImageInfo& info) {
  DecodedImage image;
  image.width = info.width;
  image.height = info.height;
  image.source_format = info.format;
  image.has_alpha = info.has_alpha;
  const size_t bytes = size_t(info.width) * size_t(info.height) * 4;
  image.rgba.resize(bytes);
  int width = 0, height = 0, channels = 0;
  texforge_stbi_limit(pngAllocationLimit(info));
  texforge_stbi_output(image.rgba.data(), bytes);
  stbi_uc* result = stbi_load_from_memory(data, static_cast<int>(size), &width, &height, &channels, 4);
  const bool in_place = result == image.rgba.data();
  texforge_stbi_output(nullptr, 0);  // stb's own free of anything else now goes to free()
  texforge_stbi_limit(0);
  StbiPixels pixels(in_place ? nullptr : result);
  if (!result && std::strcmp(stbReason(), "outofmem") == 0) {
    return decodeError("corrupt PNG: its pixel data inflates to more than " + std::to_string(info.width) +
                       "x" + std::to_string(info.height) + " pixels can need (a decompression bomb)");
  }
  if (!result) {
    return decodeError(std::string("cannot decode ") + imageFormatName(info.format) + " image (" +
                       stbReason() + ")");
  }
  if (width != info.width || height != info.height) {
    return decodeError("decoded size differs from the image header");
  }
  if (!in_place) std::memcpy(image.rgba.data(), pixels.get(), bytes);
  return image;
}

Result<DecodedImage> decodeJpeg(const uint8_t* data, size_t size, const ImageInfo& info) {
  TjHandle tj(tjInitDecompress());
  if (!tj) return decodeError("cannot start the JPEG decoder");
  DecodedImage image;
  image.width = info.width;
  image.height = info.height;
  image.source_format = info.format;
  image.rgba.resize(size_t(info.width) * size_t(info.height) * 4);
  // LIMITSCANS refuses progressive files with absurd scan counts (a CPU bomb); the output buffer
  // is ours and sized from the checked header, so the decoder cannot write past it.
  if (tjDecompress2(tj.get(), data, static_cast<unsigned long>(size), image.rgba.data(), info.width, 0,
                    info.height, TJPF_RGBA, TJFLAG_LIMITSCANS | TJFLAG_STOPONWARNING) != 0) {
    return decodeError(std::string("cannot decode jpeg image (") + tjGetErrorStr2(tj.get()) + ")");
  }
  return image;
}

Result<DecodedImage> decodeWebp(const uint8_t* data, size_t size, const ImageInfo& info) {
  DecodedImage image;
  image.width = info.width;
  image.height = info.height;
  image.source_format = info.format;
  image.has_alpha = info.has_alpha;
  const size_t stride = size_t(info.width) * 4;
  image.rgba.resize(stride * size_t(info.height));
  // Decoding into our own buffer: libwebp checks that the bitstream fits exactly these dims.
  if (!WebPDecodeRGBAInto(data, size, image.rgba.data(), image.rgba.size(), static_cast<int>(stride))) {
    return decodeError("cannot decode webp image (corrupt or truncated)");
  }
  return image;
}

}  // namespace

const char* imageFormatName(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return "png";
    case ImageFormat::kJpeg: return "jpeg";
    case ImageFormat::kWebp: return "webp";
    case ImageFormat::kUnknown: break;
  }
  return "unknown";
}

const char* imageFormatExtension(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return ".png";
    case ImageFormat::kJpeg: return ".jpg";
    case ImageFormat::kWebp: return ".webp";
    case ImageFormat::kUnknown: break;
  }
  return ".bin";
}

const char* imageFormatMime(ImageFormat format) {
  switch (format) {
    case ImageFormat::kPng: return "image/png";
    case ImageFormat::kJpeg: return "image/jpeg";
    case ImageFormat::kWebp: return "image/webp";
    case ImageFormat::kUnknown: break;
  }
  return "application/octet-stream";
}

ImageFormat sniffImageFormat(const uint8_t* data, size_t size) {
  if (data == nullptr) return ImageFormat::kUnknown;
  if (size >= 8 && std::memcmp(data, kPngSignature, 8) == 0) return ImageFormat::kPng;
  if (size >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF) return ImageFormat::kJpeg;
  if (size >= 12 && std::memcmp(data, "RIFF", 4) == 0 && std::memcmp(data + 8, "WEBP", 4) == 0) {
    return ImageFormat::kWebp;
  }
  return ImageFormat::kUnknown;
}

Result<ImageInfo> probeImage(const uint8_t* data, size_t size) {
  switch (sniffImageFormat(data, size)) {
    case ImageFormat::kPng: return probePng(data, size);
    case ImageFormat::kJpeg: return probeJpeg(data, size);
    case ImageFormat::kWebp: return probeWebp(data, size);
    case ImageFormat::kUnknown: break;
  }
  return decodeError("not a PNG, JPEG or WebP image");
}

Result<DecodedImage> decodeImage(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  if (size > limits.max_bytes) {
    return decodeError("image data is " + std::to_string(size) + " bytes, over the " +
                       std::to_string(limits.max_bytes) + "-byte limit");
  }
  if (size > INT_MAX) return decodeError("image data too large");  // stb_image takes an int length
  Result<ImageInfo> probed = probeImage(data, size);
  if (!probed) return probed.error();
  const ImageInfo& info = *probed;
  if (info.width <= 0 || info.height <= 0) return decodeError("image has no pixels");
  const uint64_t pixels = uint64_t(info.width) * uint64_t(info.height);
  if (pixels > limits.max_pixels) {
    return decodeError("image claims " + std::to_string(info.width) + "x" + std::to_string(info.height) +
                       " pixels, over the " + std::to_string(limits.max_pixels) + "-pixel limit");
  }
  if (info.format == ImageFormat::kWebp) return decodeWebp(data, size, info);
  if (info.format == ImageFormat::kJpeg) return decodeJpeg(data, size, info);
  return decodeWithStb(data, size, info);  // its allocations capped: a bomb fails in the one inflate
}

namespace {

Status checkPngChunks(const uint8_t* data, size_t size) {
  size_t pos = 8;
  bool first = true, seen_idat = false;
  while (true) {
    if (size - pos < 12) return decodeError("truncated PNG: it ends before its IEND chunk");
    const uint32_t length = readBigEndian32(data + pos);
    if (length > size - pos - 12)
      return decodeError("truncated PNG: a chunk claims more bytes than the image has");
    const uint8_t* type = data + pos + 4;
    if (first && std::memcmp(type, "IHDR", 4) != 0)
      return decodeError("corrupt PNG: the first chunk is not IHDR");
    first = false;
    // The CRC covers the type and the data.
    const uLong crc = crc32(crc32(0L, Z_NULL, 0), type, static_cast<uInt>(length + 4));
    if (crc != readBigEndian32(data + pos + 8 + length)) {
      return decodeError(std::string("corrupt PNG: the ") +
                         std::string(reinterpret_cast<const char*>(type), 4) +
                         " chunk's checksum does not match");
    }
    if (std::memcmp(type, "IDAT", 4) == 0) seen_idat = true;
    pos += 12 + size_t{length};
    if (std::memcmp(type, "IEND", 4) == 0) break;
  }
  if (!seen_idat) return decodeError("corrupt PNG: it has no pixel data");
  return Ok{};
}

Status checkJpegMarkers(const uint8_t* data, size_t size) {
  if (size < 4 || data[size - 2] != 0xFF || data[size - 1] != 0xD9)
    return decodeError("truncated JPEG: it does not end with an EOI marker");
  size_t pos = 2;  // after SOI
  bool frame = false;
  while (pos + 4 <= size) {
    if (data[pos] != 0xFF) return decodeError("corrupt JPEG: a segment does not start with a marker");
    const uint8_t marker = data[pos + 1];
    if (marker == 0xFF) {
      ++pos;
      continue;
    }
    const size_t length = (size_t{data[pos + 2]} << 8) | data[pos + 3];
    if (length < 2 || pos + 2 + length > size)
      return decodeError("truncated JPEG: a segment runs past the end");
    if ((marker >= 0xC0 && marker <= 0xCF) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
      frame = true;
    if (marker == 0xDA) {  // the scan: entropy-coded data follows up to the EOI checked above
      if (!frame) return decodeError("corrupt JPEG: a scan before any frame header");
      return Ok{};
    }
    pos += 2 + length;
  }
  return decodeError("truncated JPEG: no scan");
}

Status checkWebpChunks(const uint8_t* data, size_t size) {
  const uint32_t riff =
      uint32_t{data[4]} | uint32_t{data[5]} << 8 | uint32_t{data[6]} << 16 | uint32_t{data[7]} << 24;
  if (uint64_t{riff} + 8 > size) return decodeError("truncated WebP: the file is shorter than its RIFF size");
  size_t pos = 12;
  const size_t end = size_t{riff} + 8;
  bool image = false;
  while (pos + 8 <= end) {
    const uint32_t length = uint32_t{data[pos + 4]} | uint32_t{data[pos + 5]} << 8 |
                            uint32_t{data[pos + 6]} << 16 | uint32_t{data[pos + 7]} << 24;
    if (uint64_t{length} > end - pos - 8) return decodeError("truncated WebP: a chunk runs past the end");
    if (std::memcmp(data + pos, "VP8 ", 4) == 0 || std::memcmp(data + pos, "VP8L", 4) == 0 ||
        std::memcmp(data + pos, "ANMF", 4) == 0)
      image = true;
    pos += 8 + size_t{length} + (length & 1);  // chunks are padded to an even size
  }
  if (!image) return decodeError("corrupt WebP: it has no image data");
  return Ok{};
}

}  // namespace

Result<ImageInfo> checkImageIntegrity(const uint8_t* data, size_t size, const DecodeLimits& limits) {
  if (size > limits.max_bytes) {
    return decodeError("image data is " + std::to_string(size) + " bytes, over the " +
                       std::to_string(limits.max_bytes) + "-byte limit");
  }
  Result<ImageInfo> probed = probeImage(data, size);
  if (!probed) return probed.error();
  if (uint64_t(probed->width) * uint64_t(probed->height) > limits.max_pixels) {
    return decodeError("image claims " + std::to_string(probed->width) + "x" +
                       std::to_string(probed->height) + " pixels, over the " +
                       std::to_string(limits.max_pixels) + "-pixel limit");
  }
  Status structure = probed->format == ImageFormat::kPng    ? checkPngChunks(data, size)
                     : probed->format == ImageFormat::kJpeg ? checkJpegMarkers(data, size)
                                                            : checkWebpChunks(data, size);
  if (!structure) return structure.error();
  return probed;
}

Result<std::vector<uint8_t>> encodePng(const DecodedImage& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > INT_MAX / 4) {
    return makeError(ErrorCode::kInvalidArgument, "cannot encode an image without pixels");
  }
  if (image.rgba.size() != size_t(image.width) * size_t(image.height) * 4) {
    return makeError(ErrorCode::kInvalidArgument, "image buffer does not match width*height*4");
  }
  struct Sink {
    std::vector<uint8_t> bytes;
    bool failed = false;
  } sink;
  // A C callback: nothing may escape it, so an allocation failure becomes a flag.
  auto append = [](void* context, void* data, int size) noexcept {
    auto* s = static_cast<Sink*>(context);
    try {
      const auto* p = static_cast<const uint8_t*>(data);
      s->bytes.insert(s->bytes.end(), p, p + size);
    } catch (...) {
      s->failed = true;
    }
  };
  if (!stbi_write_png_to_func(append, &sink, image.width, image.height, 4, image.rgba.data(),
                              image.width * 4) ||
      sink.failed) {
    return makeError(ErrorCode::kInternal, "PNG encoding failed");
  }
  return std::move(sink.bytes);
}

}  // namespace texforge
