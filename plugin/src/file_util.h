// Internal file helpers behind the public ones in asset_importer.h: the atomic writer with a file
// mode (credentials need 0600 from the first byte) and the path normalizer the importer shares.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

#include "texforge/error.h"

namespace texforge {

struct AtomicWriteOptions {
  bool no_overwrite = false;  // fail (kIo) instead of replacing an existing file, race-free
  mode_t mode = 0666;         // the temp file is created with this mode (minus umask) from the start
  bool* existed = nullptr;    // set to true when no_overwrite failed because the path exists
};

// writeFileAtomic with options; the public function calls this with the defaults.
Status writeFileAtomicWith(const std::string& path, const void* data, size_t size,
                           const AtomicWriteOptions& options);

// "a\\b/./c/" -> "a/b/c". nullopt for empty, absolute ("/x", "C:x"), any ".." component or a NUL.
std::optional<std::string> normalizeRelativePath(const std::string& relative);

// Ok unless path is a symbolic link (a missing path is fine); then kIo saying texforge does not
// follow links out of the project. For the journal, the cache and the state folder.
Status refuseSymlink(const std::string& path);

}  // namespace texforge
