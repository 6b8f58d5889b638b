// The viewer's connection to generation: a Generator on the project, talking to Scenario when
// credentials exist, else to the in-process emulator (demo mode). Rebuilt when settings change.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "texforge/editor/panel.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

namespace texforge::viewer {

struct SessionConfig {
  std::string project_dir;
  bool force_demo = false;
  int job_duration_ms = 4000;
  editor::PanelSettings settings;
  std::function<void()> wake;  // glfwPostEmptyEvent
  bool visible_seams = false;  // the demo emulator's textures do not tile (for seam repair captures)
};

// The port the demo emulator asks for first: the same for a project every time, so the jobs of an
// earlier demo session are on this session's endpoint (not read-only as another endpoint's). Another
// program on that port makes the emulator take any free one.
int demoPort(const std::string& project_dir);

class EngineSession {
 public:
  // Opens a Generator. Falls back to demo mode when there are no credentials, or when the
  // settings are refused (then problem() says why); the emulator, once started, is kept for the
  // life of the session so journaled demo jobs can resume. Fails only when demo mode fails too.
  Status open(const SessionConfig& config);
  const std::optional<Error>& problem() const { return problem_; }  // from open(): the refused settings
  Generator* generator() const { return generator_.get(); }
  bool demo() const { return demo_; }
  const std::string& banner() const { return banner_; }  // why demo mode, or empty

  // Replaces the Generator after a settings change (the old one stops first: one per journal).
  // On failure it falls back to demo mode and returns the error to show.
  Status reopen(const SessionConfig& config, editor::Panel& panel);

 private:
  Result<std::unique_ptr<Generator>> build(const SessionConfig& config);
  std::unique_ptr<emulator::Emulator> emulator_;
  std::unique_ptr<Generator> generator_;
  bool demo_ = false;
  std::string banner_;
  std::optional<Error> problem_;
};

}  // namespace texforge::viewer
