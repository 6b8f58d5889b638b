// texforge-custom-engine's command line. Every option has a default; a prompt makes the run
// scripted (generate, import, show, optionally edit and hot-reload, capture, exit).
#pragma once

#include <string>

namespace texforge::custom_engine {

struct EngineArgs {
  std::string project_dir = "texforge-custom-engine-project";
  bool demo = false;  // the in-process emulator even when Scenario credentials exist
  std::string prompt;
  int outputs = 2;
  std::string usage = "texture";  // handed to the importer through GenerationParams::usage
  int job_duration_ms = 1500;     // the emulator's job length (demo mode)
  int width = 1280;
  int height = 800;
  int frames_max = 3000;       // give up (exit 1) after this many frames
  double timeout_s = 120.0;    // or after this long
  std::string screenshot;      // PNG of the frame once everything arrived
  bool simulate_edit = false;  // rewrite the first asset's file once shown, as a paint tool would
  bool validate = false;       // VK_LAYER_KHRONOS_validation; any error fails the run
  std::string device;          // part of the Vulkan device name to pick
  bool help = false;
};

const char* engineUsage();
// false with error set on a bad command line.
bool parseEngineArgs(int argc, char** argv, EngineArgs& out, std::string& error);

}  // namespace texforge::custom_engine
