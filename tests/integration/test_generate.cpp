// End-to-end generation through the real HTTP stack against the in-process emulator: every
// parameter, references and masks, formats, statuses, failures and credentials.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;
using emulator::FaultKind;
using emulator::Route;
using nlohmann::json;

namespace {

DecodedImage solid(int w, int h, uint8_t r, uint8_t g, uint8_t b, uint8_t a = 255) {
  DecodedImage img;
  img.width = w;
  img.height = h;
  img.rgba.resize(static_cast<size_t>(w) * h * 4);
  for (size_t i = 0; i < img.rgba.size(); i += 4) {
    img.rgba[i] = r;
    img.rgba[i + 1] = g;
    img.rgba[i + 2] = b;
    img.rgba[i + 3] = a;
  }
  return img;
}

void savePng(const DecodedImage& img, const std::string& path) {
  auto png = encodePng(img);
  ASSERT_TRUE(png.ok());
  writeAll(path, std::string(png->begin(), png->end()));
}

const uint8_t* pixel(const DecodedImage& img, int x, int y) {
  return &img.rgba[(static_cast<size_t>(y) * img.width + x) * 4];
}

}  // namespace

TEST_F(EngineTest, ThreeOutputsArriveDecodeAndImportWithSidecars) {
  auto gen = makeGenerator();
  auto id = gen->submit(params("a mossy stone wall texture", 3));
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  ASSERT_EQ(job.outputs.size(), 3u);
  EXPECT_FALSE(job.job_id.empty());
  EXPECT_GT(job.cost, 0.0);
  for (const auto& o : job.outputs) {
    EXPECT_EQ(o.state, OutputState::kReady);
    ASSERT_NE(o.image, nullptr);
    EXPECT_EQ(o.image->width, 1024);
    EXPECT_TRUE(std::filesystem::exists(o.cache_path)) << o.cache_path;
    auto imported = gen->importOutput(*id, o.index);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
    const std::string file = project_.file(imported->path);
    const std::string bytes = readAll(file);
    auto decoded = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    EXPECT_TRUE(decoded.ok());
    json sidecar = json::parse(readAll(project_.file(imported->sidecar_path)));
    EXPECT_EQ(sidecar["parameters"]["prompt"], "a mossy stone wall texture");
    EXPECT_EQ(sidecar["job_id"], job.job_id);
    EXPECT_EQ(sidecar["asset_id"], o.asset_id);
    EXPECT_EQ(imported->path.rfind("assets/generated/a-mossy-stone-wall-texture-", 0), 0u) << imported->path;
  }
  EXPECT_EQ(gen->job(*id)->state, JobState::kImported);
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 1);
  EXPECT_EQ(stats.cdn_requests, 3);
  EXPECT_EQ(stats.cdn_authorization_headers, 0);  // the CDN never sees the key
}

TEST_F(EngineTest, EveryParameterReachesTheServerAndShapesTheResult) {
  auto gen = makeGenerator();
  GenerationParams p = params("an icon of a \"golden\" key", 2);
  p.width = 1024;
  p.height = 640;
  p.quality = "high";
  p.background = "transparent";
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  const auto stats = emulator_->stats();
  ASSERT_EQ(stats.last_generate_bodies.size(), 1u);
  json body = json::parse(stats.last_generate_bodies[0]);
  EXPECT_EQ(body["prompt"], p.prompt);
  EXPECT_EQ(body["numOutputs"], 2);
  EXPECT_EQ(body["width"], 1024);
  EXPECT_EQ(body["height"], 640);
  EXPECT_EQ(body["quality"], "high");
  EXPECT_EQ(body["background"], "transparent");
  ASSERT_EQ(job.outputs.size(), 2u);
  const DecodedImage& img = *job.outputs[0].image;
  EXPECT_EQ(img.width, 1024);
  EXPECT_EQ(img.height, 640);
  bool some_transparent = false;
  for (size_t i = 3; i < img.rgba.size(); i += 4) some_transparent |= img.rgba[i] < 255;
  EXPECT_TRUE(some_transparent) << "transparency was asked for";
}

TEST_F(EngineTest, LocalReferenceAndMaskAreUploadedAndOnlyTheMaskedAreaChanges) {
  const std::string ref = project_.file("ref.png");
  const std::string mask = project_.file("mask.png");
  savePng(solid(128, 128, 200, 30, 30), ref);
  DecodedImage m = solid(128, 128, 0, 0, 0, 255);
  for (int y = 0; y < 128; ++y) {
    for (int x = 64; x < 128; ++x)
      m.rgba[(static_cast<size_t>(y) * 128 + x) * 4 + 3] = 0;  // right half: edit
  }
  savePng(m, mask);
  auto gen = makeGenerator();
  GenerationParams p = params("turn the right half into moss");  // auto size: the reference's
  p.reference_images.push_back(ImageInput{"", ref});
  p.mask = ImageInput{"", mask};
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.requests_per_route.at(emulator::routeName(Route::kUpload)), 2);
  json body = json::parse(stats.last_generate_bodies.back());
  ASSERT_TRUE(body["referenceImages"].is_array());
  EXPECT_EQ(body["referenceImages"].size(), 1u);
  EXPECT_TRUE(body["mask"].is_string());
  const DecodedImage& out = *job.outputs[0].image;
  ASSERT_EQ(out.width, 128);
  int kept = 0, changed = 0;
  for (int y = 0; y < 128; y += 8) {
    for (int x = 0; x < 64; x += 8) {
      const uint8_t* px = pixel(out, x, y);
      kept += px[0] == 200 && px[1] == 30 && px[2] == 30;
    }
    for (int x = 64; x < 128; x += 8) {
      const uint8_t* px = pixel(out, x, y);
      changed += !(px[0] == 200 && px[1] == 30 && px[2] == 30);
    }
  }
  EXPECT_EQ(kept, 16 * 8) << "pixels under the opaque mask must stay the reference's";
  EXPECT_GT(changed, 16 * 8 / 2) << "pixels under the transparent mask should be generated";
}

TEST_F(EngineTest, UnknownStatusesKeepPollingUntilSuccess) {
  emulator_->addFault(fault(Route::kJob, FaultKind::kUnknownStatus, 4, "pending-review"));
  auto gen = makeGenerator();
  auto id = gen->submit(params("a status the client has never seen"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady);
  EXPECT_EQ(emulator_->stats().faults_injected[emulator::faultKindName(FaultKind::kUnknownStatus)], 4);
}

TEST_F(EngineTest, FailureTextFromTheServiceIsSurfaced) {
  emulator_->addFault(
      fault(Route::kGenerate, FaultKind::kJobFailure, 1, "Your request was rejected by the safety system."));
  auto gen = makeGenerator();
  auto id = gen->submit(params("something the moderator dislikes"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kFailed);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->code, ErrorCode::kJobFailed);
  EXPECT_NE(job.error->message.find("rejected by the safety system"), std::string::npos)
      << job.error->message;
}

TEST_F(EngineTest, WrongCredentialsFailWithACredentialsError) {
  GeneratorOptions o = options();
  o.credentials.api_secret = "not-the-secret";
  auto gen = makeGenerator(o);
  std::optional<Result<ModelSchema>> schema;
  gen->fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
  ASSERT_TRUE(waitUntil([&] { return schema.has_value(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  ASSERT_FALSE(schema->ok());
  EXPECT_EQ(schema->error().code, ErrorCode::kCredentials);
  EXPECT_EQ(schema->error().http_status, 401);
  auto id = gen->submit(params("anything"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kFailed);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->code, ErrorCode::kCredentials);
  EXPECT_EQ(job.error->message.find("not-the-secret"), std::string::npos);
  EXPECT_EQ(emulator_->stats().generate_posts, 0);
}

TEST_F(EngineTest, ServerSideValidationErrorCarriesTheReason) {
  emulator_->stop();
  emulator_options_.transparent_background_supported = false;
  emulator_ = std::make_unique<emulator::Emulator>(emulator_options_);
  ASSERT_TRUE(emulator_->start());
  auto gen = makeGenerator();
  GenerationParams p = params("a sprite");
  p.background = "transparent";  // allowed by the local rules, refused by this server
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kFailed);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(job.error->http_status, 400);
  EXPECT_NE(job.error->message.find("background"), std::string::npos) << job.error->message;
}

TEST_F(EngineTest, SchemaAndQuoteComeBackThroughPump) {
  auto gen = makeGenerator();
  std::optional<Result<ModelSchema>> schema;
  std::optional<Result<Quote>> quote;
  gen->fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
  GenerationParams p = params("a quote", 4);
  p.quality = "high";
  gen->quote(p, [&](Result<Quote> q) { quote = std::move(q); });
  ASSERT_TRUE(waitUntil([&] { return schema && quote; },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  ASSERT_TRUE(schema->ok()) << schema->error().message;
  ASSERT_NE(schema->value().input("quality"), nullptr);
  EXPECT_FALSE(schema->value().input("quality")->allowed_values.empty());
  ASSERT_TRUE(quote->ok()) << quote->error().message;
  EXPECT_GT(quote->value().creative_units, 0.0);
  EXPECT_EQ(emulator_->stats().jobs_created, 0);  // a dry run starts nothing
}

TEST_F(EngineTest, JpegAndWebpOutputsAreSniffedAndDecoded) {
  auto gen = makeGenerator();
  for (auto [format, expected] :
       {std::pair{"jpeg", ImageFormat::kJpeg}, std::pair{"webp", ImageFormat::kWebp}}) {
    emulator_->setOutputFormat(format);
    GenerationParams p = params(std::string("a ") + format + " crate");
    p.width = 1024;
    p.height = 640;
    auto id = gen->submit(p);
    ASSERT_TRUE(id.ok());
    JobSnapshot job = runToEnd(*gen, *id);
    ASSERT_EQ(job.state, JobState::kReady) << format;
    EXPECT_EQ(job.outputs[0].format, expected) << format;
    ASSERT_NE(job.outputs[0].image, nullptr);
    EXPECT_EQ(job.outputs[0].image->width, 1024);
    auto imported = gen->importOutput(*id, 0);
    ASSERT_TRUE(imported.ok());
    EXPECT_EQ(std::filesystem::path(imported->path).extension(), imageFormatExtension(expected));
  }
}

TEST_F(EngineTest, StopWaitingEndsTheJobLocally) {
  emulator_->setJobDurationMs(60000);
  auto gen = makeGenerator();
  auto id = gen->submit(params("a slow one"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(waitUntil([&] { return gen->job(*id)->state == JobState::kRunning; },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  gen->stopWaiting(*id);
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kStopped);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->code, ErrorCode::kStopped);
}

TEST_F(EngineTest, AutoImportWritesEveryOutputInsidePump) {
  GeneratorOptions o = options();
  o.auto_import = true;
  auto gen = makeGenerator(o);
  auto id = gen->submit(params("auto imported barrels", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kImported);
  for (const auto& out : job.outputs) {
    EXPECT_EQ(out.state, OutputState::kImported);
    EXPECT_TRUE(std::filesystem::exists(project_.file(out.imported_path)));
    EXPECT_TRUE(std::filesystem::exists(project_.file(out.imported_path + ".texforge.json")));
  }
}

TEST_F(EngineTest, AsyncImportRunsOffTheCallersThreadAndReportsInsidePump) {
  auto gen = makeGenerator();
  auto id = gen->submit(params("imported in the background", 2));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  std::vector<Result<ImportedAsset>> results;
  gen->importOutputAsync(*id, 0, [&](Result<ImportedAsset> r) { results.push_back(std::move(r)); });
  gen->importOutputAsync(*id, 1, [&](Result<ImportedAsset> r) { results.push_back(std::move(r)); });
  gen->importOutputAsync(*id, 1, [&](Result<ImportedAsset> r) { results.push_back(std::move(r)); });  // twice
  EXPECT_TRUE(results.empty()) << "callbacks run only inside pump()";
  EXPECT_FALSE(gen->idle());
  ASSERT_TRUE(waitUntil([&] { return results.size() == 3 && gen->idle(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(results[1]->path, results[2]->path) << "importing an imported output returns the same file";
  EXPECT_EQ(gen->job(*id)->state, JobState::kImported);
  auto missing = gen->importOutput(*id, 7);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}
