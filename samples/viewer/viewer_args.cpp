// Parsing of texforge-viewer's command line (plain argv walking; no option library needed).
// Every option has a default that opens the demo project.
#include "viewer_args.h"

#include <cstdio>
#include <cstdlib>

namespace texforge::viewer {

const char* viewerUsage() {
  return "usage: texforge-viewer [--project DIR] [--demo] [--prompt TEXT] [--preset NAME] [--outputs N]\n"
         "                       [--reference PATH] [--tab generate|history|settings]\n"
         "                       [--generate] [--import-all] [--screenshot FILE.png] [--quit-when-idle]\n"
         "                       [--size WxH] [--job-ms MS] [--timeout S]\n"
         "                       [--ui-scale S] [--mask] [--layout FILE.json]\n"
         "                       [--idle-frames S]\n"
         "                       [--seamless] [--background B] [--alpha model|matte] [--image-size WxH]\n"
         "                       [--repair-seams] [--preview tile|checker] [--show original|repaired]\n"
         "                       [--visible-seams]\n"
         "Without credentials (SCENARIO_API_KEY/SECRET or Settings) or with --demo it runs on the built-in\n"
         "emulator: nothing is paid.\n";
}

bool parseViewerArgs(int argc, char** argv, ViewerArgs& out, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](std::string& target) {
      if (i + 1 >= argc) {
        error = arg + " needs a value";
        return false;
      }
      target = argv[++i];
      return true;
    };
    std::string text;
    if (arg == "--project") {
      if (!value(out.project_dir)) return false;
    } else if (arg == "--demo") {
      out.demo = true;
    } else if (arg == "--prompt") {
      if (!value(out.prompt)) return false;
    } else if (arg == "--preset") {
      if (!value(out.preset)) return false;
    } else if (arg == "--outputs") {
      if (!value(text)) return false;
      out.outputs = std::atoi(text.c_str());
    } else if (arg == "--reference") {
      if (!value(out.reference)) return false;
    } else if (arg == "--tab") {
      if (!value(out.tab)) return false;
    } else if (arg == "--generate") {
      out.generate = true;
    } else if (arg == "--import-all") {
      out.import_all = true;
    } else if (arg == "--screenshot") {
      if (!value(out.screenshot)) return false;
    } else if (arg == "--quit-when-idle") {
      out.quit_when_idle = true;
    } else if (arg == "--size") {
      if (!value(text)) return false;
      if (std::sscanf(text.c_str(), "%dx%d", &out.width, &out.height) != 2) {
        error = "--size wants WxH";
        return false;
      }
    } else if (arg == "--job-ms") {
      if (!value(text)) return false;
      out.job_duration_ms = std::atoi(text.c_str());
    } else if (arg == "--timeout") {
      if (!value(text)) return false;
      out.timeout_s = std::atof(text.c_str());
      // --- UI scale and layout checks (issue 10) ---
    } else if (arg == "--ui-scale") {
      if (!value(text)) return false;
      out.ui_scale = static_cast<float>(std::atof(text.c_str()));
      if (out.ui_scale < 0.5f || out.ui_scale > 4.0f) {
        error = "--ui-scale wants a scale from 0.5 to 4";
        return false;
      }
    } else if (arg == "--layout") {
      if (!value(out.layout)) return false;
    } else if (arg == "--mask") {
      out.mask = true;
      // --- end UI scale and layout checks ---
      // --- idle check ---
    } else if (arg == "--idle-frames") {
      if (!value(text)) return false;
      out.idle_frames_s = std::atof(text.c_str());
      if (out.idle_frames_s <= 0) {
        error = "--idle-frames wants a number of seconds";
        return false;
      }
      // --- end idle check ---
      // --- game-ready assets ---
    } else if (arg == "--seamless") {
      out.seamless = true;
    } else if (arg == "--background") {
      if (!value(out.background)) return false;
    } else if (arg == "--alpha") {
      if (!value(out.alpha)) return false;
    } else if (arg == "--image-size") {
      if (!value(out.size_wh)) return false;
    } else if (arg == "--repair-seams") {
      out.repair_seams = true;
    } else if (arg == "--preview") {
      if (!value(out.preview)) return false;
      if (out.preview != "tile" && out.preview != "checker") {
        error = "--preview wants tile or checker";
        return false;
      }
    } else if (arg == "--show") {
      if (!value(out.show)) return false;
      if (out.show != "original" && out.show != "repaired") {
        error = "--show wants original or repaired";
        return false;
      }
    } else if (arg == "--visible-seams") {
      out.visible_seams = true;
      // --- end game-ready assets ---
    } else if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else {
      error = "unknown option " + arg;
      return false;
    }
  }
  return true;
}

}  // namespace texforge::viewer
