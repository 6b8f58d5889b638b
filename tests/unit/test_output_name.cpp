// Unit tests for GenerationParams::name: which names checkParams lets through (a name becomes a
// file in the project, so nothing that could leave the folder or hide), and the folder importer's
// "<name>.png", "<name>-2.png"... naming, which never overwrites another file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "test_support.h"
#include "texforge/asset_importer.h"
#include "texforge/params.h"

namespace texforge {
namespace {

// The blocking problems checkParams reports for the name field.
int nameProblems(const std::string& name) {
  GenerationParams p;
  p.prompt = "a crate";
  p.name = name;
  int count = 0;
  for (const ParamProblem& problem : checkParams(p)) {
    if (problem.field == ParamField::kName && problem.blocking) {
      EXPECT_NE(problem.message.find("name"), std::string::npos) << problem.message;
      ++count;
    }
  }
  return count;
}

TEST(OutputName, SafeNamesPass) {
  for (const char* name : {"", "mossy_wall", "Mossy-Wall_2", "crate.v2", "a", "0"}) {
    EXPECT_EQ(nameProblems(name), 0) << name;
  }
  EXPECT_EQ(nameProblems(std::string(100, 'a')), 0);
}

TEST(OutputName, UnsafeNamesAreRefusedBeforeAnythingIsPaid) {
  for (const char* name : {"../evil", "a/b", "a\\b", ".hidden", "..", "a..b", "with space", "semi;colon",
                           "caf\xC3\xA9", "tab\tname", "colon:name", "star*"}) {
    EXPECT_EQ(nameProblems(name), 1) << name;
  }
  EXPECT_EQ(nameProblems(std::string(101, 'a')), 1);
  GenerationParams p;
  p.prompt = "a crate";
  p.name = "../evil";
  Status refused = validateParams(p);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("letters, digits"), std::string::npos) << refused.error().message;
  EXPECT_STREQ(paramFieldName(ParamField::kName), "name");
}

std::string pngBytes() {
  DecodedImage image;
  image.width = 2;
  image.height = 2;
  image.rgba.assign(2 * 2 * 4, 0x40);
  Result<std::vector<uint8_t>> png = encodePng(image);
  EXPECT_TRUE(png.ok());
  return png.ok() ? std::string(png->begin(), png->end()) : std::string();
}

class OutputNameImport : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(project_.file(".texforge/cache"));
    request_.project_dir = project_.path();
    request_.source_file = project_.file(".texforge/cache/out.png");
    test::writeAll(request_.source_file, pngBytes());
    request_.width = request_.height = 2;
    request_.params.prompt = "A mossy stone wall";
    request_.params.name = "mossy_wall";
    request_.params.num_outputs = 3;
    request_.output_count = 3;
    request_.local_id = "tf_1";
    request_.job_id = "job_1";
  }

  Result<ImportedAsset> importOutput(int index, const std::string& asset_id) {
    request_.output_index = index;
    request_.asset_id = asset_id;
    return importer_->importAsset(request_);
  }

  test::TempDir project_;
  ImportRequest request_;
  std::unique_ptr<AssetImporter> importer_ = makeFolderImporter();
};

TEST_F(OutputNameImport, FirstOutputTakesTheNameAndTheNextOnesANumber) {
  auto first = importOutput(0, "asset_aaaa1111");
  auto second = importOutput(1, "asset_bbbb2222");
  auto third = importOutput(2, "asset_cccc3333");
  ASSERT_TRUE(first.ok() && second.ok() && third.ok());
  EXPECT_EQ(first->path, "assets/generated/mossy_wall.png");
  EXPECT_EQ(second->path, "assets/generated/mossy_wall-2.png");
  EXPECT_EQ(third->path, "assets/generated/mossy_wall-3.png");
  EXPECT_EQ(first->sidecar_path, "assets/generated/mossy_wall.png.texforge.json");
}

TEST_F(OutputNameImport, ImportingTheSameOutputAgainReturnsItsFile) {
  auto first = importOutput(0, "asset_aaaa1111");
  auto again = importOutput(0, "asset_aaaa1111");  // a resume after a crash
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(again->path, first->path);
  EXPECT_FALSE(std::filesystem::exists(project_.file("assets/generated/mossy_wall-aaaa1111.png")));
}

TEST_F(OutputNameImport, ATakenNameIsNeverOverwritten) {
  std::filesystem::create_directories(project_.file("assets/generated"));
  test::writeAll(project_.file("assets/generated/mossy_wall.png"), "the artist's own file");
  auto first = importOutput(0, "asset_aaaa1111");
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->path, "assets/generated/mossy_wall-aaaa1111.png");  // not another output's -2
  EXPECT_EQ(test::readAll(project_.file("assets/generated/mossy_wall.png")), "the artist's own file");
  request_.local_id = "tf_2";  // another request of the same name
  auto other = importOutput(0, "asset_aaaa1111");
  ASSERT_TRUE(other.ok()) << other.error().message;
  EXPECT_EQ(other->path, "assets/generated/mossy_wall-aaaa1111-2.png");
}

TEST_F(OutputNameImport, AnUnsafeNameThatSkippedTheChecksStaysInTheFolder) {
  request_.params.name = "../../escape";
  auto imported = importOutput(0, "asset_aaaa1111");
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->path, "assets/generated/escape.png");
}

TEST_F(OutputNameImport, WithoutANameThePromptNamesTheFile) {
  request_.params.name.clear();
  auto imported = importOutput(0, "asset_aaaa1111");
  ASSERT_TRUE(imported.ok());
  EXPECT_EQ(imported->path, "assets/generated/a-mossy-stone-wall-aaaa1111.png");
}

}  // namespace
}  // namespace texforge
