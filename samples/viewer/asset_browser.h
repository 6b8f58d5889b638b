// The viewer's browser of the project's image assets: thumbnails that refresh as results are
// imported, a preview on click, and actions that feed the panel (use as reference, load settings).
#pragma once

#include <cstdint>
#include <string>

#include "texforge/editor/panel.h"
#include "texforge/editor/project_assets.h"

namespace texforge::viewer {

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

 private:
  editor::ProjectAssets assets_;
  std::string selected_;  // relative path
  std::string message_;
  uint64_t imports_seen_ = 0;  // Panel::importsCompleted() at the last scan
  bool stale_ = true;          // scan in the next draw()
};

}  // namespace texforge::viewer
