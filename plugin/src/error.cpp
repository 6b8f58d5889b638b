// Stable names for error codes, used in logs, the journal and --json output.
// Kept in one switch so a new code without a name fails to compile with -Wswitch.
#include "texforge/error.h"

namespace texforge {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "ok";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kCredentials: return "credentials";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kRateLimited: return "rate_limited";
    case ErrorCode::kServer: return "server";
    case ErrorCode::kNetwork: return "network";
    case ErrorCode::kProtocol: return "protocol";
    case ErrorCode::kJobFailed: return "job_failed";
    case ErrorCode::kJobCanceled: return "job_canceled";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kStopped: return "stopped";
    case ErrorCode::kUnknownSubmission: return "unknown_submission";
    case ErrorCode::kDecode: return "decode";
    case ErrorCode::kIo: return "io";
    case ErrorCode::kInsecure: return "insecure";
    case ErrorCode::kCanceled: return "canceled";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace texforge
