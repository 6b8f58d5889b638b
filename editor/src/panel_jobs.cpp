// The jobs list of this session: state, progress bar, elapsed time, error text with what to do,
// and "Stop waiting" (custom jobs cannot be canceled on Scenario, so the credits are spent anyway).
#include <chrono>
#include <cstdio>

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

double nowMs() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count());
}

}  // namespace

void drawJobs(Panel& panel, Panel::State& s) {
  std::vector<const JobSnapshot*> jobs;
  int active = 0;
  for (const auto& job : s.jobs) {
    if (!s.session_ids.count(job.local_id)) continue;
    jobs.push_back(&job);
    active += isJobActive(job.state) ? 1 : 0;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::Text("JOBS  %d running, %zu this session", active, jobs.size());
  ImGui::PopStyleColor();
  const float row = ImGui::GetFrameHeightWithSpacing() * 2.0f + ImGui::GetStyle().ItemSpacing.y + 2.0f;
  const float height = jobs.empty() ? ImGui::GetFrameHeightWithSpacing() * 1.5f
                                    : std::min(row * static_cast<float>(jobs.size()) + ImGui::GetStyle().WindowPadding.y * 2, row * 3.3f);
  ImGui::BeginChild("jobs", ImVec2(0, height), true);
  if (jobs.empty()) ImGui::TextDisabled("Nothing yet: write a prompt and press Generate.");
  const double now = nowMs();
  for (const JobSnapshot* job : jobs) {
    ImGui::PushID(job->local_id.c_str());
    ImGui::TextColored(stateColor(job->state), "%-11s", jobStateName(job->state));
    ImGui::SameLine();
    const double end = job->finished_at_ms > 0 ? static_cast<double>(job->finished_at_ms) : now;
    ImGui::TextDisabled("%s", formatElapsed((end - static_cast<double>(job->created_at_ms)) / 1000.0).c_str());
    ImGui::SameLine();
    std::string prompt = job->params.prompt.substr(0, 70);
    if (job->params.prompt.size() > 70) prompt += "...";
    ImGui::TextUnformatted(prompt.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", job->params.prompt.c_str());

    const float stop_width = isJobActive(job->state) ? 110.0f : 0.0f;
    char overlay[64];
    if (job->state == JobState::kDownloading || job->state == JobState::kReady || job->state == JobState::kImported) {
      std::snprintf(overlay, sizeof overlay, "%d / %zu images", job->readyCount(), job->outputs.size());
    } else {
      std::snprintf(overlay, sizeof overlay, "%s %.0f%%",
                    job->server_status.empty() ? jobStateName(job->state) : job->server_status.c_str(),
                    job->progress * 100.0);
    }
    float fraction = static_cast<float>(job->progress);
    if (!isJobActive(job->state)) fraction = 1.0f;
    if (job->state == JobState::kFailed || job->state == JobState::kUnknown || job->state == JobState::kStopped) {
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
        ImGui::SetTooltip("Scenario cannot cancel this kind of job: the credits are spent either way.");
      }
    }
    if (job->error && job->state != JobState::kStopped) {
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.42f, 1), "%s", describeError(*job->error).c_str());
      ImGui::PopTextWrapPos();
    }
    ImGui::Separator();
    ImGui::PopID();
  }
  ImGui::EndChild();
}

}  // namespace texforge::editor
