// The jobs list and History's job actions, pressed here with the mouse: Resume for a stopped job (or
// a failed one the service may still hold); Check again, Resend (only once a late job can no longer
// show up) and Discard for a request whose answer was lost; none for a job held elsewhere. The words
// never pass on the core's advice for other front ends.
#include <chrono>
#include <cstring>
#include <optional>

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // the child windows and the hovered item, to aim the mouse

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

int64_t unixMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

constexpr int64_t kMinute = 60 * 1000;

// The mouse, driven through whole panel frames: the buttons are found by hovering, not by layout
// arithmetic, so the test breaks only if the row stops offering them.
struct Mouse {
  PanelHarness& harness;

  ImGuiID hover(ImVec2 at) {
    HeadlessImGui::mouseMove(at.x, at.y);
    harness.frame();
    return HeadlessImGui::hoveredId();  // the item under the mouse in the frame just drawn; 0 for none
  }
  bool disabledAt(ImVec2 at) {  // the item under the mouse is drawn disabled
    hover(at);
    return HeadlessImGui::hoveredIsDisabled();
  }
  void click(ImVec2 at) {
    hover(at);
    HeadlessImGui::mouseButton(0, true);
    harness.frame();
    HeadlessImGui::mouseButton(0, false);
    harness.frame();  // a button reports the press on release
  }
  // The child window whose name holds part ("/jobs_", "/history_detail_"), drawn last frame.
  static ImGuiWindow* child(const char* part) {
    for (ImGuiWindow* window : GImGui->Windows) {
      if (std::strstr(window->Name, part) && window->Active) return window;
    }
    return nullptr;
  }
  // The n-th (0-based) item with an id along the row of the first one down the child's left edge:
  // the job's buttons, since the lines above them hold only text and a progress bar. A disabled
  // button counts too (ImGui hovers it without pressing it).
  std::optional<ImVec2> button(const char* part, int n) {
    ImGuiWindow* window = child(part);
    if (!window) return std::nullopt;
    const ImRect area = window->InnerClipRect;  // what is visible
    for (float y = area.Min.y + 1; y < area.Max.y; y += 2) {
      const ImVec2 first(window->ContentRegionRect.Min.x + 4, y);  // where each line starts
      ImGuiID last = hover(first);
      if (last == 0) continue;
      if (n == 0) return first;
      int seen = 0;
      for (float x = first.x + 2; x < area.Max.x; x += 2) {
        const ImGuiID id = hover(ImVec2(x, y));
        if (id != 0 && id != last && ++seen == n) return ImVec2(x + 2, y);
        if (id != 0) last = id;
      }
      return std::nullopt;
    }
    return std::nullopt;
  }
  std::optional<ImVec2> jobsButton(int n) { return button("/jobs_", n); }
  // Whether anything in the child answers the mouse (a button anywhere, not only at a line's start),
  // on a grid finer than the smallest button.
  bool anyItem(const char* part) {
    ImGuiWindow* window = child(part);
    if (!window) return false;
    const ImRect area = window->InnerClipRect;
    for (float y = area.Min.y + 2; y < area.Max.y; y += 6) {
      for (float x = area.Min.x + 2; x < area.Max.x; x += 12) {
        if (hover(ImVec2(x, y)) != 0) return true;
      }
    }
    return false;
  }
};

struct PanelJobs : ::testing::Test {
  // A job submitted through the panel and running at Scenario; its id.
  std::string runningJob(const char* prompt = "moss on a broken column") {
    panel->params().prompt = prompt;
    EXPECT_TRUE(harness.frameUntilPriced());
    EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
    const auto ids = panel->sessionJobIds();
    if (ids.empty()) return "";
    generator.setState(ids.front(), JobState::kRunning);
    harness.frame();
    return ids.front();
  }
  // A running job whose paid request's answer is then lost; its id.
  std::string lostJob(bool needs_decision = true, int64_t resend_allowed_at_ms = 0) {
    const std::string id = runningJob();
    if (id.empty()) return "";
    generator.loseAnswer(id, needs_decision, resend_allowed_at_ms);
    harness.frame();  // the row is drawn with its explanation and buttons
    return id;
  }
  bool nothingDecided() const {
    return generator.resent().empty() && generator.discarded().empty() && generator.rechecked().empty() &&
           generator.resumed().empty();
  }

  TempDir project;
  ScriptedGenerator generator{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  PanelHarness harness{generator, project.path()};
  editor::Panel* panel = harness.panel.get();
  Mouse mouse{harness};
};

// --- Unknown: Check again, Resend, Discard --------------------------------------------------------

TEST_F(PanelJobs, TheRowExplainsTheLostAnswerInArtistWords) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto job = generator.job(id);
  ASSERT_TRUE(job && job->needs_decision);
  const std::string said = editor::describeJobProblem(*job);
  EXPECT_NE(said.find("not among your recent Scenario jobs"), std::string::npos) << said;
  EXPECT_NE(said.find("most likely did not start"), std::string::npos) << said;
  EXPECT_NE(said.find("you pay twice"), std::string::npos) << said;  // what Resend risks
  EXPECT_TRUE(mouse.jobsButton(2).has_value()) << "Check again, Resend and Discard are not all offered";
  EXPECT_TRUE(nothingDecided());  // drawing and aiming decide nothing
}

TEST_F(PanelJobs, CheckAgainLooksForItNowWithoutDeciding) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto check = mouse.jobsButton(0);
  ASSERT_TRUE(check.has_value()) << "no button in the job's row";
  mouse.click(*check);
  ASSERT_EQ(generator.rechecked().size(), 1u);
  EXPECT_EQ(generator.rechecked()[0], id);
  EXPECT_TRUE(generator.resent().empty());
  EXPECT_TRUE(generator.discarded().empty());
  EXPECT_EQ(generator.job(id)->state, JobState::kUnknown);
  EXPECT_NE(panel->statusMessage().find("Looking for it"), std::string::npos) << panel->statusMessage();
}

TEST_F(PanelJobs, ResendSendsItAgainAndWarnsOfASecondCharge) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto resend = mouse.jobsButton(1);
  ASSERT_TRUE(resend.has_value()) << "no second button in the job's row";
  EXPECT_TRUE(nothingDecided());  // finding it pressed nothing
  mouse.click(*resend);
  ASSERT_EQ(generator.resent().size(), 1u);
  EXPECT_EQ(generator.resent()[0], id);
  EXPECT_TRUE(generator.discarded().empty());
  EXPECT_NE(panel->statusMessage().find("you pay twice"), std::string::npos) << panel->statusMessage();
  harness.frame();
  auto job = generator.job(id);
  EXPECT_EQ(job->state, JobState::kSubmitting);
  EXPECT_FALSE(job->needs_decision);
  EXPECT_EQ(panel->sessionJobIds().front(), id);

  // A second press (the buttons are gone, but a stale click or a script may ask) decides nothing.
  Status again = panel->resolveJob(id, true);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(generator.resent().size(), 1u);
  EXPECT_EQ(panel->statusMessage(), "This request no longer waits for a decision.");
}

TEST_F(PanelJobs, ResendWaitsWhileALateJobMayStillShowUp) {
  const int64_t allowed = unixMs() + 10 * kMinute;
  const std::string id = lostJob(false, allowed);  // still searched for
  ASSERT_FALSE(id.empty());
  const std::string wait = editor::describeResendWait(*generator.job(id), allowed - 10 * kMinute);
  EXPECT_NE(wait.find("Resend is possible from"), std::string::npos) << wait;
  EXPECT_NE(wait.find("in 10m 00s"), std::string::npos) << wait;  // until when
  EXPECT_NE(wait.find("may still show up among your Scenario jobs"), std::string::npos) << wait;  // why
  EXPECT_NE(wait.find("pay twice"), std::string::npos) << wait;
  EXPECT_EQ(editor::describeResendWait(*generator.job(id), allowed), "");

  auto resend = mouse.jobsButton(1);
  ASSERT_TRUE(resend.has_value()) << "Resend is not shown (disabled) while it waits";
  EXPECT_TRUE(mouse.disabledAt(*resend));
  const std::string before = panel->statusMessage();
  mouse.click(*resend);
  EXPECT_EQ(panel->statusMessage(), before);  // disabled: the click did nothing, not even ask
  EXPECT_TRUE(generator.resent().empty());
  EXPECT_EQ(generator.job(id)->state, JobState::kUnknown);
  Status early = panel->resolveJob(id, true);  // nor does a script that asks
  ASSERT_FALSE(early.ok());
  EXPECT_NE(panel->statusMessage().find("Resend is possible from"), std::string::npos)
      << panel->statusMessage();

  auto discard = mouse.jobsButton(2);  // Check again and Discard stay available meanwhile
  ASSERT_TRUE(discard.has_value());

  generator.loseAnswer(id, true, unixMs() - 1);  // the window has passed: the search ended
  harness.frame();
  resend = mouse.jobsButton(1);
  ASSERT_TRUE(resend.has_value());
  EXPECT_FALSE(mouse.disabledAt(*resend));
  mouse.click(*resend);
  ASSERT_EQ(generator.resent().size(), 1u);
  EXPECT_EQ(generator.job(id)->state, JobState::kSubmitting);
}

TEST_F(PanelJobs, DiscardForgetsItWithoutSending) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto discard = mouse.jobsButton(2);
  ASSERT_TRUE(discard.has_value()) << "no third button in the job's row";
  mouse.click(*discard);
  ASSERT_EQ(generator.discarded().size(), 1u);
  EXPECT_TRUE(generator.resent().empty());
  EXPECT_NE(panel->statusMessage().find("Discarded"), std::string::npos) << panel->statusMessage();
  harness.frame();
  auto job = generator.job(id);
  EXPECT_EQ(job->state, JobState::kFailed);
  EXPECT_FALSE(job->needs_decision);
  EXPECT_EQ(generator.submitted().size(), 1u);  // only the first request was ever sent
}

// --- Stopped is not lost: Resume ------------------------------------------------------------------

TEST_F(PanelJobs, AStoppedJobResumesFromItsRowAndItsImagesArriveWhenItFinishes) {
  const std::string id = runningJob();
  ASSERT_FALSE(id.empty());
  panel->stopWaiting(id);
  ASSERT_EQ(generator.stopped().size(), 1u);
  EXPECT_NE(panel->statusMessage().find("Resume"), std::string::npos) << panel->statusMessage();
  harness.frame();
  ASSERT_EQ(generator.job(id)->state, JobState::kStopped);

  auto resume = mouse.jobsButton(0);
  ASSERT_TRUE(resume.has_value()) << "a stopped job offers no Resume";
  EXPECT_FALSE(mouse.jobsButton(1).has_value());  // and nothing else
  EXPECT_TRUE(nothingDecided());
  mouse.click(*resume);
  ASSERT_EQ(generator.resumed().size(), 1u);
  EXPECT_EQ(generator.resumed()[0], id);
  EXPECT_NE(panel->statusMessage().find("its images arrive here when it finishes"), std::string::npos)
      << panel->statusMessage();
  EXPECT_EQ(generator.job(id)->state, JobState::kRunning);
}

TEST_F(PanelJobs, AFailureTheServiceMayStillHoldResumesAndItsVerdictDoesNot) {
  const std::string id = runningJob();
  ASSERT_FALSE(id.empty());
  generator.failJob(id, makeError(ErrorCode::kNetwork, "connection reset"));
  harness.frame();
  ASSERT_TRUE(canResume(*generator.job(id)));
  auto resume = mouse.jobsButton(0);
  ASSERT_TRUE(resume.has_value()) << "a job that failed on the network offers no Resume";
  mouse.click(*resume);
  ASSERT_EQ(generator.resumed().size(), 1u);

  generator.failJob(id, makeError(ErrorCode::kJobFailed, "content policy"));  // the service's verdict
  harness.frame();
  ASSERT_FALSE(canResume(*generator.job(id)));
  EXPECT_FALSE(mouse.anyItem("/jobs_"));
  Status refused = panel->resumeJob(id);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(generator.resumed().size(), 1u);
}

TEST_F(PanelJobs, HistoryOffersResumeForAStoppedJob) {
  const std::string id = runningJob();
  ASSERT_FALSE(id.empty());
  panel->stopWaiting(id);
  panel->selectTab(editor::PanelTab::kHistory);
  harness.frame();
  harness.frame();  // the tab switch takes a frame
  auto resume = mouse.button("/history_detail_", 0);
  ASSERT_TRUE(resume.has_value()) << "History offers no Resume for the stopped job";
  mouse.click(*resume);
  ASSERT_EQ(generator.resumed().size(), 1u);
  EXPECT_EQ(generator.resumed()[0], id);
  EXPECT_EQ(generator.job(id)->state, JobState::kRunning);
}

// --- Held elsewhere: read-only --------------------------------------------------------------------

TEST_F(PanelJobs, AJobAnotherProgramWorksOnIsReadOnly) {
  const std::string id = runningJob();
  ASSERT_FALSE(id.empty());
  ASSERT_TRUE(mouse.anyItem("/jobs_"));  // a running job of ours offers Stop waiting
  generator.setHeldBy(id, "texforge-cli, pid 4242 on ws-3, is working on it");
  harness.frame();
  EXPECT_FALSE(mouse.anyItem("/jobs_")) << "a held running job offers a button";
  const std::string said = editor::describeJobHolder(*generator.job(id));
  EXPECT_NE(said.find("Read-only"), std::string::npos) << said;
  EXPECT_NE(said.find("texforge-cli, pid 4242 on ws-3"), std::string::npos) << said;

  for (const bool needs_decision : {false, true}) {  // lost, searched or not: nothing to press here
    generator.loseAnswer(id, needs_decision);
    harness.frame();
    EXPECT_FALSE(mouse.anyItem("/jobs_")) << "a held unknown job offers a button";
    EXPECT_EQ(editor::describeJobProblem(*generator.job(id)).find("Resend"), std::string::npos);
  }
  generator.setHeldBy(id, "");  // stopped by its holder, then released: ours to resume
  generator.setState(id, JobState::kStopped);
  generator.setHeldBy(id, "texforge-cli, pid 4242 on ws-3, is working on it");
  harness.frame();
  EXPECT_FALSE(mouse.anyItem("/jobs_")) << "a held stopped job offers Resume";
  EXPECT_TRUE(nothingDecided());
  EXPECT_TRUE(generator.stopped().empty());
}

TEST_F(PanelJobs, AJobOfAnotherAccountSaysSoAndItsReadyImagesStillImport) {
  const std::string id = runningJob();
  ASSERT_FALSE(id.empty());
  DecodedImage image;
  image.width = image.height = 8;
  image.rgba.assign(8 * 8 * 4, 128);
  ASSERT_EQ(generator.addReadyOutput(id, image), 0);
  generator.setHeldBy(id, "created on https://api.example.com/v1 with another API key", true);
  harness.frame();
  const std::string said = editor::describeJobHolder(*generator.job(id));
  EXPECT_NE(said.find("another endpoint or account"), std::string::npos) << said;
  EXPECT_NE(said.find("https://api.example.com/v1"), std::string::npos) << said;
  EXPECT_FALSE(mouse.anyItem("/jobs_"));
  ASSERT_TRUE(panel->importOutput(id, 0).ok());  // the engine claims imports: one file either way
  ASSERT_TRUE(harness.frameUntil([&] { return panel->importsPending() == 0; }));
  EXPECT_EQ(generator.job(id)->outputs[0].state, OutputState::kImported);
}

// --- Words --------------------------------------------------------------------------------------

TEST(JobWords, AStillSearchedRequestIsNotOfferedADecisionAndNoCommandIsNamed) {
  JobSnapshot job;
  job.local_id = "job-1";
  job.state = JobState::kUnknown;
  job.error = makeError(ErrorCode::kUnknownSubmission,
                        "the request was sent but its answer was lost. Resend it or discard it: "
                        "`texforge resolve job-1 --resend` or `--discard` (or the job's menu in the panel).");
  const std::string searching = editor::describeJobProblem(job);
  EXPECT_NE(searching.find("may have started"), std::string::npos) << searching;
  EXPECT_EQ(searching.find("texforge resolve"), std::string::npos) << searching;
  EXPECT_EQ(searching.find("Resend"), std::string::npos) << searching;  // not yet the user's call

  job.needs_decision = true;
  const std::string deciding = editor::describeJobProblem(job);
  EXPECT_NE(deciding.find("Resend"), std::string::npos) << deciding;
  EXPECT_EQ(deciding.find("texforge resolve"), std::string::npos) << deciding;

  job = JobSnapshot{};
  EXPECT_EQ(editor::describeJobProblem(job), "");  // nothing to say about a healthy job
  EXPECT_EQ(editor::describeJobHolder(job), "");   // nor who holds it
  EXPECT_EQ(editor::describeResendWait(job, 0), "");
}

TEST(JobWords, StoppingSaysResumeBringsTheImages) {
  const std::string said = editor::describeError(makeError(ErrorCode::kStopped, "stopped"));
  EXPECT_NE(said.find("Resume"), std::string::npos) << said;
  EXPECT_EQ(said.find("may still show up in Scenario"), std::string::npos) << said;  // it does not, here
}

}  // namespace
}  // namespace texforge::test
