// Script: waits for the schema and the price, presses Generate (confirming in scripted runs), waits for the
// job, queues Import all and waits for every answer, lets textures settle, asks for the screenshot, then
// reports; logs each step to stdout.
#include "viewer_script.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace texforge::viewer {

Script::Script(const ViewerArgs& args) : args_(args) {
  const bool scripted = args.generate || args.import_all || !args.screenshot.empty();
  if (!scripted) step_ = Step::kDone;
}

void Script::fail(const std::string& message, int code) {
  std::fprintf(stderr, "texforge-viewer: %s\n", message.c_str());
  exit_code_ = code;
}

void Script::step(editor::Panel& panel, Generator& generator, double elapsed_s) {
  idle_ = generator.idle() && !panel.textures().busy();
  if (step_ == Step::kDone) {
    stepIdleCheck(elapsed_s);
    return;
  }
  if (elapsed_s > args_.timeout_s) {
    fail("scripted run timed out", 3);
    step_ = Step::kDone;
    return;
  }
  switch (step_) {
    case Step::kWaitSchema: {
      // The form validates against the model's schema once it arrives; without it, built-in rules.
      // The price follows (an unknown one would ask first, and the capture shows it on the button).
      const bool priced = panel.currentQuote() || !panel.quoteError().empty();
      if ((panel.schema() && priced) || elapsed_s > 5.0)
        step_ = args_.generate ? Step::kGenerate : Step::kImport;
      break;
    }
    case Step::kGenerate: {
      editor::GenerateOutcome outcome = panel.pressGenerate();
      if (outcome == editor::GenerateOutcome::kNeedsConfirmation) {
        std::printf("scripted run: confirming: %s\n", panel.confirmationMessage().c_str());
        outcome = panel.confirmGenerate(true);
      }
      if (outcome != editor::GenerateOutcome::kSubmitted) {
        std::string fields;
        for (const auto& e : panel.fieldErrors()) fields += " [" + e.first + ": " + e.second + "]";
        fail("generate failed: " + panel.statusMessage() + fields, 2);
        step_ = Step::kSettle;
        break;
      }
      local_id_ = panel.sessionJobIds().empty() ? "" : panel.sessionJobIds().front();
      std::printf("submitted %s\n", local_id_.c_str());
      std::fflush(stdout);
      step_ = Step::kWaitJob;
      break;
    }
    case Step::kWaitJob: {
      auto job = generator.job(local_id_);
      if (!job) break;
      if (isJobActive(job->state)) break;
      std::printf("job %s: %s, %d/%zu outputs ready\n", local_id_.c_str(), jobStateName(job->state),
                  job->readyCount(), job->outputs.size());
      if (job->state != JobState::kReady && job->state != JobState::kImported) {
        fail("the job did not succeed: " + (job->error ? editor::describeError(*job->error) : std::string()),
             2);
      }
      step_ = args_.repair_seams ? Step::kRepair : Step::kImport;
      break;
    }
    case Step::kRepair:
      // "Repair seams..." on the first result: priced, then confirmed as in the panel.
      if (panel.confirmationPending()) {
        std::printf("scripted run: confirming: %s\n", panel.confirmationMessage().c_str());
        panel.confirmGenerate(true);
        step_ = Step::kWaitRepair;
      } else if (!repair_asked_) {
        repair_asked_ = true;
        if (Status asked = panel.repairSeams(local_id_, 0); !asked) {
          fail("repair failed: " + panel.statusMessage(), 2);
          step_ = Step::kSettle;
        }
      } else if (panel.statusMessage().rfind("Submitted", 0) == 0) {
        step_ = Step::kWaitRepair;  // under the threshold: sent without asking
      }
      break;
    case Step::kWaitRepair:
      if (auto repair = panel.repairOf(local_id_, 0)) {
        auto job = generator.job(repair->first);
        std::printf("repair %s ready: seam %.2f -> %.2f\n", repair->first.c_str(),
                    job ? job->outputs[repair->second].finish.seam_before : -1.0,
                    job ? job->outputs[repair->second].finish.seam : -1.0);
        step_ = Step::kImport;
      }
      break;
    case Step::kImport:
      if (!args_.import_all) {
        step_ = Step::kSettle;
        break;
      }
      imports_queued_ = panel.importAll();
      std::printf("import all: %d queued\n", imports_queued_);
      if (imports_queued_ == 0 && args_.generate) fail("nothing to import", 2);
      step_ = Step::kWaitImports;
      break;
    case Step::kWaitImports: {
      // Imports run on the core's import thread; the answers arrive in the panel's pump.
      if (panel.importsPending() > 0) break;
      int imported = 0;
      for (const std::string& id : panel.sessionJobIds()) {
        if (auto job = generator.job(id)) {
          for (const auto& out : job->outputs) imported += out.state == OutputState::kImported ? 1 : 0;
        }
      }
      std::printf("imported %d: %s\n", imported, panel.statusMessage().c_str());
      if (imported < imports_queued_) fail("not every import succeeded: " + panel.statusMessage(), 2);
      step_ = Step::kSettle;
      break;
    }
    case Step::kSettle:
      if (!args_.preview.empty() && !preview_set_ && !local_id_.empty()) {
        preview_set_ = true;
        panel.selectOutput(local_id_, 0);
        panel.setPreviewView(args_.preview == "tile", args_.preview == "checker");
        panel.showRepaired(args_.show == "repaired");
      }
      // Let the gallery decode and upload, and the asset browser rescan, before the capture.
      quiet_frames_ = panel.textures().busy() ? 0 : quiet_frames_ + 1;
      if (quiet_frames_ >= 8) step_ = args_.screenshot.empty() ? Step::kDone : Step::kScreenshot;
      break;
    case Step::kScreenshot:
    case Step::kDone: break;
  }
  std::fflush(stdout);
}

void Script::stepIdleCheck(double elapsed_s) {
  if (args_.idle_frames_s <= 0 || idle_checked_) return;
  if (idle_from_s_ < 0) {
    if (elapsed_s > args_.timeout_s) {
      fail("the viewer never went idle", 3);
      idle_checked_ = true;
    }
    return;
  }
  if (elapsed_s < idle_from_s_ + args_.idle_frames_s) {
    ++idle_frames_;  // a frame nobody asked for
    return;
  }
  idle_checked_ = true;  // this frame is the check's own wake-up, not counted
  std::printf("idle: %d frames in %.1f s\n", idle_frames_, args_.idle_frames_s);
  std::fflush(stdout);
}

void Script::noteSleep(double elapsed_s) {
  if (args_.idle_frames_s > 0 && step_ == Step::kDone && idle_ && idle_from_s_ < 0) idle_from_s_ = elapsed_s;
}

double Script::wakeIn(double elapsed_s) const {
  if (idle_from_s_ < 0 || idle_checked_) return std::numeric_limits<double>::infinity();
  return std::max(0.0, idle_from_s_ + args_.idle_frames_s - elapsed_s);
}

void Script::screenshotTaken(const Status& status) {
  if (status) {
    std::printf("screenshot written to %s\n", args_.screenshot.c_str());
  } else {
    fail("screenshot failed: " + status.error().message, 2);
  }
  step_ = Step::kDone;
  std::fflush(stdout);
}

void Script::noteFrame(double cpu_s, int uploads) {
  frame_ms_.push_back(cpu_s * 1000.0);
  if (uploads > 0) upload_frame_ms_.push_back(cpu_s * 1000.0);
  // step_ is already the next step here: kImport means the job just finished, kWaitImports
  // includes the frame that pressed Import all.
  if (step_ == Step::kWaitJob || step_ == Step::kImport)
    arrival_max_ms_ = std::max(arrival_max_ms_, cpu_s * 1000.0);
  if (step_ == Step::kWaitImports) import_max_ms_ = std::max(import_max_ms_, cpu_s * 1000.0);
}

void Script::printFrameStats() const {
  if (frame_ms_.empty() || step_ != Step::kDone) return;
  std::vector<double> sorted = frame_ms_;
  std::sort(sorted.begin(), sorted.end());
  const double p50 = sorted[sorted.size() / 2];
  const double p99 = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
  double upload_max = 0;
  for (double ms : upload_frame_ms_) upload_max = std::max(upload_max, ms);
  std::printf(
      "frames: %zu, UI cpu ms p50 %.2f p99 %.2f max %.2f; frames with uploads: %zu (max %.2f ms); "
      "worst frame while results arrived: %.2f ms; worst frame while importing: %.2f ms\n",
      sorted.size(), p50, p99, sorted.back(), upload_frame_ms_.size(), upload_max, arrival_max_ms_,
      import_max_ms_);
}

}  // namespace texforge::viewer
