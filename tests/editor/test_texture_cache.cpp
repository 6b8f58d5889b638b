// TextureCache: a burst of results is uploaded over several frames within the byte budget,
// thumbnails are downscaled on the workers, and undrawn textures are evicted over the memory budget.
#include <gtest/gtest.h>

#include <algorithm>

#include "test_support.h"
#include "texforge/editor/texture_cache.h"

namespace texforge::test {
namespace {

using editor::TextureCache;
using editor::TextureState;

std::shared_ptr<const DecodedImage> solidImage(int w, int h, uint8_t value) {
  auto image = std::make_shared<DecodedImage>();
  image->width = w;
  image->height = h;
  image->rgba.assign(static_cast<size_t>(w) * h * 4, value);
  return image;
}

TEST(TextureCache, BurstIsSpreadOverFramesWithinTheByteBudget) {
  auto uploader = makeNullTextureUploader();
  editor::TextureCacheOptions options;
  options.upload_bytes_per_frame = 2u << 20;  // two 512x512 images per frame
  options.upload_ms_per_frame = 1000.0;
  TextureCache cache(uploader.get(), options);
  std::vector<std::shared_ptr<const DecodedImage>> images;
  for (int i = 0; i < 16; ++i) images.push_back(solidImage(512, 512, static_cast<uint8_t>(i)));
  for (int i = 0; i < 16; ++i) {
    EXPECT_EQ(cache.get("r" + std::to_string(i), images[i], false).state, TextureState::kLoading);
  }
  int frames = 0, max_per_frame = 0;
  while (cache.busy() && frames < 100) {
    cache.beginFrame();
    max_per_frame = std::max(max_per_frame, cache.stats().uploads_last_frame);
    for (int i = 0; i < 16; ++i) cache.get("r" + std::to_string(i), images[i], false);  // all on screen
    ++frames;
  }
  EXPECT_EQ(uploader->liveCount(), 16u);
  EXPECT_LE(max_per_frame, 2);
  EXPECT_GE(frames, 8);
  auto view = cache.get("r3", images[3], false);
  EXPECT_EQ(view.state, TextureState::kReady);
  EXPECT_EQ(uploader->width(view.handle), 512);
}

TEST(TextureCache, ThumbnailsAreDownscaledOnTheWorkersAndKeepTheRealSize) {
  auto uploader = makeNullTextureUploader();
  editor::TextureCacheOptions options;
  options.thumbnail_size = 128;
  TextureCache cache(uploader.get(), options);
  auto big = solidImage(1024, 512, 200);
  cache.get("t", big, true);
  ASSERT_TRUE(waitUntil([&] { return cache.get("t", big, true).state == TextureState::kReady; },
                        [&] { cache.beginFrame(); }));
  auto view = cache.get("t", big, true);
  EXPECT_EQ(view.width, 1024);  // the real size, for the label
  EXPECT_EQ(view.height, 512);
  EXPECT_EQ(uploader->width(view.handle), 128);
  EXPECT_EQ(uploader->height(view.handle), 64);
}

TEST(TextureCache, LoaderFailuresAreReportedNotThrown) {
  auto uploader = makeNullTextureUploader();
  TextureCache cache(uploader.get());
  TextureCache::Loader failing = [] { return Result<DecodedImage>(makeError(ErrorCode::kDecode, "corrupt")); };
  cache.get("bad", failing, true);
  ASSERT_TRUE(waitUntil([&] { return cache.peek("bad").state == TextureState::kFailed; }, [&] { cache.beginFrame(); }));
  EXPECT_EQ(cache.peek("bad").error, "corrupt");
  EXPECT_EQ(uploader->liveCount(), 0u);
}

TEST(TextureCache, EvictsWhatWasNotDrawnWhenOverTheMemoryBudget) {
  auto uploader = makeNullTextureUploader();
  editor::TextureCacheOptions options;
  options.memory_budget_bytes = 3u << 20;  // three 512x512 textures
  options.upload_bytes_per_frame = 64u << 20;
  TextureCache cache(uploader.get(), options);
  std::vector<std::shared_ptr<const DecodedImage>> images;
  for (int i = 0; i < 6; ++i) images.push_back(solidImage(512, 512, 1));
  for (int i = 0; i < 6; ++i) cache.get("e" + std::to_string(i), images[i], false);
  cache.beginFrame();  // uploads all six
  EXPECT_EQ(uploader->liveCount(), 6u);
  cache.get("e5", images[5], false);  // only the last one stays on screen
  cache.beginFrame();
  cache.get("e5", images[5], false);
  cache.beginFrame();
  EXPECT_LE(cache.stats().resident_bytes, options.memory_budget_bytes);
  EXPECT_LE(uploader->liveCount(), 3u);
  EXPECT_EQ(cache.peek("e5").state, TextureState::kReady);
  EXPECT_GT(cache.stats().evictions, 0u);
}

TEST(TextureCache, DownscaleWeightsByAlpha) {
  DecodedImage image;
  image.width = 2;
  image.height = 1;
  image.rgba = {255, 0, 0, 255, 0, 0, 0, 0};  // red opaque beside black transparent
  DecodedImage small = TextureCache::downscale(image, 1);
  ASSERT_EQ(small.width, 1);
  EXPECT_EQ(small.rgba[0], 255);  // not darkened by the transparent pixel
  EXPECT_EQ(small.rgba[3], 127);
}

}  // namespace
}  // namespace texforge::test
