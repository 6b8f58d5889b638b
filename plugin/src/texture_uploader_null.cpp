// The null TextureUploader: remembers sizes and hands out ids, so tests and headless hosts run the
// whole pipeline without a GPU. It reads nothing of TextureDesc (no pixels are kept). Also
// premultiplyAlpha, for the uploaders that honour TextureDesc::premultiplied.
#include <cstdint>
#include <unordered_map>
#include <utility>

#include "texforge/texture_uploader.h"

namespace texforge {
namespace {

class NullTextureUploader final : public TextureUploader {
 public:
  TextureHandle create(const DecodedImage& image, const TextureDesc&) override {
    // Same contract as a GPU backend: an image without pixels gives no texture.
    if (image.width <= 0 || image.height <= 0) return {};
    const TextureHandle handle{next_id_++};
    sizes_.emplace(handle.id, std::make_pair(image.width, image.height));
    return handle;
  }

  void destroy(TextureHandle handle) override { sizes_.erase(handle.id); }

  int width(TextureHandle handle) const override {
    const auto it = sizes_.find(handle.id);
    return it == sizes_.end() ? 0 : it->second.first;
  }

  int height(TextureHandle handle) const override {
    const auto it = sizes_.find(handle.id);
    return it == sizes_.end() ? 0 : it->second.second;
  }

  size_t liveCount() const override { return sizes_.size(); }

 private:
  uint64_t next_id_ = 1;  // 0 means "no texture"
  std::unordered_map<uint64_t, std::pair<int, int>> sizes_;
};

}  // namespace

std::unique_ptr<TextureUploader> makeNullTextureUploader() {
  return std::make_unique<NullTextureUploader>();
}

void premultiplyAlpha(DecodedImage& image) {
  // c * a / 255 rounded to nearest: exact for a = 0 (black) and a = 255 (unchanged).
  uint8_t* px = image.rgba.data();
  const size_t pixels = image.rgba.size() / 4;
  for (size_t i = 0; i < pixels; ++i, px += 4) {
    const unsigned a = px[3];
    if (a == 255) continue;
    px[0] = static_cast<uint8_t>((px[0] * a + 127) / 255);
    px[1] = static_cast<uint8_t>((px[1] * a + 127) / 255);
    px[2] = static_cast<uint8_t>((px[2] * a + 127) / 255);
  }
}

}  // namespace texforge
