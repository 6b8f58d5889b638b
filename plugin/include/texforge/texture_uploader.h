// The seam between decoded results and a GPU: a host turns DecodedImage into an opaque handle.
// OpenGL 3 lives in plugin/gl/; the null uploader serves tests and headless runs.
#pragma once

#include <cstdint>
#include <memory>

#include "texforge/image.h"

namespace texforge {

// Opaque handle; 0 is "no texture". Only editor/ converts it to ImTextureID.
struct TextureHandle {
  uint64_t id = 0;
  explicit operator bool() const { return id != 0; }
  bool operator==(const TextureHandle& o) const { return id == o.id; }
  bool operator!=(const TextureHandle& o) const { return id != o.id; }
};

struct TextureDesc {
  bool mipmaps = false;
};

// Every method is called on the host's UI (graphics) thread only.
class TextureUploader {
 public:
  virtual ~TextureUploader() = default;
  virtual TextureHandle create(const DecodedImage& image, const TextureDesc& desc = {}) = 0;
  virtual void destroy(TextureHandle handle) = 0;
  virtual int width(TextureHandle handle) const = 0;  // 0 for an unknown handle
  virtual int height(TextureHandle handle) const = 0;
  virtual size_t liveCount() const = 0;  // textures created and not destroyed
};

// Keeps sizes only; hands out increasing ids. For tests and headless hosts.
std::unique_ptr<TextureUploader> makeNullTextureUploader();

}  // namespace texforge
