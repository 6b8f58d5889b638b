// Parsing of texforge-custom-engine's command line (plain argv walking, as the viewer does).
#include "engine_args.h"

#include <cstdio>
#include <cstdlib>

namespace texforge::custom_engine {

const char* engineUsage() {
  return "usage: texforge-custom-engine [--project DIR] [--demo] [--prompt TEXT] [--outputs N] [--usage "
         "USAGE]\n"
         "                              [--job-ms MS] [--size WxH] [--frames-max N] [--timeout S]\n"
         "                              [--screenshot FILE.png] [--simulate-edit] [--validate] [--device "
         "NAME]\n"
         "A headless Vulkan engine hosting the texforge panel. With --prompt it generates, auto-imports "
         "into\n"
         "its asset registry, shows the imports in its scene, and (--simulate-edit) rewrites one imported\n"
         "file so its file watcher hot-reloads it; then it writes the screenshot, prints its registry and a\n"
         "summary, and exits. Without credentials, or with --demo, the built-in emulator makes the images.\n"
         "Exit status: 0 done, 1 failed, 64 bad command line, 69 no Vulkan device.\n";
}

bool parseEngineArgs(int argc, char** argv, EngineArgs& out, std::string& error) {
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
    auto number = [&](int& target, int min) {
      std::string text;
      if (!value(text)) return false;
      char* end = nullptr;
      const long parsed = std::strtol(text.c_str(), &end, 10);
      if (end == text.c_str() || *end != '\0' || parsed < min || parsed > 1000000000L) {
        error = arg + " wants a whole number of at least " + std::to_string(min);
        return false;
      }
      target = static_cast<int>(parsed);
      return true;
    };
    std::string text;
    if (arg == "--project") {
      if (!value(out.project_dir)) return false;
    } else if (arg == "--demo") {
      out.demo = true;
    } else if (arg == "--prompt") {
      if (!value(out.prompt)) return false;
    } else if (arg == "--outputs") {
      if (!number(out.outputs, 1)) return false;
    } else if (arg == "--usage") {
      if (!value(out.usage)) return false;
    } else if (arg == "--job-ms") {
      if (!number(out.job_duration_ms, 0)) return false;
    } else if (arg == "--size") {
      if (!value(text)) return false;
      if (std::sscanf(text.c_str(), "%dx%d", &out.width, &out.height) != 2 || out.width < 320 ||
          out.height < 240 || out.width > 8192 || out.height > 8192) {
        error = "--size wants WxH, from 320x240 to 8192x8192";
        return false;
      }
    } else if (arg == "--frames-max") {
      if (!number(out.frames_max, 1)) return false;
    } else if (arg == "--timeout") {
      if (!value(text)) return false;
      out.timeout_s = std::atof(text.c_str());
      if (out.timeout_s <= 0) {
        error = "--timeout wants seconds above 0";
        return false;
      }
    } else if (arg == "--screenshot") {
      if (!value(out.screenshot)) return false;
    } else if (arg == "--simulate-edit") {
      out.simulate_edit = true;
    } else if (arg == "--validate") {
      out.validate = true;
    } else if (arg == "--device") {
      if (!value(out.device)) return false;
    } else if (arg == "--help" || arg == "-h") {
      out.help = true;
    } else {
      error = "unknown option " + arg;
      return false;
    }
  }
  return true;
}

}  // namespace texforge::custom_engine
