// The journal opened by many processes at once: a fresh project opened by eight connections in the
// same instant (an editor, a resume and a batch started together) opens for every one of them; and
// a poll's write that does not wait for the disk.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "journal.h"
#include "test_support.h"

namespace texforge {
namespace {

TEST(Journal, ManyConnectionsOpeningAFreshJournalAtOnceAllSucceed) {
  constexpr int kRounds = 20;
  constexpr int kConnections = 8;
  for (int round = 0; round < kRounds; ++round) {
    test::TempDir dir;
    const std::string state = dir.path() + "/.texforge";
    std::atomic<int> ready{0};
    std::vector<std::string> failures(kConnections);
    std::vector<std::thread> threads;
    for (int i = 0; i < kConnections; ++i) {
      threads.emplace_back([&, i] {
        ready.fetch_add(1);
        while (ready.load() < kConnections) std::this_thread::yield();  // start together
        Result<std::unique_ptr<Journal>> journal = Journal::open(state);
        if (!journal) {
          failures[i] = journal.error().message;
          return;
        }
        Result<std::vector<JobRecord>> jobs = (*journal)->loadAll();
        if (!jobs) failures[i] = jobs.error().message;
      });
    }
    for (std::thread& t : threads) t.join();
    for (int i = 0; i < kConnections; ++i) {
      EXPECT_EQ(failures[i], "") << "round " << round << ", connection " << i;
    }
  }
}

// A poll's write commits without waiting for the disk, and the next write waits again: both are
// read back by a new connection (what a crash of the process leaves), in the order written.
TEST(Journal, APollOnlyWriteIsCommittedAndTheNextWriteIsDurableAgain) {
  test::TempDir dir;
  const std::string state = dir.path() + "/.texforge";
  auto journal = Journal::open(state);
  ASSERT_TRUE(journal) << journal.error().message;
  JournalOwner owner;
  owner.id = "owner-1";
  JobRecord r;
  r.snap.local_id = "tf_poll";
  r.snap.params.prompt = "a lantern";
  r.snap.state = JobState::kRunning;
  r.snap.created_at_ms = r.snap.updated_at_ms = 1000;
  r.version = 1;
  ASSERT_TRUE((*journal)->write(r, owner, true, 1000));
  r.snap.progress = 0.5;
  r.snap.server_status = "in-progress";
  r.version = 2;
  ASSERT_TRUE((*journal)->write(r, owner, true, 2000, /*durable=*/false));
  r.snap.state = JobState::kDownloading;
  r.version = 3;
  ASSERT_TRUE((*journal)->write(r, owner, true, 3000));

  auto reader = Journal::open(state);
  ASSERT_TRUE(reader);
  auto jobs = (*reader)->loadAll();
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 1u);
  EXPECT_EQ(jobs->front().snap.state, JobState::kDownloading);
  EXPECT_EQ(jobs->front().snap.progress, 0.5);
  EXPECT_EQ(jobs->front().snap.server_status, "in-progress");
}

}  // namespace
}  // namespace texforge
