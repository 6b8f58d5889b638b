// The null TextureUploader: remembers sizes and hands out ids, so tests and headless hosts run the
// whole pipeline without a GPU.
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

}  // namespace texforge
