// Command-line options of texforge-viewer: the project to open, demo mode, and the scripted flags
// used for captures and the end-to-end test.
#pragma once

#include <string>

namespace texforge::viewer {

struct ViewerArgs {
  std::string project_dir;      // empty: ./texforge-demo-project
  bool demo = false;            // force the in-process emulator even with credentials
  std::string prompt;           // prefills the form
  std::string preset;           // applies a preset by name
  int outputs = 0;              // 0: leave the form's value
  std::string reference;        // adds a reference image (file path or asset id)
  std::string tab;              // generate, history or settings: the tab shown first
  bool generate = false;        // press Generate once the panel is ready
  bool import_all = false;      // import every result once the job has finished
  std::string screenshot;       // write a PNG of the window once everything has settled
  bool quit_when_idle = false;  // exit when the scripted steps are done and nothing runs
  int width = 1440;
  int height = 900;
  int job_duration_ms = 4000;  // emulator job length in demo mode
  double timeout_s = 120.0;    // scripted runs give up (exit 3) after this long
  // --- UI scale and layout checks (issue 10) ---
  float ui_scale = 0;  // --ui-scale S: force this scale; 0 follows the monitor's content scale
  std::string layout;  // --layout FILE.json: with the screenshot, where the named widgets landed
  bool mask = false;   // --mask: open the mask painter over the first reference
  // --- end UI scale and layout checks ---
  // --- idle check (issue 10) ---
  // --idle-frames S: once the scripted steps are done and nothing is timed, count the frames drawn
  // in the next S seconds and print "idle: N frames in S s"; 0: no check
  double idle_frames_s = 0;
  // --- end idle check ---
  // --- game-ready assets (issue 11) ---
  bool seamless = false;      // --seamless: the form's Seamless option
  std::string background;     // --background auto|opaque|transparent
  std::string alpha;          // --alpha model|matte (with a transparent background)
  std::string size_wh;        // --image-size WxH: the form's size
  bool repair_seams = false;  // --repair-seams: once the job is ready, repair its first result's seams
  std::string preview;        // --preview tile|checker: select the first result, tiled 3x3 or on the checker
  std::string show = "repaired";  // --show original|repaired: which the preview shows once repaired
  bool visible_seams = false;     // --visible-seams: the demo emulator's textures do not tile
  // --- end game-ready assets ---
  bool help = false;
};

// Parses argv; returns false with a message in error for unknown or incomplete options.
bool parseViewerArgs(int argc, char** argv, ViewerArgs& out, std::string& error);
const char* viewerUsage();

}  // namespace texforge::viewer
