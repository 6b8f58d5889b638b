// Faults on the wire and restarts: retries of GETs and downloads, expired URLs, lost answers to
// the paid POST, and a second Generator finishing what the first left in flight.
#include <filesystem>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;
using emulator::FaultKind;
using emulator::Route;

TEST_F(EngineTest, SecondGeneratorResumesAJobTheFirstLeftInFlight) {
  emulator_->setJobDurationMs(400);
  std::string id;
  std::string job_id;
  {
    auto first = makeGenerator();
    auto submitted = first->submit(params("resumed after a restart", 2));
    ASSERT_TRUE(submitted.ok());
    id = *submitted;
    ASSERT_TRUE(waitUntil([&] { return !first->job(id)->job_id.empty(); },
                          [&] {
                            first->waitForActivity(0.1);
                            first->pump();
                          }));
    job_id = first->job(id)->job_id;
  }  // the first engine goes away while the job runs on the service
  auto second = makeGenerator();
  auto resumed = second->job(id);
  ASSERT_TRUE(resumed.has_value()) << "the journal must remember the job";
  EXPECT_EQ(resumed->job_id, job_id);
  JobSnapshot job = runToEnd(*second, id);
  EXPECT_EQ(job.state, JobState::kReady);
  EXPECT_EQ(job.readyCount(), 2);
  EXPECT_EQ(emulator_->stats().generate_posts, 1) << "resuming must not pay again";
}

TEST_F(EngineTest, DownloadedResultsReappearInANewSessionAndImportOnce) {
  std::string id;
  {
    auto first = makeGenerator();
    id = *first->submit(params("kept across sessions"));
    EXPECT_EQ(runToEnd(*first, id).state, JobState::kReady);
  }
  const auto cdn_before = emulator_->stats().cdn_requests;
  GeneratorOptions o = options();
  o.auto_import = true;
  auto second = makeGenerator(o);
  JobSnapshot job = *second->job(id);
  ASSERT_TRUE(waitUntil(
      [&] {
        auto j = second->job(id);
        return j->state == JobState::kImported && second->idle();
      },
      [&] {
        second->waitForActivity(0.1);
        second->pump();
      }));
  job = *second->job(id);
  EXPECT_EQ(job.outputs[0].state, OutputState::kImported);
  EXPECT_EQ(emulator_->stats().cdn_requests, cdn_before)
      << "the cached original is used, not downloaded again";
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(project_.file("assets/generated"))) {
    files += e.path().extension() == ".png";
  }
  EXPECT_EQ(files, 1u);
}

TEST_F(EngineTest, LostAnswerIsReconciledAgainstTheJobListNotResent) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kDropConnection, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("the answer to this request is lost", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_EQ(job.readyCount(), 2);
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 1);
  EXPECT_EQ(stats.jobs_created, 1);
  EXPECT_GE(stats.requests_per_route.at(emulator::routeName(Route::kJobList)), 1)
      << "found through GET /jobs";
}

TEST_F(EngineTest, UnknownSubmissionNotFoundWaitsForTheUsersDecision) {
  emulator_->addFault(
      fault(Route::kGenerate, FaultKind::kServerErrorHtml, 1));  // the gateway failed: nothing started
  auto paid_posts = [&] {
    return emulator_->stats().requests_per_route[emulator::routeName(Route::kGenerate)];
  };
  auto gen = makeGenerator();
  const GenerationParams p = params("did it start or not");
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(waitUntil(
      [&] {
        auto j = gen->job(*id);
        return j->state == JobState::kUnknown && gen->idle() && j->needs_decision;
      },
      [&] {
        gen->waitForActivity(0.1);
        gen->pump();
      }));
  EXPECT_EQ(gen->job(*id)->error->code, ErrorCode::kUnknownSubmission);
  auto duplicate = gen->submit(p);
  ASSERT_FALSE(duplicate.ok()) << "an identical request must not be sent while one is unknown";
  EXPECT_EQ(duplicate.error().code, ErrorCode::kUnknownSubmission);
  EXPECT_EQ(paid_posts(), 1);
  gen.reset();
  auto again = makeGenerator();  // a restart reconciles again but never resends on its own
  ASSERT_TRUE(waitUntil([&] { return again->idle(); },
                        [&] {
                          again->waitForActivity(0.1);
                          again->pump();
                        }));
  EXPECT_EQ(again->job(*id)->state, JobState::kUnknown);
  EXPECT_TRUE(again->job(*id)->needs_decision);
  EXPECT_EQ(paid_posts(), 1);
  ASSERT_TRUE(again->resolveUnknown(*id, /*resend=*/true).ok());
  JobSnapshot job = runToEnd(*again, *id);
  EXPECT_EQ(job.state, JobState::kReady);
  EXPECT_EQ(paid_posts(), 2) << "sent again only because the user chose to";
}

TEST_F(EngineTest, DiscardingAnUnknownSubmissionEndsIt) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kServerErrorHtml, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("discard me"));
  ASSERT_TRUE(waitUntil([&] { return gen->job(*id)->state == JobState::kUnknown && gen->idle(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  EXPECT_FALSE(gen->resolveUnknown("tf_nope", false).ok());
  ASSERT_TRUE(gen->resolveUnknown(*id, /*resend=*/false).ok());
  EXPECT_EQ(gen->job(*id)->state, JobState::kFailed);
  EXPECT_EQ(gen->resolveUnknown(*id, true).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(gen->submit(params("discard me")).ok()) << "once resolved, the same prompt may be sent again";
}

TEST_F(EngineTest, SubmissionsBeyondTheCapWaitLocally) {
  GeneratorOptions o = options();
  o.max_jobs_in_flight = 2;
  auto gen = makeGenerator(o);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(*gen->submit(params("capped job " + std::to_string(i))));
  int most_in_flight = 0;
  ASSERT_TRUE(waitUntil(
      [&] {
        int in_flight = 0, done = 0;
        for (const auto& j : gen->jobs()) {
          in_flight += j.state == JobState::kSubmitted || j.state == JobState::kRunning;
          done += j.state == JobState::kReady;
        }
        most_in_flight = std::max(most_in_flight, in_flight);
        return done == 5 && gen->idle();
      },
      [&] {
        gen->waitForActivity(0.05);
        gen->pump();
      }));
  EXPECT_LE(most_in_flight, 2);
  EXPECT_EQ(emulator_->stats().generate_posts, 5);
}

TEST_F(EngineTest, PollsSurvive429And5xxHtmlAndMalformedAnswers) {
  emulator_->addFault(fault(Route::kJob, FaultKind::kTooManyRequests, 2));
  emulator_->addFault(fault(Route::kJob, FaultKind::kServerErrorHtml, 2));
  emulator_->addFault(fault(Route::kJob, FaultKind::kMalformedJson, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("weathered the storm"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_EQ(emulator_->stats().generate_posts, 1);
}

TEST_F(EngineTest, ExpiredSignedUrlIsRefreshedWithAnAssetLookup) {
  emulator_->addFault(fault(Route::kAsset, FaultKind::kExpiredUrl, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("fresh url please"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady);
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.requests_per_route.at(emulator::routeName(Route::kAsset)), 2);
  EXPECT_EQ(stats.cdn_requests, 2);
}

TEST_F(EngineTest, TruncatedAndDroppedDownloadsAreRetriedNotTheJob) {
  emulator_->addFault(fault(Route::kCdn, FaultKind::kTruncatedBody, 1));
  emulator_->addFault(fault(Route::kCdn, FaultKind::kDropConnection, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("a flaky CDN"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_EQ(emulator_->stats().generate_posts, 1);
  EXPECT_GE(emulator_->stats().cdn_requests, 3);
}

TEST_F(EngineTest, CorruptOrOversizedImageFailsThatOutputOnly) {
  emulator_->addFault(fault(Route::kCdn, FaultKind::kCorruptImage, 1));
  emulator_->addFault(fault(Route::kCdn, FaultKind::kOversizedImage, 1));
  auto gen = makeGenerator();
  GenerationParams p = params("three tiles, two bad", 3);
  p.width = 1024;
  p.height = 640;
  auto id = gen->submit(p);
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady);
  int ready = 0, decode_failures = 0;
  for (const auto& o : job.outputs) {
    ready += o.state == OutputState::kReady;
    decode_failures += o.state == OutputState::kFailed && o.error && o.error->code == ErrorCode::kDecode;
  }
  EXPECT_EQ(ready, 1);
  EXPECT_EQ(decode_failures, 2);
}

TEST_F(EngineTest, RateLimitedSubmissionWaitsAndIsSentOnceAccepted) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kParallelLimit, 1));
  auto gen = makeGenerator();
  auto id = gen->submit(params("queued behind other jobs"));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  EXPECT_EQ(job.state, JobState::kReady);
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.jobs_created, 1);
  EXPECT_EQ(stats.requests_per_route.at(emulator::routeName(Route::kGenerate)), 2);
}

TEST_F(EngineTest, PlainHttpToARemoteHostIsRefused) {
  GeneratorOptions o = options();
  o.base_url = "http://api.example.com/v1";
  auto g = createGenerator(o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.error().code, ErrorCode::kInsecure);
}
