// What the panel brings back after a restart: the form as it was and the gallery's results (minus
// those discarded), in <project>/.texforge/sessions/<user>.json, one file per user (and one for
// demo mode), so two artists on a shared project keep their own.
#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "panel_state.h"
#include "texforge/project_files.h"

namespace texforge::editor {
namespace {

constexpr size_t kGalleryJobsKept = 50;  // the newest results; History has every one

// A user name as a file name: letters, digits, '-', '_' and '.', never empty or a dot name.
std::string fileSafe(std::string name) {
  for (char& c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    if (!ok) c = '_';
  }
  if (name.empty() || name.find_first_not_of('.') == std::string::npos) name = "default";
  return name.substr(0, 64);
}

std::string sessionPath(const Panel::State& s) {
  std::string user = s.options.session_name;
  if (user.empty()) {
    const char* from_env = std::getenv("USER");
    if (!from_env || !*from_env) from_env = std::getenv("USERNAME");
    user = from_env && *from_env ? from_env : "default";
  }
  if (s.options.demo_mode) user += "-demo";
  return (std::filesystem::path(s.options.project_dir) / ".texforge" / "sessions" /
          (fileSafe(user) + ".json"))
      .string();
}

}  // namespace

void loadPanelSession(Panel::State& s) {
  auto text = readFile(sessionPath(s), 4u << 20);
  if (!text) return;  // a first start
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object()) {
    s.setStatus("The saved panel session could not be read; starting with an empty form.", true);
    return;
  }
  if (doc.contains("form") && doc["form"].is_string()) {
    GenerationParams form;
    if (paramsFromJson(doc["form"].get<std::string>(), &form)) s.params = form;
  }
  if (doc.contains("gallery") && doc["gallery"].is_array()) {
    for (const auto& id : doc["gallery"]) {
      if (id.is_string()) s.session_ids.insert(id.get<std::string>());
    }
  }
  if (doc.contains("discarded") && doc["discarded"].is_array()) {
    for (const auto& entry : doc["discarded"]) {
      if (entry.is_array() && entry.size() == 2 && entry[0].is_string() && entry[1].is_number_integer())
        s.discarded.insert({entry[0].get<std::string>(), entry[1].get<int>()});
    }
  }
  if (doc.contains("trashed") && doc["trashed"].is_array()) {
    for (const auto& entry : doc["trashed"]) {
      if (!entry.is_object() || !entry.value("job", nlohmann::json()).is_string() ||
          !entry.value("index", nlohmann::json()).is_number_integer())
        continue;
      TrashedFile file;
      file.relative_path = entry.value("relative_path", "");
      file.trash_folder = entry.value("trash_folder", "");
      for (const auto& moved : entry.value("moved", nlohmann::json::array())) {
        if (moved.is_string()) file.moved.push_back(moved.get<std::string>());
      }
      if (file.relative_path.empty() || file.trash_folder.empty() || file.moved.empty()) continue;
      s.trashed[{entry["job"].get<std::string>(), entry["index"].get<int>()}] = std::move(file);
    }
  }
  s.saved_session = doc.dump();
}

void savePanelSession(Panel::State& s) {
  // The newest jobs the gallery shows that still exist (a job deleted elsewhere is not kept).
  std::vector<const JobSnapshot*> shown;
  for (const auto& job : s.jobs) {
    if (s.session_ids.count(job.local_id)) shown.push_back(&job);
  }
  std::sort(shown.begin(), shown.end(),
            [](const JobSnapshot* a, const JobSnapshot* b) { return a->created_at_ms > b->created_at_ms; });
  if (shown.size() > kGalleryJobsKept) shown.resize(kGalleryJobsKept);
  nlohmann::json gallery = nlohmann::json::array(), discarded = nlohmann::json::array();
  std::set<std::string> kept;
  for (const JobSnapshot* job : shown) {
    gallery.push_back(job->local_id);
    kept.insert(job->local_id);
  }
  for (const auto& [id, index] : s.discarded) {
    if (kept.count(id)) discarded.push_back({id, index});
  }
  // Undone imports keep their Restore across restarts (the files wait in the project's trash).
  nlohmann::json trashed = nlohmann::json::array();
  for (const auto& [output, file] : s.trashed) {
    trashed.push_back({{"job", output.first},
                       {"index", output.second},
                       {"relative_path", file.relative_path},
                       {"trash_folder", file.trash_folder},
                       {"moved", file.moved}});
  }
  const nlohmann::json doc = {{"version", 1},
                              {"form", paramsToJson(s.params)},
                              {"gallery", gallery},
                              {"discarded", discarded},
                              {"trashed", trashed}};
  const std::string text = doc.dump();
  if (text == s.saved_session) return;
  const std::string path = sessionPath(s);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  if (Status saved = writeFileAtomic(path, text.data(), text.size(), false); !saved) {
    // Not worth interrupting the artist for: the results are in History either way.
    if (s.session_error.empty()) s.session_error = describeError(saved.error());
    return;
  }
  s.saved_session = text;
}

std::vector<GalleryEntry> galleryEntries(const Panel::State& s) {
  std::vector<GalleryEntry> shown;
  for (const auto& job : s.jobs) {
    if (!s.session_ids.count(job.local_id)) continue;
    for (size_t i = 0; i < job.outputs.size(); ++i) {
      if (!s.discarded.count({job.local_id, static_cast<int>(i)}))
        shown.push_back({&job, static_cast<int>(i)});
    }
  }
  return shown;
}

std::vector<std::pair<std::string, int>> Panel::galleryOutputs() const {
  std::vector<std::pair<std::string, int>> shown;
  for (const GalleryEntry& entry : galleryEntries(*s_)) shown.emplace_back(entry.job->local_id, entry.index);
  return shown;
}

void Panel::discardOutput(const std::string& local_id, int output_index) {
  State& s = *s_;
  if (!s.discarded.insert({local_id, output_index}).second) return;
  if (s.selected.local_id == local_id && s.selected.index == output_index) s.selected = OutputRef{};
  s.setStatus("Taken out of the gallery; it stays in History.", false);
  savePanelSession(s);
}

Status Panel::deleteJob(const std::string& local_id) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "no engine");
  Status removed = s.generator->removeJob(local_id);
  if (!removed) {
    s.setStatus("Not deleted: " + describeError(removed.error()), true);
    return removed;
  }
  s.session_ids.erase(local_id);
  if (s.selected.local_id == local_id) s.selected = OutputRef{};
  if (s.history_selected.local_id == local_id) s.history_selected = OutputRef{};
  s.jobs.erase(std::remove_if(s.jobs.begin(), s.jobs.end(),
                              [&](const JobSnapshot& job) { return job.local_id == local_id; }),
               s.jobs.end());
  s.setStatus("Deleted from the history; imported assets stay in the project.", false);
  savePanelSession(s);
  return removed;
}

}  // namespace texforge::editor
