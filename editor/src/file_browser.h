// A small file browser drawn inside the panel: the folders and image files (PNG, JPEG, WebP) of one
// directory, with the way up. It only picks a path; what the path is for is the caller's business.
#pragma once

#include <string>
#include <vector>

namespace texforge::editor {

struct FileBrowserEntry {
  std::string name;  // as the file system spells it: any bytes but '/' (never used as ImGui format or id)
  bool folder = false;
};

// View state only. UI thread.
class FileBrowser {
 public:
  // Shows dir (made absolute). A directory that cannot be listed shows no entries and says why in
  // message(); the browser stays open so the user can go up or back to home_dir.
  void open(const std::string& dir, const std::string& home_dir);
  void close() { open_ = false; }
  bool isOpen() const { return open_; }
  const std::string& directory() const { return dir_; }
  const std::vector<FileBrowserEntry>& entries() const { return entries_; }  // folders first, by name
  const std::string& message() const { return message_; }  // why the listing is empty or cut short
  bool up();                                               // to the parent; false at the root
  bool enter(const std::string& folder_name);              // into one of entries()' folders; false for others
  std::string pathOf(const std::string& name) const;       // directory() joined with name
  void refresh();                                          // lists directory() again

  // Draws the browser into the current window, its list rows tall. Returns the path of the image
  // picked in this frame (double-click, or Use with one selected), else an empty string.
  // Double-clicking a folder enters it.
  std::string draw(int rows);

 private:
  bool open_ = false;
  std::string dir_;
  std::string home_;
  std::vector<FileBrowserEntry> entries_;
  std::string message_;
  int selected_ = -1;  // index in entries_
};

// True for the names the browser lists as images (.png, .jpg, .jpeg, .webp, any case).
bool hasImageExtension(const std::string& name);

}  // namespace texforge::editor
