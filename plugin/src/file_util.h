// Internal file helpers behind the public ones in asset_importer.h: the atomic writer with an
// owner-only option (credentials need 0600 from the first byte) and the path normalizer the
// importer shares. The OS calls underneath are in platform.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "texforge/error.h"

namespace texforge {

struct AtomicWriteOptions {
  bool no_overwrite = false;  // fail (kIo) instead of replacing an existing file, race-free
  bool owner_only = false;    // 0600 (Win32: the current user only) from the first byte, else 0666 - umask
  bool* existed = nullptr;    // set to true when no_overwrite failed because the path exists
};

// writeFileAtomic with options; the public function calls this with the defaults.
Status writeFileAtomicWith(const std::string& path, const void* data, size_t size,
                           const AtomicWriteOptions& options);

// "a\\b/./c/" -> "a/b/c". nullopt for empty, absolute ("/x", "C:x"), any ".." component or a NUL.
std::optional<std::string> normalizeRelativePath(const std::string& relative);

// Ok unless path is a symbolic link (on Windows also a junction or mount point; a missing path is
// fine); then kIo saying texforge does not follow links out of the project. For the journal, the
// cache and the state folder.
Status refuseSymlink(const std::string& path);

}  // namespace texforge
