// The single I/O thread: one curl multi handle drives every request (connections reused), plus
// timers, so that callers schedule work without ever blocking. Internal to the core.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "texforge/api.h"
#include "texforge/credentials.h"

namespace texforge {

struct HttpRequest {
  std::string method = "GET";
  std::string url;   // absolute
  std::string body;  // sent for POST/PUT
  std::string content_type = "application/json";
  bool authorize = true;             // add Authorization (only ever sent to the API host)
  bool same_host_redirects = false;  // follow 3xx only when it stays on the same scheme+host+port
  // A new connection, closed afterwards. libcurl silently re-sends a request whose reused
  // connection turns out dead before any answer byte arrives; for the paid POST that would be a
  // second charge when the server did get the first one. On a fresh connection it never retries.
  bool fresh_connection = false;
  size_t max_response_bytes = kMaxJsonAnswerBytes;
  // > 0: no low-speed abort; the exchange may take this long in all (the paid POST, whose answer
  // may come late from a slow gateway). 0: the transport's low-speed limit applies.
  double answer_window_s = 0;
};

// Transport failures come back as status 0 with HttpResponse::transport saying why.
using HttpCallback = std::function<void(HttpResponse)>;

struct TransportOptions {
  std::string base_url;  // the API root; the only host that receives credentials
  Credentials credentials;
  std::string project_id;  // appended as ?projectId= to API URLs when set
  std::string ca_file;
  long connect_timeout_ms = 15000;
  long low_speed_bytes = 1;
  long low_speed_time_s = 60;
};

// Scheme, host and port of a URL, lower-cased ("https", "api.cloud.scenario.com", 443).
struct UrlOrigin {
  std::string scheme;
  std::string host;
  int port = 0;
  bool operator==(const UrlOrigin& o) const { return scheme == o.scheme && host == o.host && port == o.port; }
};
bool parseUrlOrigin(const std::string& url, UrlOrigin* origin);
bool isLoopbackHost(const std::string& host);

// Plain http is allowed only to loopback; other schemes are refused.
Status checkUrlPolicy(const std::string& url);

class Transport {
 public:
  explicit Transport(TransportOptions options);
  ~Transport();  // stops the thread; callbacks of unfinished requests are dropped
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Stops and joins the I/O thread; later send/post calls are ignored. Idempotent; not from the I/O thread.
  void shutdown();

  // Queues a request; callback runs on the I/O thread. Any thread.
  void send(HttpRequest request, HttpCallback callback);
  // Runs fn on the I/O thread after delay_s seconds. Any thread.
  void post(std::function<void()> fn, double delay_s = 0.0);

  // base_url + path (+ projectId query).
  std::string apiUrl(const std::string& path, const std::string& query = "") const;
  const std::string& baseUrl() const { return options_.base_url; }
  bool onIoThread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Requests the I/O thread has finished (for stats and benches).
  uint64_t completedRequests() const { return completed_.load(); }

 private:
  struct Impl;
  void run();

  TransportOptions options_;
  UrlOrigin api_origin_;
  std::string authorization_;
  std::unique_ptr<Impl> impl_;
  std::atomic<uint64_t> completed_{0};
  std::thread thread_;
};

}  // namespace texforge
