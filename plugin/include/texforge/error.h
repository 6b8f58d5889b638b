// Error values and Result<T>: every expected failure in texforge is a value, never an exception.
// Tests assert on Error::code; message is for people and never contains credentials.
#pragma once
#include "texforge/export.h"

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace texforge {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,    // the caller's input is wrong (bad size, prompt empty, mask without alpha...)
  kCredentials,        // missing or rejected API key/secret (HTTP 401)
  kForbidden,          // 403: key not allowed on the project or model; retrying never helps
  kNotFound,           // 404 or a missing local file
  kRateLimited,        // 429
  kServer,             // 5xx or a gateway page
  kNetwork,            // transport failure: DNS, connect, reset, timeout
  kProtocol,           // the answer was malformed (bad JSON, missing fields, too large)
  kJobFailed,          // the service reported the job as failed (message carries its reason)
  kJobCanceled,        // the service reported the job as canceled
  kTimeout,            // the per-job deadline passed
  kStopped,            // the user stopped waiting
  kUnknownSubmission,  // the paid POST's answer was lost: it may have started
  kDecode,             // corrupt, truncated, unsupported or oversized image
  kIo,                 // disk: read-only, full, permission
  kInsecure,           // refused by transport policy (http to a remote host, redirect off-host)
  kCanceled,           // the engine shut down before the operation finished
  kInternal,           // a bug
};

// Short stable name of a code ("credentials", "job_failed"...), for logs and --json output.
TEXFORGE_CORE_API const char* errorCodeName(ErrorCode code);

struct TEXFORGE_CORE_API Error {
  ErrorCode code = ErrorCode::kInternal;
  int http_status = 0;  // 0 when no HTTP answer was involved
  std::string message;  // what went wrong and what to do, in words a user understands
};

// Either a T or an Error. Accessing the wrong alternative is a bug (asserts).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const {
    assert(ok());
    return std::get<0>(v_);
  }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, Error> v_;
};

// Result of an operation that returns nothing on success.
struct TEXFORGE_CORE_API Ok {};
using Status = Result<Ok>;

inline Error makeError(ErrorCode code, std::string message, int http_status = 0) {
  return Error{code, http_status, std::move(message)};
}

}  // namespace texforge
