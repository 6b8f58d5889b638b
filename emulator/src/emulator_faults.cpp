// Fault names, the armed-fault table and the deliberately broken answers. The socket-level faults
// (drop, truncate) really break the connection so clients see transport errors, not clean answers.
#include "emulator_faults.h"

#include <httplib.h>

#include <memory>

#ifdef __linux__
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#endif

namespace texforge::emulator {

const char* routeName(Route route) {
  switch (route) {
    case Route::kAny: return "any";
    case Route::kModels: return "models";
    case Route::kGenerate: return "generate";
    case Route::kDryRun: return "dry_run";
    case Route::kJob: return "job";
    case Route::kJobList: return "job_list";
    case Route::kJobAction: return "job_action";
    case Route::kAsset: return "asset";
    case Route::kUpload: return "upload";
    case Route::kCdn: return "cdn";
    case Route::kUploadStart: return "upload_start";
    case Route::kUploadPart: return "upload_part";
    case Route::kUploadAction: return "upload_action";
    case Route::kUploadStatus: return "upload_status";
  }
  return "unknown";
}

const char* faultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kLatency: return "latency";
    case FaultKind::kTooManyRequests: return "too_many_requests";
    case FaultKind::kParallelLimit: return "parallel_limit";
    case FaultKind::kServerErrorHtml: return "server_error_html";
    case FaultKind::kDropConnection: return "drop_connection";
    case FaultKind::kTruncatedBody: return "truncated_body";
    case FaultKind::kExpiredUrl: return "expired_url";
    case FaultKind::kUnknownStatus: return "unknown_status";
    case FaultKind::kJobFailure: return "job_failure";
    case FaultKind::kMalformedJson: return "malformed_json";
    case FaultKind::kCorruptImage: return "corrupt_image";
    case FaultKind::kOversizedImage: return "oversized_image";
    case FaultKind::kLateAnswer: return "late_answer";
    case FaultKind::kNotFound: return "not_found";
    case FaultKind::kEchoHeaders: return "echo_headers";
    case FaultKind::kSilent: return "silent";
  }
  return "unknown";
}

namespace detail {

namespace {
constexpr Route kRoutes[] = {
    Route::kAny,         Route::kModels,     Route::kGenerate,     Route::kDryRun,      Route::kJob,
    Route::kJobList,     Route::kJobAction,  Route::kAsset,        Route::kUpload,      Route::kCdn,
    Route::kUploadStart, Route::kUploadPart, Route::kUploadAction, Route::kUploadStatus};
constexpr FaultKind kKinds[] = {
    FaultKind::kLatency,         FaultKind::kTooManyRequests, FaultKind::kParallelLimit,
    FaultKind::kServerErrorHtml, FaultKind::kDropConnection,  FaultKind::kTruncatedBody,
    FaultKind::kExpiredUrl,      FaultKind::kUnknownStatus,   FaultKind::kJobFailure,
    FaultKind::kMalformedJson,   FaultKind::kCorruptImage,    FaultKind::kOversizedImage,
    FaultKind::kLateAnswer,      FaultKind::kNotFound,        FaultKind::kEchoHeaders,
    FaultKind::kSilent};

// What the control route accepts: large enough for any test, small enough to catch typos and units.
constexpr int64_t kMaxCount = 1000000;
constexpr int64_t kMaxLatencyMs = 600000;  // 10 minutes
constexpr int64_t kMaxRetryAfterS = 86400;
constexpr int64_t kMinStatus = 400;
constexpr int64_t kMaxStatus = 599;
constexpr const char* kFaultFields[] = {"route",      "kind",          "count", "probability",
                                        "latency_ms", "retry_after_s", "text",  "status"};

// Faults that only delay: they fire alongside one fault of another kind.
bool isDelay(FaultKind kind) {
  return kind == FaultKind::kLatency || kind == FaultKind::kLateAnswer;
}

// cpp-httplib adds these to Request::headers itself; a client never sent them.
bool isServerPseudoHeader(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" || name == "LOCAL_PORT";
}

bool routeMatches(const Fault& fault, Route route) {
  if (fault.route == Route::kAny || fault.route == route) return true;
  // "Make the job fail" naturally targets the job route, but it takes effect when the job is created.
  return fault.kind == FaultKind::kJobFailure && fault.route == Route::kJob && route == Route::kGenerate;
}

void setJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

#ifdef __linux__
int port(const sockaddr_storage& addr) {
  if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(addr).sin_port);
  if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(addr).sin6_port);
  return -1;
}

// cpp-httplib hides the accepted socket from handlers; find it by its two port numbers.
int findConnectionSocket(const httplib::Request& req) {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return -1;
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    sockaddr_storage local{}, peer{};
    socklen_t local_len = sizeof local, peer_len = sizeof peer;
    if (getsockname(int(fd), reinterpret_cast<sockaddr*>(&local), &local_len) != 0) continue;
    if (getpeername(int(fd), reinterpret_cast<sockaddr*>(&peer), &peer_len) != 0) continue;
    if (port(local) == req.local_port && port(peer) == req.remote_port) {
      found = int(fd);
      break;
    }
  }
  closedir(dir);
  return found;
}
#endif

// A provider that sends `bytes` of `body` and then reports failure, which makes cpp-httplib close.
void sendPartially(httplib::Response& res, std::string body, size_t bytes, const std::string& content_type) {
  auto shared = std::make_shared<std::string>(std::move(body));
  size_t total = shared->size();
  res.body.clear();
  res.headers.erase("Content-Type");  // set_content_provider adds its own; a second one would confuse clients
  res.set_content_provider(total, content_type,
                           [shared, bytes](size_t offset, size_t, httplib::DataSink& sink) {
                             if (offset < bytes) sink.write(shared->data() + offset, bytes - offset);
                             return false;
                           });
}
}  // namespace

bool routeFromName(const std::string& name, Route* out) {
  for (Route r : kRoutes) {
    if (name == routeName(r)) {
      *out = r;
      return true;
    }
  }
  return false;
}

bool faultKindFromName(const std::string& name, FaultKind* out) {
  for (FaultKind k : kKinds) {
    if (name == faultKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

bool readBoundedInt(const nlohmann::json& body, const char* name, int64_t min, int64_t max, int* out,
                    std::string* error) {
  if (!body.contains(name)) return true;
  const nlohmann::json& value = body[name];
  bool ok = false;
  int64_t read = 0;
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    ok = u <= uint64_t(max) && (min <= 0 || u >= uint64_t(min));
    read = ok ? int64_t(u) : 0;
  } else if (value.is_number_integer()) {
    read = value.get<int64_t>();
    ok = read >= min && read <= max;
  }
  if (!ok) {
    *error = std::string(name) + " must be an integer between " + std::to_string(min) + " and " +
             std::to_string(max);
    return false;
  }
  *out = int(read);
  return true;
}

bool faultFromJson(const nlohmann::json& body, Fault* out, std::string* error) {
  *out = Fault{};
  if (!body.is_object()) return *error = "body must be a JSON object", false;
  for (auto it = body.begin(); it != body.end(); ++it) {
    bool known = false;
    for (const char* field : kFaultFields) known = known || it.key() == field;
    if (!known) return *error = "unknown field " + it.key(), false;
  }
  try {
    if (body.contains("route") && !routeFromName(body["route"].get<std::string>(), &out->route)) {
      return *error = "unknown route", false;
    }
    if (!body.contains("kind") || !faultKindFromName(body["kind"].get<std::string>(), &out->kind)) {
      return *error = "missing or unknown kind", false;
    }
    out->text = body.value("text", out->text);
  } catch (const nlohmann::json::exception& e) {
    return *error = std::string("bad field type: ") + e.what(), false;
  }
  if (!readBoundedInt(body, "count", -1, kMaxCount, &out->count, error) || out->count == 0) {
    return *error =
               "count must be -1 (every request) or an integer between 1 and " + std::to_string(kMaxCount),
           false;
  }
  if (body.contains("probability")) {
    const nlohmann::json& p = body["probability"];
    if (!p.is_number() || p.get<double>() < 0.0 || p.get<double>() > 1.0) {
      return *error = "probability must be a number between 0 and 1", false;
    }
    out->probability = p.get<double>();
  }
  if (!readBoundedInt(body, "latency_ms", 0, kMaxLatencyMs, &out->latency_ms, error) ||
      !readBoundedInt(body, "retry_after_s", 0, kMaxRetryAfterS, &out->retry_after_s, error) ||
      !readBoundedInt(body, "status", kMinStatus, kMaxStatus, &out->status, error)) {
    return false;
  }
  return true;
}

std::vector<Fault> FaultTable::fire(Route route, std::initializer_list<FaultKind> kinds,
                                    std::map<std::string, int>* injected) {
  std::vector<Fault> fired;
  bool terminal = false;
  for (auto it = faults_.begin(); it != faults_.end();) {
    bool wanted = false;
    for (FaultKind k : kinds) wanted = wanted || it->kind == k;
    const bool delay = isDelay(it->kind);
    if (!wanted || !routeMatches(*it, route) || (terminal && !delay) || it->count == 0) {
      ++it;
      continue;
    }
    // Always draw, so a fault's dice do not depend on whether an earlier one fired.
    double roll = double(rng_() >> 11) * (1.0 / 9007199254740992.0);
    if (roll >= it->probability) {
      ++it;
      continue;
    }
    fired.push_back(*it);
    (*injected)[faultKindName(it->kind)]++;
    terminal = terminal || !delay;
    if (it->count > 0 && --it->count == 0) {
      it = faults_.erase(it);
    } else {
      ++it;
    }
  }
  return fired;
}

void answerTooManyRequests(const Fault& fault, httplib::Response& res) {
  res.set_header("Retry-After", std::to_string(fault.retry_after_s));
  setJson(res, 429, {{"reason", "Too many requests"}, {"remainingSeconds", fault.retry_after_s}});
}

void answerParallelLimit(const Fault& fault, httplib::Response& res) {
  res.set_header("Retry-After", std::to_string(fault.retry_after_s));
  setJson(res, 429,
          {{"reason", "You have reached the maximum number of parallel custom jobs for your plan."},
           {"details", {{"actionName", "parallel-custom-jobs"}, {"actionLimit", 5}}}});
}

void answerServerErrorHtml(httplib::Response& res) {
  res.status = 502;
  res.set_content(
      "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
      "</center>\r\n</body>\r\n</html>\r\n",
      "text/html");
}

void answerMalformedJson(httplib::Response& res) {
  res.status = 200;
  res.set_content("{\"job\": {\"jobId\": \"job_", "application/json");
}

void answerNotFound(Route route, httplib::Response& res) {
  const char* reason = "Not found";
  switch (route) {
    case Route::kModels:
    case Route::kGenerate:
    case Route::kDryRun: reason = "Model not found"; break;
    case Route::kJob:
    case Route::kJobAction: reason = "Job not found"; break;
    case Route::kAsset: reason = "Asset not found"; break;
    case Route::kUploadPart:
    case Route::kUploadAction:
    case Route::kUploadStatus: reason = "Upload not found"; break;
    default: break;
  }
  setJson(res, 404, {{"reason", reason}});
}

void answerEchoHeaders(const Fault& fault, const httplib::Request& req, httplib::Response& res) {
  std::string echoed = req.method + " " + req.path + " HTTP/1.1\n";
  for (const auto& header : req.headers) {
    if (!isServerPseudoHeader(header.first)) echoed += header.first + ": " + header.second + "\n";
  }
  setJson(res, fault.status > 0 ? fault.status : 400,
          {{"reason", "The gateway could not process this request:\n" + echoed}});
}

void dropConnection(const httplib::Request& req, httplib::Response& res) {
#ifdef __linux__
  int fd = findConnectionSocket(req);
  if (fd >= 0) {
    ::shutdown(fd, SHUT_RDWR);
    sendPartially(res, "x", 0, "application/json");
    return;
  }
#else
  (void)req;
#endif
  // Fallback: the status line goes out, the promised body never does.
  sendPartially(res, std::string(64, ' '), 0, "application/json");
}

void truncateBody(httplib::Response& res) {
  std::string body = res.body;
  std::string type = res.get_header_value("Content-Type");
  if (body.size() < 2) body = "{\"reason\": \"truncated\"}";
  size_t half = body.size() / 2;
  sendPartially(res, std::move(body), half, type.empty() ? "application/json" : type);
}

}  // namespace detail
}  // namespace texforge::emulator
