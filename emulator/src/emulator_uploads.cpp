// The multipart upload routes of the emulator, as Scenario's work over S3: POST /v1/uploads hands out
// one signed part URL per part, the parts are PUT there without credentials, "complete" closes the
// upload, and GET /v1/uploads/{id} reports pending, validating once, then imported or failed.
#include <ctime>

#include "emulator_impl.h"

namespace texforge::emulator {

using nlohmann::json;

namespace {

constexpr uint64_t kMaxFileBytes = uint64_t{256} << 20;
constexpr uint64_t kMinPartBytes = uint64_t{5} << 20;  // S3's floor for every part but the last
constexpr int kMaxParts = 10000;                       // S3's ceiling
const char* const kContentTypes[] = {"image/png", "image/jpeg", "image/webp"};

void setJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void reject(httplib::Response& res, int status, const std::string& reason) {
  setJson(res, status, {{"reason", reason}});
}

const char* stageName(UploadRecord::Stage stage) {
  switch (stage) {
    case UploadRecord::Stage::kPending: return "pending";
    case UploadRecord::Stage::kValidating:
    case UploadRecord::Stage::kImporting: return "validating";
    case UploadRecord::Stage::kImported: return "imported";
    case UploadRecord::Stage::kFailed: return "failed";
  }
  return "pending";
}

json uploadJson(const UploadRecord& upload) {
  json out = {{"id", upload.id},
              {"status", stageName(upload.stage)},
              {"fileName", upload.file_name},
              {"fileSize", upload.file_size},
              {"contentType", upload.content_type},
              {"kind", "image"},
              {"partsReceived", upload.parts.size()}};
  if (upload.stage == UploadRecord::Stage::kImported) out["entityId"] = upload.asset_id;
  if (upload.stage == UploadRecord::Stage::kFailed) out["errorMessage"] = upload.error;
  return out;
}

// A positive integer field of body, or 0 (with the reason for the 400) when it is not one.
uint64_t positiveField(const json& body, const char* name, uint64_t max, std::string* why) {
  auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer() || it->get<int64_t>() < 1 || it->get<uint64_t>() > max) {
    *why = std::string(name) + " must be an integer between 1 and " + std::to_string(max);
    return 0;
  }
  return it->get<uint64_t>();
}

// Empty when the body of POST /v1/uploads is valid, else the reason (it names the field).
std::string readUploadStart(const json& body, UploadRecord* out) {
  if (!body.is_object()) return "Body must be a JSON object";
  if (!body.contains("fileName") || !body["fileName"].is_string() ||
      body["fileName"].get<std::string>().empty())
    return "fileName is required";
  out->file_name = body["fileName"].get<std::string>();
  const std::string type = body.value("contentType", std::string());
  bool known_type = false;
  for (const char* t : kContentTypes) known_type = known_type || type == t;
  if (!known_type) return "contentType must be image/png, image/jpeg or image/webp";
  out->content_type = type;
  if (body.value("kind", std::string()) != "image") return "kind must be \"image\"";
  std::string why;
  out->file_size = positiveField(body, "fileSize", kMaxFileBytes, &why);
  if (out->file_size == 0) return why;
  out->part_count = int(positiveField(body, "parts", kMaxParts, &why));
  if (out->part_count == 0) return why;
  if (uint64_t(out->part_count - 1) * kMinPartBytes >= out->file_size)
    return "parts: every part but the last must be at least 5 MiB, so " + std::to_string(out->file_size) +
           " bytes take fewer parts";
  return "";
}

}  // namespace

void Emulator::Impl::handleUploadStart(const httplib::Request& req, httplib::Response& res) {
  auto upload = std::make_shared<UploadRecord>();
  const std::string why = readUploadStart(json::parse(req.body, nullptr, false), upload.get());
  if (!why.empty()) return reject(res, 400, why);
  std::lock_guard<std::mutex> lock(mutex);
  upload->id = newId("upload_");
  const int64_t expires = int64_t(std::time(nullptr)) + options.url_ttl_s;
  json parts = json::array();
  for (int n = 1; n <= upload->part_count; ++n) {
    const std::string path = "/uploads-parts/" + upload->id + "/" + std::to_string(n);
    parts.push_back({{"number", n}, {"url", signedUrl(path, expires)}});
  }
  uploads[upload->id] = upload;
  json answer = uploadJson(*upload);
  answer["parts"] = parts;
  setJson(res, 200, {{"upload", answer}});
}

void Emulator::Impl::handleUploadPart(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mutex);
  std::string why;
  if (!checkSignedUrl(req, &why)) return reject(res, 403, why);
  auto it = uploads.find(req.matches[1]);
  if (it == uploads.end()) return reject(res, 404, "Upload not found");
  UploadRecord& upload = *it->second;
  if (upload.stage != UploadRecord::Stage::kPending)
    return reject(res, 400, "The upload is already complete");
  const int number = std::atoi(std::string(req.matches[2]).c_str());
  if (number < 1 || number > upload.part_count) return reject(res, 400, "No such part number");
  upload.parts[number] = req.body;  // a part sent again replaces the one before
  res.status = 200;
  res.set_header("ETag", "\"" + detail::hex64(detail::fnv1a(req.body)) + "\"");
}

void Emulator::Impl::handleUploadAction(const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = uploads.find(req.matches[1]);
  if (it == uploads.end()) return reject(res, 404, "Upload not found");
  if (!body.is_object() || body.value("action", std::string()) != "complete")
    return reject(res, 400, "action must be \"complete\"");
  UploadRecord& upload = *it->second;
  if (upload.stage == UploadRecord::Stage::kPending) {  // completing twice answers the same (a lost answer)
    std::string missing;
    for (int n = 1; n <= upload.part_count; ++n) {
      if (!upload.parts.count(n)) missing += (missing.empty() ? "" : ", ") + std::to_string(n);
    }
    if (!missing.empty()) return reject(res, 400, "Parts not uploaded yet: " + missing);
    for (int n = 1; n < upload.part_count; ++n) {
      if (upload.parts[n].size() < kMinPartBytes)
        return reject(res, 400,
                      "Part " + std::to_string(n) + " is smaller than 5 MiB (only the last may be)");
    }
    upload.stage = UploadRecord::Stage::kValidating;
  }
  setJson(res, 200, {{"upload", uploadJson(upload)}});
}

void Emulator::Impl::handleUploadStatus(const httplib::Request& req, httplib::Response& res) {
  std::unique_lock<std::mutex> lock(mutex);
  auto it = uploads.find(req.matches[1]);
  if (it == uploads.end()) return reject(res, 404, "Upload not found");
  std::shared_ptr<UploadRecord> upload = it->second;
  if (upload->stage == UploadRecord::Stage::kValidating) {
    if (upload->validating_reported) {
      importUpload(*upload, lock);
    } else {
      upload->validating_reported = true;
    }
  }
  setJson(res, 200, {{"upload", uploadJson(*upload)}});
}

void Emulator::Impl::importUpload(UploadRecord& upload, std::unique_lock<std::mutex>& lock) {
  std::string bytes;
  for (const auto& [number, part] : upload.parts) bytes += part;
  upload.parts.clear();
  if (bytes.size() != upload.file_size) {
    upload.stage = UploadRecord::Stage::kFailed;
    upload.error = "The uploaded parts add up to " + std::to_string(bytes.size()) + " bytes, not the " +
                   std::to_string(upload.file_size) + " bytes announced in fileSize";
    return;
  }
  upload.stage = UploadRecord::Stage::kImporting;  // a poll meanwhile still hears "validating"
  lock.unlock();
  std::string why;
  std::shared_ptr<const AssetRecord> asset = storeImageAsset(std::move(bytes), upload.file_name, &why);
  lock.lock();
  if (!asset) {
    upload.stage = UploadRecord::Stage::kFailed;
    upload.error = "The file is not a valid image: " + why;
    return;
  }
  upload.stage = UploadRecord::Stage::kImported;
  upload.asset_id = asset->id;
  stats.uploads_imported.push_back(asset->id);
}

}  // namespace texforge::emulator
