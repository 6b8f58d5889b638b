// The cost preview prices the request that will be sent: local references and masks count, the
// price shown is the price recorded, and the preview's uploads serve the submission.
#include <filesystem>
#include <nlohmann/json.hpp>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;
using emulator::Route;
using nlohmann::json;

namespace {

void saveSolidPng(const std::string& path, int side, uint8_t red, uint8_t alpha) {
  DecodedImage img;
  img.width = img.height = side;
  img.rgba.assign(static_cast<size_t>(side) * side * 4, 0);
  for (size_t i = 0; i < img.rgba.size(); i += 4) {
    img.rgba[i] = red;
    img.rgba[i + 3] = alpha;
  }
  auto png = encodePng(img);
  ASSERT_TRUE(png.ok());
  writeAll(path, std::string(png->begin(), png->end()));
}

int uploads(const emulator::Emulator& emulator) {
  const auto stats = emulator.stats();
  auto it = stats.requests_per_route.find(emulator::routeName(Route::kUpload));
  return it == stats.requests_per_route.end() ? 0 : it->second;
}

}  // namespace

class QuoteTest : public EngineTest {
 protected:
  Result<Quote> quoteOf(Generator& gen, const GenerationParams& p) {
    std::optional<Result<Quote>> quote;
    gen.quote(p, [&](Result<Quote> q) { quote = std::move(q); });
    EXPECT_TRUE(waitUntil([&] { return quote.has_value(); },
                          [&] {
                            gen.waitForActivity(0.1);
                            gen.pump();
                          }));
    if (!quote) return makeError(ErrorCode::kInternal, "no answer");
    return *quote;
  }
};

TEST_F(QuoteTest, PriceShownWithLocalReferencesAndMaskIsThePriceRecorded) {
  const int side = 1024;
  saveSolidPng(project_.file("ref1.png"), side, 200, 255);
  saveSolidPng(project_.file("ref2.png"), side, 90, 255);
  saveSolidPng(project_.file("mask.png"), side, 0, 0);
  GenerationParams p = params("repaint the crate lid", 2);
  p.quality = "high";
  p.reference_images = {ImageInput{"", project_.file("ref1.png")}, ImageInput{"", project_.file("ref2.png")}};
  p.mask = ImageInput{"", project_.file("mask.png")};

  auto gen = makeGenerator();
  Result<Quote> with_inputs = quoteOf(*gen, p);
  ASSERT_TRUE(with_inputs.ok()) << with_inputs.error().message;
  GenerationParams bare = p;
  bare.reference_images.clear();
  bare.mask.reset();
  Result<Quote> without = quoteOf(*gen, bare);
  ASSERT_TRUE(without.ok()) << without.error().message;
  EXPECT_GT(with_inputs->creative_units, without->creative_units)
      << "the references were left out of the price";

  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_DOUBLE_EQ(job.cost, with_inputs->creative_units);
  auto imported = gen->importOutput(*id, 0);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  json sidecar = json::parse(readAll(project_.file(imported->sidecar_path)));
  EXPECT_DOUBLE_EQ(sidecar["cost"].get<double>(), with_inputs->creative_units) << sidecar.dump();
  // Three files, each uploaded once: by the preview, then reused by the submission.
  EXPECT_EQ(uploads(*emulator_), 3);
  EXPECT_EQ(emulator_->stats().generate_posts, 1);
}

TEST_F(QuoteTest, ChangedFileIsUploadedAgain) {
  const std::string ref = project_.file("ref.png");
  saveSolidPng(ref, 1024, 10, 255);
  GenerationParams p = params("a rusty gear");
  p.reference_images = {ImageInput{"", ref}};
  auto gen = makeGenerator();
  ASSERT_TRUE(quoteOf(*gen, p).ok());
  ASSERT_TRUE(quoteOf(*gen, p).ok());
  EXPECT_EQ(uploads(*emulator_), 1);
  saveSolidPng(ref, 1024, 250, 255);  // the artist painted over it
  ASSERT_TRUE(quoteOf(*gen, p).ok());
  EXPECT_EQ(uploads(*emulator_), 2);
}

TEST_F(QuoteTest, MissingReferenceIsNamedAndNothingIsPriced) {
  GenerationParams p = params("a rusty gear");
  p.reference_images = {ImageInput{"", project_.file("gone.png")}};
  auto gen = makeGenerator();
  Result<Quote> quote = quoteOf(*gen, p);
  ASSERT_FALSE(quote.ok());
  EXPECT_NE(quote.error().message.find("gone.png"), std::string::npos) << quote.error().message;
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.requests_per_route.count(emulator::routeName(Route::kDryRun)), 0u);
  EXPECT_EQ(uploads(*emulator_), 0);
}
