// The scripted run behind --generate --import-all --screenshot --quit-when-idle --idle-frames: a
// small state machine advanced once per frame, plus frame-time figures printed at exit.
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
  // The steps are done, nothing runs, and the idle check (if asked) has ended.
  bool finished() const {
    return step_ == Step::kDone && idle_ && (args_.idle_frames_s <= 0 || idle_checked_);
  }
  // The loop is about to wait for an event with nothing timed: the idle check starts at the first
  // such wait once the steps are done. elapsed_s since start.
  void noteSleep(double elapsed_s);
  // How long the loop may sleep before the idle check must end; infinity when none is counting.
  double wakeIn(double elapsed_s) const;
  int exitCode() const { return exit_code_; }
  void noteFrame(double cpu_s, int uploads);
  void printFrameStats() const;

 private:
  enum class Step {
    kWaitSchema,
    kGenerate,
    kWaitJob,
    kRepair,
    kWaitRepair,
    kImport,
    kWaitImports,
    kSettle,
    kScreenshot,
    kDone
  };
  void fail(const std::string& message, int code);
  void stepIdleCheck(double elapsed_s);
  ViewerArgs args_;
  Step step_ = Step::kWaitSchema;
  std::string local_id_;
  bool preview_set_ = false;
  bool repair_asked_ = false;
  int quiet_frames_ = 0;
  bool idle_ = false;
  int exit_code_ = 0;
  std::vector<double> frame_ms_;
  std::vector<double> upload_frame_ms_;  // frames that uploaded at least one texture
  double arrival_max_ms_ = 0;            // worst frame while the job ran and results arrived
  double import_max_ms_ = 0;             // worst frame from pressing Import all to the last answer
  int imports_queued_ = 0;
  std::string last_error_;
  double idle_from_s_ = -1;  // when the idle check started; -1 before
  int idle_frames_ = 0;      // frames drawn since then
  bool idle_checked_ = false;
};

}  // namespace texforge::viewer
