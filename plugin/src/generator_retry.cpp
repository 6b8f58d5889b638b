// One retry loop for every idempotent request (GETs, uploads, downloads): network errors, 408,
// 429, 5xx and 2xx answers with a torn or foreign body are sent again after a backoff with full
// jitter, or after the server's Retry-After. The paid POST never comes here.
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "generator_impl.h"

namespace texforge {
namespace {

// Why an answer is worth asking again, in words (the caller redacts before the sink).
std::string retryReason(const HttpResponse& response, RetryPolicy::Body body) {
  if (response.status == 0) {
    return response.transport.text.empty() ? std::string("no answer") : response.transport.text;
  }
  if (isSuccessStatus(response.status)) {
    return "HTTP " + std::to_string(response.status) + " with " +
           (body == RetryPolicy::Body::kJson ? "a body that is not JSON" : "a body that is not an image");
  }
  return "HTTP " + std::to_string(response.status);
}

// What was asked: the API call by its URL (the sink's redaction drops its query), a download or an
// upload part by its host only, since a signed URL's path and query are its credential.
std::string requestForLog(const HttpRequest& request) {
  if (request.authorize) return request.method + " " + request.url;
  UrlOrigin origin;
  const std::string what = request.method == "PUT" ? "an upload part" : "a download";
  if (!parseUrlOrigin(request.url, &origin)) return what;
  return what + (request.method == "PUT" ? " to " : " from ") + origin.scheme + "://" + origin.host;
}

}  // namespace

RetryPolicy GeneratorImpl::retryPolicy(RetryPolicy::Body body) const {
  RetryPolicy policy;
  policy.max_attempts = std::max(1, options_.max_attempts);
  policy.body = body;
  return policy;
}

bool GeneratorImpl::isRetryable(const HttpResponse& response, RetryPolicy::Body body) {
  const int s = response.status;
  if (s == 0)
    return response.transport.kind != TransportError::Kind::kTlsRefused;  // untrusted stays untrusted
  if (s == 408 || s == 429 || s >= 500) return true;
  if (!isSuccessStatus(s) || body == RetryPolicy::Body::kAny) return false;
  if (body == RetryPolicy::Body::kJson) return !nlohmann::json::accept(response.body);
  const auto* data = reinterpret_cast<const uint8_t*>(response.body.data());
  return sniffImageFormat(data, response.body.size()) == ImageFormat::kUnknown;
}

double GeneratorImpl::backoffDelay(int attempt, const HttpResponse& response) {
  const double hinted = retryAfterSeconds(response);
  if (hinted >= 0) return std::min(hinted, options_.max_retry_wait_s);
  const double cap = std::min(30.0, options_.retry_base_s * std::pow(2.0, attempt));
  std::uniform_real_distribution<double> jitter(0.0, cap);
  return jitter(rng_);
}

void GeneratorImpl::sendWithRetry(HttpRequest request, RetryPolicy policy,
                                  std::function<void(HttpResponse, int)> done, int attempt,
                                  int64_t started_ms) {
  if (started_ms == 0) started_ms = nowMs();
  HttpRequest copy = request;  // kept for the next attempt
  transport_->send(std::move(copy), [this, request = std::move(request), policy, done = std::move(done),
                                     attempt, started_ms](HttpResponse response) mutable {
    // A server that takes requests and never answers is not asked again and again: the caller
    // hears of it within about silent_server_s.
    const bool silent = response.transport.kind == TransportError::Kind::kTimedOut &&
                        nowMs() - started_ms >= static_cast<int64_t>(options_.silent_server_s * 500);
    if (!silent && isRetryable(response, policy.body) && attempt + 1 < policy.max_attempts) {
      ++retries_;
      const double delay = backoffDelay(attempt, response);
      if (options_.log) {
        log(LogLevel::kWarning, requestForLog(request) + ": " + retryReason(response, policy.body) +
                                    "; attempt " + std::to_string(attempt + 2) + " of " +
                                    std::to_string(policy.max_attempts) + " in " +
                                    shortNumber(std::round(delay * 1000) / 1000) + " s");
      }
      transport_->post(
          [this, request = std::move(request), policy, done = std::move(done), attempt,
           started_ms]() mutable {
            sendWithRetry(std::move(request), policy, std::move(done), attempt + 1, started_ms);
          },
          delay);
      return;
    }
    done(std::move(response), attempt + 1);
  });
}

}  // namespace texforge
