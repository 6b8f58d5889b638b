// The Emulator's public face: starting and stopping the cpp-httplib server on its own thread, run-time
// settings, statistics, and the unauthenticated /_emulator control routes tests and scripts use.
#include "texforge/emulator/emulator.h"

#include <csignal>
#include <cstdio>
#include <ctime>

#include <sys/socket.h>

#include "emulator_impl.h"

namespace texforge::emulator {

using nlohmann::json;

namespace {

// Above the inline route's 3.5 MB cap (so it can answer 413 itself) and the size of an 8 MiB upload part.
constexpr size_t kMaxPayloadBytes = 64u << 20;
constexpr time_t kKeepAliveSeconds = 2;  // short, so stop() never waits long on idle clients
// cpp-httplib closes a connection after 5 requests unless told: clients that poll would reconnect
// every fifth poll, and a benchmark would measure the reconnects.
constexpr size_t kKeepAliveMaxRequests = 100000;
// Each connection takes a worker for as long as it is open, idle keep-alive included, and faults hold
// some for minutes; cpp-httplib's default (8 on a small machine) would let a few slow clients stall
// everyone else.
constexpr size_t kWorkerThreads = 64;
constexpr int kListenBacklog = 128;
// What /_emulator/config accepts.
constexpr int64_t kMaxJobDurationMs = 3600000;  // an hour
constexpr int64_t kMaxUrlTtlS = 7 * 86400;      // a week

bool validFormat(const std::string& format) {
  return format == "png" || format == "jpeg" || format == "webp";
}

// cpp-httplib 0.11 writes with plain send(): a client that hangs up would raise SIGPIPE and kill the
// process. Ignore it, but only if nobody installed a handler of their own.
void ignoreSigpipe() {
  struct sigaction current {};
  if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, nullptr);
  }
}

uint64_t randomSeed() {
  std::random_device device;
  return (uint64_t(device()) << 32) ^ device() ^
         uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
}

void setJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

std::string isoTime(std::chrono::system_clock::time_point when) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  time_t seconds = time_t(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buf[96];  // sized for any int fields, so the compiler can prove no truncation
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, int(ms % 1000));
  return buf;
}

Emulator::Impl::Impl(EmulatorOptions opts)
    : options(std::move(opts)), faults(options.seed), id_rng(randomSeed()), signer(randomSeed()) {}

std::string Emulator::Impl::scheme() const {
  return options.cert_file.empty() || options.key_file.empty() ? "http" : "https";
}

std::string Emulator::Impl::publicHost() const {
  // A wildcard bind is reached through loopback; anything else is reached as given.
  if (options.host.empty() || options.host == "0.0.0.0" || options.host == "::") return "127.0.0.1";
  return options.host;
}

json Emulator::Impl::statsJsonLocked() const {
  return {{"requests_per_route", stats.requests_per_route},
          {"generate_posts", stats.generate_posts},
          {"generate_posts_per_body", stats.generate_posts_per_body},
          {"generate_posts_per_prompt", stats.generate_posts_per_prompt},
          {"jobs_created", stats.jobs_created},
          {"cdn_requests", stats.cdn_requests},
          {"cdn_authorization_headers", stats.cdn_authorization_headers},
          {"upload_part_puts", stats.upload_part_puts},
          {"upload_part_authorization_headers", stats.upload_part_authorization_headers},
          {"uploads_imported", stats.uploads_imported},
          {"unauthorized", stats.unauthorized},
          {"faults_injected", stats.faults_injected},
          {"last_generate_bodies", stats.last_generate_bodies}};
}

void Emulator::Impl::registerControlRoutes() {
  server->Get("/_emulator/stats", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    setJson(res, 200, statsJsonLocked());
  });
  server->Post("/_emulator/reset", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    stats = Stats{};
    setJson(res, 200, {{"ok", true}});
  });
  server->Post("/_emulator/faults", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    Fault fault;
    std::string why;
    if (!detail::faultFromJson(body, &fault, &why)) return setJson(res, 400, {{"reason", why}});
    std::lock_guard<std::mutex> lock(mutex);
    faults.add(fault);
    setJson(res, 200, {{"ok", true}});
  });
  server->Delete("/_emulator/faults", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mutex);
    faults.clear();
    setJson(res, 200, {{"ok", true}});
  });
  server->Post("/_emulator/config", [this](const httplib::Request& req, httplib::Response& res) {
    json body = json::parse(req.body, nullptr, false);
    if (!body.is_object()) return setJson(res, 400, {{"reason", "body must be a JSON object"}});
    std::lock_guard<std::mutex> lock(mutex);
    // Everything is checked before anything changes, so a refused request changes nothing.
    EmulatorOptions next = options;
    if (body.contains("output_format")) {
      const json& f = body["output_format"];
      if (!f.is_string() || !validFormat(f.get<std::string>())) {
        return setJson(res, 400, {{"reason", "output_format must be png, jpeg or webp"}});
      }
      next.output_format = f.get<std::string>();
    }
    std::string why;
    if (!detail::readBoundedInt(body, "job_duration_ms", 0, kMaxJobDurationMs, &next.job_duration_ms, &why) ||
        !detail::readBoundedInt(body, "url_ttl_s", 0, kMaxUrlTtlS, &next.url_ttl_s, &why)) {
      return setJson(res, 400, {{"reason", why}});
    }
    if (body.contains("transparent_background_supported")) {
      if (!body["transparent_background_supported"].is_boolean()) {
        return setJson(res, 400, {{"reason", "transparent_background_supported must be a boolean"}});
      }
      next.transparent_background_supported = body["transparent_background_supported"].get<bool>();
    }
    for (auto [name, flag] : {std::pair{"visible_seams", &next.visible_seams},
                              std::pair{"ignore_transparency", &next.ignore_transparency}}) {
      if (!body.contains(name)) continue;
      if (!body[name].is_boolean())
        return setJson(res, 400, {{"reason", std::string(name) + " must be a boolean"}});
      *flag = body[name].get<bool>();
    }
    options = next;
    setJson(res, 200,
            {{"output_format", options.output_format},
             {"job_duration_ms", options.job_duration_ms},
             {"url_ttl_s", options.url_ttl_s},
             {"transparent_background_supported", options.transparent_background_supported},
             {"visible_seams", options.visible_seams},
             {"ignore_transparency", options.ignore_transparency}});
  });
}

Emulator::Emulator(EmulatorOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Emulator::~Emulator() {
  stop();
}

bool Emulator::start() {
  Impl& s = *impl_;
  if (s.server) return true;
  ignoreSigpipe();
  s.error.clear();
  if (s.scheme() == "https") {
    s.server = std::make_unique<httplib::SSLServer>(s.options.cert_file.c_str(), s.options.key_file.c_str());
  } else {
    s.server = std::make_unique<httplib::Server>();
  }
  if (!s.server->is_valid()) {
    s.error = "cannot load the TLS certificate or key";
    s.server.reset();
    return false;
  }
  // cpp-httplib's default also sets SO_REUSEPORT, which lets a second emulator silently share a busy
  // port; keep only SO_REUSEADDR so restarting right after a stop still works.
  auto listening = std::make_shared<socket_t>(INVALID_SOCKET);
  s.server->set_socket_options([listening](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    *listening = sock;
  });
  s.server->set_payload_max_length(kMaxPayloadBytes);
  s.server->set_keep_alive_timeout(kKeepAliveSeconds);
  s.server->set_keep_alive_max_count(kKeepAliveMaxRequests);
  s.server->new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  if (!s.options.compress_json) {
    // cpp-httplib compresses every JSON answer the client accepts compressed, and offers no switch;
    // without the request's Accept-Encoding it sends them plain. The request is the server's own
    // object, handed to this hook as const only by convention.
    s.server->set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
      const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
      return httplib::Server::HandlerResponse::Unhandled;
    });
  }
  s.server->set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        setJson(res, res.status, {{"reason", res.status == 404 ? "Not found" : "Error"}});
        return httplib::Server::HandlerResponse::Handled;
      }));
  if (!s.options.quiet) {
    // Path only: the query of a CDN URL is a bearer secret and must never reach a log.
    s.server->set_logger([](const httplib::Request& req, const httplib::Response& res) {
      std::fprintf(stderr, "texforge-emulator: %s %s -> %d\n", req.method.c_str(), req.path.c_str(),
                   res.status);
    });
  }
  s.registerControlRoutes();
  s.registerApiRoutes();

  int bound = -1;
  if (s.options.port == 0) {
    bound = s.server->bind_to_any_port(s.options.host);
  } else if (s.server->bind_to_port(s.options.host, s.options.port)) {
    bound = s.options.port;
  }
  if (bound <= 0) {
    s.error = "cannot bind " + s.options.host + ":" + std::to_string(s.options.port);
    s.server.reset();
    return false;
  }
  // cpp-httplib 0.11 listens with a backlog of 5: in a burst of connections the kernel drops the
  // rest's SYNs and clients retry a second later. Listening again only widens the queue.
  if (*listening != INVALID_SOCKET) ::listen(*listening, kListenBacklog);
  s.port = bound;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stopping = false;
  }
  s.startRenderers();
  httplib::Server* server = s.server.get();
  s.thread = std::thread([server] { server->listen_after_bind(); });
  // stop() is a no-op until the accept loop runs, so do not return before it does. The socket
  // already listens, so clients connecting meanwhile just wait in the backlog.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!server->is_running() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (!server->is_running()) {
    s.error = "the server thread did not start";
    stop();
    return false;
  }
  return true;
}

void Emulator::stop() {
  Impl& s = *impl_;
  if (!s.server) return;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.stopping = true;  // wakes handlers sleeping on injected latency
  }
  s.changed.notify_all();
  s.counted.notify_all();
  s.render_wanted.notify_all();
  s.server->stop();
  if (s.thread.joinable()) s.thread.join();
  s.stopRenderers();
  s.server.reset();
  s.port = 0;
}

const std::string& Emulator::error() const {
  return impl_->error;
}

std::string Emulator::baseUrl() const {
  return impl_->scheme() + "://" + impl_->publicHost() + ":" + std::to_string(impl_->port) + "/v1";
}

int Emulator::port() const {
  return impl_->port;
}

void Emulator::addFault(const Fault& fault) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->faults.add(fault);
}

void Emulator::clearFaults() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->faults.clear();
}

void Emulator::setOutputFormat(const std::string& format) {
  if (!validFormat(format)) return;
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->options.output_format = format;
}

void Emulator::setJobDurationMs(int ms) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->options.job_duration_ms = ms < 0 ? 0 : ms;
}

Stats Emulator::stats() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->stats;
}

std::string Emulator::statsJson() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->statsJsonLocked().dump();
}

void Emulator::resetStats() {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->stats = Stats{};
}

bool Emulator::waitForHeldRequests(size_t n, std::chrono::milliseconds deadline) const {
  Impl& s = *impl_;
  std::unique_lock<std::mutex> lock(s.mutex);
  s.counted.wait_for(lock, deadline, [&] { return s.stopping || s.held >= n; });
  return s.held >= n;
}

bool Emulator::waitForRequests(size_t n, std::chrono::milliseconds deadline) const {
  Impl& s = *impl_;
  auto seen = [&] {
    size_t total = 0;
    for (const auto& route : s.stats.requests_per_route) total += size_t(route.second);
    return total >= n;
  };
  std::unique_lock<std::mutex> lock(s.mutex);
  s.counted.wait_for(lock, deadline, [&] { return s.stopping || seen(); });
  return seen();
}

}  // namespace texforge::emulator
