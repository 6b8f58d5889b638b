// The embedding seams without a network: the host's own parameters (usage, host_metadata) in the
// JSON form, equality and checks, and never in the service's body; premultiplied alpha and the null
// uploader; log level names; and an engine that reads nothing from the environment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "test_support.h"
#include "texforge/api.h"
#include "texforge/generator.h"
#include "texforge/params.h"
#include "texforge/texture_uploader.h"

using namespace texforge;
using nlohmann::json;

namespace {

using test::ScopedEnv;

GenerationParams hostParams() {
  GenerationParams p;
  p.prompt = "a mossy stone wall";
  p.usage = "sprite";
  p.host_metadata = {
      {"folder", "Content/Props"}, {"material.slot", "albedo"}, {"note", "caf\xc3\xa9 \"quoted\""}};
  return p;
}

std::vector<ParamProblem> problemsOf(const GenerationParams& p) {
  return checkParams(p);
}

bool hasProblem(const std::vector<ParamProblem>& problems, ProblemKind kind, const std::string& words) {
  for (const ParamProblem& p : problems) {
    if (p.kind == kind && p.blocking && p.message.find(words) != std::string::npos) return true;
  }
  return false;
}

std::string allMessages(const std::vector<ParamProblem>& problems) {
  std::string out;
  for (const ParamProblem& p : problems) out += p.message + "\n";
  return out;
}

}  // namespace

// ---- GenerationParams::usage and host_metadata ----

TEST(HostParams, RoundTripThroughTheJsonForm) {
  const GenerationParams p = hostParams();
  const std::string text = paramsToJson(p);
  const json doc = json::parse(text);
  EXPECT_EQ(doc["usage"], "sprite");
  EXPECT_EQ(doc["hostMetadata"]["folder"], "Content/Props");
  EXPECT_EQ(doc["hostMetadata"]["note"], "caf\xc3\xa9 \"quoted\"");
  GenerationParams back;
  ASSERT_TRUE(paramsFromJson(text, &back));
  EXPECT_EQ(back.usage, "sprite");
  EXPECT_EQ(back.host_metadata, p.host_metadata);
  EXPECT_TRUE(back == p);
  EXPECT_EQ(paramsToJson(back), text);
}

TEST(HostParams, AbsentWhenEmptySoOldTextStaysTheSame) {
  GenerationParams p;
  p.prompt = "plain";
  const json doc = json::parse(paramsToJson(p));
  EXPECT_FALSE(doc.contains("usage"));
  EXPECT_FALSE(doc.contains("hostMetadata"));
  // A journal row written before these fields existed reads back with them empty.
  GenerationParams back = hostParams();
  ASSERT_TRUE(paramsFromJson(R"({"prompt": "old row", "numOutputs": 2})", &back));
  EXPECT_EQ(back.prompt, "old row");
  EXPECT_EQ(back.usage, "sprite") << "a missing field keeps what was there, as every other field does";
  GenerationParams fresh;
  ASSERT_TRUE(paramsFromJson(R"({"prompt": "old row"})", &fresh));
  EXPECT_TRUE(fresh.usage.empty());
  EXPECT_TRUE(fresh.host_metadata.empty());
}

TEST(HostParams, MistypedFieldsKeepTheirDefaults) {
  GenerationParams back;
  ASSERT_TRUE(paramsFromJson(R"({"prompt": "x", "usage": 7, "hostMetadata": ["a", "b"]})", &back));
  EXPECT_TRUE(back.usage.empty());
  EXPECT_TRUE(back.host_metadata.empty());
  ASSERT_TRUE(paramsFromJson(R"({"prompt": "x", "hostMetadata": {"keep": "yes", "number": 3, "null": null}})",
                             &back));
  EXPECT_EQ(back.host_metadata, (std::map<std::string, std::string>{{"keep", "yes"}}));
}

TEST(HostParams, TakePartInEquality) {
  const GenerationParams a = hostParams();
  GenerationParams b = a;
  EXPECT_TRUE(a == b);
  b.usage = "icon";
  EXPECT_TRUE(a != b);
  b = a;
  b.host_metadata["folder"] = "Content/Other";
  EXPECT_TRUE(a != b);
  b = a;
  b.host_metadata.erase("note");
  EXPECT_TRUE(a != b);
}

TEST(HostParams, EveryKnownUsageAndNoneAreAccepted) {
  for (const char* usage : {"", "texture", "sprite", "icon", "ui"}) {
    GenerationParams p = hostParams();
    p.usage = usage;
    EXPECT_TRUE(problemsOf(p).empty()) << usage << ": " << allMessages(problemsOf(p));
  }
}

TEST(HostParams, AnUnknownUsageIsRefusedWithTheChoices) {
  GenerationParams p = hostParams();
  p.usage = "Texture";  // case matters: the importer compares it
  const auto problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u) << allMessages(problems);
  EXPECT_EQ(problems[0].field, ParamField::kUsage);
  EXPECT_EQ(problems[0].kind, ProblemKind::kNotOffered);
  EXPECT_TRUE(problems[0].blocking);
  EXPECT_EQ(problems[0].allowed, (std::vector<std::string>{"texture", "sprite", "icon", "ui"}));
  EXPECT_EQ(problems[0].message.rfind("usage: ", 0), 0u) << problems[0].message;
  EXPECT_NE(problems[0].message.find("\"Texture\""), std::string::npos) << problems[0].message;
  EXPECT_NE(problems[0].message.find("texture, sprite, icon, ui"), std::string::npos) << problems[0].message;
  Status s = validateParams(p);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
}

TEST(HostParams, MetadataLimitsAreInclusive) {
  GenerationParams p;
  p.prompt = "limits";
  for (int i = 0; i < 64; ++i) p.host_metadata["k" + std::to_string(i)] = "v";
  p.host_metadata[std::string(128, 'k')] = std::string(4096, 'v');
  p.host_metadata.erase("k0");  // 64 entries, the longest key and value allowed
  ASSERT_EQ(p.host_metadata.size(), 64u);
  EXPECT_TRUE(problemsOf(p).empty()) << allMessages(problemsOf(p));
  p.host_metadata["extra"] = "";  // an empty value is fine; a 65th entry is not
  const auto problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u) << allMessages(problems);
  EXPECT_EQ(problems[0].field, ParamField::kHostMetadata);
  EXPECT_EQ(problems[0].kind, ProblemKind::kTooMany);
  EXPECT_EQ(problems[0].limit_max, 64);
  EXPECT_EQ(problems[0].message, "hostMetadata: 65 entries, at most 64; remove 1");
}

TEST(HostParams, EmptyAndOverlongKeysAndValuesAreRefused) {
  GenerationParams p;
  p.prompt = "bad metadata";
  p.host_metadata[""] = "nameless";
  auto problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u) << allMessages(problems);
  EXPECT_TRUE(hasProblem(problems, ProblemKind::kMissing, "hostMetadata: an entry has an empty key"));

  p.host_metadata.clear();
  p.host_metadata[std::string(129, 'k')] = "v";
  problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u) << allMessages(problems);
  EXPECT_TRUE(hasProblem(problems, ProblemKind::kTooLong, "is 129 bytes, at most 128"));
  EXPECT_EQ(problems[0].limit_max, 128);
  EXPECT_LT(problems[0].message.size(), 160u) << "a long key is shown cut: " << problems[0].message;

  p.host_metadata.clear();
  p.host_metadata["big"] = std::string(4097, 'v');
  problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u) << allMessages(problems);
  EXPECT_TRUE(hasProblem(problems, ProblemKind::kTooLong,
                         "hostMetadata: the value of \"big\" is 4097 bytes, at most 4096"));
  EXPECT_EQ(problems[0].limit_max, 4096);

  // One problem per rule, however many entries break it, next to the other fields' problems.
  p.host_metadata.clear();
  for (int i = 0; i < 3; ++i) p.host_metadata[std::string(200 + i, 'k')] = std::string(5000, 'v');
  p.usage = "decal";
  p.num_outputs = 0;
  problems = problemsOf(p);
  EXPECT_EQ(problems.size(), 4u) << allMessages(problems);
  EXPECT_TRUE(hasProblem(problems, ProblemKind::kOutOfRange, "numOutputs"));
  EXPECT_TRUE(hasProblem(problems, ProblemKind::kNotOffered, "usage: \"decal\""));
}

TEST(HostParams, AnOverlongKeyIsNotCutInsideAUtf8Character) {
  GenerationParams p;
  p.prompt = "utf-8";
  std::string key = std::string(39, 'k');
  for (int i = 0; i < 50; ++i) key += "\xc3\xa9";  // the 40-byte cut would fall inside the first
  p.host_metadata[key] = "v";
  const auto problems = problemsOf(p);
  ASSERT_EQ(problems.size(), 1u);
  const std::string& m = problems[0].message;
  EXPECT_NE(m.find(std::string(39, 'k') + "...\""), std::string::npos) << m;
}

TEST(HostParams, AreNeverSentToTheService) {
  const GenerationParams with = hostParams();
  GenerationParams without = with;
  without.usage.clear();
  without.host_metadata.clear();
  const std::string body = buildGenerateBody(with, {"asset_ref"}, "asset_mask");
  EXPECT_EQ(body, buildGenerateBody(without, {"asset_ref"}, "asset_mask"));
  const json doc = json::parse(body);
  EXPECT_FALSE(doc.contains("usage"));
  EXPECT_FALSE(doc.contains("hostMetadata"));
  EXPECT_FALSE(doc.contains("host_metadata"));
  EXPECT_EQ(body.find("Content/Props"), std::string::npos) << body;
  EXPECT_EQ(body.find("sprite"), std::string::npos) << body;
}

// ---- premultiplyAlpha and the null uploader ----

TEST(PremultiplyAlpha, RoundsToNearestForEveryColourAndAlpha) {
  DecodedImage image;
  image.width = 256;
  image.height = 256;
  image.rgba.resize(256 * 256 * 4);
  for (int a = 0; a < 256; ++a) {
    for (int c = 0; c < 256; ++c) {
      uint8_t* px = &image.rgba[(static_cast<size_t>(a) * 256 + c) * 4];
      px[0] = static_cast<uint8_t>(c);
      px[1] = static_cast<uint8_t>(255 - c);
      px[2] = static_cast<uint8_t>(c / 2);
      px[3] = static_cast<uint8_t>(a);
    }
  }
  premultiplyAlpha(image);
  for (int a = 0; a < 256; ++a) {
    for (int c = 0; c < 256; ++c) {
      const uint8_t* px = &image.rgba[(static_cast<size_t>(a) * 256 + c) * 4];
      ASSERT_EQ(px[0], (c * a + 127) / 255) << "c=" << c << " a=" << a;
      ASSERT_EQ(px[1], ((255 - c) * a + 127) / 255) << "c=" << c << " a=" << a;
      ASSERT_EQ(px[2], ((c / 2) * a + 127) / 255) << "c=" << c << " a=" << a;
      ASSERT_EQ(px[3], a) << "alpha itself is kept";
    }
  }
}

TEST(PremultiplyAlpha, KnownValuesAndEdges) {
  DecodedImage image;
  image.width = 3;
  image.height = 1;
  image.rgba = {200, 100, 1, 128, 9, 8, 7, 0, 10, 20, 30, 255};
  premultiplyAlpha(image);
  EXPECT_EQ(image.rgba, (PixelBytes{100, 50, 1, 128, 0, 0, 0, 0, 10, 20, 30, 255}));
  DecodedImage empty;
  premultiplyAlpha(empty);  // nothing to do, nothing to crash on
  EXPECT_TRUE(empty.rgba.empty());
}

TEST(NullUploader, TakesEveryDescriptionAndKeepsSizesOnly) {
  auto uploader = makeNullTextureUploader();
  DecodedImage image;
  image.width = 4;
  image.height = 2;
  image.rgba.assign(4 * 2 * 4, 128);
  const PixelBytes before = image.rgba;
  TextureDesc desc;
  desc.srgb = false;
  desc.premultiplied = true;
  desc.mipmaps = true;
  desc.debug_name = "preview: a mossy wall";
  const TextureHandle a = uploader->create(image, desc);
  const TextureHandle b = uploader->create(image);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_NE(a, b);
  EXPECT_TRUE(uploader->ready(a)) << "nothing to wait for: ready at once";
  EXPECT_EQ(uploader->width(a), 4);
  EXPECT_EQ(uploader->height(a), 2);
  EXPECT_EQ(image.rgba, before) << "premultiplied is an uploader's copy, never the caller's pixels";
  uploader->endFrame();
  EXPECT_EQ(uploader->liveCount(), 2u);
  uploader->destroy(a);
  EXPECT_EQ(uploader->width(a), 0);
  EXPECT_EQ(uploader->liveCount(), 1u);
  EXPECT_FALSE(uploader->create(DecodedImage{}, desc));
}

TEST(TextureDescDefaults, AreSrgbStraightAlphaNoMipmaps) {
  const TextureDesc desc;
  EXPECT_TRUE(desc.srgb);
  EXPECT_FALSE(desc.premultiplied);
  EXPECT_FALSE(desc.mipmaps);
  EXPECT_TRUE(desc.debug_name.empty());
}

// ---- logging and the environment ----

TEST(LogLevelName, NamesEveryLevel) {
  EXPECT_STREQ(logLevelName(LogLevel::kDebug), "debug");
  EXPECT_STREQ(logLevelName(LogLevel::kInfo), "info");
  EXPECT_STREQ(logLevelName(LogLevel::kWarning), "warning");
  EXPECT_STREQ(logLevelName(LogLevel::kError), "error");
}

class NoEnvironmentTest : public ::testing::Test {
 protected:
  NoEnvironmentTest() {
    // A credentials file the default store would find (XDG_CONFIG_HOME/texforge/credentials.json).
    std::filesystem::create_directories(config_.file("texforge"));
    test::writeAll(config_.file("texforge/credentials.json"),
                   R"({"api_key": "file-key", "api_secret": "file-secret"})");
  }

  GeneratorOptions options() const {
    GeneratorOptions o;
    o.project_dir = project_.path();
    o.read_environment = false;
    return o;
  }

  test::TempDir project_;
  test::TempDir config_;
  ScopedEnv url_{"SCENARIO_API_URL", "http://bogus.example.com/v1"};  // kInsecure if it were read
  ScopedEnv key_{"SCENARIO_API_KEY", "bogus-env-key"};
  ScopedEnv secret_{"SCENARIO_API_SECRET", "bogus-env-secret"};
  ScopedEnv ca_{"TEXFORGE_CA_FILE", "/nonexistent/bogus-ca.pem"};
  ScopedEnv xdg_{"XDG_CONFIG_HOME", config_.path().c_str()};
};

TEST_F(NoEnvironmentTest, MissingCredentialsSayToPassThem) {
  auto created = createGenerator(options());
  ASSERT_FALSE(created.ok()) << "neither the environment's nor the file's credentials may be used";
  EXPECT_EQ(created.error().code, ErrorCode::kCredentials);
  EXPECT_NE(created.error().message.find("GeneratorOptions::credentials"), std::string::npos)
      << created.error().message;
  EXPECT_NE(created.error().message.find("read_environment"), std::string::npos) << created.error().message;
}

TEST_F(NoEnvironmentTest, MissingCredentialsWithoutTheFileToo) {
  ScopedEnv no_key("SCENARIO_API_KEY", nullptr);
  ScopedEnv no_secret("SCENARIO_API_SECRET", nullptr);
  auto created = createGenerator(options());
  ASSERT_FALSE(created.ok()) << "the credentials file must not be read";
  EXPECT_EQ(created.error().code, ErrorCode::kCredentials);
}

TEST_F(NoEnvironmentTest, TheBaseUrlIsTheDefaultNotTheEnvironments) {
  GeneratorOptions o = options();
  o.credentials = {"host-key", "host-secret"};
  auto created = createGenerator(o);
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ((*created)->baseUrl(), kDefaultBaseUrl);
}

TEST_F(NoEnvironmentTest, OfflineNeedsNothing) {
  GeneratorOptions o = options();
  o.offline = true;
  auto created = createGenerator(o);
  EXPECT_TRUE(created.ok()) << created.error().message;
}

TEST_F(NoEnvironmentTest, TheDefaultStillReadsTheEnvironment) {
  GeneratorOptions o = options();
  o.read_environment = true;
  auto created = createGenerator(o);
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, ErrorCode::kInsecure)
      << "SCENARIO_API_URL was read: " << created.error().message;
}
