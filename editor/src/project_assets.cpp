// ProjectAssets: walks the project for image files (skipping .texforge and hidden folders) and
// loadImageFile for thumbnails of references and assets.
#include "texforge/editor/project_assets.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "texforge/project_files.h"

namespace texforge::editor {
namespace fs = std::filesystem;

namespace {

bool isImageExtension(std::string ext) {
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

}  // namespace

bool ProjectAssets::refresh(double now_s, double max_age_s, bool force) {
  if (!force && now_s - scanned_at_ < max_age_s) return false;
  scanned_at_ = now_s;
  std::vector<ProjectAsset> found;
  std::error_code ec;
  const fs::path root(project_dir_);
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  const fs::recursive_directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    const std::string name = path.filename().string();
    if (it->is_directory(ec)) {
      if (!name.empty() && (name[0] == '.' || name == "build")) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || !isImageExtension(path.extension().string())) continue;
    ProjectAsset asset;
    asset.absolute_path = path.string();
    asset.relative_path = fs::relative(path, root, ec).generic_string();
    asset.modified_ns = static_cast<int64_t>(fs::last_write_time(path, ec).time_since_epoch().count());
    asset.has_sidecar = fs::exists(asset.absolute_path + ".texforge.json", ec);
    found.push_back(std::move(asset));
    if (found.size() >= 5000) break;  // a huge tree: show the first ones rather than stall
  }
  std::sort(found.begin(), found.end(),
            [](const ProjectAsset& a, const ProjectAsset& b) { return a.relative_path < b.relative_path; });
  const bool changed =
      found.size() != assets_.size() ||
      !std::equal(found.begin(), found.end(), assets_.begin(), [](const auto& a, const auto& b) {
        return a.relative_path == b.relative_path && a.modified_ns == b.modified_ns;
      });
  assets_ = std::move(found);
  return changed;
}

Result<DecodedImage> loadImageFile(const std::string& path) {
  auto bytes = readFile(path, 64u << 20);
  if (!bytes) return bytes.error();
  return decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
}

}  // namespace texforge::editor
