// The Scenario REST API as data: request bodies, answer parsing and error mapping.
// No I/O here, so every rule can be unit tested and shared by the engine and the tools.
#include "texforge/api.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iomanip>
#include <locale>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base64.h"
#include "output_finish.h"
#include "platform.h"
#include "texforge/credentials.h"

namespace texforge {
namespace {

using nlohmann::json;

constexpr int kMaxNesting = 64;

// Parses a JSON answer with a size cap and a nesting cap (nlohmann recurses per level).
Result<json> parseJsonBody(const std::string& body) {
  if (body.size() > kMaxJsonAnswerBytes) {
    return makeError(ErrorCode::kProtocol, "the service's answer is larger than " +
                                               std::to_string(kMaxJsonAnswerBytes >> 20) +
                                               " MiB; refusing to parse it");
  }
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > kMaxNesting)
        return makeError(ErrorCode::kProtocol, "the service's answer is nested too deeply");
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    return makeError(ErrorCode::kProtocol, "the service's answer is not valid JSON");
  }
  return parsed;
}

// Numbers from the server become ints without UB (a double out of int range is undefined to cast).
int toInt(double v) {
  if (std::isnan(v)) return 0;
  return static_cast<int>(std::clamp(v, static_cast<double>(INT_MIN), static_cast<double>(INT_MAX)));
}

std::string stringField(const json& object, const char* name) {
  if (!object.is_object()) return {};
  auto it = object.find(name);
  if (it == object.end()) return {};
  if (it->is_string()) return it->get<std::string>();
  return {};
}

double numberField(const json& object, const char* name, double fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(name);
  if (it == object.end()) return fallback;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const std::string& s = it->get_ref<const std::string&>();
    char* end = nullptr;
    double v = std::strtod(s.c_str(), &end);
    if (end && end != s.c_str() && *end == '\0' && std::isfinite(v)) return v;
  }
  return fallback;
}

// Text of a field that may be a string or an object with a message.
std::string textOf(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_object()) {
    for (const char* key : {"message", "reason", "error", "detail"}) {
      auto it = value.find(key);
      if (it != value.end()) {
        std::string inner = textOf(*it);
        if (!inner.empty()) return inner;
      }
    }
  }
  return {};
}

std::string firstText(const json& object, std::initializer_list<const char*> keys) {
  if (!object.is_object()) return {};
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end()) {
      std::string text = textOf(*it);
      if (!text.empty()) return text;
    }
  }
  return {};
}

std::string trimmed(std::string text, size_t max_len) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
  text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
  if (text.size() > max_len) text = text.substr(0, max_len) + "...";
  return text;
}

// Server text as it may enter a message: redacted whole (a token cut by the trim would no longer
// be recognised), then shortened.
std::string safeText(const std::string& text, size_t max_len) {
  return trimmed(redactServerText(text), max_len);
}

// The words a server put in an error body: JSON fields, an HTML title, or plain text; redacted.
std::string reasonFromBody(const std::string& body) {
  if (body.empty()) return {};
  // Through parseJsonBody for its size and nesting caps: textOf() recurses once per level.
  auto parsed = parseJsonBody(body);
  if (parsed && parsed->is_object()) {
    std::string text =
        firstText(*parsed, {"reason", "message", "error", "errorMessage", "detail", "details"});
    return safeText(text, 300);
  }
  std::string lower = body.substr(0, 4096);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  auto title = lower.find("<title>");
  if (title != std::string::npos) {
    auto end = lower.find("</title>", title);
    if (end != std::string::npos) return safeText(body.substr(title + 7, end - title - 7), 200);
  }
  if (lower.find("<html") != std::string::npos || lower.find("<!doctype") != std::string::npos) return {};
  // Redacted before the cut, from a window larger than what is kept, for the same reason.
  return trimmed(redactServerText(body.substr(0, 4096)), 200);
}

const json* unwrap(const json& root, const char* key) {
  if (!root.is_object()) return nullptr;
  auto it = root.find(key);
  if (it != root.end() && it->is_object()) return &*it;
  return nullptr;
}

JobInfo jobFromJson(const json& job) {
  JobInfo info;
  info.job_id = stringField(job, "jobId");
  if (info.job_id.empty()) info.job_id = stringField(job, "id");
  info.status = stringField(job, "status");
  info.phase = classifyJobStatus(info.status);
  double progress = numberField(job, "progress", 0.0);
  if (progress > 1.0 && progress <= 100.0) progress /= 100.0;  // some answers use percent
  info.progress = std::clamp(std::isfinite(progress) ? progress : 0.0, 0.0, 1.0);
  info.created_at = stringField(job, "createdAt");
  info.created_at_ms = parseIsoTimeMs(info.created_at);
  info.updated_at_ms = parseIsoTimeMs(stringField(job, "updatedAt"));
  info.model_id = stringField(job, "modelId");
  if (auto meta = job.find("metadata"); meta != job.end() && meta->is_object()) {
    if (auto ids = meta->find("assetIds"); ids != meta->end()) {
      if (ids->is_array()) {
        for (const auto& id : *ids) {
          if (id.is_string()) info.asset_ids.push_back(id.get<std::string>());
        }
      } else if (ids->is_string()) {
        info.asset_ids.push_back(ids->get<std::string>());
      }
    }
    info.error = firstText(*meta, {"error", "errorMessage", "reason"});
    if (auto input = meta->find("input"); input != meta->end() && input->is_object()) {
      info.prompt = stringField(*input, "prompt");
    }
    if (info.model_id.empty()) info.model_id = stringField(*meta, "modelId");
  }
  if (info.error.empty()) info.error = firstText(job, {"error", "errorMessage", "reason"});
  info.error = redactServerText(std::move(info.error));  // becomes the message of a failed job
  if (auto billing = job.find("billing"); billing != job.end() && billing->is_object()) {
    info.cost = numberField(*billing, "cuCost", -1.0);
  }
  return info;
}

}  // namespace

std::string HttpResponse::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

namespace {

// The fields of text read by format (std::get_time in the classic locale: portable, unlike
// strptime); the number of characters read, 0 when it does not match.
size_t parseTime(const std::string& text, const char* format, std::tm* tm) {
  std::istringstream in(text);
  in.imbue(std::locale::classic());
  in >> std::get_time(tm, format);
  if (in.fail()) return 0;
  const std::streamoff read =
      in.eof() ? static_cast<std::streamoff>(text.size()) : std::streamoff(in.tellg());
  return read > 0 ? static_cast<size_t>(read) : 0;
}

}  // namespace

int64_t parseIsoTimeMs(const std::string& text) {
  std::tm tm{};
  const size_t read = parseTime(text, "%Y-%m-%dT%H:%M:%S", &tm);
  if (read == 0) return 0;
  const char* rest = text.c_str() + read;
  int64_t ms = static_cast<int64_t>(platform::timeFromUtc(tm)) * 1000;
  if (*rest == '.') {
    int64_t scale = 100;
    for (++rest; std::isdigit(static_cast<unsigned char>(*rest)); ++rest) {
      ms += (*rest - '0') * scale;
      scale /= 10;
    }
  }
  return ms;
}

std::string defaultBaseUrl(bool read_environment) {
  const char* from_environment = read_environment ? std::getenv("SCENARIO_API_URL") : nullptr;
  return from_environment && *from_environment ? from_environment : kDefaultBaseUrl;
}

bool isSuccessStatus(int http_status) {
  return http_status >= 200 && http_status < 300;
}

JobPhase classifyJobStatus(const std::string& status) {
  std::string s = status;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  if (s == "success" || s == "succeeded" || s == "completed") return JobPhase::kSuccess;
  if (s == "failure" || s == "failed" || s == "error") return JobPhase::kFailure;
  if (s == "canceled" || s == "cancelled") return JobPhase::kCanceled;
  return JobPhase::kRunning;
}

std::string buildGenerateBody(const GenerationParams& params, const std::vector<std::string>& reference_ids,
                              const std::string& mask_id) {
  json body = json::object();
  body["prompt"] = promptToSend(params);  // with what seamless and a matte ask of the model
  body["numOutputs"] = params.num_outputs;
  body["quality"] = params.quality.empty() ? "auto" : params.quality;
  body["background"] = backgroundToSend(params);
  if (params.width > 0 && params.height > 0) {
    body["width"] = params.width;
    body["height"] = params.height;
  }
  if (!reference_ids.empty()) body["referenceImages"] = reference_ids;  // always an array
  if (!mask_id.empty()) body["mask"] = mask_id;
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string buildUploadBody(const std::string& file_name, const std::string& mime, const std::string& bytes) {
  json body = {{"image", "data:" + mime + ";base64," + base64Encode(bytes)}, {"name", file_name}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<JobInfo> parseJobAnswer(const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseJsonBody(response.body);
  if (!parsed) return parsed.error();
  const json& root = *parsed;
  const json* job = unwrap(root, "job");
  if (!job) {
    if (root.is_object() && root.contains("jobId"))
      job = &root;
    else
      return makeError(ErrorCode::kProtocol, "the service's answer has no job in it");
  }
  JobInfo info = jobFromJson(*job);
  if (info.job_id.empty()) return makeError(ErrorCode::kProtocol, "the service's answer has no job id");
  if (info.cost < 0) info.cost = numberField(root, "creativeUnitsCost", -1.0);
  return info;
}

Result<AssetInfo> parseAssetAnswer(const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseJsonBody(response.body);
  if (!parsed) return parsed.error();
  const json* asset = unwrap(*parsed, "asset");
  if (!asset) return makeError(ErrorCode::kProtocol, "the service's answer has no asset in it");
  AssetInfo info;
  info.id = stringField(*asset, "id");
  if (info.id.empty()) info.id = stringField(*asset, "assetId");
  if (info.id.empty()) return makeError(ErrorCode::kProtocol, "the service's asset has no id");
  info.url = stringField(*asset, "url");
  info.mime_type = stringField(*asset, "mimeType");
  if (auto props = asset->find("properties"); props != asset->end() && props->is_object()) {
    info.width = toInt(numberField(*props, "width", 0));
    info.height = toInt(numberField(*props, "height", 0));
  }
  return info;
}

Result<Quote> parseQuoteAnswer(const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseJsonBody(response.body);
  if (!parsed) return parsed.error();
  const json& root = *parsed;
  const double cost = numberField(root, "creativeUnitsCost", -1.0);
  if (cost < 0) return makeError(ErrorCode::kProtocol, "the cost preview has no creativeUnitsCost");
  return Quote{cost, numberField(root, "creativeUnitsDiscount", 0.0)};
}

Result<ModelSchema> parseModelAnswer(const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseJsonBody(response.body);
  if (!parsed) return parsed.error();
  const json* model = unwrap(*parsed, "model");
  if (!model) return makeError(ErrorCode::kProtocol, "the service's answer has no model in it");
  ModelSchema schema;
  schema.id = stringField(*model, "id");
  schema.name = stringField(*model, "name");
  auto inputs = model->find("inputs");
  if (inputs == model->end() || !inputs->is_array()) return schema;
  for (const auto& in : *inputs) {
    if (!in.is_object()) continue;
    ModelInput input;
    input.name = stringField(in, "name");
    if (input.name.empty()) continue;
    input.type = stringField(in, "type");
    if (auto r = in.find("required"); r != in.end() && r->is_boolean()) input.required = r->get<bool>();
    if (auto v = numberField(in, "min", NAN); !std::isnan(v)) input.min = v;
    if (auto v = numberField(in, "max", NAN); !std::isnan(v)) input.max = v;
    if (auto v = numberField(in, "step", NAN); !std::isnan(v)) input.step = v;
    if (auto v = numberField(in, "maxLength", NAN); !std::isnan(v)) input.max_length = toInt(v);
    if (auto av = in.find("allowedValues"); av != in.end() && av->is_array()) {
      for (const auto& value : *av) {
        if (value.is_string())
          input.allowed_values.push_back(value.get<std::string>());
        else if (value.is_number())
          input.allowed_values.push_back(value.dump());
      }
    }
    if (auto d = in.find("default"); d != in.end() && !d->is_null()) {
      input.default_value = d->is_string() ? d->get<std::string>() : d->dump();
    }
    schema.inputs.push_back(std::move(input));
  }
  return schema;
}

Result<std::vector<JobInfo>> parseJobListAnswer(const HttpResponse& response, std::string* next_token) {
  if (next_token) next_token->clear();
  if (!isSuccessStatus(response.status)) return errorFromResponse(response);
  auto parsed = parseJsonBody(response.body);
  if (!parsed) return parsed.error();
  const json& root = *parsed;
  auto jobs = root.is_object() ? root.find("jobs") : root.end();
  if (!root.is_object() || jobs == root.end() || !jobs->is_array()) {
    return makeError(ErrorCode::kProtocol, "the job list has no jobs array");
  }
  std::vector<JobInfo> out;
  for (const auto& job : *jobs) {
    if (job.is_object()) out.push_back(jobFromJson(job));
  }
  if (next_token) *next_token = stringField(root, "nextPaginationToken");
  return out;
}

Error errorFromResponse(const HttpResponse& response) {
  const int status = response.status;
  std::string reason = reasonFromBody(response.body);
  auto with_reason = [&](const std::string& head) {
    std::string text = head + " (HTTP " + std::to_string(status);
    if (!reason.empty()) text += ": " + reason;
    return text + ")";
  };
  if (status == 0) reason = safeText(response.transport.text, 300);
  if (status == 0 && response.transport.kind == TransportError::Kind::kTlsRefused) {
    return makeError(ErrorCode::kInsecure,
                     "the server's certificate is not trusted (" + reason +
                         "). If it is your own test server, point TEXFORGE_CA_FILE (or the "
                         "ca_file option) at its CA certificate.");
  }
  if (status == 0) {
    return makeError(ErrorCode::kNetwork, "could not reach the service" +
                                              (reason.empty() ? "" : ": " + reason) +
                                              ". Check the network connection and the endpoint URL.");
  }
  if (status == 401) {
    return makeError(ErrorCode::kCredentials,
                     with_reason("The API key or secret was rejected") +
                         ". Check the key and secret (SCENARIO_API_KEY and SCENARIO_API_SECRET, or the saved "
                         "credentials).",
                     status);
  }
  if (status == 403) {
    return makeError(
        ErrorCode::kForbidden,
        with_reason("This key is not allowed to do that") +
            ". Check that the key belongs to the project and that your plan includes this model.",
        status);
  }
  if (status == 404) return makeError(ErrorCode::kNotFound, with_reason("Not found"), status);
  if (status == 429) {
    return makeError(
        ErrorCode::kRateLimited,
        with_reason("Too many requests") + ". Wait a moment; texforge retries on its own where safe.",
        status);
  }
  if (status == 413) {
    return makeError(ErrorCode::kInvalidArgument,
                     with_reason("The upload is too large") + ". Use a smaller image (at most 64 MiB).",
                     status);
  }
  if (status >= 400 && status < 500) {
    return makeError(
        ErrorCode::kInvalidArgument,
        with_reason("The service refused the request") + ". Fix the parameter it names and try again.",
        status);
  }
  if (status >= 500) {
    return makeError(ErrorCode::kServer,
                     with_reason("The service had a problem") + ". Try again in a minute.", status);
  }
  return makeError(ErrorCode::kProtocol, with_reason("Unexpected answer from the service"), status);
}

double retryAfterSeconds(const HttpResponse& response) {
  std::string value = response.header("retry-after");
  if (!value.empty()) {
    char* end = nullptr;
    double seconds = std::strtod(value.c_str(), &end);
    if (end != value.c_str() && std::isfinite(seconds) && seconds >= 0) return seconds;
    std::tm tm{};
    if (parseTime(value, "%a, %d %b %Y %H:%M:%S", &tm) > 0) {
      double delta = std::difftime(platform::timeFromUtc(tm), std::time(nullptr));
      return delta > 0 ? delta : 0.0;
    }
  }
  json parsed = json::parse(response.body.size() <= 65536 ? response.body : std::string(), nullptr, false);
  if (!parsed.is_discarded() && parsed.is_object()) {
    double remaining = numberField(parsed, "remainingSeconds", -1.0);
    if (remaining < 0) {
      if (auto details = parsed.find("details"); details != parsed.end() && details->is_object()) {
        remaining = numberField(*details, "remainingSeconds", -1.0);
      }
    }
    if (remaining >= 0) return remaining;
  }
  return -1.0;
}

RateLimit parseRateLimit(const HttpResponse& response) {
  RateLimit limit;
  if (response.body.size() > 65536) return limit;
  const json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  const json* details = unwrap(body, "details");
  if (!details) return limit;
  limit.action = stringField(*details, "actionName");
  if (auto it = details->find("actionLimit"); it != details->end() && it->is_number_integer()) {
    limit.limit = toInt(it->get<double>());
  }
  return limit;
}

std::string urlPathSegment(const std::string& text) {
  const bool dots_only = text == "." || text == "..";  // HTTP stacks resolve these as "here" and "parent"
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '~' || (c == '.' && !dots_only)) {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace texforge
