// References over the inline limit go up through the multipart upload: a part that fails once is
// sent again on its own, part URLs never get the key, the paid request names the imported asset,
// a file the service cannot import fails the job before anything is paid, and a cost preview's
// upload serves the submission.
#include <cmath>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;
using emulator::FaultKind;
using emulator::Route;
using nlohmann::json;

namespace {

constexpr int kWidth = 2600;  // 2600x2000 RGBA noise: about 20.8 MB that does not compress
constexpr int kHeight = 2000;
constexpr int kEmulatorMaxDecodeSide = 8192;    // emulator_images.cpp refuses larger references
constexpr size_t kPartBytes = size_t{8} << 20;  // generator_upload.cpp's part size

// The large reference's bytes, made once for the whole binary (encoding 20 MB takes a moment).
const std::string& noisePng() {
  static const std::string bytes = [] {
    DecodedImage image;
    image.width = kWidth;
    image.height = kHeight;
    image.rgba.resize(size_t(kWidth) * kHeight * 4);
    std::mt19937 rng(42);
    for (auto& v : image.rgba) v = uint8_t(rng());
    auto png = encodePng(image);
    return png ? std::string(png->begin(), png->end()) : std::string();
  }();
  return bytes;
}

int routeCount(const emulator::Stats& stats, Route route) {
  auto it = stats.requests_per_route.find(emulator::routeName(route));
  return it == stats.requests_per_route.end() ? 0 : it->second;
}

// Log lines, and the job's server_status read at the moment each part's upload is logged (the sink
// runs on the I/O thread right after the status is set, and may call back into the engine).
struct UploadLog {
  std::mutex mutex;
  Generator* generator = nullptr;  // set before the first submit
  std::vector<std::string> lines;
  std::vector<std::string> statuses;

  std::function<void(LogLevel, const std::string&)> sink() {
    return [this](LogLevel level, const std::string& message) {
      std::string status;
      Generator* gen = nullptr;
      {
        std::lock_guard<std::mutex> lock(mutex);
        gen = generator;
      }
      const size_t colon = message.find(": ");
      if (gen && message.find(": part ") != std::string::npos && colon != std::string::npos) {
        if (auto job = gen->job(message.substr(0, colon))) status = job->server_status;
      }
      std::lock_guard<std::mutex> lock(mutex);
      lines.push_back(std::string(logLevelName(level)) + " " + message);
      if (!status.empty()) statuses.push_back(status);
    };
  }
  bool any(const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex);
    for (const auto& line : lines) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }
};

}  // namespace

class MultipartUploadTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    const std::string& png = noisePng();
    ASSERT_FALSE(png.empty());
    // Over the inline limit, within what the client and the emulator take as a reference.
    ASSERT_GT(png.size(), 20'000'000u);
    ASSERT_LE(png.size(), kMaxLargeUploadBytes);
    ASSERT_LE(png.size(), options().decode_limits.max_bytes);
    ASSERT_LE(uint64_t(kWidth) * kHeight, options().decode_limits.max_pixels);
    ASSERT_LE(std::max(kWidth, kHeight), kEmulatorMaxDecodeSide);
    big_path_ = project_.file("big-ref.png");
    writeAll(big_path_, png);
    parts_ = int((png.size() + kPartBytes - 1) / kPartBytes);
  }

  GenerationParams withBigReference(const std::string& prompt) const {
    GenerationParams p = params(prompt);
    p.width = p.height = 1024;  // the output stays small; the reference is what is large
    p.reference_images = {ImageInput{"", big_path_}};
    return p;
  }

  // The test's Generator, logging into log_; it lives until TearDown, after the sink lets go of it.
  Generator* makeLoggedGenerator() {
    GeneratorOptions o = options();
    o.log = log_.sink();
    gen_ = makeGenerator(o);
    std::lock_guard<std::mutex> lock(log_.mutex);
    log_.generator = gen_.get();
    return gen_.get();
  }

  void TearDown() override {
    {
      std::lock_guard<std::mutex> lock(log_.mutex);
      log_.generator = nullptr;
    }
    gen_.reset();
  }

  // One part PUT fails once (the fault), the job still succeeds with one paid POST that names the
  // imported asset, and the part URLs never saw the key.
  void runWithOnePartFailingOnce(FaultKind kind, const std::string& prompt) {
    emulator_->addFault(fault(Route::kUploadPart, kind, 1));
    Generator* gen = makeLoggedGenerator();
    ASSERT_NE(gen, nullptr);
    auto id = gen->submit(withBigReference(prompt));
    ASSERT_TRUE(id.ok()) << id.error().message;
    JobSnapshot job = runToEnd(*gen, *id);
    ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
    EXPECT_EQ(job.outputs.size(), 1u);

    const emulator::Stats stats = emulator_->stats();
    EXPECT_EQ(stats.faults_injected.at(emulator::faultKindName(kind)), 1);
    EXPECT_EQ(stats.generate_posts_per_prompt.at(prompt), 1);
    EXPECT_EQ(routeCount(stats, Route::kUploadStart), 1) << "a failed part must not restart the upload";
    EXPECT_EQ(routeCount(stats, Route::kUploadPart), parts_ + 1);
    EXPECT_EQ(stats.upload_part_puts, parts_ + 1);
    EXPECT_EQ(stats.upload_part_authorization_headers, 0);
    EXPECT_EQ(routeCount(stats, Route::kUpload), 0) << "too large for the inline upload";
    ASSERT_EQ(stats.uploads_imported.size(), 1u);
    ASSERT_FALSE(stats.last_generate_bodies.empty());
    json body = json::parse(stats.last_generate_bodies.back());
    EXPECT_EQ(body["referenceImages"], json::array({stats.uploads_imported[0]})) << body.dump();

    EXPECT_TRUE(log_.any("info " + *id + ": uploaded the reference image as " + stats.uploads_imported[0] +
                         " (big-ref.png"))
        << "no info line";
    EXPECT_TRUE(log_.any("debug " + *id + ": uploading the reference image big-ref.png: part 2 of " +
                         std::to_string(parts_)));
    std::lock_guard<std::mutex> lock(log_.mutex);
    EXPECT_NE(std::find(log_.statuses.begin(), log_.statuses.end(),
                        "uploading reference image 1: part 2 of " + std::to_string(parts_)),
              log_.statuses.end())
        << "the job did not show the upload's progress";
    EXPECT_TRUE(job.server_status.find("uploading") == std::string::npos) << job.server_status;
  }

  UploadLog log_;
  std::unique_ptr<Generator> gen_;
  std::string big_path_;
  int parts_ = 0;
};

TEST_F(MultipartUploadTest, APartAnsweredWithAGatewayPageIsSentAgainAlone) {
  runWithOnePartFailingOnce(FaultKind::kServerErrorHtml, "a mossy wall from a large photo");
}

TEST_F(MultipartUploadTest, APartWhoseConnectionDropsIsSentAgainAlone) {
  runWithOnePartFailingOnce(FaultKind::kDropConnection, "a cracked wall from a large photo");
}

TEST_F(MultipartUploadTest, AFileTheServiceCannotImportFailsTheJobBeforeAnythingIsPaid) {
  // A PNG whose header and chunks are well formed (so the local check passes) but whose 4 MB of
  // pixel data is junk the service cannot decode.
  DecodedImage tiny;
  tiny.width = tiny.height = 16;
  tiny.rgba.assign(16 * 16 * 4, 128);
  auto header = encodePng(tiny);
  ASSERT_TRUE(header.ok());
  auto chunk = [](const char* type, const std::string& data) {
    const uint32_t n = uint32_t(data.size());
    const char length[4] = {char(n >> 24), char(n >> 16), char(n >> 8), char(n)};
    return std::string(length, 4) + type + data + std::string(4, '\0');  // the CRC is not checked locally
  };
  const std::string path = project_.file("broken-scan.png");
  writeAll(path, std::string(header->begin(), header->begin() + 33) +
                     chunk("IDAT", std::string(4'000'000, '\x5a')) + chunk("IEND", ""));

  Generator* gen = makeLoggedGenerator();
  ASSERT_NE(gen, nullptr);
  GenerationParams p = params("a wall from a broken scan");
  p.reference_images = {ImageInput{"", path}};
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kFailed);
  ASSERT_TRUE(job.error.has_value());
  EXPECT_EQ(job.error->code, ErrorCode::kInvalidArgument);
  EXPECT_NE(job.error->message.find("broken-scan.png"), std::string::npos) << job.error->message;
  EXPECT_NE(job.error->message.find("The file is not a valid image"), std::string::npos)
      << job.error->message;
  const emulator::Stats stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 0);
  EXPECT_TRUE(stats.uploads_imported.empty());
  EXPECT_EQ(routeCount(stats, Route::kUploadStart), 1);
}

TEST_F(MultipartUploadTest, ACostPreviewsUploadServesTheSubmission) {
  Generator* gen = makeLoggedGenerator();
  ASSERT_NE(gen, nullptr);
  const GenerationParams p = withBigReference("a mossy wall, priced first");
  std::optional<Result<Quote>> quote;
  gen->quote(p, [&](Result<Quote> q) { quote = std::move(q); });
  ASSERT_TRUE(waitUntil([&] { return quote.has_value(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  ASSERT_TRUE(quote->ok()) << quote->error().message;
  EXPECT_EQ(routeCount(emulator_->stats(), Route::kUploadStart), 1);

  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_DOUBLE_EQ(job.cost, (*quote)->creative_units);

  const emulator::Stats stats = emulator_->stats();
  EXPECT_EQ(routeCount(stats, Route::kUploadStart), 1) << "the submission uploaded the reference again";
  EXPECT_EQ(stats.upload_part_puts, parts_);
  ASSERT_EQ(stats.uploads_imported.size(), 1u);
  EXPECT_EQ(stats.generate_posts_per_prompt.at(p.prompt), 1);
  json body = json::parse(stats.last_generate_bodies.back());
  EXPECT_EQ(body["referenceImages"], json::array({stats.uploads_imported[0]}));
}
