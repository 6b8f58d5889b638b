// What the C interface's two files share: the handles behind the opaque types, the per-thread
// last error, and the guard that keeps every exception on this side of the C boundary.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "texforge/generator.h"
#include "texforge/texforge_c.h"

// One event as the engine queues it; texforge_next_event hands out pointers into the current one.
struct TexforgeQueuedEvent {
  int32_t kind = TEXFORGE_EVENT_JOB_CHANGED;
  int32_t output_index = -1;
  texforge_status status = TEXFORGE_OK;
  uint64_t request_id = 0;
  std::string local_id;
  std::string message;
  std::string path;
  std::string sidecar_path;
  double creative_units = 0.0;
  double discount = 0.0;
  int32_t http_status = 0;
};

struct texforge_engine {
  std::unique_ptr<texforge::Generator> generator;
  std::string base_url;
  std::string project_dir;
  std::atomic<uint64_t> next_request{1};
  // Filled and drained on the pump thread; the mutex and count let texforge_wait and
  // texforge_engine_idle, on any thread, see whether events wait.
  std::mutex queue_mutex;
  std::deque<TexforgeQueuedEvent> queue;
  std::atomic<size_t> queued{0};
  TexforgeQueuedEvent current;  // the event texforge_next_event returned last

  void push(TexforgeQueuedEvent event) {
    std::lock_guard<std::mutex> lock(queue_mutex);
    queue.push_back(std::move(event));
    queued = queue.size();
  }
};

struct texforge_job {
  texforge::JobSnapshot snap;
  std::string params_json;
  std::vector<std::string> metadata_keys;  // host_metadata in map order, for index access
  std::vector<std::string> metadata_values;
};

struct texforge_job_list {
  std::vector<texforge_job> jobs;
};

struct texforge_image {
  std::shared_ptr<const texforge::DecodedImage> image;
};

namespace texforge::capi {

// Records the outcome of the calling thread's latest status-returning call; returns its code.
texforge_status setLastError(texforge_status status, const std::string& message, int http_status = 0);
texforge_status setLastError(const Error& error);
inline texforge_status succeed() {
  return setLastError(TEXFORGE_OK, std::string());
}
inline texforge_status invalid(const char* message) {
  return setLastError(TEXFORGE_ERR_INVALID_ARGUMENT, message);
}

inline texforge_status toStatus(ErrorCode code) {
  return static_cast<texforge_status>(code);
}

// Runs body (which returns a texforge_status) and turns any exception into TEXFORGE_ERR_INTERNAL.
template <typename Body>
texforge_status guarded(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return setLastError(TEXFORGE_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return setLastError(TEXFORGE_ERR_INTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return setLastError(TEXFORGE_ERR_INTERNAL, "internal error");
  }
}

inline std::string str(const char* s) {
  return s ? std::string(s) : std::string();
}

// Copies text into a caller buffer of cap bytes (NUL included), cutting it when it does not fit.
// true when it fitted; a NULL buffer with cap 0 accepts nothing and counts as fitting.
inline bool copyOut(const std::string& text, char* out, size_t cap) {
  if (!out || cap == 0) return out == nullptr;
  const size_t n = std::min(text.size(), cap - 1);
  std::memcpy(out, text.data(), n);
  out[n] = '\0';
  return n == text.size();
}

// The caller's versioned struct over T's defaults: only its first struct_size bytes are read, so
// the fields an older caller's struct lacks keep the defaults init() wrote.
template <typename T, typename Init>
bool readVersioned(const T* in, Init init, T* out) {
  init(out);
  if (!in || in->struct_size < sizeof(uint32_t)) return false;
  const size_t n = std::min<size_t>(in->struct_size, sizeof(T));
  std::memcpy(static_cast<void*>(out), static_cast<const void*>(in), n);
  out->struct_size = static_cast<uint32_t>(sizeof(T));
  return true;
}

// Writes the first struct_size bytes of value into the caller's struct (keeping its struct_size).
template <typename T>
void writeVersioned(const T& value, T* out) {
  const uint32_t size = out->struct_size;
  const size_t n = std::min<size_t>(size, sizeof(T));
  std::memcpy(static_cast<void*>(out), static_cast<const void*>(&value), n);
  out->struct_size = size;
}

// A quote's or an import's result event; error is null on success.
inline TexforgeQueuedEvent resultEvent(int32_t kind, uint64_t request_id, const Error* error) {
  TexforgeQueuedEvent ev;
  ev.kind = kind;
  ev.request_id = request_id;
  if (error) {
    ev.status = toStatus(error->code);
    ev.message = error->message;
    ev.http_status = error->http_status;
  }
  return ev;
}

// texforge_params -> GenerationParams. false (message in *why) for NULL entries in its arrays.
bool toGenerationParams(const texforge_params* in, GenerationParams* out, std::string* why);

}  // namespace texforge::capi
