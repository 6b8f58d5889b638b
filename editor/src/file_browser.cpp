// FileBrowser: lists one directory with std::filesystem (errors as values, never exceptions) and
// draws it as a list of rows whose names are drawn as plain bytes, so no name can act as an ImGui
// format string or id.
#include "file_browser.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <system_error>

#include <imgui.h>

namespace texforge::editor {
namespace fs = std::filesystem;

namespace {

constexpr size_t kMaxEntries = 5000;  // a huge folder shows its first ones rather than stall a frame

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// Control characters (a newline is legal in a file name) would break the row: shown as '?'.
std::string printable(const std::string& name) {
  std::string shown = name;
  for (auto& c : shown) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = '?';
  }
  return shown;
}

std::string normalDirectory(const std::string& dir) {
  std::error_code ec;
  fs::path path = fs::absolute(fs::path(dir.empty() ? "." : dir), ec);
  if (ec) path = fs::path(dir);
  path = path.lexically_normal();
  if (path.filename().empty() && path.has_relative_path()) path = path.parent_path();  // "a/b/" -> "a/b"
  return path.string();
}

}  // namespace

bool hasImageExtension(const std::string& name) {
  const std::string ext = lower(fs::path(name).extension().string());
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".webp";
}

void FileBrowser::open(const std::string& dir, const std::string& home_dir) {
  open_ = true;
  home_ = normalDirectory(home_dir);
  dir_ = normalDirectory(dir);
  refresh();
}

void FileBrowser::refresh() {
  entries_.clear();
  message_.clear();
  selected_ = -1;
  std::error_code ec;
  fs::directory_iterator it(fs::path(dir_), fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    message_ = "This folder cannot be listed: " + ec.message() + ".";
    return;
  }
  const fs::directory_iterator end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // hidden, as file dialogs do
    std::error_code entry_ec;                      // a broken link or a vanished file: skipped
    if (it->is_directory(entry_ec)) {
      entries_.push_back({name, true});
    } else if (it->is_regular_file(entry_ec) && hasImageExtension(name)) {
      entries_.push_back({name, false});
    }
    if (entries_.size() >= kMaxEntries) {
      message_ = "Showing the first " + std::to_string(kMaxEntries) + " entries.";
      break;
    }
  }
  if (ec) message_ = "Listing stopped early: " + ec.message() + ".";
  std::sort(entries_.begin(), entries_.end(), [](const FileBrowserEntry& a, const FileBrowserEntry& b) {
    if (a.folder != b.folder) return a.folder;
    const std::string la = lower(a.name), lb = lower(b.name);
    return la != lb ? la < lb : a.name < b.name;
  });
}

bool FileBrowser::up() {
  const fs::path path(dir_);
  const fs::path parent = path.parent_path();
  if (parent.empty() || parent == path) return false;
  dir_ = parent.string();
  refresh();
  return true;
}

bool FileBrowser::enter(const std::string& folder_name) {
  for (const auto& entry : entries_) {
    if (entry.folder && entry.name == folder_name) {
      dir_ = pathOf(folder_name);
      refresh();
      return true;
    }
  }
  return false;
}

std::string FileBrowser::pathOf(const std::string& name) const {
  return (fs::path(dir_) / name).string();
}

std::string FileBrowser::draw(int rows) {
  if (!open_) return "";
  ImGui::PushID(this);
  // Navigation is applied after the list is drawn: it replaces the entries being iterated.
  bool go_up = false, go_home = false;
  int activated = -1;
  ImGui::BeginDisabled(fs::path(dir_).parent_path() == fs::path(dir_));
  go_up = ImGui::SmallButton("Up");
  ImGui::EndDisabled();
  ImGui::SameLine();
  go_home = ImGui::SmallButton("Project");
  ImGui::SameLine();
  if (ImGui::SmallButton("Close")) close();
  ImGui::SameLine();
  ImGui::TextDisabled("%s", printable(dir_).c_str());
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", printable(dir_).c_str());

  const float height = ImGui::GetTextLineHeightWithSpacing() * rows + ImGui::GetStyle().WindowPadding.y * 2;
  ImGui::BeginChild("##entries", ImVec2(0, height), true);
  if (!message_.empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(ImVec4(0.95f, 0.75f, 0.35f, 1), "%s", message_.c_str());
    ImGui::PopTextWrapPos();
  }
  if (entries_.empty() && message_.empty())
    ImGui::TextDisabled("No folders or PNG, JPEG or WebP images here.");
  const ImU32 folder_color = IM_COL32(238, 170, 100, 255);
  const ImU32 file_color = ImGui::GetColorU32(ImGuiCol_Text);
  for (size_t i = 0; i < entries_.size(); ++i) {
    const FileBrowserEntry& entry = entries_[i];
    ImGui::PushID(static_cast<int>(i));
    if (ImGui::Selectable("##entry", selected_ == static_cast<int>(i), ImGuiSelectableFlags_AllowDoubleClick))
      selected_ = static_cast<int>(i);
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(0)) activated = static_cast<int>(i);
    const std::string label = printable(entry.name) + (entry.folder ? "/" : "");
    ImGui::GetWindowDrawList()->AddText(ImGui::GetItemRectMin(), entry.folder ? folder_color : file_color,
                                        label.c_str(), label.c_str() + label.size());
    ImGui::PopID();
  }
  ImGui::EndChild();

  const bool has_selection = selected_ >= 0 && selected_ < static_cast<int>(entries_.size());
  const bool folder_selected = has_selection && entries_[selected_].folder;
  ImGui::BeginDisabled(!has_selection);
  if (ImGui::Button(folder_selected ? "Open folder" : "Use image")) activated = selected_;
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::TextDisabled("or double-click");

  std::string picked;
  if (activated >= 0 && activated < static_cast<int>(entries_.size())) {
    const FileBrowserEntry entry = entries_[activated];
    if (entry.folder) {
      enter(entry.name);
    } else {
      picked = pathOf(entry.name);
    }
  } else if (go_up) {
    up();
  } else if (go_home) {
    dir_ = home_;
    refresh();
  }
  ImGui::PopID();
  return picked;
}

}  // namespace texforge::editor
