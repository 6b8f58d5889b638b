// The viewer's demo session: its emulator comes back on the same endpoint for a project, so an
// earlier demo session's jobs stay this session's (not read-only as another endpoint's), and a
// port someone else holds only moves it elsewhere.
#include <gtest/gtest.h>

#include "engine_session.h"
#include "test_support.h"

namespace texforge::test {
namespace {

viewer::SessionConfig demoConfig(const std::string& project_dir) {
  viewer::SessionConfig config;
  config.project_dir = project_dir;
  config.force_demo = true;
  config.job_duration_ms = 50;
  return config;
}

TEST(DemoSession, TheEmulatorsPortIsTheProjectsOwn) {
  TempDir a;
  EXPECT_EQ(viewer::demoPort(a.path()), viewer::demoPort(a.path()));
  EXPECT_GE(viewer::demoPort(a.path()), 41000);
  EXPECT_LT(viewer::demoPort(a.path()), 49000);
  EXPECT_NE(viewer::demoPort("/projects/castle"), viewer::demoPort("/projects/forest"));
}

TEST(DemoSession, AnEarlierSessionsJobIsStillThisSessionsOwn) {
  TempDir project;
  std::string id, url;
  {
    viewer::EngineSession first;
    ASSERT_TRUE(first.open(demoConfig(project.path())).ok());
    url = first.generator()->baseUrl();
    // Another program may hold the port (parallel tests bind ports too): then there is nothing to see.
    if (url.find(":" + std::to_string(viewer::demoPort(project.path())) + "/") == std::string::npos)
      GTEST_SKIP() << "the demo port was taken; the emulator is on " << url;
    GenerationParams p;
    p.prompt = "a demo crate";
    auto submitted = first.generator()->submit(p);
    ASSERT_TRUE(submitted.ok()) << submitted.error().message;
    id = *submitted;
    ASSERT_TRUE(waitUntil([&] { return first.generator()->job(id)->state == JobState::kReady; },
                          [&] {
                            first.generator()->waitForActivity(0.1);
                            first.generator()->pump();
                          }));
  }
  viewer::EngineSession second;
  ASSERT_TRUE(second.open(demoConfig(project.path())).ok());
  if (second.generator()->baseUrl() != url) GTEST_SKIP() << "the demo port was taken meanwhile";
  auto job = second.generator()->job(id);
  ASSERT_TRUE(job.has_value());
  EXPECT_FALSE(job->other_account) << "read-only as another endpoint's";
  EXPECT_TRUE(second.generator()->removeJob(id).ok()) << "it is this session's to delete";
}

TEST(DemoSession, ATakenPortMovesTheEmulatorElsewhere) {
  TempDir project;
  emulator::EmulatorOptions squatter_options;
  squatter_options.port = viewer::demoPort(project.path());
  emulator::Emulator squatter(squatter_options);
  ASSERT_TRUE(squatter.start()) << squatter.error();
  viewer::EngineSession session;
  ASSERT_TRUE(session.open(demoConfig(project.path())).ok());
  EXPECT_NE(session.generator()->baseUrl(), squatter.baseUrl());
}

}  // namespace
}  // namespace texforge::test
