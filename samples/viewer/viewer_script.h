// The scripted run behind --generate --import-all --screenshot --quit-when-idle: a small state
// machine advanced once per frame, plus frame-time figures printed at exit.
#pragma once

#include <string>
#include <vector>

#include "texforge/editor/panel.h"
#include "viewer_args.h"

namespace texforge::viewer {

class Script {
 public:
  explicit Script(const ViewerArgs& args);
  // Advances the steps; called every frame after the panel was drawn. elapsed_s since start.
  void step(editor::Panel& panel, Generator& generator, double elapsed_s);
  bool running() const { return step_ != Step::kDone; }
  bool wantsScreenshot() const { return step_ == Step::kScreenshot; }
  void screenshotTaken(const Status& status);
  bool finished() const { return step_ == Step::kDone && idle_; }
  int exitCode() const { return exit_code_; }
  void noteFrame(double cpu_s, int uploads);
  void printFrameStats() const;

 private:
  enum class Step { kWaitSchema, kGenerate, kWaitJob, kImport, kWaitImports, kSettle, kScreenshot, kDone };
  void fail(const std::string& message, int code);
  ViewerArgs args_;
  Step step_ = Step::kWaitSchema;
  std::string local_id_;
  int quiet_frames_ = 0;
  bool idle_ = false;
  int exit_code_ = 0;
  std::vector<double> frame_ms_;
  std::vector<double> upload_frame_ms_;  // frames that uploaded at least one texture
  double arrival_max_ms_ = 0;            // worst frame while the job ran and results arrived
  double import_max_ms_ = 0;             // worst frame from pressing Import all to the last answer
  int imports_queued_ = 0;
  std::string last_error_;
};

}  // namespace texforge::viewer
