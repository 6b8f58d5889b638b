// Small widgets and formatting shared by the panel's parts: checkerboard, field messages, output
// textures, elapsed time and price text, and the artist-facing wording of errors.
#include <cstdio>
#include <ctime>
#include <string>

#include <imgui.h>

#include "panel_state.h"

namespace texforge::editor {
namespace {

int bufferSize(const std::string& text) {
  return static_cast<int>(text.size()) + 1;
}

// ImGui asks for the buffer to follow every edit; the string is kept exactly as long as the text,
// and the terminator std::string always keeps is the one byte ImGui needs beyond it.
int resizeString(ImGuiInputTextCallbackData* data) {
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    auto* text = static_cast<std::string*>(data->UserData);
    text->resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = text->data();
    data->BufSize = bufferSize(*text);
  }
  return 0;
}

// Results and references are shown by ImGui, which blends in the encoded (gamma) space of a
// non-sRGB framebuffer: sampled as stored (srgb=false), they look as the file does. Sampled as
// sRGB they would be decoded to linear and come out dark. The name is what a GPU debugger lists.
TextureDesc colourTexture(std::string debug_name, bool thumbnail) {
  TextureDesc desc;
  desc.srgb = false;
  desc.debug_name = std::move(debug_name) + (thumbnail ? " thumbnail" : "");
  return desc;
}

}  // namespace

bool inputText(const char* label, std::string* text, ImGuiInputTextFlags flags) {
  return ImGui::InputText(label, text->data(), bufferSize(*text), flags | ImGuiInputTextFlags_CallbackResize,
                          resizeString, text);
}

bool inputTextWithHint(const char* label, const char* hint, std::string* text, ImGuiInputTextFlags flags) {
  return ImGui::InputTextWithHint(label, hint, text->data(), bufferSize(*text),
                                  flags | ImGuiInputTextFlags_CallbackResize, resizeString, text);
}

bool inputTextMultiline(const char* label, std::string* text, const ImVec2& size, ImGuiInputTextFlags flags) {
  return ImGui::InputTextMultiline(label, text->data(), bufferSize(*text), size,
                                   flags | ImGuiInputTextFlags_CallbackResize, resizeString, text);
}

void sameLineIfFits(float next_width) {
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next_width <= right) ImGui::SameLine();
}

float buttonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

void drawCheckerboard(const ImVec2& min, const ImVec2& max, float cell) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->PushClipRect(min, max, true);
  const ImU32 dark = IM_COL32(58, 58, 62, 255);
  const ImU32 light = IM_COL32(92, 92, 98, 255);
  draw->AddRectFilled(min, max, dark);
  int row = 0;
  for (float y = min.y; y < max.y; y += cell, ++row) {
    int col = row & 1;
    for (float x = min.x; x < max.x; x += cell, ++col) {
      if (col & 1) draw->AddRectFilled(ImVec2(x, y), ImVec2(x + cell, y + cell), light);
    }
  }
  draw->PopClipRect();
}

bool fieldError(const Panel::State& s, const char* field) {
  auto it = s.field_errors.find(field);
  if (it == s.field_errors.end()) return false;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.45f, 0.42f, 1.0f));
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(it->second.c_str());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  return true;
}

void helpMarker(const char* text) {
  ImGui::SameLine();
  ImGui::TextDisabled("(?)");
  if (ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
    ImGui::TextUnformatted(text);
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
}

TextureView outputTexture(Panel::State& s, const JobSnapshot& job, int index, bool thumbnail) {
  const OutputSnapshot& out = job.outputs[index];
  const std::string name = job.local_id + "#" + std::to_string(index);
  const std::string key = name + (thumbnail ? "#t" : "#f");
  TextureDesc desc = colourTexture("texforge result " + name, thumbnail);
  if (out.image) return s.textures->get(key, out.image, thumbnail, std::move(desc));
  if (out.state == OutputState::kFailed) {  // says why, instead of loading for ever
    return TextureView{TextureState::kFailed, {}, out.width, out.height, describeOutputProblem(out)};
  }
  if (out.state != OutputState::kReady && out.state != OutputState::kImported) {
    return TextureView{TextureState::kLoading, {}, out.width, out.height, {}};
  }
  Generator* generator = s.generator;
  const std::string local_id = job.local_id;
  return s.textures->get(
      key, [generator, local_id, index]() { return generator->loadOutputImage(local_id, index); }, thumbnail,
      std::move(desc));
}

TextureView fileTexture(Panel::State& s, const std::string& path, bool thumbnail) {
  const std::string key = "file:" + path + (thumbnail ? "#t" : "#f");
  return s.textures->get(
      key, [path]() { return loadImageFile(path); }, thumbnail,
      colourTexture("texforge file " + path, thumbnail));
}

std::string formatElapsed(double seconds) {
  if (seconds < 0) seconds = 0;
  char buf[32];
  const int total = static_cast<int>(seconds);
  if (total < 60) {
    std::snprintf(buf, sizeof buf, "%ds", total);
  } else if (total < 3600) {
    std::snprintf(buf, sizeof buf, "%dm %02ds", total / 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh %02dm", total / 3600, (total / 60) % 60);
  }
  return buf;
}

std::string formatCost(double cu) {
  if (cu < 0) return "cost unknown";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f CU", cu);
  return buf;
}

// The advice is the panel's: error.message is only ever the detail in brackets (or, for a refused
// setting, the sentence itself), never the place that tells the artist where to go.
std::string describeError(const Error& error) {
  std::string detail = error.message.empty() ? "" : " (" + error.message + ")";
  switch (error.code) {
    case ErrorCode::kOk: return "";
    case ErrorCode::kCredentials:
      if (error.http_status == 0) {
        return "No Scenario API key is set: add your API key and secret in Settings.";
      }
      return "Scenario refused the API key: check your API key and secret in Settings." + detail;
    case ErrorCode::kForbidden:
      return "This key may not use this model or project: check the key's project and plan on Scenario." +
             detail;
    case ErrorCode::kRateLimited:
      return "Scenario is busy right now (too many requests). texforge retries by itself; if it persists, "
             "lower the jobs in flight in Settings." +
             detail;
    case ErrorCode::kServer: return "Scenario's servers had a problem. Try again in a minute." + detail;
    case ErrorCode::kNetwork:
      return "Cannot reach Scenario: check your connection or the endpoint in Settings." + detail;
    case ErrorCode::kJobFailed: {
      std::string reason = error.message;  // the service's words may end with their own full stop
      while (!reason.empty() && (reason.back() == '.' || reason.back() == ' ')) reason.pop_back();
      return "The generation failed: " + reason + ". Try rewording the prompt or changing the settings.";
    }
    case ErrorCode::kJobCanceled: return "The job was canceled on Scenario." + detail;
    case ErrorCode::kTimeout:
      return "This took too long and texforge stopped waiting. It may still finish in Scenario's web app.";
    case ErrorCode::kStopped:
      return "You stopped waiting. The credits were spent; Resume waits for it again and brings its images "
             "in when it finishes.";
    case ErrorCode::kUnknownSubmission:
      // Whether the search is over is in the snapshot (needs_decision), not here: describeJobProblem.
      return "The answer to this request was lost, so it may have started (and been charged). texforge "
             "looks for it among your recent Scenario jobs and does not send it again on its own: do not "
             "generate the same thing again yet.";
    case ErrorCode::kDecode: return "The image could not be read (corrupt or unsupported)." + detail;
    case ErrorCode::kIo:
      return "Could not write to the project folder: check free disk space and permissions." + detail;
    case ErrorCode::kInvalidArgument:
      return error.message.empty() ? "Some settings are invalid." : error.message;
    case ErrorCode::kNotFound: return "Not found." + detail;
    case ErrorCode::kProtocol: return "Scenario answered something unexpected. Try again." + detail;
    case ErrorCode::kInsecure:
      return "Refused an insecure connection: use https for remote endpoints." + detail;
    case ErrorCode::kCanceled: return "Canceled." + detail;
    case ErrorCode::kInternal: return "Something went wrong inside texforge." + detail;
  }
  return error.message;
}

std::string describeJobProblem(const JobSnapshot& job) {
  if (job.needs_decision && job.held_by.empty()) {  // held elsewhere: not this panel's decision
    return "Its answer was lost and it is not among your recent Scenario jobs, so it most likely did not "
           "start. Resend it (if the first did start after all, you pay twice) or discard it.";
  }
  return job.error ? describeError(*job.error) : "";
}

std::string describeJobHolder(const JobSnapshot& job) {
  if (job.held_by.empty()) return "";
  if (job.other_account) {
    // held_by says where it was made and what to do; saying it again reads as a stutter.
    return "Read-only: this job belongs to another endpoint or account: " + job.held_by + ".";
  }
  return "Read-only: " + job.held_by + ". This panel takes it over if that program goes away.";
}

std::string describeResendWait(const JobSnapshot& job, int64_t now_ms) {
  if (job.state != JobState::kUnknown || !job.held_by.empty() || now_ms >= job.resend_allowed_at_ms)
    return "";
  const std::time_t at = static_cast<std::time_t>(job.resend_allowed_at_ms / 1000);
  std::tm tm{};
  localtime_r(&at, &tm);
  char clock[16];
  std::strftime(clock, sizeof clock, "%H:%M", &tm);
  return std::string("Resend is possible from ") + clock + " (in " +
         formatElapsed(static_cast<double>(job.resend_allowed_at_ms - now_ms + 999) / 1000.0) +
         "): until then the first request may still show up among your Scenario jobs, and resending it "
         "could make you pay twice.";
}

std::string describeImportError(const Error& error, const std::string& import_folder) {
  // Import failures are about the artist's project folder, so say which folder and what to check.
  switch (error.code) {
    case ErrorCode::kIo:
      return "Could not save the image into " + import_folder +
             ": check free disk space and that the folder can be written.";
    case ErrorCode::kInvalidArgument:
      // The importer refuses a folder outside the project with the same code as "not ready".
      if (error.message.find("import folder") != std::string::npos) {
        return "The import folder " + import_folder + " must be inside the project: change it in Settings.";
      }
      return "This result is not ready to import yet: wait until it has downloaded.";
    case ErrorCode::kNotFound:
      return "This result is no longer in the project (its download may have been deleted).";
    case ErrorCode::kDecode:
      return "The downloaded image is damaged and cannot be imported; generate it again.";
    default: return "Could not import: " + describeError(error);
  }
}

}  // namespace texforge::editor
