// Project-safe paths and crash-safe writes: a result lands inside the project, never replaces an
// existing file, and a crash leaves either the old state or the complete new file.
#include "file_util.h"

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "platform.h"
#include "texforge/project_files.h"

namespace texforge {
namespace fs = std::filesystem;
namespace {

// What the user can do when the folders for a file cannot be made, appended to the message (the
// same advice platform::writeFileDurably gives for the file itself).
const char* folderHint(const std::error_code& ec) {
  const std::error_condition condition = ec.default_error_condition();
  if (condition == std::errc::no_space_on_device) return " Free some space and import again.";
#ifdef EDQUOT
  if (condition == std::error_condition(EDQUOT, std::generic_category()))
    return " Free some space and import again.";
#endif
  if (condition == std::errc::permission_denied || condition == std::errc::operation_not_permitted ||
      condition == std::errc::read_only_file_system) {
    return " Check that the folder is writable.";
  }
  if (condition == std::errc::file_exists) return " texforge never replaces an existing file.";
  return "";
}

}  // namespace

std::optional<std::string> normalizeRelativePath(const std::string& relative) {
  if (relative.empty() || relative.find('\0') != std::string::npos) return std::nullopt;
  std::string text = relative;
  for (char& c : text) {
    if (c == '\\') c = '/';  // a path typed on Windows means the same folders
  }
  if (text[0] == '/') return std::nullopt;
  if (text.size() >= 2 && text[1] == ':') return std::nullopt;  // "C:..." is absolute on Windows
  std::string out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('/', start);
    if (end == std::string::npos) end = text.size();
    const std::string part = text.substr(start, end - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") {
      if (!out.empty()) out.push_back('/');
      out += part;
    }
    start = end + 1;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

Result<std::string> safeProjectPath(const std::string& project_dir, const std::string& relative) {
  const std::optional<std::string> normalized = normalizeRelativePath(relative);
  if (!normalized) {
    return makeError(
        ErrorCode::kInvalidArgument,
        "\"" + relative + "\" is not a relative path inside the project (no \"..\", not absolute)");
  }
  const std::string root = project_dir.empty() ? std::string(".") : project_dir;
  std::string joined = root;
  if (joined.back() != '/') joined.push_back('/');
  joined += *normalized;

  // Lexical check first, then the same check after following symlinks that already exist.
  const fs::path root_lexical = platform::fsPath(root).lexically_normal();
  const fs::path joined_lexical = platform::fsPath(joined).lexically_normal();
  const fs::path rel_lexical = joined_lexical.lexically_relative(root_lexical);
  if (rel_lexical.empty() || *rel_lexical.begin() == "..") {
    return makeError(ErrorCode::kInvalidArgument, "\"" + relative + "\" leaves the project folder");
  }
  std::error_code ec;
  const fs::path root_real = fs::weakly_canonical(root_lexical, ec);
  if (ec) return makeError(ErrorCode::kIo, "cannot resolve the project folder " + root + ": " + ec.message());
  const fs::path joined_real = fs::weakly_canonical(joined_lexical, ec);
  if (ec) return makeError(ErrorCode::kIo, "cannot resolve " + joined + ": " + ec.message());
  const fs::path rel_real = joined_real.lexically_relative(root_real);
  if (rel_real.empty() || *rel_real.begin() == ".." || rel_real == ".") {
    return makeError(ErrorCode::kInvalidArgument,
                     "\"" + relative + "\" resolves outside the project folder (through a symbolic link)");
  }
  return joined;
}

Status writeFileAtomicWith(const std::string& path, const void* data, size_t size,
                           const AtomicWriteOptions& options) {
  if (options.existed) *options.existed = false;
  if (path.empty()) return makeError(ErrorCode::kInvalidArgument, "cannot write a file without a name");
  const fs::path dir = platform::fsPath(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
      return makeError(ErrorCode::kIo, "cannot write " + path + ": " + ec.message() + "." + folderHint(ec));
  }
  platform::DurableWriteOptions durable;
  durable.no_overwrite = options.no_overwrite;
  durable.owner_only = options.owner_only;
  durable.existed = options.existed;
  return platform::writeFileDurably(path, data, size, durable);
}

Status writeFileAtomic(const std::string& path, const void* data, size_t size, bool no_overwrite) {
  AtomicWriteOptions options;
  options.no_overwrite = no_overwrite;
  return writeFileAtomicWith(path, data, size, options);
}

Result<std::string> readFile(const std::string& path, size_t max_bytes) {
  return platform::readFileBounded(path, max_bytes);
}

Status refuseSymlink(const std::string& path) {
  if (platform::entryKind(path) != platform::EntryKind::kLink) return Ok{};
  return makeError(ErrorCode::kIo, path +
                                       " is a symbolic link; texforge keeps its journal and cache inside the "
                                       "project and does not follow links out of it. Replace the link with a "
                                       "real folder or file.");
}

}  // namespace texforge
