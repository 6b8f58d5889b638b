// Unit tests for project-safe paths and atomic writes: nothing escapes the project, nothing is
// overwritten when asked not to, and failures leave no temp files behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "file_util.h"
#include "test_support.h"
#include "texforge/asset_importer.h"
#include "texforge/project_files.h"

namespace texforge {
namespace {
namespace fs = std::filesystem;

size_t countEntries(const std::string& dir) {
  size_t n = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    (void)entry;
    ++n;
  }
  return n;
}

TEST(SafeProjectPath, JoinsPlainRelativePaths) {
  test::TempDir dir;
  Result<std::string> path = safeProjectPath(dir.path(), "assets/generated/x.png");
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(*path, dir.path() + "/assets/generated/x.png");
  Result<std::string> windows = safeProjectPath(dir.path() + "/", "assets\\x.png");
  ASSERT_TRUE(windows.ok()) << windows.error().message;
  EXPECT_EQ(*windows, dir.path() + "/assets/x.png");
  Result<std::string> dotted = safeProjectPath(dir.path(), "./a//b/./c.png");
  ASSERT_TRUE(dotted.ok());
  EXPECT_EQ(*dotted, dir.path() + "/a/b/c.png");
}

TEST(SafeProjectPath, RejectsEscapes) {
  test::TempDir dir;
  for (const char* bad : {"", "..", "../x.png", "a/../../b", "a/../b", "/etc/passwd", "\\etc\\passwd",
                          "a\\..\\..\\b", "C:\\x.png", ".", "./"}) {
    Result<std::string> path = safeProjectPath(dir.path(), bad);
    ASSERT_FALSE(path.ok()) << bad;
    EXPECT_EQ(path.error().code, ErrorCode::kInvalidArgument) << bad;
  }
}

TEST(SafeProjectPath, RejectsSymlinkEscape) {
  test::TempDir project;
  test::TempDir outside;
  ASSERT_EQ(::symlink(outside.path().c_str(), project.file("assets").c_str()), 0);
  Result<std::string> path = safeProjectPath(project.path(), "assets/x.png");
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().code, ErrorCode::kInvalidArgument);

  // A symlink that stays inside the project is fine.
  fs::create_directories(project.file("real"));
  ASSERT_EQ(::symlink("real", project.file("inside").c_str()), 0);
  EXPECT_TRUE(safeProjectPath(project.path(), "inside/x.png").ok());
}

TEST(WriteFileAtomic, WritesAndReplaces) {
  test::TempDir dir;
  const std::string path = dir.file("deep/er/file.bin");
  ASSERT_TRUE(writeFileAtomic(path, "hello", 5, false).ok());
  EXPECT_EQ(test::readAll(path), "hello");
  ASSERT_TRUE(writeFileAtomic(path, "bye", 3, false).ok());
  EXPECT_EQ(test::readAll(path), "bye");
  EXPECT_EQ(countEntries(dir.file("deep/er")), 1u);  // no temp file left
  ASSERT_TRUE(writeFileAtomic(dir.file("empty"), "", 0, false).ok());
  EXPECT_EQ(test::readAll(dir.file("empty")), "");
}

TEST(WriteFileAtomic, NoOverwriteKeepsExistingContent) {
  test::TempDir dir;
  const std::string path = dir.file("keep.png");
  test::writeAll(path, "original");
  Status status = writeFileAtomic(path, "new", 3, true);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(status.error().message.find(path), std::string::npos) << status.error().message;
  EXPECT_EQ(test::readAll(path), "original");
  EXPECT_EQ(countEntries(dir.path()), 1u);

  ASSERT_TRUE(writeFileAtomic(dir.file("fresh.png"), "new", 3, true).ok());
  EXPECT_EQ(test::readAll(dir.file("fresh.png")), "new");
  EXPECT_EQ(countEntries(dir.path()), 2u);
}

TEST(WriteFileAtomic, ReportsExistenceThroughOptions) {
  test::TempDir dir;
  test::writeAll(dir.file("a"), "x");
  AtomicWriteOptions options;
  options.no_overwrite = true;
  bool existed = false;
  options.existed = &existed;
  EXPECT_FALSE(writeFileAtomicWith(dir.file("a"), "y", 1, options).ok());
  EXPECT_TRUE(existed);
}

TEST(WriteFileAtomic, ParentIsAFileGivesClearIoError) {
  // Fails for root too, unlike a permission test.
  test::TempDir dir;
  test::writeAll(dir.file("blocker"), "i am a file");
  const std::string path = dir.file("blocker/x.png");
  Status status = writeFileAtomic(path, "data", 4, true);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(status.error().message.find("cannot write " + path), std::string::npos) << status.error().message;
  EXPECT_EQ(countEntries(dir.path()), 1u);
  EXPECT_EQ(test::readAll(dir.file("blocker")), "i am a file");
}

TEST(WriteFileAtomic, ReadOnlyFolderGivesIoErrorAndNoTempFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not stop writes";
  test::TempDir dir;
  fs::create_directories(dir.file("ro"));
  ASSERT_EQ(::chmod(dir.file("ro").c_str(), 0500), 0);
  Status status = writeFileAtomic(dir.file("ro/x.png"), "data", 4, false);
  ::chmod(dir.file("ro").c_str(), 0700);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kIo);
  EXPECT_NE(status.error().message.find("Permission denied"), std::string::npos) << status.error().message;
  EXPECT_EQ(countEntries(dir.file("ro")), 0u);
}

TEST(ReadFile, ReadsMissingAndLimits) {
  test::TempDir dir;
  test::writeAll(dir.file("f"), std::string(5000, 'z'));
  Result<std::string> text = readFile(dir.file("f"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, std::string(5000, 'z'));
  Result<std::string> missing = readFile(dir.file("missing"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  Result<std::string> too_big = readFile(dir.file("f"), 100);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, ErrorCode::kIo);
  Result<std::string> folder = readFile(dir.path());
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, ErrorCode::kIo);
}

}  // namespace
}  // namespace texforge
