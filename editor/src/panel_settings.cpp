// Settings: credentials (masked, with their source; stored in the user's config directory, never
// in the project), endpoint, import folder, jobs in flight and the spending threshold.
#include <cstdio>
#include <filesystem>
#include <thread>

#include <imgui.h>
#include <nlohmann/json.hpp>

#include "panel_state.h"
#include "texforge/api.h"
#include "texforge/project_files.h"

namespace texforge::editor {
namespace {

std::string masked(const std::string& secret) {
  if (secret.empty()) return "(not set)";
  if (secret.size() <= 8) return std::string(secret.size(), '*');
  return secret.substr(0, 4) + std::string(8, '*') + secret.substr(secret.size() - 4);
}

std::string settingsPath(const std::string& project_dir) {
  return project_dir + "/.texforge/editor.json";
}

// The sentence Settings shows for a connection test.
std::string describeConnection(const Result<ConnectionCheck>& answer) {
  if (!answer) return "Test failed: " + describeError(answer.error());
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f s", answer->seconds);
  return "Connected: " + answer->base_url + " accepted these credentials and offers " + answer->model_id +
         " (answered in " + seconds + "). Nothing was paid.";
}

}  // namespace

void Panel::testConnection() {
  State& s = *s_;
  if (s.connection_test) return;  // one at a time
  CredentialStore store(s.options.credential_store);
  Credentials credentials = store.load();
  if (!s.key_input.empty() && !s.secret_input.empty()) credentials = Credentials{s.key_input, s.secret_input};
  const std::string endpoint = s.options.settings.endpoint.empty()
                                   ? defaultBaseUrl(s.options.credential_store.use_environment)
                                   : s.options.settings.endpoint;
  s.settings_message = "Testing " + endpoint + "...";
  auto test = std::make_shared<State::ConnectionTest>();
  s.connection_test = test;
  // Detached: a panel closed meanwhile does not wait for a slow endpoint; the answer then goes nowhere.
  std::weak_ptr<char> alive = s.alive;
  std::thread([test, endpoint, credentials, wake = s.options.wake, alive] {
    Result<ConnectionCheck> answer = checkConnection(endpoint, credentials);
    {
      std::lock_guard<std::mutex> lock(test->mutex);
      test->answer = std::move(answer);
    }
    if (wake && alive.lock()) wake();
  }).detach();
}

bool Panel::connectionTestRunning() const {
  return s_->connection_test != nullptr;
}

const std::string& Panel::settingsMessage() const {
  return s_->settings_message;
}

void collectConnectionTest(Panel::State& s) {
  if (!s.connection_test) return;
  std::lock_guard<std::mutex> lock(s.connection_test->mutex);
  if (!s.connection_test->answer) return;
  s.settings_message = describeConnection(*s.connection_test->answer);
  s.connection_test.reset();
}

Result<PanelSettings> loadPanelSettings(const std::string& project_dir) {
  PanelSettings settings;
  auto text = readFile(settingsPath(project_dir), 1u << 20);
  if (!text) return settings;  // absent: defaults
  auto json = nlohmann::json::parse(*text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return makeError(ErrorCode::kProtocol, "The editor settings file is not valid JSON; defaults are used.");
  }
  settings.endpoint = json.value("endpoint", settings.endpoint);
  settings.import_folder = json.value("import_folder", settings.import_folder);
  settings.spending_threshold = json.value("spending_threshold", settings.spending_threshold);
  settings.max_jobs_in_flight = json.value("max_jobs_in_flight", settings.max_jobs_in_flight);
  return settings;
}

Status savePanelSettings(const std::string& project_dir, const PanelSettings& settings) {
  nlohmann::json json = {{"endpoint", settings.endpoint},
                         {"import_folder", settings.import_folder},
                         {"spending_threshold", settings.spending_threshold},
                         {"max_jobs_in_flight", settings.max_jobs_in_flight}};
  const std::string text = json.dump(2);
  std::error_code ec;
  std::filesystem::create_directories(project_dir + "/.texforge", ec);
  return writeFileAtomic(settingsPath(project_dir), text.data(), text.size(), false);
}

void drawSettings(Panel& panel, Panel::State& s) {
  PanelSettings& settings = s.options.settings;
  const float k = uiScale(s);  // fixed widths follow the content scale, as the font does
  ImGui::BeginChild("settings", ImVec2(std::min(640.0f * k, ImGui::GetContentRegionAvail().x), 0), false);

  ImGui::TextUnformatted("Scenario credentials");
  ImGui::Separator();
  CredentialStore store(s.options.credential_store);
  if (s.options.demo_mode) {
    ImGui::TextColored(
        ImVec4(0.95f, 0.75f, 0.35f, 1),
        "Demo mode: the built-in emulator answers, nothing is paid. Save a key below to use Scenario.");
  }
  const Credentials current = store.load();
  ImGui::Text("API key     %s", masked(current.api_key).c_str());
  ImGui::Text("API secret  %s", masked(current.api_secret).c_str());
  ImGui::TextDisabled("From: %s   File: %s", credentialSourceName(store.source()), store.filePath().c_str());
  ImGui::TextDisabled("Stored in your user folder with owner-only permissions, never in the project.");
  ImGui::SetNextItemWidth(300 * k);
  inputTextWithHint("##key", "new API key", &s.key_input);
  ImGui::SetNextItemWidth(300 * k);
  inputTextWithHint("##secret", "new API secret", &s.secret_input, ImGuiInputTextFlags_Password);
  ImGui::BeginDisabled(s.key_input.empty() || s.secret_input.empty());
  if (ImGui::Button("Save credentials")) {
    Status saved = store.save(Credentials{s.key_input, s.secret_input});
    s.key_input.clear();
    s.secret_input.clear();
    if (!saved) {
      s.settings_message = describeError(saved.error());
    } else if (store.source() == CredentialSource::kEnvironment) {
      // The environment wins over the file: saying only "saved" would hide that these are not used.
      s.settings_message =
          "Saved, but SCENARIO_API_KEY and SCENARIO_API_SECRET are set in the environment and are used "
          "instead. Unset them (and restart) to use the saved credentials.";
    } else {
      s.settings_message = "Credentials saved.";
    }
    if (saved && s.options.on_settings_applied) s.options.on_settings_applied(settings);
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Forget saved credentials")) {
    Status cleared = store.clear();
    s.settings_message = cleared ? "Saved credentials removed." : describeError(cleared.error());
  }

  ImGui::Spacing();
  ImGui::TextUnformatted("Connection and project");
  ImGui::Separator();
  ImGui::SetNextItemWidth(380 * k);
  inputTextWithHint("Endpoint", "https://api.cloud.scenario.com/v1", &settings.endpoint);
  ImGui::TextDisabled("Now using: %s", s.generator ? s.generator->baseUrl().c_str() : "-");
  ImGui::BeginDisabled(s.connection_test != nullptr);
  if (ImGui::Button(s.connection_test ? "Testing..." : "Test connection")) panel.testConnection();
  ImGui::EndDisabled();
  if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) {
    ImGui::SetTooltip(
        "Reads the model's description from this endpoint with the key and secret typed above (else the "
        "saved ones). Nothing is paid.");
  }
  ImGui::SetNextItemWidth(380 * k);
  inputText("Import folder", &settings.import_folder);
  ImGui::TextDisabled("Inside the project: %s", s.options.project_dir.c_str());
  ImGui::SetNextItemWidth(160 * k);
  ImGui::SliderInt("Jobs in flight", &settings.max_jobs_in_flight, 1, 16);
  ImGui::SetNextItemWidth(160 * k);
  ImGui::InputDouble("Confirm above (CU)", &settings.spending_threshold, 5.0, 25.0, "%.1f");
  helpMarker(
      "Generate asks before spending more than this many creative units at once; 0 asks only when the "
      "price is unknown, which always asks.");

  ImGui::Spacing();
  if (ImGui::Button("Apply and save", ImVec2(160 * k, 0))) {
    auto folder = safeProjectPath(s.options.project_dir, settings.import_folder);
    if (!folder) {
      s.settings_message = "The import folder must be inside the project.";
    } else {
      Status saved = savePanelSettings(s.options.project_dir, settings);
      s.settings_message = saved ? "Settings saved." : describeError(saved.error());
      if (s.options.on_settings_applied) s.options.on_settings_applied(settings);
    }
  }
  if (!s.settings_message.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("%s", s.settings_message.c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::EndChild();
}

}  // namespace texforge::editor
