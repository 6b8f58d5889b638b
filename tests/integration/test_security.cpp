// Nothing leaks: after real generations (successes, refreshed and failing downloads, a failed job,
// wrong credentials) no file in the project and no error text holds a credential or a signed URL.
#include <filesystem>
#include <optional>
#include <set>
#include <vector>

#include "engine_fixture.h"
#include "texforge/credentials.h"

using namespace texforge;
using namespace texforge::test;
using emulator::FaultKind;
using emulator::Route;

namespace {

// Distinctive values, so a hit can only mean a leak and never a coincidence.
constexpr const char* kKey = "tfkey-Q7m2XK9vRr";
constexpr const char* kSecret = "tfsecret-Lp4Zw81nHs";
constexpr const char* kWrongSecret = "tfwrong-Ux3Jd06tYe";

struct Needle {
  std::string label;
  std::string text;
};

std::vector<Needle> secretsAndSignedUrls() {
  const Credentials good{kKey, kSecret};
  const Credentials bad{kKey, kWrongSecret};
  auto token = [](const Credentials& c) {
    return basicAuthorization(c).substr(std::string("Basic ").size());
  };
  return {
      {"the API key", kKey},
      {"the API secret", kSecret},
      {"the wrong secret", kWrongSecret},
      {"the Basic token", token(good)},
      {"the Basic token of the wrong secret", token(bad)},
      // A signed CDN URL is a bearer secret: neither its signature nor its key-pair id may persist.
      {"a signed URL's Signature", "Signature"},
      {"a signed URL's Key-Pair-Id", "Key-Pair-Id"},
      {"a signed URL's Policy", "Policy="},
  };
}

// Every leak in text, as "where: what" lines (empty when clean).
std::vector<std::string> leaksIn(const std::string& where, const std::string& text) {
  std::vector<std::string> found;
  for (const Needle& n : secretsAndSignedUrls()) {
    if (text.find(n.text) != std::string::npos) found.push_back(where + ": " + n.label);
  }
  return found;
}

class SecurityTest : public EngineTest {
 protected:
  void SetUp() override {
    emulator_options_.api_key = kKey;
    emulator_options_.api_secret = kSecret;
    EngineTest::SetUp();
  }

  // Reads every file under the project, hidden state included, and records its relative path.
  std::vector<std::string> scanProject() {
    std::vector<std::string> leaks;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(project_.path())) {
      const std::string relative = std::filesystem::relative(entry.path(), project_.path()).string();
      for (auto& l : leaksIn("file name " + relative, relative)) leaks.push_back(l);
      if (!entry.is_regular_file()) continue;
      scanned_.insert(relative);
      for (auto& l : leaksIn(relative, readAll(entry.path().string()))) leaks.push_back(l);
    }
    return leaks;
  }

  // Every error a job or output of this engine carries.
  void collectErrors(const Generator& gen) {
    for (const JobSnapshot& job : gen.jobs()) {
      if (job.error) errors_.push_back(job.error->message);
      for (const OutputSnapshot& o : job.outputs) {
        if (o.error) errors_.push_back(o.error->message);
      }
    }
  }

  template <typename T>
  Result<T> await(Generator& gen, std::optional<Result<T>>& slot) {
    EXPECT_TRUE(waitUntil([&] { return slot.has_value(); },
                          [&] {
                            gen.waitForActivity(0.1);
                            gen.pump();
                          }));
    return slot.has_value() ? *slot : Result<T>(makeError(ErrorCode::kTimeout, "no answer"));
  }

  std::set<std::string> scanned_;
  std::vector<std::string> errors_;
};

}  // namespace

TEST_F(SecurityTest, NoCredentialOrSignedUrlReachesTheProjectOrErrorText) {
  std::vector<std::string> leaks;
  {
    auto gen = makeGenerator();
    ASSERT_NE(gen, nullptr);

    // Two outputs downloaded and imported: cache, sidecars and journal all written.
    auto ok_id = gen->submit(params("a brass key icon", 2));
    ASSERT_TRUE(ok_id.ok());
    JobSnapshot ok = runToEnd(*gen, *ok_id);
    ASSERT_EQ(ok.state, JobState::kReady) << (ok.error ? ok.error->message : "");
    for (const OutputSnapshot& o : ok.outputs) {
      auto imported = gen->importOutput(*ok_id, o.index);
      ASSERT_TRUE(imported.ok()) << imported.error().message;
    }

    // An expired signed URL is refreshed: the old and the new URL both pass through the engine.
    emulator_->addFault(fault(Route::kCdn, FaultKind::kExpiredUrl, 1));
    JobSnapshot refreshed = runToEnd(*gen, *gen->submit(params("a refreshed download")));
    EXPECT_EQ(refreshed.state, JobState::kReady) << (refreshed.error ? refreshed.error->message : "");

    // The CDN drops every download: the output fails with an error that must not quote the URL.
    emulator_->addFault(fault(Route::kCdn, FaultKind::kDropConnection, -1));
    JobSnapshot dropped = runToEnd(*gen, *gen->submit(params("a download that never arrives")));
    emulator_->clearFaults();
    ASSERT_EQ(dropped.outputs.size(), 1u);
    ASSERT_TRUE(dropped.outputs[0].error.has_value()) << "the download should have failed";

    // The service reports the job as failed.
    emulator_->addFault(fault(Route::kGenerate, FaultKind::kJobFailure, 1, "Rejected by the safety system."));
    JobSnapshot failed = runToEnd(*gen, *gen->submit(params("something the moderator dislikes")));
    ASSERT_EQ(failed.state, JobState::kFailed);

    collectErrors(*gen);
    leaks = scanProject();  // while the engine runs, so the journal's WAL is still there
  }
  {
    GeneratorOptions o = options();
    o.credentials.api_secret = kWrongSecret;
    auto gen = makeGenerator(o);
    ASSERT_NE(gen, nullptr);
    std::optional<Result<ModelSchema>> schema;
    gen->fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
    auto schema_result = await(*gen, schema);
    ASSERT_FALSE(schema_result.ok());
    EXPECT_EQ(schema_result.error().http_status, 401);
    errors_.push_back(schema_result.error().message);
    std::optional<Result<Quote>> quote;
    gen->quote(params("a quote with the wrong secret"), [&](Result<Quote> q) { quote = std::move(q); });
    auto quote_result = await(*gen, quote);
    ASSERT_FALSE(quote_result.ok());
    errors_.push_back(quote_result.error().message);
    JobSnapshot refused = runToEnd(*gen, *gen->submit(params("a job with the wrong secret")));
    ASSERT_EQ(refused.state, JobState::kFailed);
    ASSERT_TRUE(refused.error.has_value());
    EXPECT_EQ(refused.error->code, ErrorCode::kCredentials);
    collectErrors(*gen);
  }
  for (auto& l : scanProject()) leaks.push_back(l);  // after shutdown, with the WAL checkpointed

  EXPECT_TRUE(leaks.empty()) << ::testing::PrintToString(leaks);
  for (const std::string& error : errors_) {
    EXPECT_TRUE(leaksIn("error text", error).empty()) << error;
  }
  // The scan is only as good as what it read: the journal, its WAL, the cache and the imports.
  EXPECT_TRUE(scanned_.count(".texforge/journal.sqlite")) << ::testing::PrintToString(scanned_);
  EXPECT_TRUE(scanned_.count(".texforge/journal.sqlite-wal")) << ::testing::PrintToString(scanned_);
  int cached = 0, imported = 0, sidecars = 0;
  for (const std::string& f : scanned_) {
    cached += f.rfind(".texforge/cache/", 0) == 0;
    imported += f.rfind("assets/", 0) == 0 && f.find(".texforge.json") == std::string::npos;
    sidecars += f.find(".texforge.json") != std::string::npos;
  }
  EXPECT_GE(cached, 3);
  EXPECT_EQ(imported, 2);
  EXPECT_EQ(sidecars, 2);
  EXPECT_GE(errors_.size(), 5u) << "download, job failure, schema, quote and job refusals";

  const emulator::Stats stats = emulator_->stats();
  EXPECT_GE(stats.cdn_requests, 4) << "downloads really went to the CDN";
  EXPECT_EQ(stats.cdn_authorization_headers, 0) << "the CDN must never see the Authorization header";
  EXPECT_GE(stats.unauthorized, 2) << "the wrong secret really reached the service";
}
