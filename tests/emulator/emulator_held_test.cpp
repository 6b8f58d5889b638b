// Requests the emulator holds on to: answers sent late after the work is done, a server that reads and
// never answers, stop() while such requests wait, and serving others while slow clients hold workers.
#include <thread>

#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

const json kSmallJob = {{"prompt", "held"}, {"width", 1024}, {"height", 640}};

TEST_F(EmulatorTest, LateAnswerComesAfterTheJobWasCreated) {
  Fault late = fault(Route::kGenerate, FaultKind::kLateAnswer);
  late.latency_ms = 300;
  emulator_->addFault(late);
  const auto start = std::chrono::steady_clock::now();
  Reply r = post(kGeneratePath, kSmallJob);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(emulator_->stats().faults_injected["late_answer"], 1);

  // Held until stop(): meanwhile the service has the job and has charged it.
  ASSERT_EQ(post("/_emulator/faults", {{"route", "generate"}, {"kind", "late_answer"}}, false).status, 200);
  emulator_->resetStats();
  Reply held;
  std::thread client_thread([&] { held = post(kGeneratePath, kSmallJob); });
  EXPECT_TRUE(emulator_->waitForHeldRequests(1, std::chrono::seconds(30)));
  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 1);
  EXPECT_EQ(stats.jobs_created, 1);
  Reply list = get("/v1/jobs");
  EXPECT_EQ(list.body["jobs"].size(), 2u);
  emulator_->stop();  // releases the answer, which still goes out
  client_thread.join();
  EXPECT_EQ(held.status, 200) << held.raw;
  ASSERT_TRUE(held.body.is_object());
  EXPECT_EQ(held.body["job"]["jobId"], list.body["jobs"][0]["jobId"]);  // the newest listed
}

TEST_F(EmulatorTest, SilentServerClosesWithoutAnAnswerAfterItsHold) {
  Fault silent = fault(Route::kGenerate, FaultKind::kSilent);
  silent.latency_ms = 300;
  emulator_->addFault(silent);
  const auto start = std::chrono::steady_clock::now();
  Reply r = post(kGeneratePath, kSmallJob);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  EXPECT_FALSE(r.transport_ok);
  EXPECT_NE(r.error, httplib::Error::Success);
  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.requests_per_route["generate"], 1);  // read and counted...
  EXPECT_EQ(stats.generate_posts, 0);                  // ...but it never reached the service
  EXPECT_EQ(stats.jobs_created, 0);
  EXPECT_EQ(stats.faults_injected["silent"], 1);
  EXPECT_EQ(post(kGeneratePath, kSmallJob).status, 200);
}

TEST_F(EmulatorTest, StopReturnsWhileASilentRequestIsHeld) {
  ASSERT_EQ(post("/_emulator/faults", {{"route", "models"}, {"kind", "silent"}}, false).status, 200);
  Reply r;
  std::thread client_thread([&] { r = get(std::string("/v1/models/") + kModel); });
  EXPECT_TRUE(emulator_->waitForHeldRequests(1, std::chrono::seconds(30)));  // latency 0: until stop()
  const auto start = std::chrono::steady_clock::now();
  emulator_->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
  client_thread.join();
  EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(r.status, 0);
}

TEST_F(EmulatorTest, KeepsServingWhileSlowClientsHoldConnections) {
  constexpr int kHeld = 32;  // more than cpp-httplib's default pool, max(8, cores - 1), on most machines
  emulator_->addFault(fault(Route::kModels, FaultKind::kSilent, kHeld));  // held until stop()
  std::vector<Reply> replies(kHeld);
  std::vector<std::thread> clients;
  for (int i = 0; i < kHeld; ++i) {
    clients.emplace_back([&, i] { replies[size_t(i)] = get(std::string("/v1/models/") + kModel); });
  }
  EXPECT_TRUE(emulator_->waitForHeldRequests(kHeld, std::chrono::seconds(60)));
  // Each held request keeps its worker until stop(), so these are answered only by workers to spare.
  EXPECT_EQ(get("/v1/jobs").status, 200);
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 200);  // the fault's count is used up
  EXPECT_EQ(post(kGeneratePath, kSmallJob).status, 200);
  emulator_->stop();
  for (std::thread& t : clients) t.join();
  for (const Reply& r : replies) EXPECT_FALSE(r.transport_ok);
  EXPECT_EQ(emulator_->stats().faults_injected["silent"], kHeld);
}

}  // namespace
}  // namespace texforge::emulator::testing
