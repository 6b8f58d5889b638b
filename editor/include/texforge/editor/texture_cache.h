// Textures for the panel: decodes and downscales on worker threads, uploads on the UI thread within
// a per-frame budget (bytes and milliseconds), and evicts what was not drawn when over a memory budget.
// A texture counts as ready only once its uploader says ready(): until then the panel draws a placeholder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "texforge/editor/export.h"
#include "texforge/error.h"
#include "texforge/image.h"
#include "texforge/texture_uploader.h"

namespace texforge::editor {

struct TEXFORGE_EDITOR_API TextureCacheOptions {
  size_t upload_bytes_per_frame =
      4u << 20;                      // pixel bytes uploaded per frame (one texture always goes through)
  double upload_ms_per_frame = 4.0;  // stop uploading this frame once this much time went to uploads
  size_t memory_budget_bytes = 256u << 20;  // above it, textures not drawn last frame are freed, oldest first
  int thumbnail_size = 192;                 // longest side of a thumbnail, in pixels
  int worker_threads = 2;                   // decode / downscale workers
  // Called on a worker thread each time a texture finished decoding (or failed), so an idle host
  // draws the next frame: a GLFW host passes glfwPostEmptyEvent. Must outlive the cache and must
  // not call into it.
  std::function<void()> wake;
};

// kLoading: decoding, waiting for upload budget, or uploaded but not ready() to draw yet (an uploader
// that finishes copies on a later frame; handle is set then). Draw the placeholder for it.
// kReady: handle may be drawn this frame.
enum class TextureState { kLoading, kReady, kFailed };

// What the panel draws. width/height are the source image's real pixel size.
struct TEXFORGE_EDITOR_API TextureView {
  TextureState state = TextureState::kLoading;
  TextureHandle handle;
  int width = 0;
  int height = 0;
  std::string error;  // when kFailed
};

struct TEXFORGE_EDITOR_API TextureCacheStats {
  size_t resident_bytes = 0;
  size_t textures = 0;
  size_t pending_uploads = 0;  // decoded, waiting for upload budget
  size_t loading = 0;          // on the workers
  size_t not_ready = 0;        // uploaded, the uploader's texture not ready() yet
  int uploads_last_frame = 0;
  double upload_ms_last_frame = 0.0;
  uint64_t evictions = 0;
};

class TEXFORGE_EDITOR_API TextureCache {
 public:
  using Loader = std::function<Result<DecodedImage>()>;  // runs on a worker thread

  // uploader is not owned and must outlive the cache. UI thread only (every method).
  explicit TextureCache(TextureUploader* uploader, TextureCacheOptions options = {});
  ~TextureCache();  // drops queued loads, waits for running ones, then destroys every texture
  TextureCache(const TextureCache&) = delete;
  TextureCache& operator=(const TextureCache&) = delete;

  // The texture for key; queues it on first sight. thumbnail: downscaled to thumbnail_size. desc:
  // what the upload tells the uploader (colour or data, a name for GPU debuggers); the first get()
  // of a key decides it. Marks the entry as drawn this frame (so it is not evicted).
  TextureView get(const std::string& key, std::shared_ptr<const DecodedImage> image, bool thumbnail,
                  TextureDesc desc = {});
  TextureView get(const std::string& key, Loader loader, bool thumbnail, TextureDesc desc = {});
  // The entry if it exists, without queueing anything.
  TextureView peek(const std::string& key);

  // Once per frame before drawing: takes finished work from the workers, uploads within the
  // budget, evicts over the memory budget. Uploads left over for lack of budget show in
  // stats().pending_uploads: nothing wakes the host for those, it should draw again soon.
  void beginFrame();

  void invalidate(const std::string& key);  // forgets one entry (its texture is freed)
  void clear();                             // forgets everything; waits for running loaders
  // Anything loading, waiting for upload, or uploaded and not ready(): the host should draw again
  // (after its uploader's endFrame()) to show it.
  bool busy() const;
  TextureCacheStats stats() const;

  // A downscaled copy whose longest side is at most max_side (alpha-weighted box filter).
  static DecodedImage downscale(const DecodedImage& image, int max_side);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace texforge::editor
