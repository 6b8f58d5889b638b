// The project's trash: an undone import's file and sidecar move to .texforge/trash/<timestamp>/
// under their relative path, and can move back as long as nothing took their place.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "file_util.h"
#include "platform.h"
#include "texforge/project_files.h"

namespace texforge {
namespace fs = std::filesystem;
namespace {

constexpr const char* kTrashRoot = ".texforge/trash";
constexpr const char* kSidecarSuffix = ".texforge.json";

std::string stampFor(int64_t now_ms) {
  std::tm tm{};
  platform::utcFromTime(static_cast<std::time_t>(now_ms / 1000), &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d-%02d%02d%02d-%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(now_ms % 1000));
  return buf;
}

// A project path that must be a file, not a link; safeProjectPath's checks first.
Result<std::string> filePath(const std::string& project_dir, const std::string& relative) {
  auto path = safeProjectPath(project_dir, relative);
  if (!path) return path;
  if (platform::entryKind(*path) == platform::EntryKind::kLink) {
    return makeError(ErrorCode::kInvalidArgument,
                     *path + " is a symbolic link; texforge moves only the files it wrote.");
  }
  return path;
}

Status makeParent(const std::string& path) {
  std::error_code ec;
  fs::create_directories(platform::fsPath(path).parent_path(), ec);
  if (ec)
    return makeError(ErrorCode::kIo, "cannot create the folder for " + path + ": " + ec.message() + ".");
  return Ok{};
}

// Removes the empty folders from the trashed file's folder up to the trash root (best effort).
void pruneTrash(const std::string& project_dir, const std::string& trash_file) {
  const fs::path root = platform::fsPath(project_dir) / kTrashRoot;
  fs::path dir = platform::fsPath(trash_file).parent_path();
  std::error_code ec;
  while (!dir.empty() && dir.lexically_normal() != root.lexically_normal() && fs::is_empty(dir, ec) && !ec) {
    if (!fs::remove(dir, ec) || ec) break;
    dir = dir.parent_path();
  }
}

}  // namespace

Result<TrashedFile> moveToProjectTrash(const std::string& project_dir, const std::string& relative,
                                       int64_t now_ms) {
  const std::optional<std::string> normalized = normalizeRelativePath(relative);
  auto from = filePath(project_dir, relative);
  if (!from) return from.error();
  if (platform::entryKind(*from) == platform::EntryKind::kMissing) {
    return makeError(ErrorCode::kNotFound, "cannot move " + *from + " to the trash: it is not there.");
  }
  TrashedFile trashed;
  trashed.relative_path = *normalized;
  trashed.moved.push_back(*normalized);
  const std::string sidecar = *normalized + kSidecarSuffix;
  auto sidecar_from = filePath(project_dir, sidecar);
  if (sidecar_from && platform::entryKind(*sidecar_from) != platform::EntryKind::kMissing) {
    trashed.moved.push_back(sidecar);
  }

  // A folder of its own per undo: a second undo in the same millisecond takes the next name.
  const std::string stamp = stampFor(now_ms);
  for (int n = 1;; ++n) {
    trashed.trash_folder = std::string(kTrashRoot) + "/" + stamp + (n > 1 ? "-" + std::to_string(n) : "");
    auto folder = safeProjectPath(project_dir, trashed.trash_folder);
    if (!folder) return folder.error();
    if (platform::entryKind(*folder) == platform::EntryKind::kMissing) break;
    if (n > 1000) return makeError(ErrorCode::kIo, "cannot pick a trash folder under " + *folder);
  }

  std::vector<std::pair<std::string, std::string>> done;  // (from, to), to undo a half move
  for (const std::string& rel : trashed.moved) {
    auto source = filePath(project_dir, rel);
    auto target = safeProjectPath(project_dir, trashed.trash_folder + "/" + rel);
    Status moved = !source ? Status(source.error()) : !target ? Status(target.error()) : makeParent(*target);
    if (moved) moved = platform::moveNoReplace(*source, *target);
    if (!moved) {
      for (auto it = done.rbegin(); it != done.rend(); ++it)
        (void)platform::moveNoReplace(it->second, it->first);
      return moved.error();
    }
    done.emplace_back(*source, *target);
  }
  return trashed;
}

Status restoreFromProjectTrash(const std::string& project_dir, const TrashedFile& trashed) {
  const std::optional<std::string> folder = normalizeRelativePath(trashed.trash_folder);
  if (!folder || folder->rfind(std::string(kTrashRoot) + "/", 0) != 0 || trashed.moved.empty()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "\"" + trashed.trash_folder + "\" is not in the project's trash");
  }
  // Every check before the first move, so a refusal leaves everything where it is.
  std::vector<std::pair<std::string, std::string>> moves;  // (trashed, original)
  for (const std::string& rel : trashed.moved) {
    auto source = filePath(project_dir, *folder + "/" + rel);
    if (!source) return source.error();
    auto target = safeProjectPath(project_dir, rel);
    if (!target) return target.error();
    if (platform::entryKind(*source) == platform::EntryKind::kMissing) {
      return makeError(ErrorCode::kNotFound,
                       "cannot restore " + rel + ": " + *source + " is gone from the trash.");
    }
    if (platform::entryKind(*target) != platform::EntryKind::kMissing) {
      return makeError(
          ErrorCode::kInvalidArgument,
          "cannot restore " + rel + ": a file is there now. Move or rename it, then restore again.");
    }
    moves.emplace_back(*source, *target);
  }
  std::vector<std::pair<std::string, std::string>> done;
  for (const auto& [source, target] : moves) {
    Status moved = makeParent(target);
    if (moved) moved = platform::moveNoReplace(source, target);
    if (!moved) {
      for (auto it = done.rbegin(); it != done.rend(); ++it)
        (void)platform::moveNoReplace(it->second, it->first);
      return moved.error();
    }
    done.emplace_back(source, target);
  }
  for (const auto& move : moves) pruneTrash(project_dir, move.first);
  return Ok{};
}

Status revealInFileManager(const std::string& absolute_path) {
  return platform::revealInFileManager(absolute_path);
}

}  // namespace texforge
