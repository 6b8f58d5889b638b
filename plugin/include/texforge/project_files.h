// File helpers for anything texforge writes into a project or reads from it: paths that cannot
// leave the project, atomic writes that a crash cannot tear, bounded reads. Any thread.
#pragma once

#include <cstddef>
#include <string>

#include "texforge/error.h"
#include "texforge/export.h"

namespace texforge {

// Joins project_dir and a relative path, refusing absolute paths, "..", and anything that would
// resolve outside project_dir. Returns the joined path.
TEXFORGE_CORE_API Result<std::string> safeProjectPath(const std::string& project_dir,
                                                      const std::string& relative);

// Writes bytes to path atomically (temp file in the same folder, fsync, rename). With
// no_overwrite it fails with kIo if path exists.
TEXFORGE_CORE_API Status writeFileAtomic(const std::string& path, const void* data, size_t size,
                                         bool no_overwrite);

// Reads a whole file; kNotFound / kIo on failure.
TEXFORGE_CORE_API Result<std::string> readFile(const std::string& path, size_t max_bytes = 256u << 20);

}  // namespace texforge
