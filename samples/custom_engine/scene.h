// The engine's scene: one textured quad per registered asset, laid out in a grid. It follows the
// registry (new assets appear, a re-imported one is reloaded) and the files on disk (an asset whose
// file changed is reloaded): hot reload. A reloaded asset keeps showing its old texture until the
// new one is ready(), then the old one is destroyed, which the uploader defers until no frame in
// flight reads it. Render thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "asset_registry.h"
#include "quad_renderer.h"
#include "texforge/texture_uploader.h"

namespace texforge::custom_engine {

struct SceneStats {
  uint64_t loads = 0;          // textures made for the scene (first loads and reloads)
  uint64_t hot_reloads = 0;    // shown textures replaced by a newer version
  uint64_t reimports = 0;      // reloads because the registry's version went up
  uint64_t file_changes = 0;   // reloads because the file changed on disk
  uint64_t load_failures = 0;  // files that could not be read or decoded (retried when they change)
};

class Scene {
 public:
  using Log = std::function<void(const std::string& line)>;
  // registry and uploader are not owned and must outlive the scene. Files are checked every
  // watch_every_frames frames (a stat per asset).
  Scene(AssetRegistry& registry, TextureUploader& uploader, std::string project_dir, Log log,
        int watch_every_frames = 15);
  ~Scene();  // destroys its textures
  Scene(const Scene&) = delete;
  Scene& operator=(const Scene&) = delete;

  // Once per frame, before the frame is recorded: new and re-imported assets, changed files, and
  // swaps of textures that became ready.
  void update(uint64_t frame);
  // The grid for a region of the target, in pixels: a backdrop per asset, its texture over it.
  std::vector<QuadDraw> layout(float x, float y, float width, float height) const;

  size_t assetCount() const { return entries_.size(); }
  size_t shownCount() const;  // assets whose texture is drawn
  // Every asset is shown at its newest version and nothing is loading.
  bool settled() const;
  const SceneStats& stats() const { return stats_; }

 private:
  struct FileStamp {
    bool exists = false;
    int64_t mtime = 0;
    uintmax_t size = 0;
    bool operator==(const FileStamp& o) const {
      return exists == o.exists && mtime == o.mtime && size == o.size;
    }
    bool operator!=(const FileStamp& o) const { return !(*this == o); }
  };
  struct Entry {
    std::string path;  // relative to the project
    std::string name;
    std::string usage;
    uint64_t version = 0;    // the registry version the newest texture was made from
    FileStamp stamp;         // the file as it was when the newest texture was made
    FileStamp failed;        // the file as it was when loading it failed
    TextureHandle shown;     // drawn now
    TextureHandle incoming;  // replaces shown once ready
    std::string why;         // why incoming was made: "new", "re-imported", "file changed"
  };

  FileStamp stampOf(const std::string& path) const;
  void load(Entry& entry, std::shared_ptr<const DecodedImage> pixels, const std::string& why);
  void syncRegistry();
  void watchFiles();
  void promoteReady();

  AssetRegistry& registry_;
  TextureUploader& uploader_;
  std::string project_dir_;
  Log log_;
  int watch_every_;
  uint64_t seen_revision_ = 0;
  std::vector<Entry> entries_;
  TextureHandle backdrop_;  // 1x1 white, tinted per cell
  SceneStats stats_;
};

}  // namespace texforge::custom_engine
