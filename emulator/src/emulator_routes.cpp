// The /v1 API routes of the emulator (model schema, generate and dry run, job poll, list and cancel;
// assets and uploads are registered here, served in emulator_assets.cpp and emulator_uploads.cpp)
// and the wrapper every API route goes through: request counting, Basic auth and fault injection.
#include <algorithm>
#include <cstdlib>

#include "emulator_impl.h"

namespace texforge::emulator {

using nlohmann::json;

namespace {

constexpr int kJobHistoryPageMax = 100;
constexpr size_t kLastBodiesKept = 20;

void setJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void reject(httplib::Response& res, int status, const std::string& reason) {
  setJson(res, status, {{"reason", reason}});
}

}  // namespace

bool Emulator::Impl::authorized(const httplib::Request& req) const {
  std::string header = req.get_header_value("Authorization");
  const std::string prefix = "Basic ";
  if (header.compare(0, prefix.size(), prefix) != 0) return false;
  std::string decoded;
  if (!detail::base64Decode(header.substr(prefix.size()), &decoded)) return false;
  return decoded == options.api_key + ":" + options.api_secret;
}

void Emulator::Impl::sleepUnlessStopping(int ms) {
  if (ms <= 0) return;
  std::unique_lock<std::mutex> lock(mutex);
  changed.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
}

void Emulator::Impl::hold(int ms) {
  std::unique_lock<std::mutex> lock(mutex);
  ++held;
  counted.notify_all();
  auto released = [this] { return stopping; };
  if (ms <= 0) {
    changed.wait(lock, released);
  } else {
    changed.wait_for(lock, std::chrono::milliseconds(ms), released);
  }
  --held;
}

std::string Emulator::Impl::newId(const char* prefix) {
  return std::string(prefix) + detail::hex64(id_rng()).substr(0, 8) + detail::hex64(id_rng());
}

void Emulator::Impl::serve(Route route, bool open, const httplib::Request& req, httplib::Response& res,
                           const Handler& handler) {
  std::vector<Fault> gate;
  {
    std::lock_guard<std::mutex> lock(mutex);
    stats.requests_per_route[routeName(route)]++;
    counted.notify_all();
    if (route == Route::kCdn) {
      stats.cdn_requests++;
      // Served anyway, but counted: a client must never send its credentials to the CDN.
      if (req.has_header("Authorization")) stats.cdn_authorization_headers++;
    }
    if (route == Route::kUploadPart) {
      stats.upload_part_puts++;
      // Like the CDN: the signed part URL is the credential, and it may belong to another host.
      if (req.has_header("Authorization")) stats.upload_part_authorization_headers++;
    }
    if (!open && !authorized(req)) {
      stats.unauthorized++;
      return reject(res, 401, "Unauthorized: invalid API key or secret");
    }
    gate = faults.fire(
        route,
        {FaultKind::kLatency, FaultKind::kTooManyRequests, FaultKind::kParallelLimit,
         FaultKind::kServerErrorHtml, FaultKind::kNotFound, FaultKind::kEchoHeaders, FaultKind::kSilent},
        &stats.faults_injected);
  }
  int latency = 0;
  for (const Fault& f : gate) latency += f.kind == FaultKind::kLatency ? f.latency_ms : 0;
  sleepUnlessStopping(latency);
  for (const Fault& f : gate) {
    switch (f.kind) {
      case FaultKind::kTooManyRequests: return detail::answerTooManyRequests(f, res);
      case FaultKind::kParallelLimit: return detail::answerParallelLimit(f, res);
      case FaultKind::kServerErrorHtml: return detail::answerServerErrorHtml(res);
      case FaultKind::kNotFound: return detail::answerNotFound(route, res);
      case FaultKind::kEchoHeaders: return detail::answerEchoHeaders(f, req, res);
      case FaultKind::kSilent:
        hold(f.latency_ms);  // nothing goes out meanwhile, and then not a byte
        return detail::dropConnection(req, res);
      default: break;
    }
  }

  handler(req, res);

  // These hold or break the answer after the work is done: for generate the job exists and is charged,
  // the client learns late or never.
  std::vector<Fault> after;
  {
    std::lock_guard<std::mutex> lock(mutex);
    after = faults.fire(route,
                        {FaultKind::kLateAnswer, FaultKind::kDropConnection, FaultKind::kTruncatedBody,
                         FaultKind::kMalformedJson},
                        &stats.faults_injected);
  }
  for (const Fault& f : after) {
    if (f.kind == FaultKind::kLateAnswer) hold(f.latency_ms);
  }
  for (const Fault& f : after) {
    if (f.kind == FaultKind::kDropConnection) detail::dropConnection(req, res);
    if (f.kind == FaultKind::kTruncatedBody) detail::truncateBody(res);
    if (f.kind == FaultKind::kMalformedJson) detail::answerMalformedJson(res);
  }
}

void Emulator::Impl::registerApiRoutes() {
  auto route = [this](Route r, bool open, void (Impl::*method)(const httplib::Request&, httplib::Response&)) {
    return [this, r, open, method](const httplib::Request& req, httplib::Response& res) {
      serve(r, open, req, res,
            [this, method](const httplib::Request& q, httplib::Response& s) { (this->*method)(q, s); });
    };
  };
  server->Get("/v1/models/([^/]+)", route(Route::kModels, false, &Impl::handleModel));
  server->Post("/v1/generate/custom/([^/]+)", [this](const httplib::Request& req, httplib::Response& res) {
    bool dry_run = req.get_param_value("dryRun") == "true";
    serve(
        dry_run ? Route::kDryRun : Route::kGenerate, false, req, res,
        [this, dry_run](const httplib::Request& q, httplib::Response& s) { handleGenerate(dry_run, q, s); });
  });
  server->Get("/v1/jobs", route(Route::kJobList, false, &Impl::handleJobList));
  server->Get("/v1/jobs/([^/]+)", route(Route::kJob, false, &Impl::handleJob));
  server->Post("/v1/jobs/([^/]+)/action", route(Route::kJobAction, false, &Impl::handleJobAction));
  server->Post("/v1/assets", route(Route::kUpload, false, &Impl::handleUpload));
  server->Get("/v1/assets/([^/]+)", route(Route::kAsset, false, &Impl::handleAsset));
  // The CDN takes no credentials: the signed URL is the credential.
  server->Get("/cdn/([^/]+)", route(Route::kCdn, true, &Impl::handleCdn));
  server->Post("/v1/uploads", route(Route::kUploadStart, false, &Impl::handleUploadStart));
  server->Post("/v1/uploads/([^/]+)/action", route(Route::kUploadAction, false, &Impl::handleUploadAction));
  server->Get("/v1/uploads/([^/]+)", route(Route::kUploadStatus, false, &Impl::handleUploadStatus));
  // Part URLs take no credentials either (on the real service they are S3's).
  server->Put("/uploads-parts/([^/]+)/([0-9]+)", route(Route::kUploadPart, true, &Impl::handleUploadPart));
}

void Emulator::Impl::handleModel(const httplib::Request& req, httplib::Response& res) {
  if (req.matches[1] != detail::kModelId) return reject(res, 404, "Model not found");
  std::lock_guard<std::mutex> lock(mutex);
  setJson(res, 200, detail::modelSchema(options.transparent_background_supported));
}

void Emulator::Impl::handleGenerate(bool dry_run, const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  std::unique_lock<std::mutex> lock(mutex);
  if (!dry_run) {
    std::string canonical = body.is_discarded() ? req.body : body.dump();
    stats.generate_posts++;
    stats.generate_posts_per_body[canonical]++;
    const bool has_prompt = body.is_object() && body.contains("prompt") && body["prompt"].is_string();
    stats.generate_posts_per_prompt[has_prompt ? body["prompt"].get<std::string>() : ""]++;
    stats.last_generate_bodies.push_back(req.body);
    if (stats.last_generate_bodies.size() > kLastBodiesKept) {
      stats.last_generate_bodies.erase(stats.last_generate_bodies.begin());
    }
  }
  if (req.matches[1] != detail::kModelId) return reject(res, 404, "Model not found");
  if (body.is_discarded()) return reject(res, 400, "Body is not valid JSON");
  detail::GenerateRequest request;
  std::string why = detail::parseGenerateBody(
      body, [this](const std::string& id) { return assets.count(id) > 0; },
      options.transparent_background_supported, &request);
  if (!why.empty()) return reject(res, 400, why);
  double cost = detail::creativeUnits(request);
  if (dry_run) {
    return setJson(res, 269,
                   {{"creativeUnitsCost", cost},
                    {"creativeUnitsDiscount", 0},
                    {"costDetails", detail::costDetails(request)}});
  }

  auto job = std::make_shared<JobRecord>();
  job->id = newId("job_");
  job->input = body;
  job->request = request;
  job->model_id = req.matches[1];
  job->created_wall = std::chrono::system_clock::now();
  job->created_at = isoTime(job->created_wall);
  job->started = std::chrono::steady_clock::now();
  job->duration_ms = options.job_duration_ms;
  job->cost = cost;
  job->format = options.output_format;
  std::vector<Fault> failure =
      faults.fire(Route::kGenerate, {FaultKind::kJobFailure}, &stats.faults_injected);
  if (!failure.empty()) {
    job->forced_failure = true;
    job->failure_text = failure.front().text.empty() ? "Your request was rejected by the safety system."
                                                     : failure.front().text;
  }
  jobs[job->id] = job;
  job_order.push_back(job);
  if (job->duration_ms > 0) {
    to_render.push_back(job);
    render_wanted.notify_one();
  }
  stats.jobs_created++;
  setJson(res, 200, {{"job", jobJson(*job, lock, nullptr)}, {"creativeUnitsCost", cost}});
}

void Emulator::Impl::handleJob(const httplib::Request& req, httplib::Response& res) {
  std::unique_lock<std::mutex> lock(mutex);
  auto it = jobs.find(req.matches[1]);
  if (it == jobs.end()) return reject(res, 404, "Job not found");
  std::shared_ptr<JobRecord> job = it->second;
  std::vector<Fault> odd = faults.fire(Route::kJob, {FaultKind::kUnknownStatus}, &stats.faults_injected);
  std::string status = odd.empty() ? "" : (odd.front().text.empty() ? "pending-review" : odd.front().text);
  setJson(res, 200, {{"job", jobJson(*job, lock, odd.empty() ? nullptr : &status)}});
}

void Emulator::Impl::handleJobList(const httplib::Request& req, httplib::Response& res) {
  int page_size = 10;
  if (req.has_param("pageSize")) {
    const std::string text = req.get_param_value("pageSize");
    char* end = nullptr;
    long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < 1 || v > kJobHistoryPageMax) {
      return reject(res, 400, "pageSize must be between 1 and " + std::to_string(kJobHistoryPageMax));
    }
    page_size = int(v);
  }
  size_t offset = 0;
  if (req.has_param("paginationToken")) {
    // Opaque to clients; here simply the offset into the newest-first list.
    const std::string token = req.get_param_value("paginationToken");
    const std::string prefix = "page_";
    char* end = nullptr;
    long v = token.compare(0, prefix.size(), prefix) == 0
                 ? std::strtol(token.c_str() + prefix.size(), &end, 10)
                 : -1;
    if (v < 0 || !end || *end != '\0') return reject(res, 400, "Invalid paginationToken");
    offset = size_t(v);
  }
  std::unique_lock<std::mutex> lock(mutex);
  std::vector<std::shared_ptr<JobRecord>> newest_first(job_order.rbegin(), job_order.rend());
  json list = json::array();
  size_t end_index = std::min(newest_first.size(), offset + size_t(page_size));
  for (size_t i = offset; i < end_index; ++i) list.push_back(jobJson(*newest_first[i], lock, nullptr));
  json body = {{"jobs", list}};
  if (end_index < newest_first.size()) body["nextPaginationToken"] = "page_" + std::to_string(end_index);
  setJson(res, 200, body);
}

void Emulator::Impl::handleJobAction(const httplib::Request& req, httplib::Response& res) {
  {
    std::lock_guard<std::mutex> lock(mutex);
    if (!jobs.count(req.matches[1])) return reject(res, 404, "Job not found");
  }
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("action") || !body["action"].is_string()) {
    return reject(res, 400, "action is required");
  }
  if (body["action"] == "cancel")
    return reject(res, 400, "Cannot cancel this type of job. Action not permitted.");
  reject(res, 400, "Unknown action: " + body["action"].get<std::string>());
}

}  // namespace texforge::emulator
