// platform.h on POSIX systems (Linux, macOS, the BSDs): file descriptors, rename(2) and fsync(2).
#include "platform.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace texforge::platform {
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

Error failure(const char* what, const std::string& path, int err) {
  return makeError(ErrorCode::kIo,
                   std::string(what) + " " + path + ": " + std::strerror(err) + "." + hintFor(err));
}

Error writeError(const std::string& path, int err) {
  return failure("cannot write", path, err);
}

// Best effort: makes a rename in dir durable. Some file systems refuse fsync on a directory.
void syncFolder(const std::string& dir) {
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

// createNew without the message: 0 or an errno. Whatever it created is gone again on failure.
int createAndWrite(const std::string& path, const void* data, size_t size, bool owner_only) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, owner_only ? 0600 : 0666));
  if (!fd) return errno;
  auto fail = [&](int err) {
    fd.reset();
    ::unlink(path.c_str());
    return err;
  };
  // The umask can only have removed bits; an odd one could have removed the owner's.
  if (owner_only && ::fchmod(fd.get(), 0600) != 0) return fail(errno);
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
  return 0;
}

// The executable called name in one of $PATH's folders; empty when there is none.
std::string findInPath(const char* name) {
  const char* env = std::getenv("PATH");
  const std::string dirs = env && *env ? env : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > start ? dirs.substr(start, end - start) : ".";
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return {};
}

// A file:// URI for an absolute path: every byte but unreserved ones and '/' percent-encoded, so
// the URI also sits safely inside the GVariant string literal gdbus parses.
std::string fileUri(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string uri = "file://";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri.push_back(static_cast<char>(c));
    } else {
      uri += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return uri;
}

// Runs the commands (absolute executable first) one after another, in a process of their own that
// nobody waits for, until one exits with 0. Only the middle process, which forks it and exits at
// once, is reaped here. Returns 0 or fork's errno.
int spawnDetached(const std::vector<std::vector<std::string>>& commands) {
  // Everything the children use is prepared before fork(): a child of a threaded process may only
  // make async-signal-safe calls until it execs.
  std::vector<std::vector<char*>> argvs;
  for (const auto& command : commands) {
    std::vector<char*> argv;
    for (const auto& arg : command) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    argvs.push_back(std::move(argv));
  }
  const pid_t middle = ::fork();
  if (middle < 0) return errno;
  if (middle == 0) {
    if (::fork() != 0) ::_exit(0);
    ::setsid();
    const int null_fd = ::open("/dev/null", O_RDWR);
    if (null_fd >= 0) {
      ::dup2(null_fd, 0);
      ::dup2(null_fd, 1);
      ::dup2(null_fd, 2);
    }
    for (size_t i = 0; i + 1 < argvs.size(); ++i) {
      const pid_t tool = ::fork();
      if (tool == 0) {
        ::execv(argvs[i][0], argvs[i].data());
        ::_exit(127);
      }
      int status = 0;
      if (tool > 0 && ::waitpid(tool, &status, 0) == tool && WIFEXITED(status) && WEXITSTATUS(status) == 0)
        ::_exit(0);
    }
    ::execv(argvs.back()[0], argvs.back().data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  return 0;
}

}  // namespace

std::filesystem::path fsPath(const std::string& utf8) {
  return std::filesystem::path(utf8);
}

std::string utf8Path(const std::filesystem::path& path) {
  return path.string();
}

Status writeFileDurably(const std::string& path, const void* data, size_t size,
                        const DurableWriteOptions& options) {
  if (options.existed) *options.existed = false;
  const std::string tmp = path + ".tmp-" + randomSuffix();
  if (const int err = createAndWrite(tmp, data, size, options.owner_only); err != 0)
    return writeError(path, err);
  int err = 0;
  if (options.no_overwrite) {
    err = publishNoReplace(tmp, path);
  } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
    err = errno;
  }
  if (err != 0) {
    ::unlink(tmp.c_str());
    if (err == EEXIST && options.existed) *options.existed = true;
    return writeError(path, err);
  }
  syncFolder(fsPath(path).parent_path().string());
  return Ok{};
}

Status createNew(const std::string& path, const void* data, size_t size, bool owner_only, bool* existed) {
  if (existed) *existed = false;
  const int err = createAndWrite(path, data, size, owner_only);
  if (err == 0) {
    syncFolder(fsPath(path).parent_path().string());
    return Ok{};
  }
  if (err == EEXIST && existed) *existed = true;
  return writeError(path, err);
}

Result<std::string> readFileBounded(const std::string& path, size_t max_bytes) {
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

Status removeFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return failure("cannot remove", path, errno);
  return Ok{};
}

Status createFolder(const std::string& path, bool owner_only) {
  if (::mkdir(path.c_str(), owner_only ? 0700 : 0777) != 0) {
    if (errno == EEXIST) return Ok{};
    return failure("cannot create", path, errno);
  }
  // Only a folder made here is restricted; the umask may have taken bits away, never added.
  if (owner_only) (void)::chmod(path.c_str(), 0700);
  return Ok{};
}

Status moveNoReplace(const std::string& from, const std::string& to, bool* existed) {
  if (existed) *existed = false;
  if (const int err = publishNoReplace(from, to); err != 0) {
    if (existed) *existed = err == EEXIST;
    return makeError(ErrorCode::kIo,
                     "cannot move " + from + " to " + to + ": " + std::strerror(err) + "." + hintFor(err));
  }
  syncFolder(fsPath(to).parent_path().string());
  syncFolder(fsPath(from).parent_path().string());
  return Ok{};
}

EntryKind entryKind(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return errno == ENOENT ? EntryKind::kMissing : EntryKind::kUnknown;
  return S_ISLNK(st.st_mode) ? EntryKind::kLink : EntryKind::kOther;
}

std::time_t timeFromUtc(std::tm tm) {
  return ::timegm(&tm);
}

bool utcFromTime(std::time_t t, std::tm* out) {
  if (::gmtime_r(&t, out)) return true;
  *out = std::tm{};
  return false;
}

Status revealInFileManager(const std::string& absolute_path) {
  struct stat st {};
  if (::stat(absolute_path.c_str(), &st) != 0) {
    const int err = errno;
    Error error = failure("cannot show", absolute_path, err);
    if (err == ENOENT || err == ENOTDIR) error.code = ErrorCode::kNotFound;
    return error;
  }
  std::vector<std::vector<std::string>> commands;
#ifdef __APPLE__
  const std::string open = findInPath("open");
  if (!open.empty()) commands.push_back({open, "-R", absolute_path});
#else
  // The file manager's own "show this item" first; xdg-open can only open the folder.
  const std::string gdbus = findInPath("gdbus");
  if (!gdbus.empty()) {
    commands.push_back({gdbus, "call", "--session", "--timeout", "5", "--dest",
                        "org.freedesktop.FileManager1", "--object-path", "/org/freedesktop/FileManager1",
                        "--method", "org.freedesktop.FileManager1.ShowItems",
                        "['" + fileUri(absolute_path) + "']", ""});
  }
  const std::string xdg_open = findInPath("xdg-open");
  if (!xdg_open.empty()) {
    const std::string folder =
        S_ISDIR(st.st_mode) ? absolute_path : fsPath(absolute_path).parent_path().string();
    commands.push_back({xdg_open, folder.empty() ? "/" : folder});
  }
#endif
  if (commands.empty()) {
    return makeError(ErrorCode::kIo, "cannot show " + absolute_path +
                                         ": no file manager tool was found (xdg-open or gdbus; open on "
                                         "macOS). Install xdg-utils, or open the folder by hand.");
  }
  if (const int err = spawnDetached(commands); err != 0) {
    return makeError(ErrorCode::kIo,
                     "cannot start the file manager for " + absolute_path + ": " + std::strerror(err) + ".");
  }
  return Ok{};
}

int64_t currentProcessId() {
  return static_cast<int64_t>(::getpid());
}

bool processAlive(int64_t pid) {
  // kill(0 or -1, 0) would ask about a whole group or every process: those ids name no process.
  if (pid <= 0 || pid > static_cast<int64_t>(std::numeric_limits<pid_t>::max())) return false;
  return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM;
}

std::string hostName() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

void killCurrentProcess() {
  std::raise(SIGKILL);
  std::_Exit(137);  // not reached: SIGKILL cannot be caught
}

}  // namespace texforge::platform
