// Finishing against the emulator: a seamless texture's score, its repair by one priced inpainting
// request (shifted back, scored again, both kept), transparency checked on arrival, the matte
// fallback that always ends with real alpha, a model that cannot do transparency refused before
// paying, and the sprite trim on import.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine_fixture.h"
#include "texforge/image_ops.h"

namespace texforge::test {
namespace {

using nlohmann::json;

class Finishing : public EngineTest {
 protected:
  DecodedImage pixelsOf(const std::string& path) {
    const std::string bytes = readAll(path);
    auto image = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    EXPECT_TRUE(image) << path;
    return image ? *image : DecodedImage{};
  }

  json lastBody() {
    const auto stats = emulator_->stats();
    EXPECT_FALSE(stats.last_generate_bodies.empty());
    return stats.last_generate_bodies.empty() ? json() : json::parse(stats.last_generate_bodies.back());
  }
};

class SeamRepair : public Finishing {
 protected:
  void SetUp() override {
    emulator_options_.visible_seams = true;  // the emulator's textures do not tile by themselves
    Finishing::SetUp();
  }
};

TEST_F(SeamRepair, TheScoreFallsAfterOneRepairAndBothImagesAreKept) {
  auto gen = makeGenerator();
  GenerationParams p = params("cracked lava rock");
  p.seamless = true;
  p.width = p.height = 1024;
  auto id = gen->submit(p);
  ASSERT_TRUE(id) << id.error().message;
  JobSnapshot first = runToEnd(*gen, *id);
  ASSERT_EQ(first.state, JobState::kReady);
  const OutputFinish before = first.outputs[0].finish;
  EXPECT_GT(before.seam, 2.0) << "the emulator's visible seam was not measured";
  EXPECT_NE(lastBody()["prompt"].get<std::string>().find("Seamless tileable"), std::string::npos);

  auto repair = gen->seamRepairRequest(*id, 0);
  ASSERT_TRUE(repair) << repair.error().message;
  EXPECT_EQ(repair->repair_of, *id + ":0");
  ASSERT_EQ(repair->reference_images.size(), 1u);
  ASSERT_TRUE(repair->mask);
  EXPECT_EQ(repair->width, 1024);
  // The reference is the result with its seams in the middle.
  const DecodedImage shifted = pixelsOf(repair->reference_images[0].local_path);
  const DecodedImage original = pixelsOf(first.outputs[0].cache_path);
  EXPECT_EQ(shiftSeamsBack(shifted).rgba, original.rgba);

  // Priced like any request, then paid once.
  std::optional<Result<Quote>> quoted;
  gen->quote(*repair, [&](Result<Quote> q) { quoted = std::move(q); });
  ASSERT_TRUE(waitUntil([&] { return quoted.has_value(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  ASSERT_TRUE(*quoted) << quoted->error().message;
  const int paid_before = emulator_->stats().generate_posts;
  auto repair_id = gen->submit(*repair);
  ASSERT_TRUE(repair_id) << repair_id.error().message;
  JobSnapshot repaired = runToEnd(*gen, *repair_id);
  ASSERT_EQ(repaired.state, JobState::kReady) << (repaired.error ? repaired.error->message : "");
  EXPECT_EQ(emulator_->stats().generate_posts, paid_before + 1);
  json body = lastBody();
  EXPECT_TRUE(body.contains("mask"));
  EXPECT_EQ(body["referenceImages"].size(), 1u);

  const OutputFinish after = repaired.outputs[0].finish;
  EXPECT_LT(after.seam, kSeamlessScore);
  EXPECT_NEAR(after.seam_before, before.seam, 1e-9);
  // Both kept: the original result untouched, the repair shifted back into its own PNG beside the
  // service's bytes.
  EXPECT_TRUE(std::filesystem::exists(first.outputs[0].cache_path));
  EXPECT_TRUE(std::filesystem::exists(repaired.outputs[0].cache_path));
  EXPECT_TRUE(std::filesystem::exists(repaired.outputs[0].finish.original_path));
  EXPECT_NEAR(measureSeams(pixelsOf(repaired.outputs[0].cache_path)).score, after.seam, 1e-9);

  // The score survives a new session (journaled) and reaches the sidecar.
  gen.reset();
  auto again = makeGenerator();
  auto reread = again->job(*repair_id);
  ASSERT_TRUE(reread);
  EXPECT_NEAR(reread->outputs[0].finish.seam, after.seam, 1e-3);
  auto imported = again->importOutput(*repair_id, 0);
  ASSERT_TRUE(imported) << imported.error().message;
  json sidecar = json::parse(readAll(project_.file(imported->sidecar_path)));
  EXPECT_NEAR(sidecar["finish"]["seamScore"].get<double>(), after.seam, 1e-3);
  EXPECT_NEAR(sidecar["finish"]["seamScoreBefore"].get<double>(), before.seam, 1e-3);
  EXPECT_EQ(sidecar["parameters"]["repairOf"], *id + ":0");
}

TEST_F(SeamRepair, AnOutputNotDownloadedCannotBeRepaired) {
  auto gen = makeGenerator();
  EXPECT_EQ(gen->seamRepairRequest("nope", 0).error().code, ErrorCode::kNotFound);
}

class IgnoredTransparency : public Finishing {
 protected:
  void SetUp() override {
    emulator_options_.ignore_transparency = true;  // accepts transparent, sends opaque pixels
    Finishing::SetUp();
  }
};

TEST_F(IgnoredTransparency, OpaquePixelsAreNeverPassedOffAsTransparent) {
  auto gen = makeGenerator();
  GenerationParams p = params("a red potion bottle sprite");
  p.background = "transparent";
  auto id = gen->submit(p);
  ASSERT_TRUE(id);
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady);
  const OutputSnapshot& o = job.outputs[0];
  const DecodedImage image = pixelsOf(o.cache_path);
  const AlphaReport alpha = inspectAlpha(image);
  // Either texforge found a flat background and keyed it (real alpha now), or it says the result
  // is opaque; never "model" with opaque pixels.
  ASSERT_TRUE(o.finish.alpha == "border" || o.finish.alpha == "opaque") << o.finish.alpha;
  if (o.finish.alpha == "border") {
    EXPECT_EQ(alpha.kind, AlphaKind::kTransparent);
  } else {
    EXPECT_NE(alpha.kind, AlphaKind::kTransparent);
  }
}

TEST_F(IgnoredTransparency, TheMatteFallbackAlwaysEndsWithRealAlpha) {
  auto gen = makeGenerator();
  GenerationParams p = params("a red potion bottle sprite");
  p.background = "transparent";
  p.alpha_method = "matte";
  p.matte_color = "#00FF00";
  auto id = gen->submit(p);
  ASSERT_TRUE(id);
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady);
  json body = lastBody();
  EXPECT_EQ(body["background"], "opaque");  // the model paints the matte; texforge keys it
  EXPECT_NE(body["prompt"].get<std::string>().find("flat, uniform #00FF00 background"), std::string::npos);

  const OutputSnapshot& o = job.outputs[0];
  EXPECT_EQ(o.finish.alpha, "matte");
  EXPECT_GT(o.finish.transparent_fraction, 0.1);
  const DecodedImage image = pixelsOf(o.cache_path);
  EXPECT_EQ(inspectAlpha(image).kind, AlphaKind::kTransparent);
  EXPECT_EQ(image.rgba[3], 0) << "the corner is matte and must be keyed out";
  const size_t centre = (size_t(image.height / 2) * image.width + image.width / 2) * 4;
  EXPECT_EQ(image.rgba[centre + 3], 255) << "the subject stays opaque";
  // The service's own bytes stay beside the keyed PNG.
  EXPECT_TRUE(std::filesystem::exists(o.finish.original_path));
  EXPECT_NE(readAll(o.finish.original_path), readAll(o.cache_path));

  // The sprite import trims or keeps the border as asked, and says how the alpha was made.
  auto imported = gen->importOutput(*id, 0);
  ASSERT_TRUE(imported) << imported.error().message;
  json sidecar = json::parse(readAll(project_.file(imported->sidecar_path)));
  EXPECT_EQ(sidecar["finish"]["alpha"], "matte");
  EXPECT_FALSE(sidecar.contains("trimmed"));
}

TEST_F(IgnoredTransparency, ATrimmedSpriteKeepsOnlyItsPixels) {
  auto gen = makeGenerator();
  GenerationParams p = params("a blue gem sprite");
  p.background = "transparent";
  p.alpha_method = "matte";
  p.trim = true;
  auto id = gen->submit(p);
  ASSERT_TRUE(id);
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  auto imported = gen->importOutput(*id, 0);
  ASSERT_TRUE(imported) << imported.error().message;
  json sidecar = json::parse(readAll(project_.file(imported->sidecar_path)));
  ASSERT_TRUE(sidecar.contains("trimmed")) << sidecar.dump(2);
  const DecodedImage file = pixelsOf(project_.file(imported->path));
  EXPECT_EQ(sidecar["trimmed"]["width"], file.width);
  EXPECT_EQ(sidecar["trimmed"]["height"], file.height);
  EXPECT_LT(file.width, sidecar["trimmed"]["fromWidth"].get<int>());
  EXPECT_EQ(sidecar["width"], file.width);
  // One transparent pixel kept around the subject, nothing more.
  const PixelRect tight = opaqueBounds(file);
  EXPECT_LE(file.width - tight.width, 2);
  EXPECT_LE(file.height - tight.height, 2);
}

class NoTransparency : public Finishing {
 protected:
  void SetUp() override {
    emulator_options_.transparent_background_supported = false;
    Finishing::SetUp();
  }
};

TEST_F(NoTransparency, TheSchemaSaysSoBeforePayingAndTheMatteStillWorks) {
  auto gen = makeGenerator();
  std::optional<Result<ModelSchema>> schema;
  gen->fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
  ASSERT_TRUE(waitUntil([&] { return schema.has_value(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  ASSERT_TRUE(*schema) << (*schema).error().message;

  GenerationParams p = params("a coin sprite");
  p.background = "transparent";
  Status refused = validateParams(p, &**schema);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("matte"), std::string::npos) << refused.error().message;

  p.alpha_method = "matte";
  EXPECT_TRUE(validateParams(p, &**schema));
  EXPECT_EQ(emulator_->stats().generate_posts, 0);
}

// A headless host (decode_outputs off, as the CLI): the bytes are checked, not decoded, no pixels
// are kept, the import writes them as they came; a damaged download still fails by name.
TEST_F(Finishing, WithoutDecodingTheBytesAreCheckedAndImportedAsTheyCame) {
  GeneratorOptions o = options();
  o.decode_outputs = false;
  auto gen = makeGenerator(o);
  auto id = gen->submit(params("a barrel", 2));
  ASSERT_TRUE(id);
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady);
  for (const OutputSnapshot& out : job.outputs) {
    EXPECT_EQ(out.image, nullptr) << "no pixels kept";
    EXPECT_EQ(out.width, 1024);
    auto imported = gen->importOutput(*id, out.index);
    ASSERT_TRUE(imported) << imported.error().message;
    EXPECT_EQ(readAll(project_.file(imported->path)), readAll(out.cache_path));
  }
  EXPECT_TRUE(gen->loadOutputImage(*id, 0)) << "a host may still ask for the pixels";

  emulator_->addFault(fault(emulator::Route::kCdn, emulator::FaultKind::kCorruptImage, 1));
  auto broken = gen->submit(params("a crate"));
  ASSERT_TRUE(broken);
  JobSnapshot failed = runToEnd(*gen, *broken);
  ASSERT_EQ(failed.outputs[0].state, OutputState::kFailed);
  EXPECT_NE(failed.outputs[0].error->message.find("damaged"), std::string::npos)
      << failed.outputs[0].error->message;

  // Finishing still gets its pixels, once, and keeps none.
  GenerationParams sprite = params("a gem sprite");
  sprite.background = "transparent";
  sprite.alpha_method = "matte";
  auto keyed = gen->submit(sprite);
  ASSERT_TRUE(keyed);
  JobSnapshot finished = runToEnd(*gen, *keyed);
  ASSERT_EQ(finished.state, JobState::kReady);
  EXPECT_EQ(finished.outputs[0].finish.alpha, "matte");
  EXPECT_EQ(finished.outputs[0].image, nullptr);
}

}  // namespace
}  // namespace texforge::test
