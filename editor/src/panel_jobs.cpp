// The jobs list of this session: state, progress bar, elapsed time, error text with what to do,
// "Stop waiting" (custom jobs cannot be canceled on Scenario, so the credits are spent anyway), Resume,
// and Check again / Resend / Discard for a request whose answer was lost (listed even when an earlier
// session sent it). Jobs another program or account holds are read-only.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <imgui.h>

#include "panel_state.h"

namespace texforge::editor {
namespace {

ImVec4 stateColor(JobState state) {
  switch (state) {
    case JobState::kReady:
    case JobState::kImported: return ImVec4(0.45f, 0.85f, 0.50f, 1);
    case JobState::kFailed:
    case JobState::kUnknown: return ImVec4(1.0f, 0.45f, 0.42f, 1);
    case JobState::kStopped: return ImVec4(0.62f, 0.64f, 0.70f, 1);
    default: return ImVec4(0.95f, 0.75f, 0.35f, 1);
  }
}

int failedOutputs(const JobSnapshot& job) {
  int failed = 0;
  for (const auto& out : job.outputs) failed += out.state == OutputState::kFailed ? 1 : 0;
  return failed;
}

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void wrappedLine(const ImVec4& color, const std::string& text) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(color, "%s", text.c_str());
  ImGui::PopTextWrapPos();
}

const ImVec4 kNoteColor(0.62f, 0.64f, 0.70f, 1.0f);

// What this panel may do with a job: nothing when it is held elsewhere.
enum class Actions { kNone, kHeld, kResume, kUnknown };

Actions jobActions(const JobSnapshot& job) {
  if (!job.held_by.empty()) return Actions::kHeld;
  if (job.state == JobState::kUnknown) return Actions::kUnknown;
  if (canResume(job)) return Actions::kResume;
  return Actions::kNone;
}

void drawUnknownActions(Panel& panel, const JobSnapshot& job) {
  if (ImGui::Button("Check again")) panel.recheckJob(job.local_id);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "Looks for it among your recent Scenario jobs now. If it is there, its images come in and nothing "
        "is paid twice.");
  }
  ImGui::SameLine();
  const std::string wait = describeResendWait(job, nowMs());
  ImGui::BeginDisabled(!wait.empty());
  if (ImGui::Button("Resend")) panel.resolveJob(job.local_id, true);
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip("%s", wait.empty() ? "Sends the same request again. If the first one did start after "
                                           "all, you pay twice."
                                         : wait.c_str());
  }
  ImGui::SameLine();
  if (ImGui::Button("Discard")) panel.resolveJob(job.local_id, false);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "Forgets this request: nothing more is sent. If it did start, its images are not fetched.");
  }
  if (!wait.empty()) wrappedLine(kNoteColor, wait);
}

}  // namespace

// The panel's actions leave its snapshots alone, so the caller's loop over them stays valid.
void drawJobActions(Panel& panel, const JobSnapshot& job) {
  switch (jobActions(job)) {
    case Actions::kNone: break;
    case Actions::kHeld: wrappedLine(kNoteColor, describeJobHolder(job)); break;
    case Actions::kUnknown: drawUnknownActions(panel, job); break;
    case Actions::kResume:
      if (ImGui::Button("Resume")) panel.resumeJob(job.local_id);
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Waits for this job again: its images arrive when it finishes. Nothing is paid twice.");
      }
      break;
  }
}

void drawJobs(Panel& panel, Panel::State& s) {
  struct Row {
    const JobSnapshot* job;
    std::string problem;  // the explanation under the progress bar, or empty
  };
  std::vector<Row> rows;
  int active = 0;
  size_t this_session = 0;
  for (const auto& job : s.jobs) {
    const bool mine = s.session_ids.count(job.local_id) > 0;
    // An earlier session's lost request still needs an answer, unless someone else holds it.
    const bool lost = job.state == JobState::kUnknown && job.held_by.empty();
    if (!mine && !lost) continue;
    rows.push_back({&job, job.state == JobState::kStopped ? "" : describeJobProblem(job)});
    active += isJobActive(job.state) ? 1 : 0;
    this_session += mine ? 1 : 0;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::Text("JOBS  %d running, %zu this session", active, this_session);
  ImGui::PopStyleColor();
  // Tall enough for every row with its explanation and buttons, up to about three plain rows.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float line = ImGui::GetFrameHeightWithSpacing();
  const float row = line * 2.0f + style.ItemSpacing.y + 2.0f;
  const float wrap = ImGui::GetContentRegionAvail().x - style.WindowPadding.x * 2;
  float content = 0;
  for (const Row& r : rows) {
    content += row;
    if (!r.problem.empty()) {
      content += ImGui::CalcTextSize(r.problem.c_str(), nullptr, false, wrap).y + style.ItemSpacing.y;
    }
    if (jobActions(*r.job) != Actions::kNone) content += line;
    if (!describeResendWait(*r.job, nowMs()).empty()) content += line * 2;
  }
  const float height = rows.empty() ? line * 1.5f : std::min(content + style.WindowPadding.y * 2, row * 3.3f);
  ImGui::BeginChild("jobs", ImVec2(0, height), true);
  if (rows.empty()) ImGui::TextDisabled("Nothing yet: write a prompt and press Generate.");
  const double now = static_cast<double>(nowMs());
  for (const Row& r : rows) {
    const JobSnapshot* job = r.job;
    ImGui::PushID(job->local_id.c_str());
    // A finished job with a failed image is not all green: it reads as a warning.
    const bool partly_failed = !isJobActive(job->state) && failedOutputs(*job) > 0;
    ImGui::TextColored(partly_failed ? ImVec4(0.95f, 0.75f, 0.35f, 1) : stateColor(job->state), "%-11s",
                       jobStateName(job->state));
    ImGui::SameLine();
    const double end = job->finished_at_ms > 0 ? static_cast<double>(job->finished_at_ms) : now;
    ImGui::TextDisabled("%s",
                        formatElapsed((end - static_cast<double>(job->created_at_ms)) / 1000.0).c_str());
    ImGui::SameLine();
    std::string prompt = job->params.prompt.substr(0, 70);
    if (job->params.prompt.size() > 70) prompt += "...";
    ImGui::TextUnformatted(prompt.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", job->params.prompt.c_str());

    const float stop_width = isJobActive(job->state) && job->held_by.empty() ? 110.0f * uiScale(s) : 0.0f;
    char overlay[96];
    if (job->state == JobState::kDownloading || job->state == JobState::kReady ||
        job->state == JobState::kImported) {
      std::snprintf(overlay, sizeof overlay, "%s", describeOutputs(*job).c_str());
    } else if (job->state == JobState::kSubmitting && !job->server_status.empty()) {
      // A large reference's upload, part by part: nothing is running on the service yet.
      std::snprintf(overlay, sizeof overlay, "%s", job->server_status.c_str());
    } else {
      std::snprintf(overlay, sizeof overlay, "%s %.0f%%",
                    job->server_status.empty() ? jobStateName(job->state) : job->server_status.c_str(),
                    job->progress * 100.0);
    }
    float fraction = static_cast<float>(job->progress);
    if (!isJobActive(job->state)) fraction = 1.0f;
    if (job->state == JobState::kFailed || job->state == JobState::kUnknown ||
        job->state == JobState::kStopped) {
      ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.55f, 0.25f, 0.24f, 1));
    } else {
      ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.93f, 0.55f, 0.22f, 1));
    }
    ImGui::ProgressBar(fraction, ImVec2(stop_width > 0 ? -stop_width - 8 : -1, 0), overlay);
    ImGui::PopStyleColor();
    if (stop_width > 0) {
      ImGui::SameLine();
      if (ImGui::Button("Stop waiting", ImVec2(stop_width, 0))) panel.stopWaiting(job->local_id);
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip(
            "Scenario cannot cancel this kind of job: the credits are spent either way. Resume waits for it "
            "again.");
      }
    }
    if (!r.problem.empty()) wrappedLine(ImVec4(1.0f, 0.45f, 0.42f, 1), r.problem);
    drawJobActions(panel, *job);
    ImGui::Separator();
    ImGui::PopID();
  }
  ImGui::EndChild();
}

std::string describeOutputs(const JobSnapshot& job) {
  std::string text =
      std::to_string(job.readyCount()) + " / " + std::to_string(job.outputs.size()) + " images";
  if (const int failed = failedOutputs(job); failed > 0) text += ", " + std::to_string(failed) + " failed";
  return text;
}

std::string describeOutputProblem(const OutputSnapshot& output) {
  if (output.state != OutputState::kFailed) return {};
  return output.error ? describeError(*output.error) : "This image could not be downloaded.";
}

}  // namespace texforge::editor
