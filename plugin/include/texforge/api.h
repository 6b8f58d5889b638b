// The Scenario REST API as data: building request bodies and parsing answers, with no I/O.
// Pure functions, callable from any thread; the engine and the tests share them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/params.h"

namespace texforge {

inline constexpr const char* kDefaultBaseUrl = "https://api.cloud.scenario.com/v1";
// The endpoint when none is set: $SCENARIO_API_URL when read_environment and it is set, else
// kDefaultBaseUrl. What createGenerator uses, and a Settings page that names it.
TEXFORGE_CORE_API std::string defaultBaseUrl(bool read_environment);
inline constexpr size_t kMaxJsonAnswerBytes = 8u << 20;  // larger API answers are refused

// Why an exchange has no HTTP answer (status 0). Kept apart from the body, which is only ever
// what a server sent, as cpr keeps its Error apart from the Response.
struct TEXFORGE_CORE_API TransportError {
  enum class Kind {
    kNone,        // an HTTP answer arrived
    kNotSent,     // failed before the request left: DNS, connect, proxy, TLS handshake
    kTlsRefused,  // the server's certificate was not trusted (also never sent)
    kLost,        // sent, then the connection failed or the answer was refused
    kTimedOut,    // sent, then nothing (or too little) came back within the allowed time
  };
  Kind kind = Kind::kNone;
  std::string text;  // what went wrong, never naming a signed URL
};

// A finished HTTP exchange as the parsers see it.
struct TEXFORGE_CORE_API HttpResponse {
  int status = 0;  // 0: no answer; transport says why
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  TransportError transport;
  std::string header(const std::string& lower_name) const;
  // The request cannot have reached the server (so a paid POST cannot have started).
  bool neverSent() const {
    return transport.kind == TransportError::Kind::kNotSent ||
           transport.kind == TransportError::Kind::kTlsRefused;
  }
};

enum class JobPhase { kRunning, kSuccess, kFailure, kCanceled };

// Known terminal statuses map to their phase; everything else (known running statuses and any
// status this client has never seen) is kRunning, so a new server status never loses a job.
TEXFORGE_CORE_API JobPhase classifyJobStatus(const std::string& status);

struct TEXFORGE_CORE_API JobInfo {
  std::string job_id;
  std::string status;  // as the server said it
  JobPhase phase = JobPhase::kRunning;
  double progress = 0.0;  // 0..1
  std::vector<std::string> asset_ids;
  std::string error;   // failure text when the server gave one
  double cost = -1.0;  // creative units, -1 when unknown
  std::string created_at;
  int64_t created_at_ms = 0;  // parsed createdAt, 0 when absent
  int64_t updated_at_ms = 0;  // parsed updatedAt (a finished job's end), 0 when absent
  std::string model_id;       // modelId, when the answer names it
  std::string prompt;         // metadata.input.prompt, when the answer echoes the input (job lists do)
};

// Milliseconds since the epoch of an ISO 8601 UTC time ("2026-11-25T09:13:11.5Z"); 0 when unparsable.
TEXFORGE_CORE_API int64_t parseIsoTimeMs(const std::string& text);

struct TEXFORGE_CORE_API AssetInfo {
  std::string id;
  std::string url;  // signed CDN URL: a bearer secret, never logged or persisted
  std::string mime_type;
  int width = 0;
  int height = 0;
};

struct TEXFORGE_CORE_API Quote {
  double creative_units = 0.0;
  double discount = 0.0;
};

// Body of POST /generate/custom/{model}: flat JSON, arrays always arrays. Asset ids must be
// resolved (local files uploaded) by the caller.
TEXFORGE_CORE_API std::string buildGenerateBody(const GenerationParams& params,
                                                const std::vector<std::string>& reference_ids,
                                                const std::string& mask_id);

// Body of POST /assets for an upload: {"image": "data:<mime>;base64,...", "name": ...}.
TEXFORGE_CORE_API std::string buildUploadBody(const std::string& file_name, const std::string& mime,
                                              const std::string& bytes);

// Parsers. Each accepts any 2xx; non-2xx yields errorFromResponse(). Malformed JSON -> kProtocol.
TEXFORGE_CORE_API Result<JobInfo> parseJobAnswer(
    const HttpResponse& response);  // POST generate and GET /jobs/{id}
TEXFORGE_CORE_API Result<AssetInfo> parseAssetAnswer(
    const HttpResponse& response);  // GET /assets/{id}, POST /assets
TEXFORGE_CORE_API Result<Quote> parseQuoteAnswer(const HttpResponse& response);  // dry run (269)
TEXFORGE_CORE_API Result<ModelSchema> parseModelAnswer(const HttpResponse& response);
// GET /jobs list: jobs and the next pagination token ("" when done).
TEXFORGE_CORE_API Result<std::vector<JobInfo>> parseJobListAnswer(const HttpResponse& response,
                                                                  std::string* next_token);

// Maps a non-2xx answer (JSON with reason/message/error/detail, or HTML, or empty) to an Error whose
// message says what happened and what to do. The server's words in it (and JobInfo::error) have
// passed redactServerText: no Authorization value or URL query reaches a message.
TEXFORGE_CORE_API Error errorFromResponse(const HttpResponse& response);

// Seconds to wait from Retry-After (seconds or HTTP date) or a 429 body's remainingSeconds; -1 if none.
TEXFORGE_CORE_API double retryAfterSeconds(const HttpResponse& response);

TEXFORGE_CORE_API bool isSuccessStatus(int http_status);  // any 2xx, including 269

// What a 429 body says about the limit it hit ({"details": {"actionName", "actionLimit"}}).
struct TEXFORGE_CORE_API RateLimit {
  std::string action;  // e.g. "parallel-custom-jobs"; empty when the body does not say
  int limit = -1;      // how many are allowed at once; -1 when the body does not say
};
TEXFORGE_CORE_API RateLimit parseRateLimit(const HttpResponse& response);

// text percent-encoded as one URL path segment (or query value): only A-Z a-z 0-9 - _ . ~ stay,
// and "." or ".." are encoded whole, so an id from a server can never add or climb a path component.
TEXFORGE_CORE_API std::string urlPathSegment(const std::string& text);

// ---- Multipart upload of large references and masks (api_uploads.cpp) ----
// POST /uploads names the file and its part count and answers one signed URL per part; each part's
// bytes are PUT to its URL (no Authorization: the URL is the credential, and may be another host's);
// POST /uploads/{id}/action {"action":"complete"}; then GET /uploads/{id} until it is imported.
struct TEXFORGE_CORE_API UploadPart {
  int number = 0;   // 1..parts
  std::string url;  // signed: a bearer secret, never logged or persisted
};
struct TEXFORGE_CORE_API UploadTicket {
  std::string id;
  std::vector<UploadPart> parts;  // sorted by number, 1..N each once
};
enum class UploadPhase {
  kWaiting,   // pending, validating, or any status this client does not know: ask again
  kImported,  // entity_id is the asset to use
  kFailed,    // error_message says why, when the server said
};
struct TEXFORGE_CORE_API UploadStatus {
  std::string status;  // as the server said it
  UploadPhase phase = UploadPhase::kWaiting;
  std::string entity_id;      // the asset id, once imported
  std::string error_message;  // the server's reason, redacted, once failed
};

// Body of POST /uploads: {fileName, fileSize, contentType, kind: "image", parts}.
TEXFORGE_CORE_API std::string buildMultipartUploadBody(const std::string& file_name, const std::string& mime,
                                                       uint64_t file_size, int parts);
// Body of POST /uploads/{id}/action that ends the part uploads: {"action": "complete"}.
TEXFORGE_CORE_API std::string buildUploadCompleteBody();
// {"upload": {id, parts: [{number, url}]}}; kProtocol unless it carries exactly parts 1..expected_parts.
TEXFORGE_CORE_API Result<UploadTicket> parseUploadAnswer(const HttpResponse& response, int expected_parts);
// GET /uploads/{id}: {"upload": {status, entityId, errorMessage}}; kProtocol for an imported upload
// without an entityId.
TEXFORGE_CORE_API Result<UploadStatus> parseUploadStatus(const HttpResponse& response);

}  // namespace texforge
