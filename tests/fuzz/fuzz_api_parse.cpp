// libFuzzer target for the API data layer: any bytes, as the body of an answer with any status and
// Retry-After header, must give a value or an Error from every parser, never a crash or UB.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "texforge/api.h"

using namespace texforge;

namespace {

// What the client meets in practice: 0 (no answer), the dry run's 269, redirects, every error the
// API documents, gateway pages. Other statuses come from the second selector range.
constexpr int kStatuses[] = {200, 201, 204, 269, 0,   301, 304, 400, 401,
                             403, 404, 408, 413, 429, 500, 502, 503, 504};

// A broken contract is a bug the fuzzer must report, so it aborts instead of returning quietly.
void check(bool condition) {
  if (!condition) std::abort();
}

// Every parser turns a non-2xx answer into errorFromResponse()'s error, and never fails silently.
template <typename T>
void checkAgainstStatus(const Result<T>& result, const HttpResponse& response) {
  if (!isSuccessStatus(response.status)) {
    check(!result.ok());
    check(result.error().code == errorFromResponse(response).code);
  }
  if (!result.ok()) {
    check(result.error().code != ErrorCode::kOk);
    check(!result.error().message.empty());
  }
}

// The schema comes from the server: validation against a hostile one must still just answer.
void validateAgainst(const ModelSchema& schema) {
  GenerationParams params;
  params.prompt = "a crate";
  (void)validateParams(params, &schema);
  params.width = 1024;
  params.height = 1024;
  params.num_outputs = 4;
  params.quality = "high";
  (void)validateParams(params, &schema);
}

}  // namespace

// Layout: [status selector][status byte][flags][Retry-After value '\n' if flags&1][body...]
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  HttpResponse response;
  response.status =
      data[0] < 0x80 ? kStatuses[data[0] % std::size(kStatuses)] : ((data[0] & 0x7f) << 8 | data[1]) % 1000;
  const uint8_t flags = data[2];
  std::string rest(reinterpret_cast<const char*>(data + 3), size - 3);
  if (flags & 1) {
    const size_t newline = rest.find('\n');
    response.headers["retry-after"] = rest.substr(0, newline);
    rest = newline == std::string::npos ? std::string() : rest.substr(newline + 1);
  }
  if (flags & 2) response.headers["content-type"] = "text/html";
  response.body = std::move(rest);

  auto job = parseJobAnswer(response);
  checkAgainstStatus(job, response);
  if (job.ok()) {
    check(!job->job_id.empty());
    check(job->progress >= 0.0 && job->progress <= 1.0);
  }

  auto asset = parseAssetAnswer(response);
  checkAgainstStatus(asset, response);
  if (asset.ok()) check(!asset->id.empty());

  auto quote = parseQuoteAnswer(response);
  checkAgainstStatus(quote, response);
  if (quote.ok()) check(quote->creative_units >= 0.0);

  auto model = parseModelAnswer(response);
  checkAgainstStatus(model, response);
  if (model.ok()) {
    for (const ModelInput& input : model->inputs) check(!input.name.empty());
    validateAgainst(*model);
  }

  std::string token = "stale";
  auto list = parseJobListAnswer(response, &token);
  checkAgainstStatus(list, response);
  if (!list.ok()) check(token.empty());  // a failed page must not hand back the previous token
  checkAgainstStatus(parseJobListAnswer(response, nullptr), response);

  // Multipart uploads: a ticket has exactly the parts asked for, in order; an imported upload names
  // its asset.
  const int parts = 1 + flags % 8;
  auto ticket = parseUploadAnswer(response, parts);
  checkAgainstStatus(ticket, response);
  if (ticket.ok()) {
    check(!ticket->id.empty() && ticket->parts.size() == static_cast<size_t>(parts));
    for (int i = 0; i < parts; ++i) check(ticket->parts[i].number == i + 1 && !ticket->parts[i].url.empty());
  }
  auto upload = parseUploadStatus(response);
  checkAgainstStatus(upload, response);
  if (upload.ok() && upload->phase == UploadPhase::kImported) check(!upload->entity_id.empty());

  const Error error = errorFromResponse(response);
  check(error.code != ErrorCode::kOk);
  check(!error.message.empty());

  const double wait = retryAfterSeconds(response);
  check(wait == -1.0 || wait >= 0.0);  // also false for NaN
  return 0;
}
