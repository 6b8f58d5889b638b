// Deleting a finished job from the project's history: gone from the journal and the cache, the
// imported asset left alone, every engine on the project told, and a job the service may still
// deliver refused.
#include <filesystem>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;

TEST_F(EngineTest, AFinishedJobIsDeletedWithItsCacheAndTheImportStays) {
  auto gen = makeGenerator();
  auto id = gen->submit(params("a chipped clay pot", 2));
  ASSERT_TRUE(id.ok()) << id.error().message;
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady);
  auto imported = gen->importOutput(*id, 0);
  ASSERT_TRUE(imported.ok()) << imported.error().message;
  const std::string cached = gen->job(*id)->outputs[1].cache_path;
  ASSERT_TRUE(std::filesystem::exists(cached));

  ASSERT_TRUE(gen->removeJob(*id).ok());
  EXPECT_FALSE(gen->job(*id).has_value());
  EXPECT_FALSE(std::filesystem::exists(cached)) << "texforge's own copy goes";
  EXPECT_TRUE(std::filesystem::exists(project_.file(imported->path))) << "the project's asset stays";
  EXPECT_TRUE(std::filesystem::exists(project_.file(imported->sidecar_path)));
  EXPECT_EQ(gen->removeJob(*id).error().code, ErrorCode::kNotFound);

  gen.reset();  // a later session reads the journal: the job is not there
  auto later = makeGenerator();
  EXPECT_FALSE(later->job(*id).has_value());
}

TEST_F(EngineTest, ARunningJobCannotBeDeleted) {
  emulator_->setJobDurationMs(60000);
  auto gen = makeGenerator();
  auto id = gen->submit(params("a slow statue"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(waitUntil([&] { return gen->job(*id)->state == JobState::kRunning; },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        }));
  Status refused = gen->removeJob(*id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message.find("finished"), std::string::npos) << refused.error().message;
  EXPECT_TRUE(gen->job(*id).has_value());
}

TEST_F(EngineTest, AnotherEngineOnTheProjectDropsADeletedJob) {
  auto first = makeGenerator();
  auto id = first->submit(params("a brass key"));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*first, *id).state, JobState::kReady);
  auto second = makeGenerator();
  // Settled: a starting engine may hold the job for a moment while it reads the cached images back,
  // and a job another program holds is not this one's to delete.
  ASSERT_TRUE(waitUntil([&] { return second->job(*id).has_value() && second->idle(); },
                        [&] {
                          second->waitForActivity(0.1);
                          second->pump();
                        }));
  Status removed = first->removeJob(*id);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_TRUE(waitUntil([&] { return !second->job(*id).has_value(); },
                        [&] {
                          second->waitForActivity(0.1);
                          second->pump();
                        }))
      << "the second engine still lists the job deleted by the first";
}

TEST_F(EngineTest, AnUndoneImportCanBeImportedAgainAndALaterSessionAgrees) {
  auto gen = makeGenerator();
  auto id = gen->submit(params("a painted shield"));
  ASSERT_TRUE(id.ok());
  ASSERT_EQ(runToEnd(*gen, *id).state, JobState::kReady);
  auto first = gen->importOutput(*id, 0);
  ASSERT_TRUE(first.ok()) << first.error().message;
  ASSERT_EQ(gen->job(*id)->state, JobState::kImported);

  std::filesystem::remove(project_.file(first->path));  // the host moved it to the trash
  std::filesystem::remove(project_.file(first->sidecar_path));
  ASSERT_TRUE(gen->forgetImport(*id, 0).ok());
  EXPECT_EQ(gen->job(*id)->outputs[0].state, OutputState::kReady);
  EXPECT_EQ(gen->job(*id)->state, JobState::kReady);
  EXPECT_FALSE(gen->forgetImport(*id, 0).ok()) << "not imported any more";

  gen.reset();  // the journal says so too
  auto later = makeGenerator();
  ASSERT_TRUE(waitUntil([&] { return later->job(*id).has_value(); }, [&] { later->pump(); }));
  EXPECT_EQ(later->job(*id)->outputs[0].state, OutputState::kReady);
  auto again = later->importOutput(*id, 0);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(std::filesystem::exists(project_.file(again->path))) << "written anew";
}
