// File helpers for anything texforge writes into a project or reads from it: paths that cannot
// leave the project, atomic writes that a crash cannot tear, bounded reads. Any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

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

// ---- The project's trash: an import undone can come back ----------------------------------------

// A file moveToProjectTrash moved, and what went with it.
struct TrashedFile {
  std::string relative_path;       // where it was, relative to the project ("assets/generated/a.png")
  std::string trash_folder;        // relative to the project: ".texforge/trash/<timestamp>"
  std::vector<std::string> moved;  // relative paths that went: the file, then its sidecar if it had one
};

// Moves the file at relative (inside project_dir) and its sidecar (<file>.texforge.json), when
// there is one, to <project>/.texforge/trash/<timestamp>/<relative>; timestamp is now_ms (unix) in
// UTC as "20250102-030405-678", with "-2", "-3"... when that folder is taken. kInvalidArgument for an
// absolute path, "..", a path that leads out of the project through a link, or a file that is a
// link; kNotFound when the file is missing; kIo when a move fails (the file is then put back).
// Any thread.
TEXFORGE_CORE_API Result<TrashedFile> moveToProjectTrash(const std::string& project_dir,
                                                         const std::string& relative, int64_t now_ms);

// Moves what moveToProjectTrash moved back to where it was and removes the emptied trash folders.
// Refused, with nothing moved, when something now stands at an original place (kInvalidArgument,
// naming it) or a trashed file is gone (kNotFound); paths are checked as above. Any thread.
TEXFORGE_CORE_API Status restoreFromProjectTrash(const std::string& project_dir, const TrashedFile& trashed);

// Shows the file or folder at absolute_path in the system's file manager (Linux: the
// FileManager1 D-Bus call through gdbus, else xdg-open on its folder; macOS: open -R; Windows:
// explorer /select,). Returns once the tool is started, never waiting for it; no shell is involved.
// kNotFound when nothing is there; kIo when no tool is found or it cannot be started. Any thread.
TEXFORGE_CORE_API Status revealInFileManager(const std::string& absolute_path);

}  // namespace texforge
