// The engine's own asset database: what texforge imported, by path, with the usage and metadata the
// host gave at submit. The importer adds on texforge's import thread while the render thread reads,
// so every method locks (any thread). Registering a known path again is a re-import: the record is
// replaced and its version goes up, which the scene answers with a hot reload.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "texforge/image.h"

namespace texforge::custom_engine {

struct AssetRecord {
  std::string name;                             // the file name without its extension
  std::string path;                             // relative to the project, as the importer wrote it
  std::string usage;                            // texture, sprite, icon, ui or empty
  std::map<std::string, std::string> metadata;  // the host's, as given at submit
  std::string origin;                           // "<texforge local id>#<output index>"
  uint64_t version = 1;  // 1 on the first registration, +1 on each re-import of the path
  // The decoded pixels when the importer had them, until the scene takes them (takePixels).
  std::shared_ptr<const DecodedImage> pixels;
};

class AssetRegistry {
 public:
  // Adds record, or replaces the one with the same path (keeping its place, version + 1).
  // Returns the version it now has.
  uint64_t add(AssetRecord record);
  uint64_t revision() const;  // +1 on every add: a cheap "did anything change" for the scene
  size_t size() const;
  std::vector<AssetRecord> list() const;  // copies without pixels, in registration order
  // Hands the pixels of path's current version over (null when there are none or already taken).
  std::shared_ptr<const DecodedImage> takePixels(const std::string& path);

 private:
  mutable std::mutex mutex_;
  std::vector<AssetRecord> records_;
  uint64_t revision_ = 0;
};

// One line per asset, for the engine's log: "asset NAME  path=... usage=... version=N  k=v, ...".
std::string describeAsset(const AssetRecord& record);

}  // namespace texforge::custom_engine
