// One project, many engines, faulty servers: every request is paid once per intended request
// (counted by prompt, since a re-uploaded reference changes the body) and every image is imported
// once, whoever opens the project and whatever the server says. Two Generators on one project in
// one process are two lease holders, exactly as two processes are.
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "engine_fixture.h"

namespace texforge::test {
namespace {

using emulator::FaultKind;
using emulator::Route;

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void writeTestPng(const std::string& path, int width, int height) {
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.rgba.assign(static_cast<size_t>(width) * height * 4, 200);
  auto png = encodePng(image);
  ASSERT_TRUE(png.ok());
  writeAll(path, std::string(png->begin(), png->end()));
}

class SharedProject : public EngineTest {
 protected:
  int paidFor(const std::string& prompt) {
    const auto per_prompt = emulator_->stats().generate_posts_per_prompt;
    auto it = per_prompt.find(prompt);
    return it == per_prompt.end() ? 0 : it->second;
  }
  // Pumps every generator until done() holds.
  bool pumpUntil(std::initializer_list<Generator*> gens, const std::function<bool()>& done) {
    return waitUntil(done, [&] {
      for (Generator* g : gens) {
        g->waitForActivity(0.02);
        g->pump();
      }
    });
  }
  std::string journalPath() const { return project_.file(".texforge/journal.sqlite"); }
  // Writes a lease straight into the journal, as a process that is gone (or alive) would have left it.
  void setLease(const std::string& local_id, const std::string& owner, int64_t pid) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(journalPath().c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string sql = "UPDATE jobs SET owner_id='" + owner + "', owner_pid=" + std::to_string(pid) +
                            ", owner_host='" + host +
                            "', owner_name='a test process', lease_renewed_ms=" + std::to_string(nowMs()) +
                            " WHERE local_id='" + local_id + "';";
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    sqlite3_close(db);
  }
  size_t importedFiles() const {
    size_t n = 0;
    const auto dir = std::filesystem::path(project_.path()) / "assets" / "generated";
    if (!std::filesystem::exists(dir)) return 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".png") ++n;
    }
    return n;
  }
  static int64_t deadPid() {
    const pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    int status = 0;
    ::waitpid(child, &status, 0);
    return child;  // reaped: no process has this id now (reuse within a test is not a concern)
  }
};

TEST_F(SharedProject, ASecondEngineLeavesAJobAnotherHoldsAlone) {
  emulator::Fault slow_upload = fault(Route::kUpload, FaultKind::kLatency);
  slow_upload.latency_ms = 600;
  emulator_->addFault(slow_upload);
  const std::string ref = project_.file("ref.png");
  writeTestPng(ref, 64, 64);
  auto first = makeGenerator();
  GenerationParams p = params("held by the first engine");
  p.reference_images.push_back(ImageInput{"", ref});
  auto id = first->submit(p);
  ASSERT_TRUE(id.ok()) << id.error().message;
  ASSERT_TRUE(emulator_->waitForRequests(1, std::chrono::seconds(10)));  // the upload is on its way
  auto second = makeGenerator();  // opens the project while the first uploads
  auto seen = second->job(*id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_NE(seen->held_by.find("is working on it"), std::string::npos) << seen->held_by;
  EXPECT_FALSE(second->resumeJob(*id).ok()) << "a job another engine holds is not this one's";
  EXPECT_TRUE(second->idle()) << "another engine's job keeps this one busy";
  JobSnapshot done = runToEnd(*first, *id);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(paidFor(p.prompt), 1);
  EXPECT_EQ(emulator_->stats().requests_per_route["upload"], 1) << "the reference was uploaded twice";
  // The second engine reads the outcome back from the journal.
  ASSERT_TRUE(pumpUntil({second.get()}, [&] { return second->job(*id)->state == JobState::kReady; }));
  EXPECT_TRUE(second->job(*id)->held_by.empty());
}

TEST_F(SharedProject, AJobWhoseEngineClosedIsTakenOverAndPaidOnce) {
  emulator::Fault late = fault(Route::kGenerate, FaultKind::kLateAnswer);
  late.latency_ms = 400;
  emulator_->addFault(late);
  GeneratorOptions o = options();
  auto first = makeGenerator(o);
  const GenerationParams p = params("closed while its answer was on the way", 2);
  auto id = first->submit(p);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(emulator_->waitForHeldRequests(1, std::chrono::seconds(10)));  // the job exists
  first.reset();  // closes with the POST in flight: the lease is given back
  auto second = makeGenerator(o);
  JobSnapshot done = runToEnd(*second, *id);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(done.outputs.size(), 2u);
  EXPECT_EQ(paidFor(p.prompt), 1);
  EXPECT_EQ(emulator_->stats().jobs_created, 1);
}

// Polls are not commits: what the project's other programs read of a running job's progress moves in
// steps of at least a tenth (or to the end), however often the job is polled, while the host that
// polls sees every answer. Read straight from the journal after each change the host is told of.
TEST_F(SharedProject, ARunningJobsProgressReachesTheJournalInStepsNotPerPoll) {
  GeneratorOptions o = options();
  o.poll_predict = false;
  o.poll_initial_s = o.poll_max_s = 0.02;
  o.poll_backoff = 1;
  emulator_->setJobDurationMs(3000);  // about 80 polls while progress moves
  auto gen = makeGenerator(o);
  auto id = gen->submit(params("polled often, committed seldom"));
  ASSERT_TRUE(id.ok()) << id.error().message;
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(journalPath().c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  struct Row {
    double progress = -1;
    std::string status;
    bool operator!=(const Row& o) const { return progress != o.progress || status != o.status; }
  };
  auto journaled = [&]() {
    sqlite3_stmt* st = nullptr;
    Row row;
    if (sqlite3_prepare_v2(db, "SELECT progress, server_status FROM jobs WHERE local_id = ?1;", -1, &st,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(st, 1, id->c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(st) == SQLITE_ROW) {
        row.progress = sqlite3_column_double(st, 0);
        row.status = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
      }
    }
    sqlite3_finalize(st);
    return row;
  };
  std::vector<Row> in_journal;
  std::vector<double> on_host;
  const bool done = waitUntil(
      [&] {
        auto j = gen->job(*id);
        return j && !isJobActive(j->state) && gen->idle();
      },
      [&] {
        gen->waitForActivity(0.1);
        gen->pump();
        const Row row = journaled();
        if (row.progress >= 0 && (in_journal.empty() || row != in_journal.back())) in_journal.push_back(row);
        const double seen = gen->job(*id)->progress;
        if (on_host.empty() || seen != on_host.back()) on_host.push_back(seen);
      });
  sqlite3_close(db);
  ASSERT_TRUE(done);
  EXPECT_EQ(gen->job(*id)->state, JobState::kReady);
  // A new status is a change of its own; within one status, progress moves by tenths.
  for (size_t i = 1; i < in_journal.size(); ++i) {
    const Row &now = in_journal[i], &before = in_journal[i - 1];
    if (now.progress >= 1 || now.status != before.status) continue;
    EXPECT_GE(now.progress - before.progress, 0.1 - 1e-9)
        << "the journal took progress " << now.progress << " right after " << before.progress << " ("
        << now.status << ")";
  }
  EXPECT_LE(in_journal.size(), 16u);  // four statuses, ten steps, the end
  EXPECT_GT(on_host.size(), in_journal.size()) << "the host should see more of the progress than the journal";
}

TEST_F(SharedProject, ALeaseOfADeadProcessIsTakenOverAndALiveOneIsNot) {
  GeneratorOptions o = options();
  o.resume = false;  // journals the intent only; nothing is sent
  std::string dead_job, live_job;
  {
    emulator::Fault held = fault(Route::kUpload, FaultKind::kSilent);  // keeps both jobs before their POST
    held.latency_ms = 0;
    held.count = -1;
    emulator_->addFault(held);
    const std::string ref = project_.file("ref.png");
    writeTestPng(ref, 64, 64);
    auto g = makeGenerator(o);
    GenerationParams a = params("left by a process that died");
    a.reference_images.push_back(ImageInput{"", ref});
    GenerationParams b = params("held by a process that lives");
    b.reference_images.push_back(ImageInput{"", ref});
    dead_job = *g->submit(a);
    live_job = *g->submit(b);
    ASSERT_TRUE(emulator_->waitForHeldRequests(2, std::chrono::seconds(10)));
  }
  emulator_->clearFaults();
  setLease(dead_job, "owner_gone", deadPid());
  setLease(live_job, "owner_alive", static_cast<int64_t>(::getpid()));  // this process: alive
  auto second = makeGenerator();
  JobSnapshot done = runToEnd(*second, dead_job);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(paidFor("left by a process that died"), 1);
  auto held = second->job(live_job);
  EXPECT_NE(held->held_by.find("a test process"), std::string::npos) << held->held_by;
  EXPECT_EQ(held->state, JobState::kSubmitting);
  EXPECT_EQ(paidFor("held by a process that lives"), 0) << "a live holder's job was sent by another engine";
}

TEST_F(SharedProject, TwoEnginesImportingTheSameResultsWriteEachAssetOnce) {
  auto first = makeGenerator();
  auto id = first->submit(params("imported from two engines", 3));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*first, *id).state, JobState::kReady);
  auto second = makeGenerator();
  std::vector<std::string> paths[2];
  auto import_all = [&](Generator* g, std::vector<std::string>* out) {
    for (int i = 0; i < 3; ++i) {
      auto imported = g->importOutput(*id, i);
      if (imported) out->push_back(imported->path);
    }
  };
  std::thread a(import_all, first.get(), &paths[0]);
  std::thread b(import_all, second.get(), &paths[1]);
  a.join();
  b.join();
  EXPECT_EQ(importedFiles(), 3u) << "an asset was written twice (a -2 copy) or lost";
  for (const auto& list : paths) {
    for (const auto& path : list) EXPECT_TRUE(std::filesystem::exists(project_.file(path))) << path;
  }
  for (int i = 0; i < 3; ++i) {  // whoever asks again gets the one file
    auto again = second->importOutput(*id, i);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_TRUE(std::filesystem::exists(project_.file(again->path)));
  }
  EXPECT_EQ(importedFiles(), 3u);
}

TEST_F(SharedProject, ASlowPaidPostIsWaitedForNotGivenUp) {
  emulator::Fault late = fault(Route::kGenerate, FaultKind::kLateAnswer);
  late.latency_ms = 2500;  // longer than the low-speed limit every other request gets
  emulator_->addFault(late);
  GeneratorOptions o = options();
  o.low_speed_time_s = 1;
  o.low_speed_bytes = 1 << 20;  // any wait for an answer counts as slow (curl averages over seconds)
  o.silent_server_s = 1;
  auto gen = makeGenerator(o);
  const GenerationParams p = params("answered late by a slow gateway");
  auto id = gen->submit(p);
  JobSnapshot done = runToEnd(*gen, *id);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(paidFor(p.prompt), 1);
  EXPECT_EQ(gen->stats().reconciled, 0u) << "the answer was given up and the job looked for instead";
}

TEST_F(SharedProject, RefusedPollsAreNotAVerdictAndAResumeFinishesTheJob) {
  emulator_->addFault(fault(Route::kJob, FaultKind::kNotFound, 2));
  auto gen = makeGenerator();
  auto passing = gen->submit(params("two refusals then an answer"));
  EXPECT_EQ(runToEnd(*gen, *passing).state, JobState::kReady);
  emulator_->addFault(fault(Route::kJob, FaultKind::kNotFound, -1));
  const GenerationParams p = params("refused until the endpoint is right");
  auto id = gen->submit(p);
  JobSnapshot refused = runToEnd(*gen, *id);
  ASSERT_EQ(refused.state, JobState::kFailed);
  EXPECT_TRUE(canResume(refused)) << refused.error->message;
  EXPECT_NE(refused.error->message.find("resume"), std::string::npos) << refused.error->message;
  emulator_->clearFaults();
  ASSERT_TRUE(gen->resumeJob(*id).ok());
  EXPECT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  EXPECT_EQ(paidFor(p.prompt), 1);
}

TEST_F(SharedProject, AJobOfAnotherEndpointIsListedAndNeverTouched) {
  GeneratorOptions o = options();
  auto first = makeGenerator(o);
  const GenerationParams p = params("created on the right endpoint");
  auto id = first->submit(p);
  ASSERT_TRUE(emulator_->waitForRequests(1, std::chrono::seconds(10)));
  first.reset();  // in flight, lease given back
  GeneratorOptions wrong = o;
  wrong.base_url = "http://127.0.0.1:9/v1";  // nothing listens there
  {
    auto elsewhere = makeGenerator(wrong);
    auto seen = elsewhere->job(*id);
    ASSERT_TRUE(seen.has_value());
    EXPECT_TRUE(seen->other_account);
    EXPECT_NE(seen->held_by.find("created on"), std::string::npos) << seen->held_by;
    EXPECT_TRUE(elsewhere->idle());
    EXPECT_FALSE(elsewhere->resolveUnknown(*id, false).ok());
    EXPECT_FALSE(elsewhere->resumeJob(*id).ok());
  }
  auto right = makeGenerator(o);
  EXPECT_EQ(runToEnd(*right, *id).state, JobState::kReady);
  EXPECT_EQ(paidFor(p.prompt), 1);
}

TEST_F(SharedProject, AStoppedJobResumesAndItsImagesArrive) {
  emulator_->setJobDurationMs(600);
  auto gen = makeGenerator();
  const GenerationParams p = params("stopped then resumed", 2);
  auto id = gen->submit(p);
  ASSERT_TRUE(pumpUntil({gen.get()}, [&] { return !gen->job(*id)->job_id.empty(); }));
  gen->stopWaiting(*id);
  ASSERT_EQ(gen->job(*id)->state, JobState::kStopped);
  EXPECT_TRUE(canResume(*gen->job(*id)));
  ASSERT_TRUE(gen->resumeJob(*id).ok());
  JobSnapshot done = runToEnd(*gen, *id);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(done.readyCount(), 2);
  EXPECT_EQ(paidFor(p.prompt), 1);
}

TEST_F(SharedProject, AResendWaitsForTheWindowAndLooksOnceMore) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kServerErrorHtml, 1));  // nothing started
  GeneratorOptions o = options();
  o.reconcile_window_s = 1.0;
  auto gen = makeGenerator(o);
  const GenerationParams p = params("lost at the gateway");
  auto id = gen->submit(p);
  ASSERT_TRUE(pumpUntil({gen.get()}, [&] {
    auto j = gen->job(*id);
    return j->state == JobState::kUnknown && j->resend_allowed_at_ms > 0;
  }));
  auto early = gen->job(*id);
  EXPECT_FALSE(early->needs_decision) << "decided before a late job could show up";
  const bool still_early = nowMs() < early->resend_allowed_at_ms;
  Status resend = gen->resolveUnknown(*id, true);
  if (still_early) {
    EXPECT_FALSE(resend.ok()) << "a resend inside the window could pay twice";
  }
  ASSERT_TRUE(pumpUntil({gen.get()}, [&] { return gen->job(*id)->needs_decision; }));
  EXPECT_GE(nowMs(), early->resend_allowed_at_ms);
  ASSERT_TRUE(gen->resolveUnknown(*id, true).ok());
  EXPECT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  EXPECT_EQ(emulator_->stats().jobs_created, 1);
}

TEST_F(SharedProject, ALateJobFoundWithinTheWindowIsAdoptedNotResent) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kDropConnection, 1));  // created, answer lost
  emulator_->addFault(fault(Route::kJobList, FaultKind::kServerErrorHtml, 8));  // the list is down a while
  GeneratorOptions o = options();
  o.reconcile_window_s = 60;
  o.max_attempts = 2;
  auto gen = makeGenerator(o);
  const GenerationParams p = params("shows up late");
  auto id = gen->submit(p);
  JobSnapshot done = runToEnd(*gen, *id);
  EXPECT_EQ(done.state, JobState::kReady) << (done.error ? done.error->message : "");
  EXPECT_EQ(paidFor(p.prompt), 1);
  EXPECT_EQ(gen->stats().reconciled, 1u);
}

TEST_F(SharedProject, ASilentServerIsGivenUpWithinItsBoundAndNamed) {
  emulator::Fault silent = fault(Route::kModels, FaultKind::kSilent, -1);
  silent.latency_ms = 0;
  emulator_->addFault(silent);
  GeneratorOptions o = options();
  o.low_speed_time_s = 1;
  o.silent_server_s = 1;
  auto gen = makeGenerator(o);
  std::optional<Result<ModelSchema>> schema;
  gen->fetchSchema("model_openai-gpt-image-2", [&](Result<ModelSchema> s) { schema = std::move(s); });
  ASSERT_TRUE(pumpUntil({gen.get()}, [&] { return schema.has_value(); }));
  ASSERT_FALSE(schema->ok());
  EXPECT_EQ(schema->error().code, ErrorCode::kNetwork);
  EXPECT_NE(schema->error().message.find("the server at http://127.0.0.1"), std::string::npos)
      << schema->error().message;
  EXPECT_NE(schema->error().message.find("for 1 s"), std::string::npos) << schema->error().message;
  EXPECT_LE(emulator_->stats().requests_per_route["models"], 2)
      << "a silent server was asked again and again";
}

TEST_F(SharedProject, AnEchoedAuthorizationHeaderIsNeverStoredOrShown) {
  emulator::Fault echo = fault(Route::kJob, FaultKind::kEchoHeaders, -1);
  echo.status = 400;
  emulator_->addFault(echo);
  GeneratorOptions o = options();
  auto gen = makeGenerator(o);
  auto id = gen->submit(params("a gateway that repeats headers"));
  JobSnapshot failed = runToEnd(*gen, *id);
  ASSERT_TRUE(failed.error.has_value());
  const std::string token = basicAuthorization(o.credentials).substr(6);  // after "Basic "
  EXPECT_EQ(failed.error->message.find(token), std::string::npos) << failed.error->message;
  EXPECT_EQ(failed.error->message.find(o.credentials.api_secret), std::string::npos);
  gen.reset();
  std::string journal;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(journalPath() + suffix, std::ios::binary);
    journal += std::string(std::istreambuf_iterator<char>(in), {});
  }
  EXPECT_NE(journal.find("a gateway that repeats headers"), std::string::npos) << "read the wrong file";
  EXPECT_EQ(journal.find(token), std::string::npos) << "the Basic token was stored in the journal";
}

TEST_F(SharedProject, SymlinkedStateFoldersAreRefused) {
  TempDir outside;
  for (const char* link : {".texforge", ".texforge/cache", ".texforge/journal.sqlite"}) {
    std::filesystem::remove_all(project_.file(".texforge"));
    std::filesystem::create_directories(project_.file(".texforge"));
    std::filesystem::remove_all(project_.file(link));
    std::filesystem::create_directory_symlink(outside.path(), project_.file(link));
    auto created = createGenerator(options());
    ASSERT_FALSE(created.ok()) << link << " was followed";
    EXPECT_EQ(created.error().code, ErrorCode::kIo);
    EXPECT_NE(created.error().message.find("symbolic link"), std::string::npos) << created.error().message;
  }
  EXPECT_TRUE(std::filesystem::is_empty(outside.path())) << "texforge wrote outside the project";
}

TEST_F(SharedProject, AStateFolderOfItsOwnLeavesTheProjectJournalAlone) {
  GeneratorOptions o = options();
  o.state_dir = project_.file(".texforge/demo");
  auto gen = makeGenerator(o);
  auto id = gen->submit(params("demo mode keeps to itself"));
  EXPECT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  EXPECT_TRUE(std::filesystem::exists(project_.file(".texforge/demo/journal.sqlite")));
  EXPECT_FALSE(std::filesystem::exists(project_.file(".texforge/journal.sqlite")));
}

TEST_F(SharedProject, ListingOfflineWritesNothingIntoTheProject) {
  GeneratorOptions offline = options();
  offline.offline = true;
  {
    auto empty = makeGenerator(offline);  // a project texforge never touched
    EXPECT_TRUE(empty->jobs().empty());
  }
  EXPECT_FALSE(std::filesystem::exists(project_.file(".texforge"))) << "listing created the state folder";
  auto gen = makeGenerator();
  auto id = gen->submit(params("listed by a reader"));
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  gen.reset();
  const auto before = std::filesystem::last_write_time(journalPath());
  const auto size_before = std::filesystem::file_size(journalPath());
  auto reader = makeGenerator(offline);
  ASSERT_EQ(reader->jobs().size(), 1u);
  EXPECT_EQ(reader->jobs().front().state, JobState::kReady);
  EXPECT_FALSE(reader->submit(params("not from a reader")).ok());
  reader.reset();
  EXPECT_EQ(std::filesystem::last_write_time(journalPath()), before);
  EXPECT_EQ(std::filesystem::file_size(journalPath()), size_before);
}

}  // namespace
}  // namespace texforge::test
