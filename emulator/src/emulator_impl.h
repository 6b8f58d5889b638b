// The emulator's private state (jobs, assets, uploads, stats, armed faults) and the server that serves
// it. Shared by emulator.cpp (lifecycle, control routes), emulator_routes.cpp (the /v1 and /cdn API)
// and the files that serve its routes (emulator_jobs.cpp, emulator_assets.cpp, emulator_uploads.cpp).
#pragma once

#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "emulator_faults.h"
#include "emulator_request.h"
#include "emulator_signing.h"
#include "texforge/emulator/emulator.h"

namespace texforge::emulator {

struct AssetRecord {
  std::string id;
  std::string mime;
  std::string ext;
  std::string bytes;
  int width = 0;
  int height = 0;
  std::string name;
  std::string prompt;    // empty for uploads
  std::string model_id;  // empty for uploads
  std::string job_id;
  std::string created_at;
};

// A multipart upload (emulator_uploads.cpp): created by POST /v1/uploads, filled by part PUTs,
// closed by "complete", then checked once ("validating") and imported or failed.
struct UploadRecord {
  enum class Stage { kPending, kValidating, kImporting, kImported, kFailed };

  std::string id;
  std::string file_name;
  std::string content_type;
  uint64_t file_size = 0;
  int part_count = 0;
  std::map<int, std::string> parts;  // number -> bytes, as last PUT
  Stage stage = Stage::kPending;
  bool validating_reported = false;  // the one "validating" answer has gone out
  std::string asset_id;              // once imported
  std::string error;                 // once failed
};

struct JobRecord {
  enum class Stage { kRunning, kRendering, kDone };

  std::string id;
  nlohmann::json input;  // the body as received
  detail::GenerateRequest request;
  std::string model_id;
  std::string created_at;
  std::chrono::system_clock::time_point created_wall;
  std::chrono::steady_clock::time_point started;
  int duration_ms = 0;
  double cost = 0;
  std::string format;           // output format when the job was created
  bool forced_failure = false;  // a kJobFailure fault hit its creation
  std::string failure_text;

  Stage stage = Stage::kRunning;
  bool failed = false;
  std::string error;
  std::vector<std::string> asset_ids;

  // How far along its duration the job is at `now`; 1 or more once it has ended.
  double fractionAt(std::chrono::steady_clock::time_point now) const {
    if (duration_ms <= 0) return 1.0;
    return std::chrono::duration<double, std::milli>(now - started).count() / duration_ms;
  }
};

struct Emulator::Impl {
  explicit Impl(EmulatorOptions opts);

  EmulatorOptions options;
  mutable std::mutex mutex;
  std::condition_variable changed;  // a job finished rendering, or the server is stopping
  // A request was counted in stats or began to be held, or the server is stopping.
  std::condition_variable counted;
  bool stopping = false;
  size_t held = 0;  // requests waiting in hold() now
  Stats stats;
  detail::FaultTable faults;
  std::map<std::string, std::shared_ptr<JobRecord>> jobs;
  std::vector<std::shared_ptr<JobRecord>> job_order;  // oldest first
  std::map<std::string, std::shared_ptr<const AssetRecord>> assets;
  std::map<std::string, std::shared_ptr<UploadRecord>> uploads;
  std::mt19937_64 id_rng;
  detail::UrlSigner signer;

  std::unique_ptr<httplib::Server> server;
  std::thread thread;
  // Jobs are rendered ahead, while they run, so the poll that first sees one end is answered at
  // once (a poll that gets there first renders the job itself, as finishJob always has).
  std::vector<std::thread> renderers;
  std::deque<std::shared_ptr<JobRecord>> to_render;
  std::condition_variable render_wanted;  // a job was queued, or the server is stopping
  std::string error;
  int port = 0;

  // emulator.cpp
  std::string scheme() const;
  std::string publicHost() const;
  nlohmann::json statsJsonLocked() const;
  void registerControlRoutes();

  // emulator_routes.cpp
  void registerApiRoutes();
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  // Counts the request, checks credentials (unless `open`), applies the route's faults around `handler`.
  void serve(Route route, bool open, const httplib::Request& req, httplib::Response& res,
             const Handler& handler);
  bool authorized(const httplib::Request& req) const;
  void sleepUnlessStopping(int ms);
  // Blocks the calling request for ms (0: until stop()), counted in `held` meanwhile.
  void hold(int ms);
  std::string newId(const char* prefix);  // under the lock

  void handleModel(const httplib::Request& req, httplib::Response& res);
  void handleGenerate(bool dry_run, const httplib::Request& req, httplib::Response& res);
  void handleJob(const httplib::Request& req, httplib::Response& res);
  // emulator_jobs.cpp: the render-ahead threads, started and joined with the server.
  void startRenderers();
  void stopRenderers();
  void renderAhead();
  void handleJobList(const httplib::Request& req, httplib::Response& res);
  void handleJobAction(const httplib::Request& req, httplib::Response& res);
  void handleAsset(const httplib::Request& req, httplib::Response& res);
  void handleUpload(const httplib::Request& req, httplib::Response& res);
  void handleCdn(const httplib::Request& req, httplib::Response& res);
  // emulator_uploads.cpp
  void handleUploadStart(const httplib::Request& req, httplib::Response& res);
  void handleUploadPart(const httplib::Request& req, httplib::Response& res);
  void handleUploadAction(const httplib::Request& req, httplib::Response& res);
  void handleUploadStatus(const httplib::Request& req, httplib::Response& res);
  // The upload's bytes checked and made an asset; the stage it ends in. Under the lock through
  // `lock`, which it releases while decoding.
  void importUpload(UploadRecord& upload, std::unique_lock<std::mutex>& lock);

  // emulator_assets.cpp
  // A URL for path signed by this emulator until `expires` (unix seconds), on its own host.
  std::string signedUrl(const std::string& path, int64_t expires) const;
  // Whether req carries exactly the signed query of its path, unexpired; else the 403 reason. Under the lock.
  bool checkSignedUrl(const httplib::Request& req, std::string* reason) const;
  // Checks bytes (a decodable PNG, JPEG or WebP image) and stores them as a new asset, as POST
  // /v1/assets does; null with the reason otherwise. Takes the lock itself: call without it.
  std::shared_ptr<const AssetRecord> storeImageAsset(std::string bytes, const std::string& name,
                                                     std::string* reason);

  // Both need the lock held through `lock`; they may release it while rendering images.
  nlohmann::json jobJson(JobRecord& job, std::unique_lock<std::mutex>& lock,
                         const std::string* status_override);
  void finishJob(JobRecord& job, std::unique_lock<std::mutex>& lock);
};

std::string isoTime(std::chrono::system_clock::time_point when);

}  // namespace texforge::emulator
