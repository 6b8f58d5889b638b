// The multipart upload as data: the bodies of POST /uploads and its "complete" action, and the
// parsers of its answers. Pure, any thread; the engine's side is generator_upload.cpp.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "texforge/api.h"
#include "texforge/credentials.h"

namespace texforge {
namespace {

using nlohmann::json;

// Upload answers are a few hundred bytes; nothing real nests this deep.
constexpr int kMaxDepth = 16;

// Parses a small answer. Values nested past kMaxDepth are dropped while parsing (the SAX parser
// keeps its own stack), so a hostile answer can never build a structure deep enough to recurse on.
Result<json> parseSmallAnswer(const std::string& body) {
  if (body.size() > kMaxJsonAnswerBytes)
    return makeError(ErrorCode::kProtocol, "the service's upload answer is too large; refusing to parse it");
  json parsed = json::parse(
      body, [](int depth, json::parse_event_t, json&) { return depth <= kMaxDepth; },
      /*allow_exceptions=*/false);
  if (parsed.is_discarded())
    return makeError(ErrorCode::kProtocol, "the service's upload answer is not valid JSON");
  return parsed;
}

// The "upload" object of an answer (or the answer itself when it is not wrapped).
const json* uploadObject(const json& root) {
  if (!root.is_object()) return nullptr;
  if (auto it = root.find("upload"); it != root.end()) return it->is_object() ? &*it : nullptr;
  return root.contains("id") ? &root : nullptr;
}

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Error malformed(const std::string& what) {
  return makeError(ErrorCode::kProtocol, "the service's upload answer " + what);
}

}  // namespace

std::string buildMultipartUploadBody(const std::string& file_name, const std::string& mime,
                                     uint64_t file_size, int parts) {
  json body = {{"fileName", file_name},
               {"fileSize", file_size},
               {"contentType", mime},
               {"kind", "image"},
               {"parts", parts}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string buildUploadCompleteBody() {
  return json{{"action", "complete"}}.dump();
}

Result<UploadTicket> parseUploadAnswer(const HttpResponse& response, int expected_parts) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseSmallAnswer(response.body);
  if (!parsed) return parsed.error();
  const json* upload = uploadObject(*parsed);
  if (!upload) return malformed("has no upload in it");
  UploadTicket ticket;
  ticket.id = text(*upload, "id");
  if (ticket.id.empty()) return malformed("has no upload id");
  auto parts = upload->find("parts");
  if (parts == upload->end() || !parts->is_array()) return malformed("lists no part URLs");
  for (const json& part : *parts) {
    if (!part.is_object()) return malformed("has a part that is not an object");
    auto number = part.find("number");
    const std::string url = text(part, "url");
    if (number == part.end() || !number->is_number_integer() || url.empty())
      return malformed("has a part without a number or a URL");
    const int64_t n = number->get<int64_t>();
    if (n < 1 || n > expected_parts)
      return malformed("has a part numbered outside 1.." + std::to_string(expected_parts));
    ticket.parts.push_back({static_cast<int>(n), url});
  }
  std::sort(ticket.parts.begin(), ticket.parts.end(),
            [](const UploadPart& a, const UploadPart& b) { return a.number < b.number; });
  // Exactly 1..N: a missing part would leave the upload incomplete, a repeated one is ambiguous.
  bool exact = static_cast<int>(ticket.parts.size()) == expected_parts;
  for (size_t i = 0; exact && i < ticket.parts.size(); ++i)
    exact = ticket.parts[i].number == static_cast<int>(i + 1);
  if (!exact) {
    return malformed("lists " + std::to_string(ticket.parts.size()) + " part URL(s) for the " +
                     std::to_string(expected_parts) + " part(s) asked for");
  }
  return ticket;
}

Result<UploadStatus> parseUploadStatus(const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseSmallAnswer(response.body);
  if (!parsed) return parsed.error();
  const json* upload = uploadObject(*parsed);
  if (!upload) return malformed("has no upload in it");
  UploadStatus status;
  status.status = text(*upload, "status");
  if (status.status.empty()) return malformed("has no status");
  // Any other status (pending, validating, or one added later) means the import is still going.
  if (status.status == "imported") {
    status.phase = UploadPhase::kImported;
    status.entity_id = text(*upload, "entityId");
    if (status.entity_id.empty()) return malformed("says imported but names no entityId");
  } else if (status.status == "failed") {
    status.phase = UploadPhase::kFailed;
    status.error_message = redactServerText(text(*upload, "errorMessage"));
  }
  return status;
}

}  // namespace texforge
