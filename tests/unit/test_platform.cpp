// The POSIX implementation of platform.h holds its contract: durable writes leave no temp file and
// never replace a file when asked not to, createNew refuses whatever is there, owner-only means
// 0600/0700 whatever the umask, link detection does not follow links, UTC conversions ignore the
// local time zone, and process liveness tells a running process from one that exited.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "platform.h"
#include "test_support.h"

namespace texforge {
namespace {
namespace fs = std::filesystem;

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// Sets the process umask for one test and puts the old one back.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

// Sets TZ for one test (so "UTC" is not the local zone by accident) and puts the old one back.
class ScopedTimeZone {
 public:
  explicit ScopedTimeZone(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    ::setenv("TZ", zone, 1);
    ::tzset();
  }
  ~ScopedTimeZone() {
    if (old_)
      ::setenv("TZ", old_->c_str(), 1);
    else
      ::unsetenv("TZ");
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

platform::DurableWriteOptions noOverwrite(bool* existed = nullptr) {
  platform::DurableWriteOptions options;
  options.no_overwrite = true;
  options.existed = existed;
  return options;
}

TEST(PlatformDurableWrite, ReplacesAndLeavesNoTempFile) {
  test::TempDir dir;
  const std::string path = dir.file("a.json");
  ASSERT_TRUE(platform::writeFileDurably(path, "first", 5, {}).ok());
  EXPECT_EQ(test::readAll(path), "first");
  ASSERT_TRUE(platform::writeFileDurably(path, "second!", 7, {}).ok());
  EXPECT_EQ(test::readAll(path), "second!");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"a.json"});
  ASSERT_TRUE(platform::writeFileDurably(path, "", 0, {}).ok());  // empty content is a file too
  EXPECT_EQ(test::readAll(path), "");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"a.json"});
}

TEST(PlatformDurableWrite, NoOverwriteRefusesAnExistingFileAndSaysSo) {
  test::TempDir dir;
  const std::string path = dir.file("image.png");
  bool existed = true;
  ASSERT_TRUE(platform::writeFileDurably(path, "mine", 4, noOverwrite(&existed)).ok());
  EXPECT_FALSE(existed);

  Status again = platform::writeFileDurably(path, "theirs", 6, noOverwrite(&existed));
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(existed);
  EXPECT_EQ(again.error().code, ErrorCode::kIo);
  EXPECT_NE(again.error().message.find("cannot write " + path), std::string::npos) << again.error().message;
  EXPECT_NE(again.error().message.find("never replaces"), std::string::npos) << again.error().message;
  EXPECT_EQ(test::readAll(path), "mine");
  EXPECT_EQ(entries(dir.path()), std::vector<std::string>{"image.png"});

  // A dangling link takes the name as well: it is never followed to create its target.
  ASSERT_EQ(::symlink(dir.file("elsewhere").c_str(), dir.file("link.png").c_str()), 0);
  EXPECT_FALSE(platform::writeFileDurably(dir.file("link.png"), "x", 1, noOverwrite(&existed)).ok());
  EXPECT_TRUE(existed);
  EXPECT_FALSE(fs::exists(dir.file("elsewhere")));
}

TEST(PlatformDurableWrite, MissingFolderIsAnIoErrorNamingThePath) {
  test::TempDir dir;
  const std::string path = dir.file("no/such/folder/x.png");
  bool existed = true;
  Status status = platform::writeFileDurably(path, "x", 1, noOverwrite(&existed));
  ASSERT_FALSE(status.ok());
  EXPECT_FALSE(existed);
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(status.error().message.find("cannot write " + path + ": "), std::string::npos)
      << status.error().message;
  EXPECT_TRUE(entries(dir.path()).empty());
}

TEST(PlatformDurableWrite, OwnerOnlyIs0600WhateverTheUmask) {
  test::TempDir dir;
  ScopedUmask umask(0277);  // would take the owner's write bit away
  platform::DurableWriteOptions options;
  options.owner_only = true;
  const std::string path = dir.file("secret.json");
  ASSERT_TRUE(platform::writeFileDurably(path, "s", 1, options).ok());
  EXPECT_EQ(modeOf(path), 0600u);
  ASSERT_TRUE(platform::writeFileDurably(path, "t", 1, options).ok());  // replacing keeps it
  EXPECT_EQ(modeOf(path), 0600u);
  EXPECT_EQ(test::readAll(path), "t");
}

TEST(PlatformCreateNew, CreatesAndRefusesWhateverIsThere) {
  test::TempDir dir;
  const std::string path = dir.file("lock");
  bool existed = true;
  ASSERT_TRUE(platform::createNew(path, "one", 3, false, &existed).ok());
  EXPECT_FALSE(existed);
  EXPECT_EQ(test::readAll(path), "one");

  Status again = platform::createNew(path, "two", 3, false, &existed);
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(existed);
  EXPECT_EQ(again.error().code, ErrorCode::kIo);
  EXPECT_NE(again.error().message.find(path), std::string::npos) << again.error().message;
  EXPECT_EQ(test::readAll(path), "one");

  fs::create_directories(dir.file("folder"));
  EXPECT_FALSE(platform::createNew(dir.file("folder"), "x", 1, false, &existed).ok());
  EXPECT_TRUE(existed);
  ASSERT_EQ(::symlink(dir.file("target").c_str(), dir.file("dangling").c_str()), 0);
  EXPECT_FALSE(platform::createNew(dir.file("dangling"), "x", 1, false, &existed).ok());
  EXPECT_TRUE(existed);
  EXPECT_FALSE(fs::exists(dir.file("target")));
}

TEST(PlatformCreateNew, OwnerOnlyAndDefaultModes) {
  test::TempDir dir;
  {
    ScopedUmask umask(0277);
    ASSERT_TRUE(platform::createNew(dir.file("private"), "p", 1, true).ok());
  }
  EXPECT_EQ(modeOf(dir.file("private")), 0600u);
  ScopedUmask umask(0022);
  ASSERT_TRUE(platform::createNew(dir.file("shared"), "s", 1, false).ok());
  EXPECT_EQ(modeOf(dir.file("shared")), 0644u);
}

TEST(PlatformReadFile, ReadsAndReportsMissingFoldersAndLimits) {
  test::TempDir dir;
  test::writeAll(dir.file("a"), "hello");
  Result<std::string> read = platform::readFileBounded(dir.file("a"), 100);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_EQ(*read, "hello");

  Result<std::string> missing = platform::readFileBounded(dir.file("nope"), 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find(dir.file("nope")), std::string::npos);
  EXPECT_EQ(platform::readFileBounded(dir.file("a/below"), 100).error().code, ErrorCode::kNotFound);

  Result<std::string> big = platform::readFileBounded(dir.file("a"), 4);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().code, ErrorCode::kIo);
  EXPECT_NE(big.error().message.find("limit"), std::string::npos);

  Result<std::string> folder = platform::readFileBounded(dir.path(), 100);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, ErrorCode::kIo);
  EXPECT_NE(folder.error().message.find("not a regular file"), std::string::npos);
}

TEST(PlatformRemoveFile, RemovesFilesAndLinksNotTargets) {
  test::TempDir dir;
  test::writeAll(dir.file("target"), "keep");
  ASSERT_EQ(::symlink("target", dir.file("link").c_str()), 0);
  ASSERT_TRUE(platform::removeFile(dir.file("link")).ok());
  EXPECT_EQ(test::readAll(dir.file("target")), "keep");
  ASSERT_TRUE(platform::removeFile(dir.file("target")).ok());
  EXPECT_TRUE(entries(dir.path()).empty());
  EXPECT_TRUE(platform::removeFile(dir.file("target")).ok());  // nothing there is fine

  fs::create_directories(dir.file("folder"));
  Status folder = platform::removeFile(dir.file("folder"));
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, ErrorCode::kIo);
  EXPECT_NE(folder.error().message.find("cannot remove " + dir.file("folder")), std::string::npos);
}

TEST(PlatformCreateFolder, OwnerOnlyIs0700AndAnExistingFolderIsFine) {
  test::TempDir dir;
  {
    ScopedUmask umask(0277);
    ASSERT_TRUE(platform::createFolder(dir.file("private"), true).ok());
  }
  EXPECT_EQ(modeOf(dir.file("private")), 0700u);
  ASSERT_EQ(::chmod(dir.file("private").c_str(), 0755), 0);
  ASSERT_TRUE(platform::createFolder(dir.file("private"), true).ok());
  EXPECT_EQ(modeOf(dir.file("private")), 0755u);  // a folder that was there already is the user's

  Status orphan = platform::createFolder(dir.file("no/parent"), false);
  ASSERT_FALSE(orphan.ok());
  EXPECT_EQ(orphan.error().code, ErrorCode::kIo);
  EXPECT_NE(orphan.error().message.find("cannot create " + dir.file("no/parent")), std::string::npos);
}

TEST(PlatformEntryKind, TellsLinksWithoutFollowingThem) {
  test::TempDir dir;
  test::writeAll(dir.file("file"), "x");
  fs::create_directories(dir.file("folder"));
  ASSERT_EQ(::symlink("folder", dir.file("link").c_str()), 0);
  ASSERT_EQ(::symlink("nowhere", dir.file("dangling").c_str()), 0);
  EXPECT_EQ(platform::entryKind(dir.file("file")), platform::EntryKind::kOther);
  EXPECT_EQ(platform::entryKind(dir.file("folder")), platform::EntryKind::kOther);
  EXPECT_EQ(platform::entryKind(dir.file("link")), platform::EntryKind::kLink);
  EXPECT_EQ(platform::entryKind(dir.file("dangling")), platform::EntryKind::kLink);
  EXPECT_EQ(platform::entryKind(dir.file("missing")), platform::EntryKind::kMissing);
  EXPECT_EQ(platform::entryKind(dir.file("missing/below")), platform::EntryKind::kMissing);
  // Below a file: the system cannot call it missing, so callers treat it as taken.
  EXPECT_EQ(platform::entryKind(dir.file("file/below")), platform::EntryKind::kUnknown);
}

TEST(PlatformTime, UtcRoundTripIgnoresTheLocalZone) {
  ScopedTimeZone zone("America/New_York");
  std::tm leap{};
  leap.tm_year = 2024 - 1900;
  leap.tm_mon = 1;
  leap.tm_mday = 29;
  leap.tm_hour = 12;
  leap.tm_min = 34;
  leap.tm_sec = 56;
  leap.tm_isdst = 1;  // ignored
  EXPECT_EQ(platform::timeFromUtc(leap), std::time_t(1709210096));

  for (const std::time_t t : {std::time_t(0), std::time_t(951782400), std::time_t(1709210096),
                              std::time_t(2147483648LL), std::time(nullptr)}) {
    std::tm tm{};
    ASSERT_TRUE(platform::utcFromTime(t, &tm)) << t;
    EXPECT_EQ(platform::timeFromUtc(tm), t) << t;
  }
  std::tm tm{};
  ASSERT_TRUE(platform::utcFromTime(1709210096, &tm));
  EXPECT_EQ(tm.tm_year, 124);
  EXPECT_EQ(tm.tm_mon, 1);
  EXPECT_EQ(tm.tm_mday, 29);
  EXPECT_EQ(tm.tm_hour, 12);  // 07:34 in New York
  EXPECT_EQ(tm.tm_wday, 4);   // a Thursday

  std::tm overflow{};
  overflow.tm_year = 2024 - 1900;
  overflow.tm_mon = 11;
  overflow.tm_mday = 31;
  overflow.tm_hour = 24;  // normalized into the next year
  EXPECT_EQ(platform::timeFromUtc(overflow), std::time_t(1735689600));
}

TEST(PlatformProcess, SelfIsAliveAndAReapedChildIsNot) {
  EXPECT_EQ(platform::currentProcessId(), static_cast<int64_t>(::getpid()));
  EXPECT_TRUE(platform::processAlive(platform::currentProcessId()));
  EXPECT_TRUE(platform::processAlive(1));  // init: alive, whether or not we may signal it

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  // Reaped, so the id names nothing (unless the system reused it within microseconds).
  EXPECT_FALSE(platform::processAlive(child));

  // kill(0, 0) would ask about our own process group and kill(-1, 0) about every process; an id
  // that does not fit pid_t must not be truncated into one of those (0x1ffffffff would read as -1).
  EXPECT_FALSE(platform::processAlive(0));
  EXPECT_FALSE(platform::processAlive(-1));
  EXPECT_FALSE(platform::processAlive(int64_t(0x1ffffffffLL)));
}

TEST(PlatformProcess, HostNameIsTheSystemsAndNotEmpty) {
  const std::string host = platform::hostName();
  EXPECT_FALSE(host.empty());
  char buf[256] = {};
  ASSERT_EQ(::gethostname(buf, sizeof buf - 1), 0);
  EXPECT_EQ(host, buf[0] ? std::string(buf) : std::string("localhost"));
  EXPECT_EQ(platform::hostName(), host);  // stable: the journal's leases compare it
}

TEST(PlatformPaths, Utf8PathsRoundTrip) {
  const std::string name = "projets/\xc3\xa9t\xc3\xa9/\xe6\x9d\x90\xe8\xb3\xaa.png";  // été/材質.png
  EXPECT_EQ(platform::utf8Path(platform::fsPath(name)), name);
  EXPECT_EQ(platform::utf8Path(platform::fsPath(name).parent_path()), "projets/\xc3\xa9t\xc3\xa9");
  test::TempDir dir;
  const std::string path = dir.file("\xc3\xa9t\xc3\xa9.txt");
  ASSERT_TRUE(platform::writeFileDurably(path, "ok", 2, {}).ok());
  EXPECT_EQ(*platform::readFileBounded(path, 10), "ok");
}

}  // namespace
}  // namespace texforge
