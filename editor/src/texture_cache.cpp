// TextureCache: a WorkerPool decodes and downscales, each result comes back through a Mailbox that
// beginFrame() drains on the UI thread, which uploads within a per-frame budget and frees textures
// that were not drawn when the cache is over its memory budget.
#include "texforge/editor/texture_cache.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "texforge/mailbox.h"
#include "texforge/worker_pool.h"

namespace texforge::editor {
namespace {

using Clock = std::chrono::steady_clock;

struct Task {
  std::string key;
  uint64_t ticket = 0;
  TextureCache::Loader loader;
  std::shared_ptr<const DecodedImage> image;  // when already decoded
  bool thumbnail = false;
  uint64_t generation = 0;  // set by enqueue(); clear() skips what was queued before it
};

struct Finished {
  std::string key;
  uint64_t ticket = 0;
  std::shared_ptr<const DecodedImage> image;
  int source_width = 0;
  int source_height = 0;
  std::string error;
};

struct Entry {
  TextureState state = TextureState::kLoading;
  TextureHandle handle;
  int width = 0;  // source size
  int height = 0;
  size_t bytes = 0;
  uint64_t ticket = 0;
  uint64_t last_used_frame = 0;
  std::shared_ptr<const DecodedImage> pending;  // decoded, waiting for upload
  bool thumbnail = false;
  TextureDesc desc;  // given to the uploader at upload
  std::string error;
};

// Decodes (when the task has a loader) and downscales (for a thumbnail). Worker thread.
Finished decode(const Task& task, int thumbnail_size) {
  Finished done{task.key, task.ticket, nullptr, 0, 0, {}};
  std::shared_ptr<const DecodedImage> source = task.image;
  if (!source && task.loader) {
    Result<DecodedImage> loaded = task.loader();
    if (loaded) {
      source = std::make_shared<const DecodedImage>(std::move(*loaded));
    } else {
      done.error = loaded.error().message;
    }
  }
  if (source) {
    done.source_width = source->width;
    done.source_height = source->height;
    done.image = task.thumbnail
                     ? std::make_shared<const DecodedImage>(TextureCache::downscale(*source, thumbnail_size))
                     : source;
  } else if (done.error.empty()) {
    done.error = "no image";
  }
  return done;
}

}  // namespace

struct TextureCache::Impl {
  Impl(TextureUploader* uploader_in, TextureCacheOptions options_in)
      : uploader(uploader_in),
        options(std::move(options_in)),
        finished(options.wake),
        workers(std::max(1, options.worker_threads)) {}

  // UI thread.
  TextureUploader* uploader = nullptr;
  const TextureCacheOptions options;
  std::unordered_map<std::string, Entry> entries;
  std::deque<std::string> upload_queue;  // keys, FIFO
  uint64_t frame = 1;
  uint64_t next_ticket = 1;
  size_t resident_bytes = 0;
  int uploads_last_frame = 0;
  double upload_ms_last_frame = 0.0;
  uint64_t evictions = 0;

  // Shared with the workers.
  std::mutex mutex;  // guards generation, queued, running
  std::condition_variable idle_cv;
  uint64_t generation = 0;  // bumped by clear()
  size_t queued = 0;        // tasks of this generation not started yet
  int running = 0;          // tasks decoding now
  Mailbox finished;         // closures that hand a result to its entry, run in beginFrame()
  WorkerPool workers;       // last: destroyed first, so no task outlives what it uses

  void enqueue(Task task) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      task.generation = generation;
      ++queued;
    }
    workers.post([this, task = std::move(task)] { run(task); });
  }

  // Worker thread. The result is posted (which wakes the host) as running drops, under one lock: busy()
  // sees one or the other, and clear() finds the result of every task it waited for in the mailbox.
  void run(const Task& task) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (task.generation != generation) return;  // cleared while queued
      --queued;
      ++running;
    }
    Finished done = decode(task, options.thumbnail_size);
    {
      std::lock_guard<std::mutex> lock(mutex);
      --running;
      finished.post([this, done = std::move(done)]() mutable { deliver(std::move(done)); });
    }
    idle_cv.notify_all();
  }

  // UI thread, inside beginFrame(): a result for an entry that was invalidated meanwhile is dropped.
  void deliver(Finished done) {
    auto it = entries.find(done.key);
    if (it == entries.end() || it->second.ticket != done.ticket) return;
    Entry& entry = it->second;
    entry.width = done.source_width;
    entry.height = done.source_height;
    if (!done.image) {
      entry.state = TextureState::kFailed;
      entry.error = done.error;
      return;
    }
    entry.pending = std::move(done.image);
    upload_queue.push_back(done.key);
  }

  void freeEntry(Entry& entry) {
    if (entry.handle) {
      uploader->destroy(entry.handle);
      resident_bytes -= std::min(resident_bytes, entry.bytes);
      entry.handle = {};
      entry.bytes = 0;
    }
  }

  bool awaitsGpu(const Entry& entry) const {
    return entry.state == TextureState::kReady && !uploader->ready(entry.handle);
  }

  TextureView view(Entry& entry) {
    entry.last_used_frame = frame;
    const TextureState state = awaitsGpu(entry) ? TextureState::kLoading : entry.state;
    return TextureView{state, entry.handle, entry.width, entry.height, entry.error};
  }
};

TextureCache::TextureCache(TextureUploader* uploader, TextureCacheOptions options)
    : impl_(new Impl(uploader, std::move(options))) {}

// Loaders may use what the host frees right after the cache (a Generator): none may still run.
TextureCache::~TextureCache() {
  clear();
}

TextureView TextureCache::get(const std::string& key, std::shared_ptr<const DecodedImage> image,
                              bool thumbnail, TextureDesc desc) {
  auto it = impl_->entries.find(key);
  if (it != impl_->entries.end()) return impl_->view(it->second);
  Entry& entry = impl_->entries[key];
  entry.thumbnail = thumbnail;
  entry.desc = std::move(desc);
  if (!image) {
    entry.state = TextureState::kFailed;
    entry.error = "no image";
    return impl_->view(entry);
  }
  entry.width = image->width;
  entry.height = image->height;
  entry.ticket = impl_->next_ticket++;
  const bool needs_downscale =
      thumbnail && std::max(image->width, image->height) > impl_->options.thumbnail_size;
  if (needs_downscale) {
    impl_->enqueue(Task{key, entry.ticket, nullptr, std::move(image), true});
  } else {
    entry.pending = std::move(image);
    impl_->upload_queue.push_back(key);
  }
  return impl_->view(entry);
}

TextureView TextureCache::get(const std::string& key, Loader loader, bool thumbnail, TextureDesc desc) {
  auto it = impl_->entries.find(key);
  if (it != impl_->entries.end()) return impl_->view(it->second);
  Entry& entry = impl_->entries[key];
  entry.thumbnail = thumbnail;
  entry.desc = std::move(desc);
  entry.ticket = impl_->next_ticket++;
  impl_->enqueue(Task{key, entry.ticket, std::move(loader), nullptr, thumbnail});
  return impl_->view(entry);
}

TextureView TextureCache::peek(const std::string& key) {
  auto it = impl_->entries.find(key);
  if (it == impl_->entries.end()) return TextureView{TextureState::kFailed, {}, 0, 0, "unknown"};
  return impl_->view(it->second);
}

void TextureCache::beginFrame() {
  Impl& s = *impl_;
  ++s.frame;
  s.finished.drain();  // results from the workers join the upload queue

  // Uploads: first come first served, within the byte and time budget; at least one per frame so
  // a single large image still goes through.
  s.uploads_last_frame = 0;
  size_t bytes = 0;
  const auto start = Clock::now();
  while (!s.upload_queue.empty()) {
    const double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (s.uploads_last_frame > 0 &&
        (bytes >= s.options.upload_bytes_per_frame || elapsed_ms >= s.options.upload_ms_per_frame)) {
      break;
    }
    std::string key = std::move(s.upload_queue.front());
    s.upload_queue.pop_front();
    auto it = s.entries.find(key);
    if (it == s.entries.end() || !it->second.pending) continue;
    Entry& entry = it->second;
    const DecodedImage& image = *entry.pending;
    entry.handle = s.uploader->create(image, entry.desc);
    entry.bytes = image.rgba.size();
    bytes += entry.bytes;
    entry.pending.reset();
    if (entry.handle) {
      entry.state = TextureState::kReady;
      s.resident_bytes += entry.bytes;
    } else {
      entry.state = TextureState::kFailed;
      entry.error = "texture upload failed";
    }
    ++s.uploads_last_frame;
  }
  s.upload_ms_last_frame = std::chrono::duration<double, std::milli>(Clock::now() - start).count();

  // Eviction: entries not drawn in the previous frame, least recently drawn first.
  if (s.resident_bytes > s.options.memory_budget_bytes) {
    std::vector<std::pair<uint64_t, std::string>> candidates;
    for (auto& item : s.entries) {
      if (item.second.handle && item.second.last_used_frame + 1 < s.frame) {
        candidates.emplace_back(item.second.last_used_frame, item.first);
      }
    }
    std::sort(candidates.begin(), candidates.end());
    for (auto& candidate : candidates) {
      if (s.resident_bytes <= s.options.memory_budget_bytes) break;
      auto it = s.entries.find(candidate.second);
      s.freeEntry(it->second);
      s.entries.erase(it);  // drawn again later: reloaded from its source
      ++s.evictions;
    }
  }
}

void TextureCache::invalidate(const std::string& key) {
  auto it = impl_->entries.find(key);
  if (it == impl_->entries.end()) return;
  impl_->freeEntry(it->second);
  impl_->entries.erase(it);
}

void TextureCache::clear() {
  Impl& s = *impl_;
  {
    std::unique_lock<std::mutex> lock(s.mutex);
    ++s.generation;  // what is still queued is skipped
    s.queued = 0;
    s.idle_cv.wait(lock, [&] { return s.running == 0; });
  }
  for (auto& item : s.entries) s.freeEntry(item.second);
  s.entries.clear();
  s.upload_queue.clear();
  s.finished.drain();  // the last results find no entry and are dropped
}

bool TextureCache::busy() const {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->queued > 0 || impl_->running > 0) return true;
  }
  if (!impl_->finished.empty() || !impl_->upload_queue.empty()) return true;
  for (const auto& item : impl_->entries) {
    if (impl_->awaitsGpu(item.second)) return true;
  }
  return false;
}

TextureCacheStats TextureCache::stats() const {
  TextureCacheStats out;
  out.resident_bytes = impl_->resident_bytes;
  out.pending_uploads = impl_->upload_queue.size();
  for (auto& item : impl_->entries) {
    if (item.second.handle) ++out.textures;
    if (impl_->awaitsGpu(item.second)) ++out.not_ready;
  }
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    out.loading = impl_->queued + static_cast<size_t>(impl_->running);
  }
  out.uploads_last_frame = impl_->uploads_last_frame;
  out.upload_ms_last_frame = impl_->upload_ms_last_frame;
  out.evictions = impl_->evictions;
  return out;
}

DecodedImage TextureCache::downscale(const DecodedImage& image, int max_side) {
  const int longest = std::max(image.width, image.height);
  if (longest <= max_side || max_side <= 0) return image;
  DecodedImage out;
  out.width = std::max(1, image.width * max_side / longest);
  out.height = std::max(1, image.height * max_side / longest);
  out.source_format = image.source_format;
  out.has_alpha = image.has_alpha;
  out.rgba.resize(static_cast<size_t>(out.width) * out.height * 4);
  for (int y = 0; y < out.height; ++y) {
    const int y0 = y * image.height / out.height;
    const int y1 = std::max(y0 + 1, (y + 1) * image.height / out.height);
    for (int x = 0; x < out.width; ++x) {
      const int x0 = x * image.width / out.width;
      const int x1 = std::max(x0 + 1, (x + 1) * image.width / out.width);
      // Alpha-weighted average so transparent pixels do not darken the edges.
      uint64_t r = 0, g = 0, b = 0, a = 0, n = 0;
      for (int sy = y0; sy < y1; ++sy) {
        const uint8_t* row = image.rgba.data() + (static_cast<size_t>(sy) * image.width + x0) * 4;
        for (int sx = x0; sx < x1; ++sx, row += 4) {
          r += row[0] * row[3];
          g += row[1] * row[3];
          b += row[2] * row[3];
          a += row[3];
          ++n;
        }
      }
      uint8_t* px = out.rgba.data() + (static_cast<size_t>(y) * out.width + x) * 4;
      px[0] = a ? static_cast<uint8_t>(r / a) : 0;
      px[1] = a ? static_cast<uint8_t>(g / a) : 0;
      px[2] = a ? static_cast<uint8_t>(b / a) : 0;
      px[3] = static_cast<uint8_t>(a / n);
    }
  }
  return out;
}

}  // namespace texforge::editor
