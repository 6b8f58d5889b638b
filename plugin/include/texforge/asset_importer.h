// The seam that writes a finished result into a project. The default folder importer writes the
// image under the project (atomically) plus a provenance sidecar; engines plug in their own.
//
// An engine's importer usually registers the asset in its own database, from the file, from the
// pixels already decoded, or both:
//   class MyImporter : public texforge::AssetImporter {
//    public:
//     texforge::Result<texforge::ImportedAsset> importAsset(const texforge::ImportRequest& r) override {
//       auto written = folder->importAsset(r);            // file + sidecar under the project
//       if (!written) return written;                     // the error reaches the user as it is
//       registry.add(written->path, r.usage, r.host_metadata, r.image);  // r.image may be null
//       return written;
//     }
//     std::unique_ptr<texforge::AssetImporter> folder = texforge::makeFolderImporter();
//   };
// Where it runs is the host's choice (GeneratorOptions::import_on_pump): on texforge's import
// thread (default: the importer must be thread-safe against the host's own use of its database),
// or inside Generator::pump() on the host's thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/image.h"
#include "texforge/job.h"
#include "texforge/params.h"

namespace texforge {

// Everything known about one output, for the file and its sidecar.
struct TEXFORGE_CORE_API ImportRequest {
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
  // The decoded pixels when texforge already has them (the output was decoded for a preview),
  // else null: read source_file. Valid only during the call.
  const DecodedImage* image = nullptr;
  std::string usage;                                 // params.usage: texture, sprite, icon, ui or empty
  std::map<std::string, std::string> host_metadata;  // params.host_metadata, as given at submit
  OutputFinish finish;  // what texforge measured and changed (seam score, how the alpha was made)
};

struct TEXFORGE_CORE_API ImportedAsset {
  std::string path;          // the written image, relative to the project root
  std::string sidecar_path;  // its "<file>.texforge.json", relative to the project root
};

class TEXFORGE_CORE_API AssetImporter {
 public:
  virtual ~AssetImporter() = default;
  // Writes one output. Must not overwrite existing files nor write outside the project.
  // Called on the thread that calls Generator::importOutput, or, for importOutputAsync and
  // auto-import, on texforge's import thread (inside Generator::pump() on the host's thread with
  // GeneratorOptions::import_on_pump); never two calls at once from the same Generator's thread.
  virtual Result<ImportedAsset> importAsset(const ImportRequest& request) = 0;
};

struct TEXFORGE_CORE_API FolderImporterOptions {
  std::string folder = "assets/generated";  // relative to the project root
};

// Writes <folder>/<slug-of-prompt>-<short id>[-N].<ext> via temp file + fsync + rename, then the
// sidecar "<file>.texforge.json" (model, prompt, every parameter, job and asset ids, cost, time).
TEXFORGE_CORE_API std::unique_ptr<AssetImporter> makeFolderImporter(FolderImporterOptions options = {});

// The null importer: writes nothing, records every request it accepts (tests, cache-only hosts);
// while failWith is set it refuses and records nothing. It answers
// "recorded/<local_id>-<index>.<ext>" as the imported path. Any thread.
class TEXFORGE_CORE_API RecordingImporter final : public AssetImporter {
 public:
  Result<ImportedAsset> importAsset(const ImportRequest& request) override;
  std::vector<ImportRequest> requests() const;  // a copy, in call order
  void failWith(std::optional<Error> error);    // later imports fail with error (nullopt: succeed again)

 private:
  mutable std::mutex mutex_;
  std::vector<ImportRequest> requests_;
  std::optional<Error> fail_with_;
};
TEXFORGE_CORE_API std::shared_ptr<RecordingImporter> makeRecordingImporter();

// Lower-case ASCII words joined by '-', at most max_len characters; "image" when nothing is left.
TEXFORGE_CORE_API std::string slugify(const std::string& text, size_t max_len = 40);

// Reads a sidecar back into parameters (the panel rebuilds its form from it).
TEXFORGE_CORE_API Result<GenerationParams> readSidecarParams(const std::string& sidecar_path);

}  // namespace texforge
