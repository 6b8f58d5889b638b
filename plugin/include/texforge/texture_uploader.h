// The seam between decoded results and a GPU: a host turns a DecodedImage into an opaque handle.
// OpenGL 3 lives in plugin/gl/; the null uploader serves tests and headless runs; a Vulkan one is in
// samples/custom_engine/.
//
// Thread rules: every method is called on the host's render thread (the one that draws the panel),
// never two at once. create() copies what it needs from the image before it returns.
//
// A renderer that records command buffers (Vulkan, D3D12, Metal) usually cannot use a texture in
// the frame that created it, nor free one the GPU may still read. Such an uploader answers create()
// at once with a handle that is not ready() yet, finishes the copy on a later frame, and keeps a
// destroyed texture until the frames that used it are done; endFrame() is where it does both. The
// editor draws a placeholder until ready(). An immediate renderer (OpenGL) is ready at once.
//
// The smallest uploader, for a renderer with a createTexture(w, h, rgba) call:
//   class MyUploader : public texforge::TextureUploader {
//    public:
//     texforge::TextureHandle create(const texforge::DecodedImage& im, const texforge::TextureDesc& d)
//     override {
//       uint64_t id = renderer.createTexture(im.width, im.height, im.rgba.data(), d.srgb, d.debug_name);
//       sizes[id] = {im.width, im.height};
//       return {id};
//     }
//     void destroy(texforge::TextureHandle h) override { renderer.release(h.id); sizes.erase(h.id); }
//     int width(texforge::TextureHandle h) const override { ... }   // from sizes, 0 when unknown
//     int height(texforge::TextureHandle h) const override { ... }
//     size_t liveCount() const override { return sizes.size(); }
//   };
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "texforge/export.h"
#include "texforge/image.h"

namespace texforge {

// Opaque handle; 0 is "no texture". Only editor/ converts it to ImTextureID.
struct TextureHandle {
  uint64_t id = 0;
  explicit operator bool() const { return id != 0; }
  bool operator==(const TextureHandle& o) const { return id == o.id; }
  bool operator!=(const TextureHandle& o) const { return id != o.id; }
};

// How the pixels are meant to be sampled. DecodedImage is always RGBA8, straight alpha, sRGB-encoded
// colour as the model returns it.
struct TEXFORGE_CORE_API TextureDesc {
  bool srgb = true;            // sample as sRGB (decoded to linear); false for data (masks, normal maps)
  bool premultiplied = false;  // the uploader multiplies colour by alpha before the copy
  bool mipmaps = false;        // build the full mip chain
  std::string debug_name;  // for GPU debuggers (glObjectLabel, vkSetDebugUtilsObjectNameEXT); may be empty
};

class TEXFORGE_CORE_API TextureUploader {
 public:
  virtual ~TextureUploader() = default;
  // A handle for the image, 0 when the texture cannot be made. It may not be ready() yet.
  virtual TextureHandle create(const DecodedImage& image, const TextureDesc& desc = {}) = 0;
  // Releases the texture; the GPU memory may be freed later (after the frames that used it).
  virtual void destroy(TextureHandle handle) = 0;
  // True once the texture may be drawn. Default: at once.
  virtual bool ready(TextureHandle handle) const { return static_cast<bool>(handle); }
  // Called by the host once per frame after it submitted the frame: finish uploads, free what was
  // destroyed and is no longer in use. Default: nothing to do.
  virtual void endFrame() {}
  virtual int width(TextureHandle handle) const = 0;  // 0 for an unknown handle
  virtual int height(TextureHandle handle) const = 0;
  virtual size_t liveCount() const = 0;  // textures created and not destroyed
};

// Keeps sizes only; hands out increasing ids. For tests and headless hosts.
TEXFORGE_CORE_API std::unique_ptr<TextureUploader> makeNullTextureUploader();

// Straight alpha to premultiplied, in place (for uploaders that honour TextureDesc::premultiplied).
TEXFORGE_CORE_API void premultiplyAlpha(DecodedImage& image);

}  // namespace texforge
