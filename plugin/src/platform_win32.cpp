// platform.h on Windows: the wide-character Win32 API (MSVC or mingw-w64), Windows Vista or later.
// Every path arrives as UTF-8 and goes to the system as UTF-16.
#if !defined(_WIN32_WINNT) || _WIN32_WINNT < 0x0600
#undef _WIN32_WINNT
#define _WIN32_WINNT 0x0600  // PROCESS_QUERY_LIMITED_INFORMATION
#endif
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
// windows.h first: the ACL header needs its types.
#include <aclapi.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>
#include <vector>

#include "platform.h"

namespace texforge::platform {
namespace {

constexpr DWORD kKilledExitCode = 137;  // what a shell reports for SIGKILL, so scripts read it alike
constexpr int kMoveAttempts = 10;       // a virus scanner or indexer may hold a fresh file briefly
constexpr DWORD kMoveRetryMs = 50;
constexpr DWORD kMaxChunk = 1u << 30;  // ReadFile and WriteFile take a DWORD count

std::wstring widen(const std::string& utf8) {
  if (utf8.empty() || utf8.size() > size_t(INT_MAX)) return std::wstring();
  const int n = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), nullptr, 0);
  if (n <= 0) return std::wstring();
  std::wstring out(size_t(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), int(utf8.size()), &out[0], n);
  return out;
}

std::string narrow(const wchar_t* text, size_t length) {
  if (length == 0 || length > size_t(INT_MAX)) return std::string();
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, text, int(length), nullptr, 0, nullptr, nullptr);
  if (n <= 0) return std::string();
  std::string out(size_t(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text, int(length), &out[0], n, nullptr, nullptr);
  return out;
}

// The system's words for an error code, in UTF-8, without the trailing period and line break.
std::string systemMessage(DWORD err) {
  wchar_t* buffer = nullptr;
  const DWORD n = ::FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
      err, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = n > 0 && buffer ? narrow(buffer, n) : std::string();
  if (buffer) ::LocalFree(buffer);
  while (!text.empty() &&
         (text.back() == '\r' || text.back() == '\n' || text.back() == ' ' || text.back() == '.'))
    text.pop_back();
  if (text.empty()) text = "system error " + std::to_string(err);
  return text;
}

bool isExists(DWORD err) {
  return err == ERROR_FILE_EXISTS || err == ERROR_ALREADY_EXISTS;
}

bool isMissing(DWORD err) {
  return err == ERROR_FILE_NOT_FOUND || err == ERROR_PATH_NOT_FOUND;
}

// What the user can do about an error code, appended to the message.
const char* hintFor(DWORD err) {
  switch (err) {
    case ERROR_DISK_FULL:
    case ERROR_HANDLE_DISK_FULL: return " Free some space and import again.";
    case ERROR_ACCESS_DENIED:
    case ERROR_WRITE_PROTECT: return " Check that the folder is writable.";
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION: return " Another program has the file open; close it and try again.";
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS: return " texforge never replaces an existing file.";
    default: return "";
  }
}

Error failure(const char* what, const std::string& path, DWORD err) {
  return makeError(ErrorCode::kIo,
                   std::string(what) + " " + path + ": " + systemMessage(err) + "." + hintFor(err));
}

Error writeError(const std::string& path, DWORD err) {
  return failure("cannot write", path, err);
}

// Closes a Win32 handle exactly once.
class UniqueHandle {
 public:
  explicit UniqueHandle(HANDLE handle = INVALID_HANDLE_VALUE) : handle_(handle) {}
  ~UniqueHandle() { close(); }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  HANDLE get() const { return handle_; }
  explicit operator bool() const { return handle_ != INVALID_HANDLE_VALUE && handle_ != nullptr; }
  // Closes now; 0 or the error CloseHandle reported.
  DWORD close() {
    if (!*this) return 0;
    const BOOL closed = ::CloseHandle(handle_);
    handle_ = INVALID_HANDLE_VALUE;
    return closed ? 0 : ::GetLastError();
  }

 private:
  HANDLE handle_;
};

// A security descriptor whose protected DACL grants the current user full control and nobody else
// anything: the Win32 stand-in for 0600 and 0700. Best effort: when the user's SID cannot be read,
// attributes() is null and the object gets its folder's inherited ACL.
class OwnerOnlySecurity {
 public:
  explicit OwnerOnlySecurity(bool folder) {
    HANDLE token = nullptr;
    if (!::OpenProcessToken(::GetCurrentProcess(), TOKEN_QUERY, &token)) return;
    UniqueHandle token_handle(token);
    DWORD length = 0;
    ::GetTokenInformation(token, TokenUser, nullptr, 0, &length);
    if (length == 0) return;
    user_.resize(length);
    if (!::GetTokenInformation(token, TokenUser, user_.data(), length, &length)) return;
    const auto* user = reinterpret_cast<const TOKEN_USER*>(user_.data());
    EXPLICIT_ACCESS_W access{};
    access.grfAccessPermissions = GENERIC_ALL;
    access.grfAccessMode = SET_ACCESS;
    access.grfInheritance = folder ? SUB_CONTAINERS_AND_OBJECTS_INHERIT : NO_INHERITANCE;
    access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
    access.Trustee.TrusteeType = TRUSTEE_IS_USER;
    access.Trustee.ptstrName = reinterpret_cast<LPWSTR>(user->User.Sid);
    if (::SetEntriesInAclW(1, &access, nullptr, &acl_) != ERROR_SUCCESS) {
      acl_ = nullptr;
      return;
    }
    if (!::InitializeSecurityDescriptor(&descriptor_, SECURITY_DESCRIPTOR_REVISION) ||
        !::SetSecurityDescriptorDacl(&descriptor_, TRUE, acl_, FALSE) ||
        !::SetSecurityDescriptorControl(&descriptor_, SE_DACL_PROTECTED, SE_DACL_PROTECTED)) {
      return;
    }
    attributes_.nLength = sizeof attributes_;
    attributes_.lpSecurityDescriptor = &descriptor_;
    attributes_.bInheritHandle = FALSE;
    ready_ = true;
  }
  ~OwnerOnlySecurity() {
    if (acl_) ::LocalFree(acl_);
  }
  OwnerOnlySecurity(const OwnerOnlySecurity&) = delete;
  OwnerOnlySecurity& operator=(const OwnerOnlySecurity&) = delete;

  // For CreateFileW and CreateDirectoryW; null when the descriptor could not be built.
  SECURITY_ATTRIBUTES* attributes() { return ready_ ? &attributes_ : nullptr; }

 private:
  std::vector<unsigned char> user_;  // TOKEN_USER; the ACL copies the SID, but keep it for clarity
  PACL acl_ = nullptr;
  SECURITY_DESCRIPTOR descriptor_{};
  SECURITY_ATTRIBUTES attributes_{};
  bool ready_ = false;
};

// A short, hard-to-guess suffix so concurrent writers in one folder never pick the same temp name.
std::string randomSuffix() {
  static std::atomic<uint64_t> counter{0};
  static thread_local std::mt19937_64 engine{std::random_device{}() ^
                                             (uint64_t(::GetCurrentProcessId()) << 32)};
  const uint64_t value = engine() ^ counter.fetch_add(1);
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return std::string(buf, 12);
}

// createNew without the message: 0 or an error code. Whatever it created is gone again on failure.
DWORD createAndWrite(const std::string& path, const void* data, size_t size, bool owner_only) {
  const std::wstring wide = widen(path);
  if (wide.empty()) return ERROR_INVALID_NAME;
  std::optional<OwnerOnlySecurity> security;
  if (owner_only) security.emplace(false);
  // No sharing while it is written: nobody reads a half-written file through this handle's name.
  UniqueHandle file(::CreateFileW(wide.c_str(), GENERIC_WRITE, 0, security ? security->attributes() : nullptr,
                                  CREATE_NEW, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) return ::GetLastError();
  auto fail = [&](DWORD err) {
    file.close();
    ::DeleteFileW(wide.c_str());
    return err;
  };
  const auto* bytes = static_cast<const uint8_t*>(data);
  size_t written = 0;
  while (written < size) {
    const DWORD chunk = DWORD(std::min<size_t>(size - written, kMaxChunk));
    DWORD n = 0;
    if (!::WriteFile(file.get(), bytes + written, chunk, &n, nullptr)) return fail(::GetLastError());
    if (n == 0) return fail(ERROR_WRITE_FAULT);
    written += n;
  }
  if (!::FlushFileBuffers(file.get())) return fail(::GetLastError());
  if (const DWORD err = file.close(); err != 0) return fail(err);
  return 0;
}

// MoveFileExW, retried briefly while another program holds one of the files open.
DWORD moveFile(const std::wstring& from, const std::wstring& to, bool replace) {
  const DWORD flags = MOVEFILE_WRITE_THROUGH | (replace ? MOVEFILE_REPLACE_EXISTING : 0);
  DWORD err = 0;
  for (int attempt = 0; attempt < kMoveAttempts; ++attempt) {
    if (::MoveFileExW(from.c_str(), to.c_str(), flags)) return 0;
    err = ::GetLastError();
    if (err != ERROR_SHARING_VIOLATION && err != ERROR_ACCESS_DENIED && err != ERROR_LOCK_VIOLATION) break;
    ::Sleep(kMoveRetryMs);
  }
  return err;
}

}  // namespace

std::filesystem::path fsPath(const std::string& utf8) {
  return std::filesystem::path(widen(utf8));
}

std::string utf8Path(const std::filesystem::path& path) {
  const std::wstring& native = path.native();
  return narrow(native.c_str(), native.size());
}

Status writeFileDurably(const std::string& path, const void* data, size_t size,
                        const DurableWriteOptions& options) {
  if (options.existed) *options.existed = false;
  const std::string tmp = path + ".tmp-" + randomSuffix();
  if (const DWORD err = createAndWrite(tmp, data, size, options.owner_only); err != 0)
    return writeError(path, err);
  const std::wstring wide_tmp = widen(tmp);
  // Without MOVEFILE_REPLACE_EXISTING the move fails when path exists, decided by the file system.
  if (const DWORD err = moveFile(wide_tmp, widen(path), !options.no_overwrite); err != 0) {
    ::DeleteFileW(wide_tmp.c_str());
    if (isExists(err) && options.existed) *options.existed = true;
    return writeError(path, err);
  }
  return Ok{};  // MOVEFILE_WRITE_THROUGH: the move is on the disk already, no folder to flush
}

Status createNew(const std::string& path, const void* data, size_t size, bool owner_only, bool* existed) {
  if (existed) *existed = false;
  const DWORD err = createAndWrite(path, data, size, owner_only);
  if (err == 0) return Ok{};
  if (isExists(err) && existed) *existed = true;
  return writeError(path, err);
}

Result<std::string> readFileBounded(const std::string& path, size_t max_bytes) {
  const std::wstring wide = widen(path);
  auto error = [&](DWORD err) {
    return makeError(isMissing(err) ? ErrorCode::kNotFound : ErrorCode::kIo,
                     "cannot read " + path + ": " + systemMessage(err));
  };
  UniqueHandle file(::CreateFileW(wide.c_str(), GENERIC_READ,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr));
  if (!file) {
    const DWORD err = ::GetLastError();
    const DWORD attributes = ::GetFileAttributesW(wide.c_str());
    // CreateFileW refuses a folder with "access denied"; say what it is instead.
    if (err == ERROR_ACCESS_DENIED && attributes != INVALID_FILE_ATTRIBUTES &&
        (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
      return makeError(ErrorCode::kIo, "cannot read " + path + ": not a regular file");
    }
    return error(err);
  }
  if (::GetFileType(file.get()) != FILE_TYPE_DISK)
    return makeError(ErrorCode::kIo, "cannot read " + path + ": not a regular file");
  LARGE_INTEGER size{};
  if (!::GetFileSizeEx(file.get(), &size)) return error(::GetLastError());
  if (uint64_t(size.QuadPart) > max_bytes) {
    return makeError(ErrorCode::kIo, "cannot read " + path + ": " + std::to_string(size.QuadPart) +
                                         " bytes, over the " + std::to_string(max_bytes) + "-byte limit");
  }
  std::string out;
  out.resize(size_t(size.QuadPart));
  size_t done = 0;
  // Read until the end rather than trusting the size: the file may grow while we read it.
  while (true) {
    if (done == out.size()) {
      char extra;
      DWORD n = 0;
      if (!::ReadFile(file.get(), &extra, 1, &n, nullptr)) return error(::GetLastError());
      if (n == 0) break;
      if (out.size() >= max_bytes) {
        return makeError(ErrorCode::kIo,
                         "cannot read " + path + ": over the " + std::to_string(max_bytes) + "-byte limit");
      }
      out.resize(std::min(max_bytes, std::max<size_t>(out.size() * 2, 4096)));
      out[done++] = extra;
      continue;
    }
    DWORD n = 0;
    const DWORD chunk = DWORD(std::min<size_t>(out.size() - done, kMaxChunk));
    if (!::ReadFile(file.get(), &out[done], chunk, &n, nullptr)) return error(::GetLastError());
    if (n == 0) break;
    done += n;
  }
  out.resize(done);
  return out;
}

Status removeFile(const std::string& path) {
  if (!::DeleteFileW(widen(path).c_str())) {
    const DWORD err = ::GetLastError();
    if (!isMissing(err)) return failure("cannot remove", path, err);
  }
  return Ok{};
}

Status createFolder(const std::string& path, bool owner_only) {
  std::optional<OwnerOnlySecurity> security;
  if (owner_only) security.emplace(true);
  if (!::CreateDirectoryW(widen(path).c_str(), security ? security->attributes() : nullptr)) {
    const DWORD err = ::GetLastError();
    if (err == ERROR_ALREADY_EXISTS) return Ok{};
    return failure("cannot create", path, err);
  }
  return Ok{};
}

Status moveNoReplace(const std::string& from, const std::string& to, bool* existed) {
  if (existed) *existed = false;
  if (const DWORD err = moveFile(widen(from), widen(to), false); err != 0) {
    if (existed) *existed = isExists(err);
    return makeError(ErrorCode::kIo,
                     "cannot move " + from + " to " + to + ": " + systemMessage(err) + "." + hintFor(err));
  }
  return Ok{};
}

EntryKind entryKind(const std::string& path) {
  std::wstring wide = widen(path);
  const DWORD attributes = ::GetFileAttributesW(wide.c_str());
  if (attributes == INVALID_FILE_ATTRIBUTES)
    return isMissing(::GetLastError()) ? EntryKind::kMissing : EntryKind::kUnknown;
  if (!(attributes & FILE_ATTRIBUTE_REPARSE_POINT)) return EntryKind::kOther;
  // The reparse tag says whether it names another file (link, junction) or holds data (cloud files).
  while (wide.size() > 1 && (wide.back() == L'\\' || wide.back() == L'/')) wide.pop_back();
  WIN32_FIND_DATAW found{};
  const HANDLE search =
      ::FindFirstFileExW(wide.c_str(), FindExInfoStandard, &found, FindExSearchNameMatch, nullptr, 0);
  if (search == INVALID_HANDLE_VALUE) return EntryKind::kLink;  // unsure: refuse, as a link would be
  ::FindClose(search);
  return IsReparseTagNameSurrogate(found.dwReserved0) ? EntryKind::kLink : EntryKind::kOther;
}

std::time_t timeFromUtc(std::tm tm) {
  return ::_mkgmtime(&tm);
}

bool utcFromTime(std::time_t t, std::tm* out) {
  if (::gmtime_s(out, &t) == 0) return true;
  *out = std::tm{};
  return false;
}

Status revealInFileManager(const std::string& absolute_path) {
  std::wstring wide = widen(absolute_path);
  for (wchar_t& c : wide) {
    if (c == L'/') c = L'\\';
  }
  if (::GetFileAttributesW(wide.c_str()) == INVALID_FILE_ATTRIBUTES) {
    const DWORD err = ::GetLastError();
    Error error = failure("cannot show", absolute_path, err);
    if (isMissing(err)) error.code = ErrorCode::kNotFound;
    return error;
  }
  wchar_t windows[MAX_PATH] = {};
  const UINT length = ::GetWindowsDirectoryW(windows, MAX_PATH);
  if (length == 0 || length >= MAX_PATH) return failure("cannot show", absolute_path, ::GetLastError());
  const std::wstring explorer = std::wstring(windows, length) + L"\\explorer.exe";
  // No shell reads this line; Windows paths cannot hold '"', so the quotes keep the path one argument.
  std::wstring line = L"\"" + explorer + L"\" /select,\"" + wide + L"\"";
  STARTUPINFOW startup{};
  startup.cb = sizeof startup;
  PROCESS_INFORMATION process{};
  if (!::CreateProcessW(explorer.c_str(), &line[0], nullptr, nullptr, FALSE, 0, nullptr, nullptr, &startup,
                        &process)) {
    return failure("cannot start the file manager for", absolute_path, ::GetLastError());
  }
  ::CloseHandle(process.hThread);
  ::CloseHandle(process.hProcess);
  return Ok{};
}

int64_t currentProcessId() {
  return static_cast<int64_t>(::GetCurrentProcessId());
}

bool processAlive(int64_t pid) {
  if (pid <= 0 || pid > static_cast<int64_t>(MAXDWORD)) return false;
  UniqueHandle process(::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE, FALSE, DWORD(pid)));
  if (!process) return ::GetLastError() == ERROR_ACCESS_DENIED;  // it exists, it is just not ours
  DWORD code = 0;
  if (!::GetExitCodeProcess(process.get(), &code)) return true;  // unsure: alive, its lease expires anyway
  if (code != STILL_ACTIVE) return false;
  // A process that exited with 259 (STILL_ACTIVE) also reads so; its handle is signalled.
  return ::WaitForSingleObject(process.get(), 0) == WAIT_TIMEOUT;
}

std::string hostName() {
  wchar_t buf[256] = {};
  DWORD size = DWORD(sizeof buf / sizeof buf[0]);
  if (!::GetComputerNameExW(ComputerNameDnsHostname, buf, &size) || size == 0) return "localhost";
  const std::string name = narrow(buf, size);
  return name.empty() ? "localhost" : name;
}

void killCurrentProcess() {
  ::TerminateProcess(::GetCurrentProcess(), kKilledExitCode);
  std::_Exit(int(kKilledExitCode));  // not reached: TerminateProcess on itself does not return
}

}  // namespace texforge::platform
