// The journal opened by many processes at once: a fresh project opened by eight connections in the
// same instant (an editor, a resume and a batch started together) opens for every one of them.
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

}  // namespace
}  // namespace texforge
