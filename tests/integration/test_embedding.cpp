// Embedding texforge in a custom engine, end to end against the emulator: the host's usage and
// metadata reach the importer (and never the service), the importer sees the decoded pixels,
// imports can run on the host's own thread inside pump(), an engine that reads nothing from the
// environment, and a log sink that hears every step without a secret in it.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "engine_fixture.h"

namespace texforge::test {
namespace {

using emulator::FaultKind;
using emulator::Route;
using nlohmann::json;

using test::ScopedEnv;

// What an engine's importer sees of one call, taken during the call (ImportRequest::image is valid
// only then). Writes nothing itself: a RecordingImporter behind it answers.
struct SeenImport {
  std::string local_id;
  int output_index = -1;
  std::thread::id thread;
  bool has_image = false;
  int image_width = 0;
  int image_height = 0;
  std::vector<uint8_t> first_pixel;
  bool source_exists = false;
  std::string usage;
  std::map<std::string, std::string> host_metadata;
  std::string created_at;
};

class CapturingImporter final : public AssetImporter {
 public:
  Result<ImportedAsset> importAsset(const ImportRequest& request) override {
    SeenImport seen;
    seen.local_id = request.local_id;
    seen.output_index = request.output_index;
    seen.thread = std::this_thread::get_id();
    seen.has_image = request.image != nullptr;
    if (request.image) {
      seen.image_width = request.image->width;
      seen.image_height = request.image->height;
      if (request.image->rgba.size() >= 4) {
        seen.first_pixel.assign(request.image->rgba.begin(), request.image->rgba.begin() + 4);
      }
    }
    seen.source_exists = std::filesystem::is_regular_file(request.source_file);
    seen.usage = request.usage;
    seen.host_metadata = request.host_metadata;
    seen.created_at = request.created_at;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen_.push_back(std::move(seen));
    }
    return recorder->importAsset(request);
  }
  std::vector<SeenImport> seen() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return seen_;
  }

  std::shared_ptr<RecordingImporter> recorder = makeRecordingImporter();

 private:
  mutable std::mutex mutex_;
  std::vector<SeenImport> seen_;
};

// Every line the engine logs. The sink calls back into the engine on purpose: were it ever called
// with a texforge lock held, the test would deadlock (and time out) rather than pass.
class LogSink {
 public:
  std::function<void(LogLevel, const std::string&)> sink() {
    return [this](LogLevel level, const std::string& message) {
      if (Generator* g = generator.load()) {
        (void)g->jobs();
        (void)g->idle();
        (void)g->stats();
      }
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back({level, message});
    };
  }
  std::vector<std::pair<LogLevel, std::string>> lines() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  // The first line containing every one of words, or nullopt.
  std::optional<std::pair<LogLevel, std::string>> find(std::initializer_list<std::string> words) const {
    for (const auto& line : lines()) {
      bool all = true;
      for (const auto& w : words) all = all && line.second.find(w) != std::string::npos;
      if (all) return line;
    }
    return std::nullopt;
  }
  std::string dump() const {
    std::string out;
    for (const auto& [level, message] : lines())
      out += std::string(logLevelName(level)) + ": " + message + "\n";
    return out;
  }

  std::atomic<Generator*> generator{nullptr};

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<LogLevel, std::string>> lines_;
};

class Embedding : public EngineTest {
 protected:
  GenerationParams hostParams(const std::string& prompt, int outputs = 1) const {
    GenerationParams p = params(prompt, outputs);
    p.usage = "sprite";
    p.host_metadata = {{"folder", "Content/Props"}, {"slot", "albedo"}};
    return p;
  }
  // Pumps on this thread until pred holds.
  bool pumpUntil(Generator& gen, const std::function<bool()>& pred) {
    return waitUntil(pred, [&] {
      gen.waitForActivity(0.05);
      gen.pump();
    });
  }
  void expectNoSecrets(const LogSink& log) {
    const Credentials c{emulator_options_.api_key, emulator_options_.api_secret};
    const std::string token = basicAuthorization(c);  // "Basic base64(key:secret)"
    const std::string encoded = token.substr(token.find(' ') + 1);
    for (const auto& [level, message] : log.lines()) {
      EXPECT_EQ(message.find(c.api_key), std::string::npos) << message;
      EXPECT_EQ(message.find(c.api_secret), std::string::npos) << message;
      EXPECT_EQ(message.find(encoded), std::string::npos) << message;
      EXPECT_EQ(message.find("Signature="), std::string::npos) << "a signed URL's query: " << message;
    }
  }
};

std::string isoUtcOf(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buf;
}

}  // namespace

// ---- ImportRequest: usage, host_metadata, image ----

TEST_F(Embedding, TheImporterGetsUsageMetadataAndTheDecodedPixels) {
  auto importer = std::make_shared<CapturingImporter>();
  GeneratorOptions o = options();
  o.importer = importer;
  auto gen = makeGenerator(o);
  const GenerationParams p = hostParams("a wooden crate", 2);
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  for (const OutputSnapshot& o_snap : job.outputs) {
    auto imported = gen->importOutput(*id, o_snap.index);
    ASSERT_TRUE(imported.ok()) << imported.error().message;
  }
  const auto seen = importer->seen();
  ASSERT_EQ(seen.size(), 2u);
  for (const SeenImport& s : seen) {
    const OutputSnapshot& out = job.outputs[s.output_index];
    ASSERT_NE(out.image, nullptr);
    EXPECT_TRUE(s.has_image) << "the engine held the pixels: the importer gets them";
    EXPECT_EQ(s.image_width, out.image->width);
    EXPECT_EQ(s.image_height, out.image->height);
    EXPECT_EQ(s.first_pixel, std::vector<uint8_t>(out.image->rgba.begin(), out.image->rgba.begin() + 4));
    EXPECT_TRUE(s.source_exists) << "the cached original is there as well";
    EXPECT_EQ(s.usage, "sprite");
    EXPECT_EQ(s.host_metadata, p.host_metadata);
    EXPECT_EQ(s.created_at, isoUtcOf(job.created_at_ms));
    EXPECT_EQ(s.thread, std::this_thread::get_id()) << "importOutput runs on the calling thread";
  }
  // RecordingImporter keeps copies (whose image pointer must not be used after the call).
  const auto recorded = importer->recorder->requests();
  ASSERT_EQ(recorded.size(), 2u);
  for (const ImportRequest& r : recorded) {
    EXPECT_EQ(r.usage, "sprite");
    EXPECT_EQ(r.host_metadata, p.host_metadata);
    EXPECT_EQ(r.params.usage, "sprite") << "params as requested, host fields included";
    EXPECT_EQ(r.params.host_metadata, p.host_metadata);
  }
  // Never sent to the service.
  const auto bodies = emulator_->stats().last_generate_bodies;
  ASSERT_FALSE(bodies.empty());
  const json body = json::parse(bodies.back());
  EXPECT_FALSE(body.contains("usage"));
  EXPECT_FALSE(body.contains("hostMetadata"));
  EXPECT_EQ(bodies.back().find("Content/Props"), std::string::npos) << bodies.back();
  EXPECT_EQ(bodies.back().find("sprite"), std::string::npos) << bodies.back();
}

TEST_F(Embedding, UsageAndMetadataAreJournaledAndTheImageIsNullWhenNotHeld) {
  const GenerationParams p = hostParams("journaled host fields");
  std::string id;
  {
    auto gen = makeGenerator();
    auto submitted = gen->submit(p);
    ASSERT_TRUE(submitted.ok());
    id = *submitted;
    EXPECT_EQ(runToEnd(*gen, id).state, JobState::kReady);
  }
  // A later session that does not resume holds no decoded pixels for the output.
  auto importer = std::make_shared<CapturingImporter>();
  GeneratorOptions o = options();
  o.importer = importer;
  o.resume = false;
  auto later = makeGenerator(o);
  auto job = later->job(id);
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->params.usage, "sprite") << "read back from the journal";
  EXPECT_EQ(job->params.host_metadata, p.host_metadata);
  ASSERT_EQ(job->outputs.size(), 1u);
  EXPECT_EQ(job->outputs[0].image, nullptr);
  auto imported = later->importOutput(id, 0);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  const auto seen = importer->seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_FALSE(seen[0].has_image) << "no pixels held: the importer reads source_file";
  EXPECT_TRUE(seen[0].source_exists);
  EXPECT_EQ(seen[0].usage, "sprite");
  EXPECT_EQ(seen[0].host_metadata, p.host_metadata);
}

TEST_F(Embedding, TheFolderImporterKeepsTheHostFieldsInTheSidecar) {
  auto gen = makeGenerator();
  const GenerationParams p = hostParams("a sidecar with host fields");
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  auto imported = gen->importOutput(*id, 0);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  auto back = readSidecarParams(project_.file(imported->sidecar_path));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->usage, "sprite");
  EXPECT_EQ(back->host_metadata, p.host_metadata);
}

TEST_F(Embedding, BadHostFieldsAreRefusedBeforeAnythingIsSent) {
  auto gen = makeGenerator();
  GenerationParams p = hostParams("refused");
  p.usage = "decal";
  auto id = gen->submit(p);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(id.error().message.find("usage"), std::string::npos) << id.error().message;
  p.usage = "ui";
  p.host_metadata[std::string(129, 'k')] = "v";
  id = gen->submit(p);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.error().message.find("hostMetadata"), std::string::npos) << id.error().message;
  EXPECT_EQ(emulator_->stats().generate_posts, 0);
  EXPECT_TRUE(gen->jobs().empty());
}

// ---- GeneratorOptions::import_on_pump ----

TEST_F(Embedding, ImportsOnPumpRunOnTheHostThread) {
  auto importer = std::make_shared<CapturingImporter>();
  GeneratorOptions o = options();
  o.importer = importer;
  o.auto_import = true;
  o.import_on_pump = true;
  auto gen = makeGenerator(o);
  auto id = gen->submit(hostParams("imported inside pump", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);  // pumps on this thread
  EXPECT_EQ(job.state, JobState::kImported) << (job.error ? job.error->message : "");
  auto seen = importer->seen();
  ASSERT_EQ(seen.size(), 2u);
  for (const SeenImport& s : seen) {
    EXPECT_EQ(s.thread, std::this_thread::get_id()) << "auto-import ran off the pumping thread";
    EXPECT_TRUE(s.has_image);
    EXPECT_EQ(s.usage, "sprite");
  }

  // importOutputAsync too: on_done runs in the same pump, after the import, on this thread.
  auto second = gen->submit(hostParams("imported on request inside pump"));
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(runToEnd(*gen, *second).state, JobState::kImported);
  std::optional<Result<ImportedAsset>> done;
  std::thread::id done_thread;
  gen->importOutputAsync(*second, 0, [&](Result<ImportedAsset> r) {
    done = std::move(r);
    done_thread = std::this_thread::get_id();
  });
  EXPECT_FALSE(gen->idle()) << "a queued import keeps the engine busy until pump() runs it";
  ASSERT_TRUE(pumpUntil(*gen, [&] { return done.has_value(); }));
  ASSERT_TRUE(done->ok()) << done->error().message;
  EXPECT_EQ(done_thread, std::this_thread::get_id());
  EXPECT_EQ(importer->seen().size(), 3u) << "an imported output is returned again, not imported twice";
  EXPECT_TRUE(pumpUntil(*gen, [&] { return gen->idle(); }));

  // The journal's claims work as before: another engine sees every output imported.
  auto other = makeGenerator();
  auto seen_there = other->job(*id);
  ASSERT_TRUE(seen_there.has_value());
  EXPECT_EQ(seen_there->state, JobState::kImported);
}

TEST_F(Embedding, ImportOnPumpWaitsForPumpAndRunsTheImporterThere) {
  auto importer = std::make_shared<CapturingImporter>();
  GeneratorOptions o = options();
  o.importer = importer;
  o.import_on_pump = true;
  auto gen = makeGenerator(o);
  auto id = gen->submit(hostParams("waits for the host"));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  std::optional<Result<ImportedAsset>> done;
  gen->importOutputAsync(*id, 0, [&](Result<ImportedAsset> r) { done = std::move(r); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // nothing may happen without pump()
  EXPECT_TRUE(importer->seen().empty()) << "the import ran without pump()";
  gen->pump();
  ASSERT_TRUE(done.has_value()) << "the import and its callback run in the first pump()";
  ASSERT_TRUE(done->ok()) << done->error().message;
  ASSERT_EQ(importer->seen().size(), 1u);
  EXPECT_EQ(importer->seen()[0].thread, std::this_thread::get_id());
}

TEST_F(Embedding, WithoutImportOnPumpImportsRunOnTheImportThread) {
  auto importer = std::make_shared<CapturingImporter>();
  GeneratorOptions o = options();
  o.importer = importer;
  o.auto_import = true;
  auto gen = makeGenerator(o);
  auto id = gen->submit(hostParams("imported on texforge's thread"));
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(runToEnd(*gen, *id).state, JobState::kImported);
  auto seen = importer->seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(seen[0].thread, std::this_thread::get_id());
}

// ---- GeneratorOptions::read_environment ----

TEST_F(Embedding, AnEngineThatReadsNoEnvironmentUsesOnlyItsOptions) {
  TempDir config;
  std::filesystem::create_directories(config.file("texforge"));
  writeAll(config.file("texforge/credentials.json"),
           R"({"api_key": "file-key", "api_secret": "file-secret"})");
  ScopedEnv url("SCENARIO_API_URL", "http://bogus.example.com/v1");
  ScopedEnv key("SCENARIO_API_KEY", "bogus-env-key");
  ScopedEnv secret("SCENARIO_API_SECRET", "bogus-env-secret");
  ScopedEnv ca("TEXFORGE_CA_FILE", "/nonexistent/bogus-ca.pem");
  ScopedEnv xdg("XDG_CONFIG_HOME", config.path().c_str());

  GeneratorOptions o = options();  // the emulator's URL and credentials, passed in
  o.read_environment = false;
  auto gen = makeGenerator(o);
  ASSERT_NE(gen, nullptr);
  EXPECT_EQ(gen->baseUrl(), emulator_->baseUrl());
  auto id = gen->submit(params("made with the host's own options"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");

  GeneratorOptions none = o;
  none.credentials = {};
  auto refused = createGenerator(none);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kCredentials);
  EXPECT_NE(refused.error().message.find("GeneratorOptions::credentials"), std::string::npos)
      << refused.error().message;
}

TEST_F(Embedding, AnEngineThatReadsNoEnvironmentIgnoresTheCaFileThere) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  // A second emulator with a self-signed certificate; $TEXFORGE_CA_FILE names it.
  TempDir certs;
  const std::string cert = certs.file("cert.pem"), key = certs.file("key.pem");
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
      " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout '" +
      key + "' -out '" + cert + "' >'" + certs.file("openssl.log") + "' 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << readAll(certs.file("openssl.log"));
  emulator::EmulatorOptions tls = fastEmulatorOptions();
  tls.cert_file = cert;
  tls.key_file = key;
  emulator::Emulator server(tls);
  ASSERT_TRUE(server.start()) << server.error();
  ScopedEnv ca("TEXFORGE_CA_FILE", cert.c_str());

  auto schemaWith = [&](bool read_environment) {
    GeneratorOptions o = options();
    o.base_url = server.baseUrl();
    o.max_attempts = 1;
    o.read_environment = read_environment;
    auto gen = makeGenerator(o);
    std::optional<Result<ModelSchema>> schema;
    gen->fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
    EXPECT_TRUE(pumpUntil(*gen, [&] { return schema.has_value(); }));
    return schema ? *schema : Result<ModelSchema>(makeError(ErrorCode::kTimeout, "no answer"));
  };
  Result<ModelSchema> read = schemaWith(true);
  EXPECT_TRUE(read.ok()) << "control: the environment's CA file is used by default: " << read.error().message;
  Result<ModelSchema> unread = schemaWith(false);
  ASSERT_FALSE(unread.ok()) << "the environment's CA file was read";
  EXPECT_EQ(unread.error().code, ErrorCode::kInsecure) << unread.error().message;
}

// ---- GeneratorOptions::log ----

TEST_F(Embedding, TheLogSinkHearsEveryStepOfAGenerationAndNoSecret) {
  LogSink log;
  GeneratorOptions o = options();
  o.log = log.sink();
  o.auto_import = true;
  o.importer = makeRecordingImporter();
  auto gen = makeGenerator(o);
  ASSERT_NE(gen, nullptr);
  log.generator = gen.get();
  auto id = gen->submit(params("a logged lantern", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kImported) << (job.error ? job.error->message : "") << "\n" << log.dump();
  log.generator = nullptr;
  const std::string& lid = *id;
  EXPECT_TRUE(log.find({"engine started", project_.path()})) << log.dump();
  EXPECT_TRUE(log.find({lid, "submitted", "2 outputs", "\"a logged lantern\""})) << log.dump();
  EXPECT_TRUE(log.find({lid, "paid request sent", "POST"})) << log.dump();
  EXPECT_TRUE(log.find({lid, "the service started job", job.job_id})) << log.dump();
  EXPECT_TRUE(log.find({lid, "image 1 downloaded"})) << log.dump();
  EXPECT_TRUE(log.find({lid, "image 2 downloaded"})) << log.dump();
  EXPECT_TRUE(log.find({lid, "image 1 imported as recorded/"})) << log.dump();
  EXPECT_TRUE(log.find({lid, "image 2 imported as recorded/"})) << log.dump();
  auto ready = log.find({lid, "ready: 2 of 2 images"});
  ASSERT_TRUE(ready) << log.dump();
  EXPECT_EQ(ready->first, LogLevel::kInfo);
  for (const auto& [level, message] : log.lines()) {
    EXPECT_LE(level, LogLevel::kInfo) << "a clean run warns of nothing: " << message;
  }
  expectNoSecrets(log);
}

TEST_F(Embedding, RetriesAndFailuresAreLoggedWithTheirReasonAndRedacted) {
  // A gateway that echoes every header (Authorization included): once as a 503 on a poll (retried),
  // once as a 400 on an image's asset lookup (that image fails).
  emulator::Fault poll = fault(Route::kJob, FaultKind::kEchoHeaders);
  poll.status = 503;
  emulator_->addFault(poll);
  emulator::Fault asset = fault(Route::kAsset, FaultKind::kEchoHeaders);
  asset.status = 400;
  emulator_->addFault(asset);
  LogSink log;
  GeneratorOptions o = options();
  o.log = log.sink();
  auto gen = makeGenerator(o);
  log.generator = gen.get();
  auto id = gen->submit(params("a logged failure", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  log.generator = nullptr;
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_EQ(job.readyCount(), 1);
  auto retry = log.find({"GET ", "/jobs/", "HTTP 503", "attempt 2 of"});
  ASSERT_TRUE(retry) << log.dump();
  EXPECT_EQ(retry->first, LogLevel::kWarning);
  auto failed = log.find({*id, "failed (", "could not look up image"});
  ASSERT_TRUE(failed) << log.dump();
  EXPECT_EQ(failed->first, LogLevel::kError);
  EXPECT_TRUE(log.find({*id, "ready: 1 of 2 images"})) << log.dump();
  expectNoSecrets(log);
}

TEST_F(Embedding, ATakeoverIsLogged) {
  GeneratorOptions quiet = options();
  quiet.resume = false;
  std::string id;
  {
    emulator::Fault held = fault(Route::kUpload, FaultKind::kSilent);  // keeps the job before its POST
    held.count = -1;
    emulator_->addFault(held);
    const std::string ref = project_.file("ref.png");
    DecodedImage image;
    image.width = image.height = 32;
    image.rgba.assign(32 * 32 * 4, 90);
    auto png = encodePng(image);
    ASSERT_TRUE(png.ok());
    writeAll(ref, std::string(png->begin(), png->end()));
    auto first = makeGenerator(quiet);
    GenerationParams p = params("left behind by a process that died");
    p.reference_images.push_back(ImageInput{"", ref});
    id = *first->submit(p);
    ASSERT_TRUE(emulator_->waitForHeldRequests(1, std::chrono::seconds(10)));
  }
  emulator_->clearFaults();
  // The journal says a process that is gone holds it.
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(project_.file(".texforge/journal.sqlite").c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string sql = "UPDATE jobs SET owner_id='owner_gone', owner_pid=" + std::to_string(child) +
                            ", owner_host='" + host +
                            "', owner_name='a dead test process', lease_renewed_ms=" +
                            std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count()) +
                            " WHERE local_id='" + id + "';";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  LogSink log;
  GeneratorOptions o = options();
  o.log = log.sink();
  auto second = makeGenerator(o);
  log.generator = second.get();
  JobSnapshot job = runToEnd(*second, id);
  log.generator = nullptr;
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  auto taken = log.find({id, "taken over from a dead test process (pid " + std::to_string(child)});
  ASSERT_TRUE(taken) << log.dump();
  EXPECT_EQ(taken->first, LogLevel::kInfo);
  EXPECT_TRUE(log.find({id, "uploaded the reference image as asset_"})) << log.dump();
  expectNoSecrets(log);
}

}  // namespace texforge::test
