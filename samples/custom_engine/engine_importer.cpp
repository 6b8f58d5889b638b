// EngineImporter: the folder importer first (its errors reach the user as they are), then the
// registry entry, with pixels from the request or from the written file.
#include "engine_importer.h"

#include <filesystem>

#include "texforge/project_files.h"

namespace texforge::custom_engine {

EngineImporter::EngineImporter(AssetRegistry& registry, FolderImporterOptions folder)
    : registry_(registry), folder_(makeFolderImporter(std::move(folder))) {}

Result<ImportedAsset> EngineImporter::importAsset(const ImportRequest& request) {
  auto written = folder_->importAsset(request);
  if (!written) {
    failed_++;
    return written;
  }
  AssetRecord record;
  record.path = written->path;
  record.name = std::filesystem::path(written->path).stem().string();
  record.origin = request.local_id + "#" + std::to_string(request.output_index);
  // The request carries the host's usage and metadata; an older core had them only in params.
  if (!request.usage.empty() || !request.host_metadata.empty()) {
    record.usage = request.usage;
    record.metadata = request.host_metadata;
    tags_from_request_++;
  } else {
    record.usage = request.params.usage;
    record.metadata = request.params.host_metadata;
    tags_from_params_++;
  }
  if (request.image) {
    record.pixels = std::make_shared<DecodedImage>(*request.image);  // valid only during this call
    pixels_from_request_++;
  } else if (auto path = safeProjectPath(request.project_dir, written->path)) {
    if (auto bytes = readFile(*path)) {
      auto decoded = decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
      if (decoded) {
        record.pixels = std::make_shared<DecodedImage>(std::move(*decoded));
        pixels_from_file_++;
      }
    }
  }
  // Without pixels the scene reads the file itself; the asset is registered either way.
  registry_.add(std::move(record));
  imports_++;
  return written;
}

ImporterCounts EngineImporter::counts() const {
  ImporterCounts c;
  c.imports = imports_;
  c.failed = failed_;
  c.pixels_from_request = pixels_from_request_;
  c.pixels_from_file = pixels_from_file_;
  c.tags_from_request = tags_from_request_;
  c.tags_from_params = tags_from_params_;
  return c;
}

}  // namespace texforge::custom_engine
