// Unit tests for the folder importer: readable names, no overwrite, the sidecar and its round trip,
// and containment in the project. Also the null texture uploader.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "test_support.h"
#include "texforge/asset_importer.h"
#include "texforge/texture_uploader.h"

namespace texforge {
namespace {
namespace fs = std::filesystem;

std::string pngBytes() {
  DecodedImage image;
  image.width = 2;
  image.height = 3;
  image.rgba.assign(2 * 3 * 4, 0x7f);
  Result<std::vector<uint8_t>> png = encodePng(image);
  EXPECT_TRUE(png.ok());
  return png.ok() ? std::string(png->begin(), png->end()) : std::string();
}

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(project_.file(".texforge/cache"));
    source_ = project_.file(".texforge/cache/out.png");
    test::writeAll(source_, pngBytes());
    request_.project_dir = project_.path();
    request_.source_file = source_;
    request_.format = ImageFormat::kPng;
    request_.width = 2;
    request_.height = 3;
    request_.params.prompt = "A Mossy stone wall, tileable!";
    request_.params.num_outputs = 2;
    request_.params.width = 1024;
    request_.params.height = 768;
    request_.params.quality = "high";
    request_.params.background = "transparent";
    request_.params.reference_images = {ImageInput{"", "/home/me/ref.png"}};
    request_.reference_asset_ids = {"asset_ref1", "asset_ref2"};
    request_.mask_asset_id = "asset_mask9";
    request_.local_id = "loc-42";
    request_.job_id = "job_abc";
    request_.asset_id = "asset_XyZ12345678";
    request_.output_index = 1;
    request_.output_count = 2;
    request_.cost = 12.5;
    request_.created_at = "2025-01-02T03:04:05Z";
  }

  test::TempDir project_;
  std::string source_;
  ImportRequest request_;
};

TEST_F(ImporterTest, WritesImageAndSidecar) {
  auto importer = makeFolderImporter();
  Result<ImportedAsset> imported = importer->importAsset(request_);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->path, "assets/generated/a-mossy-stone-wall-tileable-xyz12345.png");
  EXPECT_EQ(imported->sidecar_path, imported->path + ".texforge.json");
  EXPECT_EQ(test::readAll(project_.file(imported->path)), pngBytes());

  const nlohmann::json doc = nlohmann::json::parse(test::readAll(project_.file(imported->sidecar_path)));
  // Version 2: "parameters" is the journal's own form (paramsToJson), with resolved asset ids.
  EXPECT_EQ(doc["texforge_sidecar"], 2);
  EXPECT_EQ(doc["parameters"]["modelId"], kDefaultModelId);
  EXPECT_EQ(doc["parameters"]["prompt"], "A Mossy stone wall, tileable!");
  EXPECT_EQ(doc["parameters"]["numOutputs"], 2);
  EXPECT_EQ(doc["parameters"]["width"], 1024);
  EXPECT_EQ(doc["parameters"]["height"], 768);
  EXPECT_EQ(doc["parameters"]["quality"], "high");
  EXPECT_EQ(doc["parameters"]["background"], "transparent");
  EXPECT_EQ(doc["parameters"]["referenceImages"],
            nlohmann::json::parse(R"([{"assetId": "asset_ref1"}, {"assetId": "asset_ref2"}])"));
  EXPECT_EQ(doc["parameters"]["mask"], nlohmann::json::parse(R"({"assetId": "asset_mask9"})"));
  GenerationParams expected = request_.params;
  expected.reference_images = {ImageInput{"asset_ref1", ""}, ImageInput{"asset_ref2", ""}};
  expected.mask = ImageInput{"asset_mask9", ""};
  EXPECT_EQ(doc["parameters"].dump(), nlohmann::json::parse(paramsToJson(expected)).dump());
  EXPECT_EQ(doc["local_id"], "loc-42");
  EXPECT_EQ(doc["job_id"], "job_abc");
  EXPECT_EQ(doc["asset_id"], "asset_XyZ12345678");
  EXPECT_EQ(doc["output_index"], 1);
  EXPECT_EQ(doc["output_count"], 2);
  EXPECT_EQ(doc["cost"], 12.5);
  EXPECT_EQ(doc["created_at"], "2025-01-02T03:04:05Z");
  EXPECT_TRUE(doc["imported_at"].is_string());
  EXPECT_EQ(doc["file"], "a-mossy-stone-wall-tileable-xyz12345.png");
  EXPECT_EQ(doc["width"], 2);
  EXPECT_EQ(doc["height"], 3);
  EXPECT_EQ(doc["format"], "png");
  // Local paths of references stay on this machine.
  EXPECT_EQ(test::readAll(project_.file(imported->sidecar_path)).find("/home/me"), std::string::npos);
}

TEST_F(ImporterTest, SameAssetOfTheSameRequestIsImportedOnce) {
  auto importer = makeFolderImporter();
  Result<ImportedAsset> first = importer->importAsset(request_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string first_sidecar = test::readAll(project_.file(first->sidecar_path));
  Result<ImportedAsset> again = importer->importAsset(request_);  // e.g. a resume after a crash
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->path, first->path);
  EXPECT_FALSE(
      std::filesystem::exists(project_.file("assets/generated/a-mossy-stone-wall-tileable-xyz12345-2.png")));
  EXPECT_EQ(test::readAll(project_.file(first->sidecar_path)), first_sidecar);
}

TEST_F(ImporterTest, ImageWithoutItsSidecarFromAKilledImportIsCompleted) {
  auto importer = makeFolderImporter();
  Result<ImportedAsset> first = importer->importAsset(request_);
  ASSERT_TRUE(first.ok());
  std::filesystem::remove(project_.file(first->sidecar_path));  // as if killed between the two writes
  Result<ImportedAsset> again = importer->importAsset(request_);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->path, first->path);
  EXPECT_TRUE(std::filesystem::exists(project_.file(first->sidecar_path)));
}

TEST_F(ImporterTest, AnotherRequestWithTheSameNameGetsASuffix) {
  auto importer = makeFolderImporter();
  Result<ImportedAsset> first = importer->importAsset(request_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  const std::string first_sidecar = test::readAll(project_.file(first->sidecar_path));
  request_.local_id = "tf_other";
  Result<ImportedAsset> second = importer->importAsset(request_);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->path, "assets/generated/a-mossy-stone-wall-tileable-xyz12345-2.png");
  request_.local_id = "tf_third";
  Result<ImportedAsset> third = importer->importAsset(request_);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->path, "assets/generated/a-mossy-stone-wall-tileable-xyz12345-3.png");
  EXPECT_EQ(test::readAll(project_.file(first->sidecar_path)), first_sidecar);
}

TEST_F(ImporterTest, SidecarRoundTrips) {
  request_.params.reference_images = {ImageInput{"asset_ref1", ""}, ImageInput{"asset_ref2", ""}};
  auto importer = makeFolderImporter();
  Result<ImportedAsset> imported = importer->importAsset(request_);
  ASSERT_TRUE(imported.ok());
  Result<GenerationParams> params = readSidecarParams(project_.file(imported->sidecar_path));
  ASSERT_TRUE(params.ok()) << params.error().message;
  EXPECT_EQ(params->model_id, request_.params.model_id);
  EXPECT_EQ(params->prompt, request_.params.prompt);
  EXPECT_EQ(params->num_outputs, 2);
  EXPECT_EQ(params->width, 1024);
  EXPECT_EQ(params->height, 768);
  EXPECT_EQ(params->quality, "high");
  EXPECT_EQ(params->background, "transparent");
  ASSERT_EQ(params->reference_images.size(), 2u);
  EXPECT_EQ(params->reference_images[0].asset_id, "asset_ref1");
  EXPECT_EQ(params->reference_images[1].asset_id, "asset_ref2");
  ASSERT_TRUE(params->mask.has_value());
  EXPECT_EQ(params->mask->asset_id, "asset_mask9");
}

TEST_F(ImporterTest, FirstVersionSidecarsStillRebuildTheForm) {
  test::writeAll(project_.file("old.png.texforge.json"), R"({"texforge_sidecar": 1, "model": "model_x",
    "prompt": "a crate", "parameters": {"numOutputs": 3, "width": 768, "height": 1024, "quality": "low",
    "background": "opaque", "referenceImages": ["asset_a", "asset_b"], "mask": "asset_m"}})");
  Result<GenerationParams> params = readSidecarParams(project_.file("old.png.texforge.json"));
  ASSERT_TRUE(params.ok()) << params.error().message;
  GenerationParams expected;
  expected.model_id = "model_x";
  expected.prompt = "a crate";
  expected.num_outputs = 3;
  expected.width = 768;
  expected.height = 1024;
  expected.quality = "low";
  expected.background = "opaque";
  expected.reference_images = {ImageInput{"asset_a", ""}, ImageInput{"asset_b", ""}};
  expected.mask = ImageInput{"asset_m", ""};
  EXPECT_TRUE(*params == expected) << paramsToJson(*params);
}

TEST_F(ImporterTest, ReadSidecarRejectsOtherFiles) {
  test::writeAll(project_.file("x.json"), "{\"hello\": 1}");
  Result<GenerationParams> params = readSidecarParams(project_.file("x.json"));
  ASSERT_FALSE(params.ok());
  EXPECT_EQ(params.error().code, ErrorCode::kInvalidArgument);
  test::writeAll(project_.file("y.json"), "not json");
  EXPECT_FALSE(readSidecarParams(project_.file("y.json")).ok());
  EXPECT_EQ(readSidecarParams(project_.file("none.json")).error().code, ErrorCode::kNotFound);
}

TEST_F(ImporterTest, FolderOutsideProjectRefused) {
  for (const char* folder : {"../outside", "assets/../../x", "/tmp"}) {
    auto importer = makeFolderImporter(FolderImporterOptions{folder});
    Result<ImportedAsset> imported = importer->importAsset(request_);
    ASSERT_FALSE(imported.ok()) << folder;
    EXPECT_EQ(imported.error().code, ErrorCode::kInvalidArgument) << folder;
  }
  EXPECT_FALSE(fs::exists(fs::path(project_.path()).parent_path() / "outside"));
}

TEST_F(ImporterTest, CustomFolderAndFallbackId) {
  request_.asset_id = "";
  request_.params.prompt = "日本語";
  auto importer = makeFolderImporter(FolderImporterOptions{"Textures\\Gen/"});
  Result<ImportedAsset> imported = importer->importAsset(request_);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(imported->path, "Textures/Gen/image-loc42.png");
  EXPECT_TRUE(fs::exists(project_.file("Textures/Gen/image-loc42.png.texforge.json")));
}

TEST_F(ImporterTest, ExtensionFollowsTheBytes) {
  // A JPEG's magic with the request saying PNG: the file gets .jpg.
  const std::string jpeg_ish = std::string("\xFF\xD8\xFF\xE0", 4) + std::string(64, '\0');
  test::writeAll(source_, jpeg_ish);
  auto importer = makeFolderImporter();
  Result<ImportedAsset> imported = importer->importAsset(request_);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  EXPECT_EQ(fs::path(imported->path).extension(), ".jpg");
}

TEST_F(ImporterTest, MissingSourceIsNotFound) {
  request_.source_file = project_.file("nope.png");
  Result<ImportedAsset> imported = makeFolderImporter()->importAsset(request_);
  ASSERT_FALSE(imported.ok());
  EXPECT_EQ(imported.error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(fs::exists(project_.file("assets/generated")) &&
               !fs::is_empty(project_.file("assets/generated")));
}

TEST(Slugify, FollowsTheHeader) {
  EXPECT_EQ(slugify("A Mossy stone wall, tileable!"), "a-mossy-stone-wall-tileable");
  EXPECT_EQ(slugify("  --Hello__World--  "), "hello-world");
  EXPECT_EQ(slugify(""), "image");
  EXPECT_EQ(slugify("!!!"), "image");
  EXPECT_EQ(slugify("café au lait"), "caf-au-lait");
  EXPECT_EQ(slugify("abc def ghi", 5), "abc-d");
  EXPECT_EQ(slugify("abc def", 4), "abc");  // no trailing dash
  EXPECT_LE(slugify(std::string(100, 'x')).size(), 40u);
}

TEST(NullTextureUploader, TracksSizesAndLiveCount) {
  auto uploader = makeNullTextureUploader();
  DecodedImage image;
  image.width = 3;
  image.height = 2;
  image.rgba.assign(24, 0);
  const TextureHandle a = uploader->create(image);
  const TextureHandle b = uploader->create(image);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(a, b);
  EXPECT_EQ(uploader->width(a), 3);
  EXPECT_EQ(uploader->height(b), 2);
  EXPECT_EQ(uploader->liveCount(), 2u);
  uploader->destroy(a);
  EXPECT_EQ(uploader->liveCount(), 1u);
  EXPECT_EQ(uploader->width(a), 0);
  uploader->destroy(TextureHandle{});  // unknown handles are ignored
  EXPECT_EQ(uploader->liveCount(), 1u);
  EXPECT_FALSE(uploader->create(DecodedImage{}));
}

}  // namespace
}  // namespace texforge

// The recording (null) importer: writes nothing, answers a predictable path, fails when told to.
namespace texforge {
namespace {

TEST(RecordingImporter, RecordsRequestsWritesNothingAndFailsWhenTold) {
  test::TempDir project;
  std::shared_ptr<RecordingImporter> importer = makeRecordingImporter();
  ImportRequest request;
  request.project_dir = project.path();
  request.source_file = project.file("never-read.png");
  request.format = ImageFormat::kPng;
  request.local_id = "loc-7";
  request.output_index = 1;
  request.params.prompt = "recorded";
  Result<ImportedAsset> first = importer->importAsset(request);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->path, "recorded/loc-7-1.png");
  EXPECT_EQ(first->sidecar_path, "recorded/loc-7-1.png.texforge.json");
  EXPECT_TRUE(std::filesystem::is_empty(project.path()));  // nothing written, nothing read

  importer->failWith(makeError(ErrorCode::kIo, "disk full"));
  request.output_index = 2;
  Result<ImportedAsset> refused = importer->importAsset(request);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kIo);

  importer->failWith(std::nullopt);
  request.format = ImageFormat::kWebp;
  request.output_index = 3;
  Result<ImportedAsset> again = importer->importAsset(request);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->path, "recorded/loc-7-3.webp");

  const std::vector<ImportRequest> seen = importer->requests();
  ASSERT_GE(seen.size(), 2u);
  EXPECT_EQ(seen.front().output_index, 1);
  EXPECT_EQ(seen.front().params.prompt, "recorded");
  EXPECT_EQ(seen.back().output_index, 3);
  EXPECT_EQ(seen.back().format, ImageFormat::kWebp);
}

}  // namespace
}  // namespace texforge
