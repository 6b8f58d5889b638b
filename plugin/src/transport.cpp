// The curl multi loop on one I/O thread, with timers and a wake-up for new work.
// Every curl handle has one owner; credentials go only to the API origin; TLS verification stays on.
#include "transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <queue>

namespace texforge {
namespace {

using Clock = std::chrono::steady_clock;

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};
void ensureCurlGlobal() {
  static CurlGlobal global;
}

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

bool parseUrlOrigin(const std::string& url, UrlOrigin* origin) {
  std::unique_ptr<CURLU, UrlDeleter> handle(curl_url());
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) return false;
  auto part = [&](CURLUPart which, unsigned flags) -> std::string {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, flags) != CURLUE_OK || !value) return {};
    std::string out = value;
    curl_free(value);
    return out;
  };
  origin->scheme = lower(part(CURLUPART_SCHEME, 0));
  origin->host = lower(part(CURLUPART_HOST, 0));
  std::string port = part(CURLUPART_PORT, CURLU_DEFAULT_PORT);
  origin->port = port.empty() ? 0 : std::atoi(port.c_str());
  return !origin->scheme.empty() && !origin->host.empty();
}

bool isLoopbackHost(const std::string& host) {
  std::string h = lower(host);
  if (h == "localhost" || h == "::1" || h == "[::1]") return true;
  return h.rfind("127.", 0) == 0 && h.find_first_not_of("0123456789.") == std::string::npos;
}

Status checkUrlPolicy(const std::string& url) {
  UrlOrigin origin;
  if (!parseUrlOrigin(url, &origin)) {
    return makeError(ErrorCode::kInvalidArgument, "not a valid URL: " + url.substr(0, url.find('?')));
  }
  if (origin.scheme == "https") return Ok{};
  if (origin.scheme == "http" && isLoopbackHost(origin.host)) return Ok{};
  if (origin.scheme == "http") {
    return makeError(ErrorCode::kInsecure, "refusing plain http to " + origin.host +
                                               ": use https (plain http is allowed only for localhost)");
  }
  return makeError(ErrorCode::kInsecure, "refusing URL scheme \"" + origin.scheme + "\": only https is used");
}

struct Transport::Impl {
  struct Transfer {
    HttpRequest request;
    HttpCallback callback;
    EasyPtr easy;
    SlistPtr headers;
    HttpResponse response;
    bool too_large = false;
    int redirects = 0;
    char error[CURL_ERROR_SIZE] = {0};
  };
  struct Timer {
    Clock::time_point due;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Timer& o) const { return due != o.due ? due > o.due : seq > o.seq; }
  };

  CURLM* multi = nullptr;
  std::mutex mutex;
  std::vector<std::pair<HttpRequest, HttpCallback>> incoming;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> timers;
  uint64_t timer_seq = 0;
  std::map<CURL*, std::unique_ptr<Transfer>> active;
  bool stopping = false;

  static size_t onBody(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    if (t->response.body.size() + n > t->request.max_response_bytes) {
      t->too_large = true;
      return 0;  // aborts the transfer
    }
    t->response.body.append(data, n);
    return n;
  }

  static size_t onHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    std::string line(data, n);
    if (line.rfind("HTTP/", 0) == 0) {
      t->response.headers.clear();  // a new response (after 100-continue or a redirect)
      return n;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return n;
    std::string name = lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    auto first = value.find_first_not_of(" \t");
    auto last = value.find_last_not_of(" \t\r\n");
    value = first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
    t->response.headers[name] = value;
    return n;
  }
};

Transport::Transport(TransportOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  ensureCurlGlobal();
  while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
  parseUrlOrigin(options_.base_url, &api_origin_);
  if (!options_.credentials.empty())
    authorization_ = "Authorization: " + basicAuthorization(options_.credentials);
  impl_->multi = curl_multi_init();
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
  thread_ = std::thread([this] { run(); });
}

void Transport::shutdown() {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  if (thread_.joinable()) thread_.join();
}

Transport::~Transport() {
  shutdown();
  for (auto& [easy, transfer] : impl_->active) curl_multi_remove_handle(impl_->multi, easy);
  impl_->active.clear();
  curl_multi_cleanup(impl_->multi);
}

std::string Transport::apiUrl(const std::string& path, const std::string& query) const {
  std::string url = options_.base_url + path;
  std::string q = query;
  if (!options_.project_id.empty()) {
    q += (q.empty() ? "" : "&") + std::string("projectId=") + options_.project_id;
  }
  if (!q.empty()) url += "?" + q;
  return url;
}

void Transport::send(HttpRequest request, HttpCallback callback) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->incoming.emplace_back(std::move(request), std::move(callback));
  }
  curl_multi_wakeup(impl_->multi);
}

void Transport::post(std::function<void()> fn, double delay_s) {
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopping) return;
    auto delay =
        std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(0.0, delay_s)));
    impl_->timers.push(Impl::Timer{Clock::now() + delay, impl_->timer_seq++, std::move(fn)});
  }
  curl_multi_wakeup(impl_->multi);
}

void Transport::run() {
  Impl& im = *impl_;

  auto start_transfer = [&](HttpRequest request, HttpCallback callback, int redirects) {
    auto t = std::make_unique<Impl::Transfer>();
    t->redirects = redirects;
    t->request = std::move(request);
    t->callback = std::move(callback);
    if (Status policy = checkUrlPolicy(t->request.url); !policy) {
      HttpResponse refused;
      refused.transport = {TransportError::Kind::kNotSent, policy.error().message};
      t->callback(std::move(refused));
      return;
    }
    t->easy.reset(curl_easy_init());
    CURL* h = t->easy.get();
    curl_easy_setopt(h, CURLOPT_URL, t->request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str());
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    if (t->request.answer_window_s > 0) {
      curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(t->request.answer_window_s * 1000));
    } else {
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
      curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    }
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, "texforge/0.1");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Impl::onBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Impl::onHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->error);
    if (t->request.fresh_connection) {
      curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
      curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    }
    curl_slist* headers = nullptr;
    UrlOrigin origin;
    const bool to_api = parseUrlOrigin(t->request.url, &origin) && origin == api_origin_;
    if (t->request.authorize && to_api && !authorization_.empty()) {
      headers = curl_slist_append(headers, authorization_.c_str());
    }
    headers = curl_slist_append(headers, "Accept: application/json, image/*;q=0.9, */*;q=0.5");
    if (t->request.method == "POST" || t->request.method == "PUT") {
      headers = curl_slist_append(headers, ("Content-Type: " + t->request.content_type).c_str());
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(t->request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, t->request.body.data());
      if (t->request.method == "PUT") curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "PUT");
      headers = curl_slist_append(headers, "Expect:");
    } else if (t->request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, t->request.method.c_str());
    }
    t->headers.reset(headers);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_multi_add_handle(im.multi, h);
    im.active.emplace(h, std::move(t));
  };

  auto finish_transfer = [&](CURL* easy, CURLcode code) {
    auto it = im.active.find(easy);
    if (it == im.active.end()) return;
    std::unique_ptr<Impl::Transfer> t = std::move(it->second);
    im.active.erase(it);
    curl_multi_remove_handle(im.multi, easy);
    long status = 0;
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    HttpResponse response = std::move(t->response);
    if (code != CURLE_OK) {
      response.status = 0;
      if (t->too_large) {
        response.body.clear();
        response.transport = {
            TransportError::Kind::kLost,
            "the answer was larger than " + std::to_string(t->request.max_response_bytes) + " bytes"};
      } else {
        // The error buffer may name the URL; keep only curl's words, never the signed query.
        std::string detail = t->error[0] ? t->error : curl_easy_strerror(code);
        auto q = detail.find('?');
        if (q != std::string::npos) detail = detail.substr(0, q);
        response.body.clear();
        const bool tls_refused = code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE;
        const bool never_sent = code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_RESOLVE_PROXY ||
                                code == CURLE_COULDNT_CONNECT || code == CURLE_SSL_CONNECT_ERROR ||
                                code == CURLE_SSL_CERTPROBLEM || code == CURLE_UNSUPPORTED_PROTOCOL;
        using Kind = TransportError::Kind;
        if (code == CURLE_OPERATION_TIMEDOUT && !never_sent) {
          // Name the server and the real wait: "operation too slow" tells a user nothing.
          UrlOrigin origin;
          parseUrlOrigin(t->request.url, &origin);
          const long waited = t->request.answer_window_s > 0 ? static_cast<long>(t->request.answer_window_s)
                                                             : options_.low_speed_time_s;
          detail = "the server at " + origin.scheme + "://" + origin.host + ":" +
                   std::to_string(origin.port) + " took the request but gave no answer for " +
                   std::to_string(waited) + " s";
        }
        response.transport = {tls_refused                        ? Kind::kTlsRefused
                              : never_sent                       ? Kind::kNotSent
                              : code == CURLE_OPERATION_TIMEDOUT ? Kind::kTimedOut
                                                                 : Kind::kLost,
                              detail};
      }
    } else {
      response.status = static_cast<int>(status);
      if (status >= 300 && status < 400) {
        char* target = nullptr;
        curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &target);
        UrlOrigin from, to;
        const bool same =
            target && parseUrlOrigin(t->request.url, &from) && parseUrlOrigin(target, &to) && from == to;
        if (t->request.same_host_redirects && same && t->redirects < 5) {
          HttpRequest next = t->request;
          next.url = target;
          start_transfer(std::move(next), std::move(t->callback), t->redirects + 1);
          return;
        }
        response.status = 0;
        response.body.clear();
        response.transport = {TransportError::Kind::kLost, "refused a redirect to another host"};
      }
    }
    completed_.fetch_add(1);
    t->callback(std::move(response));
  };

  for (;;) {
    std::vector<std::pair<HttpRequest, HttpCallback>> incoming;
    std::vector<std::function<void()>> due;
    // Nothing due: sleep until a timer, a transfer or a wakeup (send, post, stop) needs the loop; the
    // minute is only a safety net, so an idle engine costs no periodic wake-ups.
    Clock::time_point next_due = Clock::now() + std::chrono::seconds(60);
    {
      std::lock_guard<std::mutex> lock(im.mutex);
      if (im.stopping) break;
      incoming.swap(im.incoming);
      const auto now = Clock::now();
      while (!im.timers.empty() && im.timers.top().due <= now) {
        due.push_back(std::move(const_cast<Impl::Timer&>(im.timers.top()).fn));
        im.timers.pop();
      }
      if (!im.timers.empty()) next_due = std::min(next_due, im.timers.top().due);
    }
    for (auto& fn : due) fn();
    for (auto& [request, callback] : incoming) start_transfer(std::move(request), std::move(callback), 0);

    int running = 0;
    curl_multi_perform(im.multi, &running);
    int queued = 0;
    while (CURLMsg* msg = curl_multi_info_read(im.multi, &queued)) {
      if (msg->msg == CURLMSG_DONE) finish_transfer(msg->easy_handle, msg->data.result);
    }

    bool more_work;
    {
      std::lock_guard<std::mutex> lock(im.mutex);
      more_work = !im.incoming.empty() || (!im.timers.empty() && im.timers.top().due <= Clock::now());
      if (!im.timers.empty()) next_due = std::min(next_due, im.timers.top().due);
    }
    if (more_work) continue;
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next_due - Clock::now()).count();
    int timeout_ms = static_cast<int>(std::clamp<long long>(wait, 0, 60000));
    if (running > 0) {
      long curl_timeout = -1;
      curl_multi_timeout(im.multi, &curl_timeout);
      if (curl_timeout >= 0) timeout_ms = std::min<int>(timeout_ms, static_cast<int>(curl_timeout));
    }
    curl_multi_poll(im.multi, nullptr, 0, timeout_ms, nullptr);
  }
}

}  // namespace texforge
