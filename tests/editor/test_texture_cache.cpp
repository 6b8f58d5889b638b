// TextureCache: a burst of results is uploaded over several frames within the byte budget,
// thumbnails are downscaled on the workers (which wake the host), undrawn textures are evicted.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>

#include "scripted_generator.h"
#include "test_support.h"
#include "texforge/editor/panel.h"
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

// The cache's wake callback, counted: a test blocks on it until a worker finished something.
class WakeCounter {
 public:
  std::function<void()> callback() {
    return [this] {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++wakes_;
      }
      woken_.notify_all();
    };
  }
  // Blocks until a wake that was not waited for yet arrives; false after the deadline.
  bool wait(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    std::unique_lock<std::mutex> lock(mutex_);
    const bool woke = woken_.wait_for(lock, deadline, [&] { return wakes_ > seen_; });
    seen_ = wakes_;
    return woke;
  }
  int wakes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return wakes_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable woken_;
  int wakes_ = 0;
  int seen_ = 0;
};

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
  WakeCounter woke;  // outlives the cache, whose workers call it
  options.wake = woke.callback();
  TextureCache cache(uploader.get(), options);
  auto big = solidImage(1024, 512, 200);
  EXPECT_EQ(cache.get("t", big, true).state, TextureState::kLoading);  // too big: downscaled on a worker
  ASSERT_TRUE(woke.wait());
  cache.beginFrame();  // takes the thumbnail and uploads it
  EXPECT_EQ(woke.wakes(), 1);
  EXPECT_FALSE(cache.busy());
  auto view = cache.get("t", big, true);
  EXPECT_EQ(view.width, 1024);  // the real size, for the label
  EXPECT_EQ(view.height, 512);
  EXPECT_EQ(uploader->width(view.handle), 128);
  EXPECT_EQ(uploader->height(view.handle), 64);
}

TEST(TextureCache, ThePanelHandsTheHostsWakeToItsTextures) {
  TempDir project;
  ScriptedGenerator generator;
  auto uploader = makeNullTextureUploader();
  WakeCounter woke;
  editor::PanelOptions options;
  options.generator = &generator;
  options.uploader = uploader.get();
  options.project_dir = project.path();
  options.wake = woke.callback();
  editor::Panel panel(options);
  panel.textures().get("big", solidImage(1024, 1024, 5), true);
  ASSERT_TRUE(woke.wait());  // an idle host draws the frame that uploads it
  panel.textures().beginFrame();
  EXPECT_EQ(panel.textures().peek("big").state, TextureState::kReady);
}

TEST(TextureCache, LoaderFailuresAreReportedNotThrown) {
  auto uploader = makeNullTextureUploader();
  WakeCounter woke;
  editor::TextureCacheOptions options;
  options.wake = woke.callback();
  TextureCache cache(uploader.get(), options);
  TextureCache::Loader failing = [] {
    return Result<DecodedImage>(makeError(ErrorCode::kDecode, "corrupt"));
  };
  cache.get("bad", failing, true);
  ASSERT_TRUE(woke.wait());                                    // a failure wakes the host too
  EXPECT_EQ(cache.peek("bad").state, TextureState::kLoading);  // delivered only inside beginFrame()
  cache.beginFrame();
  EXPECT_EQ(cache.peek("bad").state, TextureState::kFailed);
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
