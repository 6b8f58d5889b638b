// The parameter rules in one table: each case names the field and kind checkParams must report
// (or none), with and without a schema; then the local file checks, the JSON form and ==.
#include <gtest/gtest.h>

#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "test_support.h"
#include "texforge/image.h"
#include "texforge/params.h"

namespace texforge::test {
namespace {

struct Case {
  const char* name;
  std::function<void(GenerationParams&)> change;
  std::optional<ParamField> field;  // nullopt: no problem at all
  ProblemKind kind = ProblemKind::kMissing;
  bool blocking = true;
};

ModelSchema narrowSchema() {
  ModelSchema schema;
  ModelInput bg;
  bg.name = "background";
  bg.allowed_values = {"auto", "opaque"};
  ModelInput outputs;
  outputs.name = "numOutputs";
  outputs.min = 1;
  outputs.max = 4;
  ModelInput prompt;
  prompt.name = "prompt";
  prompt.max_length = 100;
  schema.inputs = {bg, outputs, prompt};
  return schema;
}

void expectCase(const Case& c, const ModelSchema* schema) {
  GenerationParams p;
  p.prompt = "a mossy stone wall";
  c.change(p);
  const auto problems = checkParams(p, schema);
  if (!c.field) {
    EXPECT_TRUE(problems.empty()) << c.name << ": " << (problems.empty() ? "" : problems[0].message);
    EXPECT_TRUE(validateParams(p, schema).ok()) << c.name;
    return;
  }
  ASSERT_EQ(problems.size(), 1u) << c.name;
  EXPECT_EQ(problems[0].field, *c.field) << c.name;
  EXPECT_EQ(problems[0].kind, c.kind) << c.name;
  EXPECT_EQ(problems[0].blocking, c.blocking) << c.name;
  const Status status = validateParams(p, schema);
  EXPECT_EQ(status.ok(), !c.blocking) << c.name;
  if (!status.ok()) {
    EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument) << c.name;
  }
}

TEST(Params, BuiltInRulesOfTheModel) {
  const Case cases[] = {
      {"defaults", [](GenerationParams&) {}, std::nullopt},
      {"blank prompt", [](GenerationParams& p) { p.prompt = " \n\t"; }, ParamField::kPrompt,
       ProblemKind::kMissing},
      {"long prompt", [](GenerationParams& p) { p.prompt.assign(kMaxPromptChars + 1, 'a'); },
       ParamField::kPrompt, ProblemKind::kTooLong},
      {"longest prompt", [](GenerationParams& p) { p.prompt.assign(kMaxPromptChars, 'a'); }, std::nullopt},
      // The limit counts characters (code points), not UTF-8 bytes.
      {"20000 two-byte characters",
       [](GenerationParams& p) {
         p.prompt.clear();
         for (int i = 0; i < 20000; ++i) p.prompt += "\xc3\xa9";  // U+00E9, 40000 bytes
       },
       std::nullopt},
      {"32000 four-byte characters",
       [](GenerationParams& p) {
         p.prompt.clear();
         for (int i = 0; i < kMaxPromptChars; ++i) p.prompt += "\xf0\x9f\xa7\xb1";  // U+1F9F1
       },
       std::nullopt},
      {"32001 characters, one of two bytes",
       [](GenerationParams& p) { p.prompt.assign(kMaxPromptChars, 'a') += "\xc3\xa9"; }, ParamField::kPrompt,
       ProblemKind::kTooLong},
      {"no model", [](GenerationParams& p) { p.model_id.clear(); }, ParamField::kModel,
       ProblemKind::kMissing},
      {"0 outputs", [](GenerationParams& p) { p.num_outputs = 0; }, ParamField::kNumOutputs,
       ProblemKind::kOutOfRange},
      {"11 outputs", [](GenerationParams& p) { p.num_outputs = kMaxOutputs + 1; }, ParamField::kNumOutputs,
       ProblemKind::kOutOfRange},
      {"10 outputs", [](GenerationParams& p) { p.num_outputs = kMaxOutputs; }, std::nullopt},
      {"one side", [](GenerationParams& p) { p.width = 1024; }, ParamField::kSize, ProblemKind::kMissing},
      {"too wide", [](GenerationParams& p) { p.width = 4096, p.height = 2048; }, ParamField::kSize,
       ProblemKind::kOutOfRange},
      {"too small", [](GenerationParams& p) { p.width = 1024, p.height = 8; }, ParamField::kSize,
       ProblemKind::kPixelCount},
      // The model's pixel range, 655,360 to 8,294,400: 1024x640 is the smallest 16:10 size.
      {"512x512", [](GenerationParams& p) { p.width = 512, p.height = 512; }, ParamField::kSize,
       ProblemKind::kPixelCount},
      {"1008x640", [](GenerationParams& p) { p.width = 1008, p.height = 640; }, ParamField::kSize,
       ProblemKind::kPixelCount},
      {"smallest 16:10", [](GenerationParams& p) { p.width = 1024, p.height = 640; }, std::nullopt},
      {"3840x2176", [](GenerationParams& p) { p.width = 3840, p.height = 2176; }, ParamField::kSize,
       ProblemKind::kPixelCount},
      {"square of the long edge", [](GenerationParams& p) { p.width = kMaxSide, p.height = kMaxSide; },
       ParamField::kSize, ProblemKind::kPixelCount},
      {"off grid", [](GenerationParams& p) { p.width = 1000, p.height = 1024; }, ParamField::kSize,
       ProblemKind::kOffGrid},
      {"largest 16:9", [](GenerationParams& p) { p.width = kMaxSide, p.height = 2160; }, std::nullopt},
      {"a long edge over the limit", [](GenerationParams& p) { p.width = 1024, p.height = kMaxSide + 16; },
       ParamField::kSize, ProblemKind::kOutOfRange},
      // The service pads such images rather than refusing them: a warning, never a refusal.
      {"15:1", [](GenerationParams& p) { p.width = 3840, p.height = 256; }, ParamField::kSize,
       ProblemKind::kExtremeAspect, false},
      {"3:1 exactly", [](GenerationParams& p) { p.width = 3072, p.height = 1024; }, std::nullopt},
      {"quality", [](GenerationParams& p) { p.quality = "ultra"; }, ParamField::kQuality,
       ProblemKind::kNotOffered},
      {"background", [](GenerationParams& p) { p.background = "glass"; }, ParamField::kBackground,
       ProblemKind::kNotOffered},
      {"transparent", [](GenerationParams& p) { p.background = "transparent"; }, std::nullopt},
      {"11 references",
       [](GenerationParams& p) {
         p.reference_images.assign(11, ImageInput{"asset_r", ""});
       },
       ParamField::kReferenceImages, ProblemKind::kTooMany},
      {"empty reference", [](GenerationParams& p) { p.reference_images.push_back({}); },
       ParamField::kReferenceImages, ProblemKind::kEmptyInput},
      {"mask alone",
       [](GenerationParams& p) {
         p.mask = ImageInput{"asset_m", ""};
       },
       ParamField::kMask, ProblemKind::kNeedsReference},
      {"mask and reference",
       [](GenerationParams& p) {
         p.mask = ImageInput{"asset_m", ""};
         p.reference_images.push_back(ImageInput{"asset_r", ""});
       },
       std::nullopt},
  };
  for (const Case& c : cases) expectCase(c, nullptr);
}

TEST(Params, TheSchemaNarrowsTheRules) {
  const ModelSchema schema = narrowSchema();
  const Case cases[] = {
      {"transparent", [](GenerationParams& p) { p.background = "transparent"; }, ParamField::kBackground,
       ProblemKind::kNotOffered},
      {"5 outputs", [](GenerationParams& p) { p.num_outputs = 5; }, ParamField::kNumOutputs,
       ProblemKind::kOutOfRange},
      {"long prompt", [](GenerationParams& p) { p.prompt.assign(101, 'a'); }, ParamField::kPrompt,
       ProblemKind::kTooLong},
      {"opaque", [](GenerationParams& p) { p.background = "opaque"; }, std::nullopt},
  };
  for (const Case& c : cases) expectCase(c, &schema);
  GenerationParams p;
  p.prompt = "x";
  p.background = "transparent";
  const auto problems = checkParams(p, &schema);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].allowed, (std::vector<std::string>{"auto", "opaque"}));
  const ParamLimits limits = paramLimits(&schema);
  EXPECT_EQ(limits.max_outputs, 4);
  EXPECT_EQ(limits.max_prompt_chars, 100);
  EXPECT_EQ(limits.max_width, kMaxSide);  // what the schema does not say keeps the built-in limit
}

TEST(Params, OffGridSuggestsTheSnappedSize) {
  GenerationParams p;
  p.prompt = "x";
  p.width = 1000;
  p.height = 1024;
  const auto problems = checkParams(p);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].suggestion, "1008x1024");
  EXPECT_EQ(problems[0].limit_step, kSizeStep);
  EXPECT_EQ(snapToGrid(5, 16, 16, 3840), 16);
  EXPECT_EQ(snapToGrid(5000, 16, 16, 3840), 3840);
}

// A refused size comes with the allowed size nearest to it, of about its shape; that suggestion
// passes the same checks.
TEST(Params, ARefusedSizeSuggestsTheNearestAllowedOne) {
  struct Expected {
    int width, height;
    ProblemKind kind;
    const char* suggestion;
  };
  const Expected cases[] = {
      {512, 512, ProblemKind::kPixelCount, "816x816"},
      {512, 320, ProblemKind::kPixelCount, "1024x640"},
      {256, 768, ProblemKind::kPixelCount, "480x1408"},
      {1024, 8, ProblemKind::kPixelCount, "3840x176"},
      {3840, 3840, ProblemKind::kPixelCount, "2880x2880"},
      {4096, 2048, ProblemKind::kOutOfRange, "3840x1920"},
      {805, 815, ProblemKind::kOffGrid, "816x816"},
      {2888, 2872, ProblemKind::kOffGrid, "2880x2864"},
  };
  for (const Expected& c : cases) {
    GenerationParams p;
    p.prompt = "x";
    p.width = c.width;
    p.height = c.height;
    const auto problems = checkParams(p);
    ASSERT_EQ(problems.size(), 1u) << c.width << "x" << c.height;
    EXPECT_EQ(problems[0].kind, c.kind) << c.width << "x" << c.height;
    EXPECT_TRUE(problems[0].blocking);
    EXPECT_EQ(problems[0].suggestion, c.suggestion) << c.width << "x" << c.height;
    EXPECT_NE(problems[0].message.find(std::string("try ") + c.suggestion), std::string::npos)
        << problems[0].message;
    GenerationParams suggested = p;
    ASSERT_EQ(std::sscanf(c.suggestion, "%dx%d", &suggested.width, &suggested.height), 2);
    EXPECT_TRUE(validateParams(suggested).ok()) << c.suggestion;
  }
  GenerationParams p;
  p.prompt = "x";
  p.width = p.height = 512;
  const auto problems = checkParams(p);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].limit_min, kMinPixels);
  EXPECT_EQ(problems[0].limit_max, kMaxPixels);
  EXPECT_EQ(
      problems[0].message,
      "size: 512x512 has 262,144 pixels, fewer than the model's 655,360 (1024x640 is the smallest 16:10 "
      "size); try 816x816");
  EXPECT_EQ(validateParams(p).error().message, problems[0].message);
}

// A schema that lets a side down to 16 pixels has no say on the pixel count.
TEST(Params, ThePixelRangeHoldsWhateverTheSchemaSaysOfTheSides) {
  ModelSchema schema;
  for (const char* name : {"width", "height"}) {
    ModelInput side;
    side.name = name;
    side.min = 16;
    side.max = 3840;
    side.step = 16;
    schema.inputs.push_back(side);
  }
  EXPECT_EQ(paramLimits(&schema).min_width, 16);
  EXPECT_EQ(paramLimits(&schema).min_pixels, kMinPixels);
  GenerationParams p;
  p.prompt = "x";
  p.width = p.height = 256;
  const auto problems = checkParams(p, &schema);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].kind, ProblemKind::kPixelCount);
  p.width = p.height = 816;
  EXPECT_TRUE(checkParams(p, &schema).empty());
  EXPECT_EQ(kMinSide, 176);  // kMinPixels over kMaxSide, up to the grid
}

// A grey PNG, RGBA (colour type 6) or RGB without alpha (colour type 2), written by hand since
// encodePng always writes RGBA.
std::string png(int w, int h, bool alpha) {
  auto be32 = [](uint32_t v) { return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; };
  auto chunk = [&](const std::string& type, const std::string& data) {
    const std::string body = type + data;
    return be32(static_cast<uint32_t>(data.size())) + body +
           be32(static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(body.data()), body.size())));
  };
  const int channels = alpha ? 4 : 3;
  std::string raw;
  for (int y = 0; y < h; ++y) raw += '\0' + std::string(static_cast<size_t>(w) * channels, '\x80');
  std::string packed(compressBound(raw.size()), '\0');
  uLongf packed_size = packed.size();
  compress(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
           raw.size());
  packed.resize(packed_size);
  const std::string ihdr = be32(w) + be32(h) + std::string{8, char(alpha ? 6 : 2), 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", packed) +
         chunk("IEND", "");
}

TEST(Params, LocalInputsAreCheckedBeforeAnythingIsPaid) {
  TempDir dir;
  writeAll(dir.file("ref.png"), png(64, 64, false));
  writeAll(dir.file("mask.png"), png(64, 64, true));
  writeAll(dir.file("small-mask.png"), png(32, 32, true));
  writeAll(dir.file("opaque-mask.png"), png(64, 64, false));
  writeAll(dir.file("notes.txt"), "not an image");
  writeAll(dir.file("huge.png"), png(64, 64, false));  // grown past the multipart limit (sparse)
  std::filesystem::resize_file(dir.file("huge.png"), kMaxLargeUploadBytes + 1);
  writeAll(dir.file("large.png"), png(64, 64, false) + std::string(kMaxUploadBytes, '\0'));

  auto kinds = [&](std::vector<std::string> refs, std::string mask) {
    GenerationParams p;
    p.prompt = "x";
    for (auto& r : refs) p.reference_images.push_back(ImageInput{"", dir.file(r)});
    if (!mask.empty()) p.mask = ImageInput{"", dir.file(mask)};
    std::vector<ProblemKind> out;
    for (const auto& problem : checkLocalInputs(p)) out.push_back(problem.kind);
    return out;
  };
  using K = std::vector<ProblemKind>;
  EXPECT_EQ(kinds({"ref.png"}, "mask.png"), K{});
  EXPECT_EQ(kinds({"gone.png"}, ""), K{ProblemKind::kFileMissing});
  EXPECT_EQ(kinds({"notes.txt"}, ""), K{ProblemKind::kUnreadable});
  EXPECT_EQ(kinds({"huge.png"}, ""), K{ProblemKind::kTooLarge});
  EXPECT_EQ(kinds({"large.png"}, ""), K{}) << "over the inline limit: uploaded in parts";
  EXPECT_EQ(kinds({"ref.png"}, "opaque-mask.png"), K{ProblemKind::kMaskNoAlpha});
  EXPECT_EQ(kinds({"ref.png"}, "small-mask.png"), K{ProblemKind::kMaskSizeMismatch});
  EXPECT_EQ(kinds({"ref.png"}, "gone-mask.png"), K{ProblemKind::kFileMissing});

  GenerationParams missing;
  missing.prompt = "x";
  missing.reference_images.push_back(ImageInput{"", dir.file("gone.png")});
  const Status status = firstBlocking(checkLocalInputs(missing));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kNotFound);
  // Asset ids are the service's business: nothing local to read.
  GenerationParams assets;
  assets.prompt = "x";
  assets.reference_images.push_back(ImageInput{"asset_r", ""});
  assets.mask = ImageInput{"asset_m", ""};
  EXPECT_TRUE(checkLocalInputs(assets).empty());
}

TEST(Params, OneJsonFormRoundTripsAndEqualityFollowsIt) {
  GenerationParams p;
  p.prompt = "a barrel, \"wooden\"";
  p.num_outputs = 3;
  p.width = 1024;
  p.height = 768;
  p.quality = "high";
  p.background = "transparent";
  p.reference_images = {ImageInput{"asset_a", ""}, ImageInput{"", "refs/b.png"}};
  p.mask = ImageInput{"", "mask.png"};
  const std::string text = paramsToJson(p);
  GenerationParams back;
  ASSERT_TRUE(paramsFromJson(text, &back));
  EXPECT_TRUE(back == p);
  EXPECT_EQ(paramsToJson(back), text);
  const auto doc = nlohmann::json::parse(text);
  EXPECT_EQ(doc["modelId"], kDefaultModelId);
  EXPECT_EQ(doc["referenceImages"][1]["file"], "refs/b.png");
  EXPECT_EQ(doc["mask"]["file"], "mask.png");

  GenerationParams other = p;
  other.mask.reset();
  EXPECT_TRUE(other != p);
  other = p;
  other.reference_images[1].local_path = "refs/c.png";
  EXPECT_TRUE(other != p);
  EXPECT_FALSE(paramsFromJson("[1, 2]", &back));
  EXPECT_FALSE(paramsFromJson("not json", &back));
}

TEST(Params, MistypedFieldsKeepTheirDefaults) {
  GenerationParams p;
  ASSERT_TRUE(paramsFromJson(R"({"prompt": 7, "numOutputs": "two", "width": 1e30, "quality": "low",
                                 "referenceImages": ["asset_x", "local.png", 5]})",
                             &p));
  EXPECT_EQ(p.prompt, "");
  EXPECT_EQ(p.num_outputs, 1);
  EXPECT_EQ(p.width, 0);
  EXPECT_EQ(p.quality, "low");
  ASSERT_EQ(p.reference_images.size(), 3u);
  EXPECT_EQ(p.reference_images[0].asset_id, "asset_x");  // version-1 sidecars hold bare id strings
  EXPECT_EQ(p.reference_images[1].local_path, "local.png");
  EXPECT_TRUE(p.reference_images[2].empty());
}

}  // namespace
}  // namespace texforge::test
