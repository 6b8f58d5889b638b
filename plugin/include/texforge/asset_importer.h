// The seam that writes a finished result into a project. The default folder importer writes the
// image under the project (atomically) plus a provenance sidecar; engines plug in their own.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/image.h"
#include "texforge/params.h"

namespace texforge {

// Everything known about one output, for the file and its sidecar.
struct ImportRequest {
  std::string project_dir;  // absolute or relative project root
  std::string source_file;  // the cached original (.texforge/cache/...), read by the importer
  ImageFormat format = ImageFormat::kPng;
  int width = 0;
  int height = 0;
  GenerationParams params;                       // every parameter as requested
  std::vector<std::string> reference_asset_ids;  // after upload
  std::string mask_asset_id;
  std::string local_id;  // texforge's own id of the request
  std::string job_id;    // Scenario job id
  std::string asset_id;  // Scenario asset id of this output
  int output_index = 0;
  int output_count = 1;
  double cost = -1.0;      // creative units for the job, -1 unknown
  std::string created_at;  // ISO 8601 UTC of the request
};

struct ImportedAsset {
  std::string path;          // the written image, relative to the project root
  std::string sidecar_path;  // its "<file>.texforge.json", relative to the project root
};

class AssetImporter {
 public:
  virtual ~AssetImporter() = default;
  // Writes one output. Must not overwrite existing files nor write outside the project.
  // Called on the thread that calls Generator::importOutput, or on texforge's import thread for
  // importOutputAsync and auto-import; never two calls at once from the same Generator's thread.
  virtual Result<ImportedAsset> importAsset(const ImportRequest& request) = 0;
};

struct FolderImporterOptions {
  std::string folder = "assets/generated";  // relative to the project root
};

// Writes <folder>/<slug-of-prompt>-<short id>[-N].<ext> via temp file + fsync + rename, then the
// sidecar "<file>.texforge.json" (model, prompt, every parameter, job and asset ids, cost, time).
std::unique_ptr<AssetImporter> makeFolderImporter(FolderImporterOptions options = {});

// The null importer: writes nothing, records every request it accepts (tests, cache-only hosts);
// while failWith is set it refuses and records nothing. It answers
// "recorded/<local_id>-<index>.<ext>" as the imported path. Any thread.
class RecordingImporter final : public AssetImporter {
 public:
  Result<ImportedAsset> importAsset(const ImportRequest& request) override;
  std::vector<ImportRequest> requests() const;  // a copy, in call order
  void failWith(std::optional<Error> error);    // later imports fail with error (nullopt: succeed again)

 private:
  mutable std::mutex mutex_;
  std::vector<ImportRequest> requests_;
  std::optional<Error> fail_with_;
};
std::shared_ptr<RecordingImporter> makeRecordingImporter();

// Lower-case ASCII words joined by '-', at most max_len characters; "image" when nothing is left.
std::string slugify(const std::string& text, size_t max_len = 40);

// Reads a sidecar back into parameters (the panel rebuilds its form from it).
Result<GenerationParams> readSidecarParams(const std::string& sidecar_path);

}  // namespace texforge
