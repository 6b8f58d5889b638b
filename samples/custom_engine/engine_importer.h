// The engine's AssetImporter: texforge's folder importer writes the file and its sidecar, then the
// asset goes into the engine's registry with its usage, the host's metadata and, when texforge
// already decoded the output, its pixels (else the importer decodes the file it just wrote, so the
// render thread never waits on a decode for a new import).
//
// Runs on texforge's import thread (GeneratorOptions::import_on_pump stays false); the registry
// locks, and the counters are atomics.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "asset_registry.h"
#include "texforge/asset_importer.h"

namespace texforge::custom_engine {

struct ImporterCounts {
  uint64_t imports = 0;
  uint64_t failed = 0;               // the folder importer refused (the error went back to texforge)
  uint64_t pixels_from_request = 0;  // ImportRequest::image was set
  uint64_t pixels_from_file = 0;     // decoded from the written file instead
  uint64_t tags_from_request = 0;    // ImportRequest::usage / host_metadata were set
  uint64_t tags_from_params = 0;     // taken from ImportRequest::params instead
};

class EngineImporter final : public AssetImporter {
 public:
  // registry is not owned and must outlive the importer (and so the Generator that holds it).
  explicit EngineImporter(AssetRegistry& registry, FolderImporterOptions folder = {});
  Result<ImportedAsset> importAsset(const ImportRequest& request) override;
  ImporterCounts counts() const;  // any thread

 private:
  AssetRegistry& registry_;
  std::unique_ptr<AssetImporter> folder_;
  std::atomic<uint64_t> imports_{0}, failed_{0}, pixels_from_request_{0}, pixels_from_file_{0};
  std::atomic<uint64_t> tags_from_request_{0}, tags_from_params_{0};
};

}  // namespace texforge::custom_engine
