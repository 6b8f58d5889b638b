// The viewer's browser of the project's image assets: thumbnails that refresh as results are
// imported, a preview on click, and actions that feed the panel (use as reference, load settings).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "texforge/editor/panel.h"
#include "texforge/editor/project_assets.h"

namespace texforge::viewer {

// The width text takes on screen (ImGui::CalcTextSize in the viewer, a fixed advance in tests).
using TextWidth = std::function<float(const std::string& text)>;

// The name a thumbnail shows in a cell width wide: the file's stem on up to two lines, the first
// broken after a '-', '_' or ' ' where one falls late enough; what does not fit is cut from the
// middle of the second line with "...", keeping the end (imported names end with the asset id,
// which tells them apart): "mossy-stone-\nwall-...2e8e".
std::string assetLabel(const std::string& relative_path, float width, const TextWidth& text_width);

class AssetBrowser {
 public:
  explicit AssetBrowser(std::string project_dir) : assets_(std::move(project_dir)) {}
  // Draws inside the current ImGui window. Thumbnails come from the panel's texture cache. The
  // folder is scanned on the first draw, after a finished import, on Rescan and on requestRescan(),
  // never by the clock: an idle viewer does not draw.
  void draw(editor::Panel& panel, double now_s);
  size_t count() const { return assets_.assets().size(); }
  const std::string& selected() const { return selected_; }  // relative path; empty for none
  void refreshNow(double now_s) { assets_.refresh(now_s, 0, true); }
  // The next draw() scans again: the host calls it when files may have changed behind its back
  // (its window got the focus back).
  void requestRescan() { stale_ = true; }
  // What hovering a thumbnail shows: the relative path, and the prompt from its sidecar when it
  // has one (read once per file version, then cached). Empty for a file not in the list.
  std::string tooltip(const std::string& relative_path);

 private:
  editor::ProjectAssets assets_;
  std::string selected_;  // relative path
  std::string message_;
  uint64_t imports_seen_ = 0;  // Panel::importsCompleted() at the last scan
  bool stale_ = true;          // scan in the next draw()
  // Labels for the cell width and font size they were made for; cleared when either changes.
  std::unordered_map<std::string, std::string> labels_;
  float labels_key_ = 0;
  // Sidecar prompts by "<absolute path>@<modified_ns>", read on the first hover only.
  std::unordered_map<std::string, std::string> prompts_;
};

}  // namespace texforge::viewer
