// Project-safe paths and crash-safe writes: a result lands inside the project, never replaces an
// existing file, and a crash leaves either the old state or the complete new file.
#include "file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "texforge/project_files.h"

namespace texforge {
namespace fs = std::filesystem;
namespace {

// Closes a POSIX descriptor exactly once.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  ~UniqueFd() { reset(); }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  // Closes now and reports close()'s errno (0 on success): on NFS a write error can surface here.
  int close() {
    if (fd_ < 0) return 0;
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? 0 : errno;
  }
  void reset() { close(); }

 private:
  int fd_;
};

// A short, hard-to-guess suffix so concurrent writers in one folder never pick the same temp name.
std::string randomSuffix() {
  static std::atomic<uint64_t> counter{0};
  thread_local std::mt19937_64 engine{std::random_device{}() ^ (uint64_t(::getpid()) << 32)};
  const uint64_t value = engine() ^ counter.fetch_add(1);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return std::string(buf, 12);
}

// What the user can do about an errno, appended to the message.
const char* hintFor(int err) {
  switch (err) {
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      return " Free some space and import again.";
    case EACCES:
    case EPERM:
    case EROFS: return " Check that the folder is writable.";
    case EEXIST: return " texforge never replaces an existing file.";
    default: return "";
  }
}

Error ioError(const std::string& path, int err) {
  return makeError(ErrorCode::kIo, "cannot write " + path + ": " + std::strerror(err) + "." + hintFor(err));
}

// Best effort: makes the rename itself durable. Some file systems refuse fsync on a directory.
void syncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd) (void)::fsync(fd.get());
}

// Moves tmp to path without ever replacing path; returns 0 or an errno.
int publishNoReplace(const std::string& tmp, const std::string& path) {
#if defined(__linux__) && defined(RENAME_NOREPLACE)
  if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0) return 0;
  if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return errno;
    // The file system has no RENAME_NOREPLACE: link() also fails with EEXIST, atomically.
#endif
  if (::link(tmp.c_str(), path.c_str()) != 0) return errno;
  ::unlink(tmp.c_str());
  return 0;
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
  const fs::path root_lexical = fs::path(root).lexically_normal();
  const fs::path joined_lexical = fs::path(joined).lexically_normal();
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
  const fs::path target(path);
  const std::string dir = target.parent_path().string();
  if (!dir.empty()) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return ioError(path, ec.value());
  }
  const std::string tmp = path + ".tmp-" + randomSuffix();
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode));
  if (!fd) return ioError(path, errno);

  // From here on every failure removes the temp file.
  auto fail = [&](int err) -> Status {
    fd.reset();
    ::unlink(tmp.c_str());
    if (err == EEXIST && options.existed) *options.existed = true;
    return ioError(path, err);
  };
  const auto* bytes = static_cast<const uint8_t*>(data);
  size_t written = 0;
  while (written < size) {
    const ssize_t n = ::write(fd.get(), bytes + written, size - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(errno);
    }
    written += size_t(n);
  }
  if (::fsync(fd.get()) != 0) return fail(errno);
  if (const int err = fd.close(); err != 0) return fail(err);

  if (options.no_overwrite) {
    if (const int err = publishNoReplace(tmp, path); err != 0) return fail(err);
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return fail(errno);
  }
  syncDirectory(dir);
  return Ok{};
}

Status writeFileAtomic(const std::string& path, const void* data, size_t size, bool no_overwrite) {
  AtomicWriteOptions options;
  options.no_overwrite = no_overwrite;
  return writeFileAtomicWith(path, data, size, options);
}

Result<std::string> readFile(const std::string& path, size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    const ErrorCode code = err == ENOENT || err == ENOTDIR ? ErrorCode::kNotFound : ErrorCode::kIo;
    return makeError(code, "cannot read " + path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0)
    return makeError(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return makeError(ErrorCode::kIo, "cannot read " + path + ": not a regular file");
  if (uint64_t(st.st_size) > max_bytes) {
    return makeError(ErrorCode::kIo, "cannot read " + path + ": " + std::to_string(st.st_size) +
                                         " bytes, over the " + std::to_string(max_bytes) + "-byte limit");
  }
  std::string out;
  out.resize(size_t(st.st_size));
  size_t done = 0;
  // Read until EOF rather than trusting st_size: the file may grow while we read it.
  while (true) {
    if (done == out.size()) {
      char extra;
      const ssize_t n = ::read(fd.get(), &extra, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return makeError(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
      if (n == 0) break;
      if (out.size() >= max_bytes) {
        return makeError(ErrorCode::kIo,
                         "cannot read " + path + ": over the " + std::to_string(max_bytes) + "-byte limit");
      }
      out.resize(std::min(max_bytes, std::max<size_t>(out.size() * 2, 4096)));
      out[done++] = extra;
      continue;
    }
    const ssize_t n = ::read(fd.get(), &out[done], out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return makeError(ErrorCode::kIo, "cannot read " + path + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    done += size_t(n);
  }
  out.resize(done);
  return out;
}

Status refuseSymlink(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return Ok{};
  return makeError(ErrorCode::kIo, path +
                                       " is a symbolic link; texforge keeps its journal and cache inside the "
                                       "project and does not follow links out of it. Replace the link with a "
                                       "real folder or file.");
}

}  // namespace texforge
