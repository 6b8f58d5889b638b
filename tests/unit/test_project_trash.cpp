// The project's trash: an undone import's file and sidecar move under .texforge/trash/<time>/ with
// their relative path, come back unless something took their place, and never leave the project.
#include <filesystem>
#include <vector>

#include <gtest/gtest.h>

#include "test_support.h"
#include "texforge/project_files.h"

namespace texforge::test {
namespace {
namespace fs = std::filesystem;

constexpr int64_t kNoon = 1735732800123;  // 2025-01-01 12:00:00.123 UTC

TEST(ProjectTrash, MovesTheFileAndSidecarKeepingThePathAndRestoresThem) {
  TempDir project;
  fs::create_directories(fs::path(project.path()) / "assets/generated");
  writeAll(project.file("assets/generated/moss.png"), "png");
  writeAll(project.file("assets/generated/moss.png.texforge.json"), "{}");

  auto trashed = moveToProjectTrash(project.path(), "assets/generated/moss.png", kNoon);
  ASSERT_TRUE(trashed.ok()) << trashed.error().message;
  EXPECT_EQ(trashed->trash_folder, ".texforge/trash/20250101-120000-123");
  EXPECT_EQ(trashed->relative_path, "assets/generated/moss.png");
  ASSERT_EQ(trashed->moved.size(), 2u);
  EXPECT_FALSE(fs::exists(project.file("assets/generated/moss.png")));
  EXPECT_FALSE(fs::exists(project.file("assets/generated/moss.png.texforge.json")));
  EXPECT_TRUE(fs::exists(project.file(".texforge/trash/20250101-120000-123/assets/generated/moss.png")));
  EXPECT_TRUE(fs::exists(
      project.file(".texforge/trash/20250101-120000-123/assets/generated/moss.png.texforge.json")));

  ASSERT_TRUE(restoreFromProjectTrash(project.path(), *trashed).ok());
  EXPECT_EQ(readAll(project.file("assets/generated/moss.png")), "png");
  EXPECT_EQ(readAll(project.file("assets/generated/moss.png.texforge.json")), "{}");
  EXPECT_FALSE(fs::exists(project.file(".texforge/trash/20250101-120000-123"))) << "emptied folders stay";
}

TEST(ProjectTrash, ASecondUndoInTheSameMillisecondGetsItsOwnFolderAndNoSidecarIsFine) {
  TempDir project;
  writeAll(project.file("a.png"), "a");
  writeAll(project.file("b.png"), "b");
  auto first = moveToProjectTrash(project.path(), "a.png", kNoon);
  auto second = moveToProjectTrash(project.path(), "b.png", kNoon);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(first->trash_folder, second->trash_folder);
  EXPECT_EQ(second->moved.size(), 1u);
}

TEST(ProjectTrash, RestoreRefusesToReplaceAFileThatTookThePlace) {
  TempDir project;
  writeAll(project.file("rock.png"), "old");
  writeAll(project.file("rock.png.texforge.json"), "{}");
  auto trashed = moveToProjectTrash(project.path(), "rock.png", kNoon);
  ASSERT_TRUE(trashed.ok());
  writeAll(project.file("rock.png.texforge.json"), "new sidecar");
  Status restored = restoreFromProjectTrash(project.path(), *trashed);
  ASSERT_FALSE(restored.ok());
  EXPECT_EQ(restored.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(project.file("rock.png"))) << "a refusal moves nothing";
  EXPECT_EQ(readAll(project.file("rock.png.texforge.json")), "new sidecar");
  EXPECT_TRUE(fs::exists(project.file(trashed->trash_folder + "/rock.png")));
}

TEST(ProjectTrash, PathsOutOfTheProjectAndLinksAreRefused) {
  TempDir project, outside;
  writeAll(outside.file("secret.png"), "x");
  for (const std::string& bad :
       std::vector<std::string>{"../secret.png", outside.file("secret.png"), "a/../../secret.png"}) {
    auto trashed = moveToProjectTrash(project.path(), bad, kNoon);
    ASSERT_FALSE(trashed.ok()) << bad;
    EXPECT_EQ(trashed.error().code, ErrorCode::kInvalidArgument) << bad;
  }
  std::error_code ec;
  fs::create_directory_symlink(outside.path(), project.file("linked"), ec);
  if (!ec) {
    auto through = moveToProjectTrash(project.path(), "linked/secret.png", kNoon);
    ASSERT_FALSE(through.ok());
    EXPECT_EQ(through.error().code, ErrorCode::kInvalidArgument);
  }
  fs::create_symlink(outside.file("secret.png"), project.file("link.png"), ec);
  if (!ec) {
    auto link = moveToProjectTrash(project.path(), "link.png", kNoon);
    ASSERT_FALSE(link.ok());
    EXPECT_EQ(link.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(fs::exists(outside.file("secret.png")));
  auto missing = moveToProjectTrash(project.path(), "none.png", kNoon);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);

  TrashedFile forged{"x.png", "assets", {"x.png"}};  // not in the trash
  EXPECT_EQ(restoreFromProjectTrash(project.path(), forged).error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace texforge::test
