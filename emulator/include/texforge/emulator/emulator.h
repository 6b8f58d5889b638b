// A local, faithful stand-in for the Scenario REST API (a real HTTP server on loopback) with fault
// injection and an inspection route. Used by tests, by the viewer's demo mode and as texforge-emulator.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace texforge::emulator {

// The routes faults can target.
enum class Route {
  kAny,
  kModels,     // GET /v1/models/{id}
  kGenerate,   // POST /v1/generate/custom/{model} (the paid one)
  kDryRun,     // POST /v1/generate/custom/{model}?dryRun=true
  kJob,        // GET /v1/jobs/{id}
  kJobList,    // GET /v1/jobs
  kJobAction,  // POST /v1/jobs/{id}/action
  kAsset,      // GET /v1/assets/{id}
  kUpload,     // POST /v1/assets
  kCdn,        // GET /cdn/... (signed URLs)
  // The multipart upload of large files: POST /v1/uploads answers one signed part URL per part;
  // PUT /uploads-parts/{id}/{n}?... takes a part's bytes (no credentials: the URL is the credential;
  // any order, a repeated PUT replaces the part); POST /v1/uploads/{id}/action {"action": "complete"}
  // (400 while a part is missing); GET /v1/uploads/{id} says "pending" until then, "validating" once,
  // then "imported" with entityId (an asset as POST /v1/assets makes) or "failed" with errorMessage
  // (not a PNG, JPEG or WebP image, or the parts do not add up to fileSize).
  kUploadStart,   // POST /v1/uploads
  kUploadPart,    // PUT /uploads-parts/{id}/{n} (signed URLs)
  kUploadAction,  // POST /v1/uploads/{id}/action
  kUploadStatus,  // GET /v1/uploads/{id}
};
const char* routeName(Route route);  // "models", "generate", "dry_run", "job", "job_list", ..., "upload_part"

// What a fault does to the requests it hits. Faults that replace the answer fire before the route's
// work (nothing happens on the service, nothing is charged) unless the line says "after".
enum class FaultKind {
  kLatency,          // wait latency_ms before doing anything, then answer normally
  kTooManyRequests,  // 429 with Retry-After: retry_after_s and {"reason", "remainingSeconds"}
  kParallelLimit,    // 429 {"details": {"actionName": "parallel-custom-jobs", "actionLimit": N}}
  kServerErrorHtml,  // 502 with an HTML gateway page
  kDropConnection,   // close the connection without an answer (for generate: AFTER creating the job)
  kTruncatedBody,    // send Content-Length of the whole body but only half the bytes, then close
  kExpiredUrl,       // asset answers carry a URL that has already expired (CDN says 403)
  kUnknownStatus,    // job polls report status `text` (default "pending-review") for a while
  kJobFailure,       // the next created job ends in "failure" with metadata.error = text
  kMalformedJson,    // 200 with a body that is not JSON
  kCorruptImage,     // CDN serves bytes that are not a valid image
  kOversizedImage,   // CDN serves a PNG whose header claims 100000x100000
  kLateAnswer,       // do the work (generate: the job exists and is charged), then hold the answer for
                     // latency_ms (0: until stop()) and send it; may combine with one "after" fault
  kNotFound,         // 404 {"reason": "Job not found"} (or the route's own not-found text)
  kEchoHeaders,      // status (default 400) whose JSON reason echoes the request line and every header,
                     // Authorization included, as a misconfigured gateway does
  kSilent,           // read the request, send nothing for latency_ms (0: until stop()), then close the
                     // connection without a byte; the request has no effect
};
// The name in the control route's JSON and in Stats::faults_injected: "latency", "too_many_requests",
// "parallel_limit", ..., "late_answer", "not_found", "echo_headers", "silent".
const char* faultKindName(FaultKind kind);

struct Fault {
  Route route = Route::kAny;
  FaultKind kind = FaultKind::kServerErrorHtml;
  int count = 1;             // how many matching requests it hits; -1 = every one
  double probability = 1.0;  // chance per matching request (seeded, deterministic)
  int latency_ms = 0;        // kLatency: the delay; kLateAnswer, kSilent: the hold (0: until stop())
  int retry_after_s = 1;
  std::string text;  // failure text / unknown status name
  int status = 0;    // kEchoHeaders: the HTTP status to answer, 400..599 (0: 400)
};

struct EmulatorOptions {
  std::string host = "127.0.0.1";
  int port = 0;                          // 0: an ephemeral port
  std::string api_key = "emulator-key";  // the only accepted credentials (401 otherwise)
  std::string api_secret = "emulator-secret";
  int job_duration_ms = 2000;         // queued -> warming-up -> in-progress -> finalizing -> success
  int url_ttl_s = 3600;               // lifetime of signed CDN URLs
  std::string output_format = "png";  // png, jpeg or webp
  bool transparent_background_supported = true;
  // Pictures that do not tile: a brightness ramp left to right and top to bottom makes a strong step
  // across each wrap-around join (measureSeams about 100-170; default pictures already score 40-80,
  // their hues drifting across a picture that is smooth inside). The repainted area of an edit never
  // gets it, so rolling a picture by half, repainting the centre cross and rolling it back removes
  // the seam. Not over a matte. Read when a job renders.
  bool visible_seams = false;
  // Accept background "transparent" (when transparent_background_supported) but paint an opaque
  // picture, in the configured format (JPEG stays JPEG), as a model that ignores the request does.
  // Read when a job renders. Both settable by POST /_emulator/config.
  bool ignore_transparency = false;
  uint64_t seed = 1;      // seeds probabilistic faults
  std::string cert_file;  // PEM certificate and key: serve HTTPS when both are set
  std::string key_file;
  bool quiet = true;  // no request log on stderr
  // Compress JSON answers (brotli or gzip, as the client accepts) the way cpp-httplib does. Off, they
  // go plain whatever Accept-Encoding says: a benchmark then measures the client, not the compressor.
  bool compress_json = false;
};

// What the emulator received, for tests to assert on the client's behaviour.
struct Stats {
  std::map<std::string, int> requests_per_route;       // routeName -> count (every request, faults included)
  int generate_posts = 0;                              // paid POSTs received (dry runs excluded)
  std::map<std::string, int> generate_posts_per_body;  // canonical body JSON -> count
  // The request's "prompt" -> count ("" when it has none), so a test can count paid requests per
  // intended request even when a re-uploaded reference changes the body.
  std::map<std::string, int> generate_posts_per_prompt;
  int jobs_created = 0;
  int cdn_requests = 0;
  int cdn_authorization_headers = 0;              // Authorization headers seen on /cdn (must stay 0)
  int upload_part_puts = 0;                       // PUTs received on upload part URLs, faulted ones included
  int upload_part_authorization_headers = 0;      // Authorization headers seen on part URLs (must stay 0)
  std::vector<std::string> uploads_imported;      // the entityId of each multipart upload, in order
  int unauthorized = 0;                           // 401s answered
  std::map<std::string, int> faults_injected;     // faultKindName -> count
  std::vector<std::string> last_generate_bodies;  // the last few paid bodies, as received
};

class Emulator {
 public:
  explicit Emulator(EmulatorOptions options = {});
  ~Emulator();  // stops the server
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Binds and starts serving on a background thread; false (with error()) if it cannot bind.
  // Also sets SIGPIPE to ignored if it is at its default (cpp-httplib 0.11 writes with plain send()).
  // Behaviour worth knowing: "auto" size is the first reference's size when there is one, else
  // 1024x1024; off-grid sizes are snapped to multiples of 16; a transparent background with JPEG output
  // comes back as PNG; a mask whose size differs from the first reference makes the job end in
  // "failure" with metadata.error "mask and reference image must have the same dimensions"; an edit
  // repaints the mask's transparent pixels to continue the kept ones around them; a prompt asking for
  // a "flat, uniform #RRGGBB background" (not transparent) gets exactly that colour around the subject
  // disc, whose anti-aliased edge blends into it.
  // Serves up to 64 requests at once, held and slow ones included (more wait for a free worker).
  bool start();
  // Releases requests held by faults at once and joins the server thread (an idle keep-alive client
  // can add up to 2 s); safe to call twice; start() may be called again after it.
  void stop();
  const std::string& error() const;

  std::string baseUrl() const;  // "http://127.0.0.1:PORT/v1" (https when serving TLS)
  int port() const;

  void addFault(const Fault& fault);  // thread-safe, effective at once
  void clearFaults();
  void setOutputFormat(
      const std::string& format);  // png, jpeg or webp (others ignored); for jobs created after
  void setJobDurationMs(int ms);   // for jobs created after

  Stats stats() const;
  std::string statsJson() const;  // the same as GET /_emulator/stats
  void resetStats();

  // Waits for tests, so none has to sleep. Any thread; stop() wakes them, and each answers whether
  // its condition holds.
  // Blocks until the emulator has counted at least n requests (the sum of Stats::requests_per_route:
  // /v1 and /cdn, faulted and refused ones included, since the last resetStats()) or deadline passes;
  // true when it has.
  bool waitForRequests(size_t n, std::chrono::milliseconds deadline) const;
  // Blocks until job_id has reached status or a later one in queued, warming-up, in-progress,
  // finalizing, then "success" or "failure" (either means the job has ended), as a poll without
  // faults would report it; false on timeout or for an unknown job or status.
  bool waitForJobStatus(const std::string& job_id, const std::string& status,
                        std::chrono::milliseconds deadline) const;
  // Blocks until at least n requests are held right now by kSilent or kLateAnswer (a kLateAnswer one
  // once its work is done: a generate's job exists) or deadline passes; true when they are.
  bool waitForHeldRequests(size_t n, std::chrono::milliseconds deadline) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace texforge::emulator
