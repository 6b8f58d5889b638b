// AssetRegistry: a locked list of records keyed by project-relative path.
#include "asset_registry.h"

namespace texforge::custom_engine {

uint64_t AssetRegistry::add(AssetRecord record) {
  std::lock_guard<std::mutex> lock(mutex_);
  revision_++;
  for (AssetRecord& existing : records_) {
    if (existing.path != record.path) continue;
    record.version = existing.version + 1;
    existing = std::move(record);
    return existing.version;
  }
  record.version = 1;
  records_.push_back(std::move(record));
  return 1;
}

uint64_t AssetRegistry::revision() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return revision_;
}

size_t AssetRegistry::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_.size();
}

std::vector<AssetRecord> AssetRegistry::list() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<AssetRecord> out = records_;
  for (AssetRecord& r : out) r.pixels.reset();
  return out;
}

std::shared_ptr<const DecodedImage> AssetRegistry::takePixels(const std::string& path) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (AssetRecord& r : records_) {
    if (r.path == path) return std::move(r.pixels);
  }
  return nullptr;
}

std::string describeAsset(const AssetRecord& r) {
  std::string line = "asset " + r.name + "  path=" + r.path + " usage=" + (r.usage.empty() ? "-" : r.usage) +
                     " version=" + std::to_string(r.version) + " origin=" + r.origin;
  std::string meta;
  for (const auto& [key, value] : r.metadata) meta += (meta.empty() ? "" : ", ") + key + "=" + value;
  line += "  metadata: " + (meta.empty() ? std::string("-") : meta);
  return line;
}

}  // namespace texforge::custom_engine
