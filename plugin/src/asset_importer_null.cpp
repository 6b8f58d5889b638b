// The null AssetImporter: records each request and writes nothing, for tests and for hosts that
// keep results in the cache only. Thread-safe, since imports may run on texforge's import thread.
#include <mutex>

#include "texforge/asset_importer.h"

namespace texforge {

Result<ImportedAsset> RecordingImporter::importAsset(const ImportRequest& request) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fail_with_) return *fail_with_;
  requests_.push_back(request);
  requests_.back().image = nullptr;  // the pixels are the caller's and gone after this call
  const std::string path = "recorded/" + request.local_id + "-" + std::to_string(request.output_index) +
                           imageFormatExtension(request.format);
  return ImportedAsset{path, path + ".texforge.json"};
}

std::vector<ImportRequest> RecordingImporter::requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

void RecordingImporter::failWith(std::optional<Error> error) {
  std::lock_guard<std::mutex> lock(mutex_);
  fail_with_ = std::move(error);
}

std::shared_ptr<RecordingImporter> makeRecordingImporter() {
  return std::make_shared<RecordingImporter>();
}

}  // namespace texforge
