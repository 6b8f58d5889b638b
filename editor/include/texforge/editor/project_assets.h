// The project's image files (png, jpg, webp) for the reference picker and the viewer's asset
// browser. Scanning is cheap for game projects but still done at most every few seconds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "texforge/editor/export.h"
#include "texforge/error.h"
#include "texforge/image.h"

namespace texforge::editor {

struct TEXFORGE_EDITOR_API ProjectAsset {
  std::string relative_path;  // from the project root, '/' separated
  std::string absolute_path;
  int64_t modified_ns = 0;   // for cache keys: a rewritten file gets a new texture
  bool has_sidecar = false;  // "<file>.texforge.json" exists (the form can be rebuilt from it)
};

class TEXFORGE_EDITOR_API ProjectAssets {
 public:
  explicit ProjectAssets(std::string project_dir) : project_dir_(std::move(project_dir)) {}
  // Rescans when forced or when the last scan is older than max_age_s. Returns true if the list changed.
  bool refresh(double now_s, double max_age_s = 2.0, bool force = false);
  const std::vector<ProjectAsset>& assets() const { return assets_; }
  const std::string& projectDir() const { return project_dir_; }

 private:
  std::string project_dir_;
  std::vector<ProjectAsset> assets_;
  double scanned_at_ = -1e9;
};

// Reads and decodes one image file (any thread).
TEXFORGE_EDITOR_API Result<DecodedImage> loadImageFile(const std::string& path);

}  // namespace texforge::editor
