// The jobs list: a request whose answer was lost and that the search among recent jobs did not find
// (needs_decision) is explained in artist words and offers Resend and Discard, pressed here with the
// mouse; the words never pass on the core's advice for other front ends.
#include <cstring>
#include <mutex>
#include <optional>
#include <set>

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // the jobs list's child window and the hovered item, to aim the mouse

#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

// The scripted Generator, plus needs_decision for the jobs a test marks: set while such a job is
// unknown, as the real engine sets it once its search ends without finding the job.
class UndecidedGenerator final : public Generator {
 public:
  explicit UndecidedGenerator(ScriptedGenerator& inner) : inner_(inner) {}

  // The search for local_id ended without finding it: it goes unknown and waits for the user.
  void loseAnswer(const std::string& local_id) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      undecided_.insert(local_id);
    }
    inner_.setState(local_id, JobState::kUnknown);
  }

  Result<std::string> submit(const GenerationParams& params) override { return inner_.submit(params); }
  void quote(const GenerationParams& params, std::function<void(Result<Quote>)> on_done) override {
    inner_.quote(params, std::move(on_done));
  }
  void fetchSchema(const std::string& model_id, std::function<void(Result<ModelSchema>)> on_done) override {
    inner_.fetchSchema(model_id, std::move(on_done));
  }
  Status resolveUnknown(const std::string& local_id, bool resend) override {
    Status resolved = inner_.resolveUnknown(local_id, resend);
    if (resolved) ++resolved_[resend ? 1 : 0];
    return resolved;
  }
  Status recheckUnknown(const std::string& local_id) override { return inner_.recheckUnknown(local_id); }
  Status resumeJob(const std::string& local_id) override { return inner_.resumeJob(local_id); }
  void stopWaiting(const std::string& local_id) override { inner_.stopWaiting(local_id); }
  std::vector<GeneratorEvent> pump() override { return inner_.pump(); }
  bool waitForActivity(double timeout_s) override { return inner_.waitForActivity(timeout_s); }
  std::vector<JobSnapshot> jobs() const override {
    std::vector<JobSnapshot> jobs = inner_.jobs();
    for (auto& job : jobs) mark(job);
    return jobs;
  }
  std::optional<JobSnapshot> job(const std::string& local_id) const override {
    auto job = inner_.job(local_id);
    if (job) mark(*job);
    return job;
  }
  bool idle() const override { return inner_.idle(); }
  Result<ImportedAsset> importOutput(const std::string& local_id, int output_index) override {
    return inner_.importOutput(local_id, output_index);
  }
  void importOutputAsync(const std::string& local_id, int output_index,
                         std::function<void(Result<ImportedAsset>)> on_done) override {
    inner_.importOutputAsync(local_id, output_index, std::move(on_done));
  }
  Result<DecodedImage> loadOutputImage(const std::string& local_id, int output_index) const override {
    return inner_.loadOutputImage(local_id, output_index);
  }
  GeneratorStats stats() const override { return inner_.stats(); }
  std::string baseUrl() const override { return inner_.baseUrl(); }
  std::string projectDir() const override { return inner_.projectDir(); }

  int resends() const { return resolved_[1]; }
  int discards() const { return resolved_[0]; }

 private:
  void mark(JobSnapshot& job) const {
    std::lock_guard<std::mutex> lock(mutex_);
    job.needs_decision = job.state == JobState::kUnknown && undecided_.count(job.local_id) > 0;
  }

  ScriptedGenerator& inner_;
  mutable std::mutex mutex_;
  std::set<std::string> undecided_;
  int resolved_[2] = {0, 0};  // discards, resends (test thread only)
};

// The mouse, driven through whole panel frames: the buttons are found by hovering, not by layout
// arithmetic, so the test breaks only if the row stops offering them.
struct Mouse {
  PanelHarness& harness;

  ImGuiID hover(ImVec2 at) {
    ImGui::GetIO().MousePos = at;
    harness.frame();
    return GImGui->HoveredId;  // the item under the mouse in the frame just drawn; 0 for none
  }
  void click(ImVec2 at) {
    ImGuiIO& io = ImGui::GetIO();
    hover(at);
    io.MouseDown[0] = true;
    harness.frame();
    io.MouseDown[0] = false;
    harness.frame();  // a button reports the press on release
  }
  // The n-th (0-based) item with an id along the row of the first one down the jobs list's left
  // edge: the job's buttons, since the rows above them hold only text and a progress bar.
  std::optional<ImVec2> jobsButton(int n) {
    ImGuiWindow* jobs = nullptr;
    for (ImGuiWindow* window : GImGui->Windows) {
      if (std::strstr(window->Name, "/jobs_")) jobs = window;
    }
    if (!jobs) return std::nullopt;
    const ImRect area = jobs->InnerClipRect;  // what is visible
    for (float y = area.Min.y + 1; y < area.Max.y; y += 2) {
      const ImVec2 first(jobs->ContentRegionRect.Min.x + 4, y);  // where each line starts
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
};

struct JobDecision : ::testing::Test {
  // A job submitted through the panel whose answer is then lost; its id.
  std::string lostJob() {
    panel->params().prompt = "moss on a broken column";
    harness.frame();
    EXPECT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
    const auto ids = panel->sessionJobIds();
    if (ids.empty()) return "";
    generator.loseAnswer(ids.front());
    harness.frame();  // the row is drawn with its explanation and the two buttons
    return ids.front();
  }

  TempDir project;
  ScriptedGenerator scripted{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  UndecidedGenerator generator{scripted};
  PanelHarness harness{generator, project.path()};
  editor::Panel* panel = harness.panel.get();
  Mouse mouse{harness};
};

TEST_F(JobDecision, TheRowExplainsTheLostAnswerInArtistWords) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto job = generator.job(id);
  ASSERT_TRUE(job && job->needs_decision);
  const std::string said = editor::describeJobProblem(*job);
  EXPECT_NE(said.find("not among your recent Scenario jobs"), std::string::npos) << said;
  EXPECT_NE(said.find("most likely did not start"), std::string::npos) << said;
  EXPECT_NE(said.find("charged twice"), std::string::npos) << said;  // what Resend risks
  EXPECT_EQ(generator.resends() + generator.discards(), 0);          // drawing decides nothing
}

TEST_F(JobDecision, ResendSendsItAgainAndWarnsOfASecondCharge) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto resend = mouse.jobsButton(0);
  ASSERT_TRUE(resend.has_value()) << "no button in the job's row";
  EXPECT_EQ(generator.resends() + generator.discards(), 0);  // finding it pressed nothing
  mouse.click(*resend);
  EXPECT_EQ(generator.resends(), 1);
  EXPECT_EQ(generator.discards(), 0);
  EXPECT_NE(panel->statusMessage().find("charged twice"), std::string::npos) << panel->statusMessage();
  harness.frame();
  auto job = generator.job(id);
  EXPECT_EQ(job->state, JobState::kSubmitting);
  EXPECT_FALSE(job->needs_decision);
  EXPECT_EQ(panel->sessionJobIds().front(), id);

  // A second press (the row is gone, but a stale click or a script may ask) decides nothing.
  Status again = panel->resolveJob(id, true);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(generator.resends(), 1);
  EXPECT_EQ(panel->statusMessage(), "This request no longer waits for a decision.");
}

TEST_F(JobDecision, DiscardForgetsItWithoutSending) {
  const std::string id = lostJob();
  ASSERT_FALSE(id.empty());
  auto discard = mouse.jobsButton(1);
  ASSERT_TRUE(discard.has_value()) << "no second button in the job's row";
  mouse.click(*discard);
  EXPECT_EQ(generator.discards(), 1);
  EXPECT_EQ(generator.resends(), 0);
  EXPECT_NE(panel->statusMessage().find("Discarded"), std::string::npos) << panel->statusMessage();
  harness.frame();
  auto job = generator.job(id);
  EXPECT_EQ(job->state, JobState::kFailed);
  EXPECT_FALSE(job->needs_decision);
  EXPECT_EQ(scripted.submitted().size(), 1u);  // only the first request was ever sent
}

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
}

}  // namespace
}  // namespace texforge::test
