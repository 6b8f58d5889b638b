// Everything the core asks of the operating system, behind one small interface: durable files,
// owner-only permissions, link refusal, UTC calendar conversions, process ids and liveness, the
// host name. platform_posix.cpp (Linux, macOS) and platform_win32.cpp implement it and
// plugin/CMakeLists.txt builds exactly one of them; no other core file includes an OS header.
//
// Paths are UTF-8 strings throughout. POSIX takes the bytes as they are; Win32 converts them to
// UTF-16 (MultiByteToWideChar) and calls the wide API, so a path never goes through the ANSI code
// page. Every failure that involves a path is a kIo Error (kNotFound where said) whose message
// names the path, gives the system's reason and, where there is one, says what the user can do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>

#include "texforge/error.h"

namespace texforge::platform {

// ---- Paths --------------------------------------------------------------------------------------

// The std::filesystem path for a UTF-8 string. Use it for every std::filesystem call on a path
// that came in as a string: on Windows, fs::path(std::string) would read the bytes in the ANSI
// code page. Bytes that are not valid UTF-8 are passed through on POSIX and replaced on Win32.
std::filesystem::path fsPath(const std::string& utf8);

// The UTF-8 string for a std::filesystem path (the reverse of fsPath), for messages and for
// strings handed back to callers.
std::string utf8Path(const std::filesystem::path& path);

// ---- Files --------------------------------------------------------------------------------------
//
// Owner only (credentials): POSIX creates the file 0600 (a folder 0700) and then sets exactly that
// mode, should an odd umask have removed owner bits. Win32, a documented best effort: the object is
// created with a protected DACL that grants full control to the current user alone (inherited by
// what a folder will hold); administrators and SYSTEM keep the access Windows always gives them,
// file systems without ACLs (FAT, some network shares) ignore it, and when the user's SID cannot
// be read the object gets its folder's inherited ACL, as any file would.

struct DurableWriteOptions {
  // Fail instead of replacing an existing file, race-free: of two writers of one new name, exactly
  // one wins and the other gets kIo with *existed set.
  bool no_overwrite = false;
  // The file is readable and writable by its owner only from its first byte on (see "Owner
  // only" above). Otherwise it gets 0666 minus the umask, or the folder's inherited ACL.
  bool owner_only = false;
  // When not null: set to false first, and to true when no_overwrite failed because path exists.
  bool* existed = nullptr;
};

// Writes size bytes to path so that a crash at any moment leaves either what was there before or
// the complete new file, never a mix: the bytes go to a temp file in the same folder (created as
// createNew does, named path + ".tmp-" + 12 random hex digits), are flushed to the disk, and the temp
// file is then moved over path. POSIX: fsync, rename() (renameat2 RENAME_NOREPLACE or link() for
// no_overwrite), then fsync of the folder so the rename survives a power cut (best effort: some
// file systems refuse it). Win32: FlushFileBuffers, then MoveFileExW with MOVEFILE_WRITE_THROUGH
// (plus MOVEFILE_REPLACE_EXISTING unless no_overwrite). The folder must exist. Any failure removes
// the temp file and returns kIo "cannot write <path>: <reason>." plus what to do about it (free
// space, check the folder is writable, texforge never replaces an existing file).
Status writeFileDurably(const std::string& path, const void* data, size_t size,
                        const DurableWriteOptions& options);

// Creates path with size bytes, flushed to the disk, failing if anything is there already, a file,
// a folder or a link (dangling or not; it is never followed): O_CREAT|O_EXCL on POSIX, CREATE_NEW
// on Win32, decided by the file system in one step, so no two processes both create it.
// owner_only as in DurableWriteOptions. Readers may see the file while it is being written; use
// writeFileDurably (with no_overwrite) for anything a reader relies on. kIo "cannot write <path>:
// ..." on failure, with *existed (when not null) set to whether path existed; a partly written
// file is removed again.
Status createNew(const std::string& path, const void* data, size_t size, bool owner_only,
                 bool* existed = nullptr);

// The whole content of the regular file at path, read to its end (the file may grow meanwhile).
// kNotFound "cannot read <path>: ..." when path or a folder on the way is missing; kIo when it is
// not a regular file, when it holds more than max_bytes, or on any read error.
Result<std::string> readFileBounded(const std::string& path, size_t max_bytes);

// Removes the file at path (a link itself, never its target). Ok when it was removed and when
// path does not exist; kIo "cannot remove <path>: ..." otherwise (a folder, no permission).
Status removeFile(const std::string& path);

// Creates the folder path (its parent must exist). Ok when it was created and when a folder or
// anything else already stands there (the caller's next write reports that). With owner_only the
// new folder is usable by its owner only (0700, applied explicitly after mkdir since the umask
// may have removed owner bits; Win32: the owner-only DACL). kIo "cannot create <path>: ...".
Status createFolder(const std::string& path, bool owner_only);

// Moves the file at from to to (same file system) without ever replacing what stands at to:
// renameat2 RENAME_NOREPLACE or link()+unlink() on POSIX, MoveFileExW without REPLACE_EXISTING on
// Win32. The folder of to must exist. kIo "cannot move <from> to <to>: ..." on failure, with
// *existed (when not null) set to whether to was taken.
Status moveNoReplace(const std::string& from, const std::string& to, bool* existed = nullptr);

// What stands at path, without following a link there.
enum class EntryKind {
  kMissing,  // nothing: path, or a folder on the way to it, does not exist
  kLink,     // a symbolic link (POSIX); a symbolic link, junction or mount point (Win32 reparse
             // points that name another file: IsReparseTagNameSurrogate). Cloud-file placeholders
             // and other reparse points that hold their own data count as kOther.
  kOther,    // a file, a folder or anything else that is not a link
  kUnknown,  // the system could not say (permission on a folder on the way, I/O error)
};
// Never fails: a system error is kUnknown, which callers count as "may exist".
EntryKind entryKind(const std::string& path);

// ---- Time ---------------------------------------------------------------------------------------

// Seconds since 1970-01-01T00:00:00Z for the calendar fields of tm read as UTC (timegm on POSIX,
// _mkgmtime on Win32). Out-of-range fields are normalized the usual way; tm_wday, tm_yday and
// tm_isdst are ignored. -1 when the time cannot be represented.
std::time_t timeFromUtc(std::tm tm);

// The UTC calendar fields of t (gmtime_r on POSIX, gmtime_s on Win32) into *out. false (and *out
// zeroed) when t is out of the system's range.
bool utcFromTime(std::time_t t, std::tm* out);

// ---- The desktop ------------------------------------------------------------------------------

// Opens the system's file manager at the file (or folder) at absolute_path, selected where the
// system can: Linux and other Unix, the org.freedesktop.FileManager1 ShowItems D-Bus call through
// gdbus, falling back to xdg-open on the folder; macOS "open -R"; Win32 "explorer /select,". The
// tool runs detached, without a shell (the path is one argv entry), and is never waited for.
// kNotFound when nothing stands at the path, kIo when no tool is found or it cannot be started.
Status revealInFileManager(const std::string& absolute_path);

// ---- Processes and the machine ------------------------------------------------------------------

// The id of this process (getpid, GetCurrentProcessId).
int64_t currentProcessId();

// Whether a process with this id runs on this machine now, whoever owns it. POSIX: kill(pid, 0)
// succeeds or fails with EPERM. Win32: OpenProcess succeeds and the process has not exited
// (GetExitCodeProcess says STILL_ACTIVE and its handle is not signalled), or OpenProcess is denied
// access (it exists). false for an id that is not positive or does not fit the system's pid type.
// Ids are reused: a dead process's id may name another process later; callers pair it with a
// heartbeat.
bool processAlive(int64_t pid);

// This machine's name (gethostname; GetComputerNameExW ComputerNameDnsHostname, in UTF-8), the one
// the journal's leases record. "localhost" when the system cannot say.
std::string hostName();

// Ends this process at once, as SIGKILL does: no destructor, atexit handler, stream flush or
// journal write runs after the call (POSIX: raise(SIGKILL); Win32: TerminateProcess on itself with
// exit code 137). For the crash-test failpoints.
[[noreturn]] void killCurrentProcess();

}  // namespace texforge::platform
