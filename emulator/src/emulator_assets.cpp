// Asset routes of the emulator: uploads as data URLs (POST /v1/assets), asset records with signed,
// expiring CDN URLs (GET /v1/assets/{id}), and the CDN itself (GET /cdn/...), which takes no credentials.
#include <ctime>

#include "emulator_images.h"
#include "emulator_impl.h"

namespace texforge::emulator {

using nlohmann::json;

namespace {

constexpr size_t kGatewayMaxBytes = 3670016;  // 3.5 MB: what Scenario's gateway lets through

void setJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

void reject(httplib::Response& res, int status, const std::string& reason) {
  setJson(res, status, {{"reason", reason}});
}

int64_t unixNow() {
  return int64_t(std::time(nullptr));
}

json assetSummary(const AssetRecord& asset) {
  return {{"id", asset.id},
          {"kind", "image"},
          {"mimeType", asset.mime},
          {"status", "success"},
          {"properties", {{"width", asset.width}, {"height", asset.height}, {"size", asset.bytes.size()}}}};
}

}  // namespace

void Emulator::Impl::handleUpload(const httplib::Request& req, httplib::Response& res) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return reject(res, 400, "Body must be a JSON object");
  if (!body.contains("image") || !body["image"].is_string()) return reject(res, 400, "image is required");
  const std::string url = body["image"].get<std::string>();
  const std::string marker = ";base64,";
  size_t comma = url.find(marker);
  if (url.compare(0, 11, "data:image/") != 0 || comma == std::string::npos) {
    return reject(res, 400, "image must be a data URL (data:image/...;base64,...)");
  }
  std::string bytes;
  if (!detail::base64Decode(url.substr(comma + marker.size()), &bytes)) {
    return reject(res, 400, "image: invalid base64");
  }
  if (bytes.size() > kGatewayMaxBytes)
    return reject(res, 413,
                  "Payload too large: images are limited to 3.5 MB; upload larger ones with /v1/uploads");
  std::string name;
  if (body.contains("name") && body["name"].is_string()) name = body["name"].get<std::string>();
  std::string why;
  std::shared_ptr<const AssetRecord> asset = storeImageAsset(std::move(bytes), name, &why);
  if (!asset) return reject(res, 400, "image: " + why);
  json answer = {{"asset", assetSummary(*asset)}};
  answer["asset"]["name"] = asset->name;
  setJson(res, 200, answer);
}

std::shared_ptr<const AssetRecord> Emulator::Impl::storeImageAsset(std::string bytes, const std::string& name,
                                                                   std::string* reason) {
  detail::ImageProbe probe;
  detail::RgbaImage decoded;
  if (!detail::probeImage(bytes, &probe) || !detail::decodeImage(bytes, &decoded)) {
    *reason = "not a decodable PNG, JPEG or WebP image";
    return nullptr;
  }
  auto asset = std::make_shared<AssetRecord>();
  asset->mime = probe.mime;
  asset->ext = probe.ext;
  asset->bytes = std::move(bytes);
  asset->width = probe.width;
  asset->height = probe.height;
  asset->name = name;
  asset->created_at = isoTime(std::chrono::system_clock::now());
  std::lock_guard<std::mutex> lock(mutex);
  asset->id = newId("asset_");
  assets[asset->id] = asset;
  return asset;
}

std::string Emulator::Impl::signedUrl(const std::string& path, int64_t expires) const {
  return scheme() + "://" + publicHost() + ":" + std::to_string(port) + path + "?" +
         signer.query(path, expires);
}

bool Emulator::Impl::checkSignedUrl(const httplib::Request& req, std::string* reason) const {
  // Exactly the four signed parameters, each once: anything added or changed breaks the signature.
  static const char* const kSigned[] = {"Expires", "Policy", "Signature", "Key-Pair-Id"};
  bool shape_ok = req.params.size() == 4;
  for (const char* name : kSigned) shape_ok = shape_ok && req.get_param_value_count(name) == 1;
  int64_t expires = 0;
  if (shape_ok) {
    const std::string text = req.get_param_value("Expires");
    char* end = nullptr;
    expires = std::strtoll(text.c_str(), &end, 10);
    shape_ok = !text.empty() && *end == '\0';
  }
  if (!shape_ok || req.get_param_value("Key-Pair-Id") != "EMULATOR" ||
      req.get_param_value("Signature") !=
          signer.signature(req.path, expires, req.get_param_value("Policy")) ||
      req.get_param_value("Policy") != detail::UrlSigner::policy(req.path, expires)) {
    *reason = "Access denied: invalid signature";
    return false;
  }
  if (unixNow() > expires) {
    *reason = "URL expired";
    return false;
  }
  return true;
}

void Emulator::Impl::handleAsset(const httplib::Request& req, httplib::Response& res) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = assets.find(req.matches[1]);
  if (it == assets.end()) return reject(res, 404, "Asset not found");
  const AssetRecord& asset = *it->second;
  std::vector<Fault> expired = faults.fire(Route::kAsset, {FaultKind::kExpiredUrl}, &stats.faults_injected);
  int64_t expires = expired.empty() ? unixNow() + options.url_ttl_s : unixNow() - 60;
  std::string url = signedUrl("/cdn/" + asset.id + "." + asset.ext, expires);
  json out = assetSummary(asset);
  out["url"] = url;
  out["createdAt"] = asset.created_at;
  out["metadata"] = {{"prompt", asset.prompt}, {"modelId", asset.model_id}, {"name", asset.name}};
  if (!asset.job_id.empty()) out["metadata"]["jobId"] = asset.job_id;
  setJson(res, 200, {{"asset", out}});
}

void Emulator::Impl::handleCdn(const httplib::Request& req, httplib::Response& res) {
  std::unique_lock<std::mutex> lock(mutex);
  std::string why;
  if (!checkSignedUrl(req, &why)) return reject(res, 403, why);
  // kExpiredUrl aimed at the CDN itself: the URL was valid when issued but has lapsed by download time.
  bool lapsed = !faults.fire(Route::kCdn, {FaultKind::kExpiredUrl}, &stats.faults_injected).empty();
  if (lapsed) return reject(res, 403, "URL expired");

  const std::string file = req.matches[1];
  size_t dot = file.rfind('.');
  auto it = assets.find(file.substr(0, dot));
  if (dot == std::string::npos || it == assets.end() || file.substr(dot + 1) != it->second->ext) {
    return reject(res, 404, "Not found");
  }
  std::shared_ptr<const AssetRecord> asset = it->second;
  std::vector<Fault> broken = faults.fire(Route::kCdn, {FaultKind::kCorruptImage, FaultKind::kOversizedImage},
                                          &stats.faults_injected);
  lock.unlock();

  res.status = 200;
  res.set_header("Cache-Control", "private, max-age=0");
  if (!broken.empty() && broken.front().kind == FaultKind::kCorruptImage) {
    res.set_content(detail::corruptImageBytes(), asset->mime);
  } else if (!broken.empty()) {
    res.set_content(detail::oversizedPngBytes(), "image/png");
  } else {
    res.set_content(asset->bytes, asset->mime);
  }
}

}  // namespace texforge::emulator
