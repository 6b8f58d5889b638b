// EngineScript: the steps of a scripted run, each leaving a line on stdout.
#include "engine_script.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "texforge/project_files.h"

namespace texforge::custom_engine {

EngineScript::EngineScript(const EngineArgs& args) : args_(args) {
  scripted_ = !args.prompt.empty();
  if (!scripted_) step_ = Step::kDone;
}

const char* EngineScript::stepName() const {
  switch (step_) {
    case Step::kWaitPrice: return "waiting for the price";
    case Step::kGenerate: return "generating";
    case Step::kWaitAssets: return "waiting for the imports in the scene";
    case Step::kEdit: return "editing an asset";
    case Step::kWaitReload: return "waiting for the hot reload";
    case Step::kSettle: return "letting the textures settle";
    case Step::kCapture: return "capturing";
    case Step::kDone: return "done";
  }
  return "?";
}

void EngineScript::next(Step step) {
  step_ = step;
  quiet_frames_ = 0;
}

void EngineScript::fail(const std::string& message) {
  std::fprintf(stderr, "texforge-custom-engine: %s\n", message.c_str());
  exit_code_ = 1;
  next(Step::kDone);
}

void EngineScript::step(editor::Panel& panel, Generator& generator, const Scene& scene,
                        const AssetRegistry& registry, bool gpu_busy) {
  switch (step_) {
    case Step::kWaitPrice:
      // The form is quoted once it stops changing; an unknown price also lets Generate go (and ask).
      if (panel.currentQuote() || !panel.quoteError().empty()) next(Step::kGenerate);
      break;
    case Step::kGenerate: {
      editor::GenerateOutcome outcome = panel.pressGenerate();
      if (outcome == editor::GenerateOutcome::kNeedsConfirmation) {
        std::printf("script: confirming: %s\n", panel.confirmationMessage().c_str());
        outcome = panel.confirmGenerate(true);
      }
      if (outcome != editor::GenerateOutcome::kSubmitted || panel.sessionJobIds().empty()) {
        fail("Generate was refused: " + panel.statusMessage());
        break;
      }
      local_id_ = panel.sessionJobIds().front();
      std::printf("script: submitted %s (%d outputs, usage %s)\n", local_id_.c_str(), args_.outputs,
                  args_.usage.c_str());
      next(Step::kWaitAssets);
      break;
    }
    case Step::kWaitAssets: {
      auto job = generator.job(local_id_);
      if (job && (job->state == JobState::kFailed || job->state == JobState::kStopped ||
                  job->state == JobState::kUnknown)) {
        fail(std::string("the job ended ") + jobStateName(job->state) +
             (job->error ? ": " + editor::describeError(*job->error) : std::string()));
        break;
      }
      const size_t expected = static_cast<size_t>(args_.outputs);
      if (registry.size() >= expected && scene.shownCount() >= expected && scene.settled()) {
        std::printf("script: %zu assets imported and shown in the scene\n", scene.shownCount());
        panel.selectOutput(local_id_, 0);  // the panel's large preview: one more of the uploader's textures
        next(args_.simulate_edit ? Step::kEdit : Step::kSettle);
      }
      break;
    }
    case Step::kEdit: {
      const std::vector<AssetRecord> assets = registry.list();
      Status edited = paintFrameOver(panel.projectDir(), assets.front().path);
      if (!edited) {
        fail("could not edit " + assets.front().path + ": " + edited.error().message);
        break;
      }
      std::printf("script: edited %s on disk (a magenta frame, saved over the file)\n",
                  assets.front().path.c_str());
      next(Step::kWaitReload);
      break;
    }
    case Step::kWaitReload:
      if (scene.stats().hot_reloads >= 1 && scene.settled()) next(Step::kSettle);
      break;
    case Step::kSettle:
      // A few frames in a row with nothing loading, uploading or in flight, then the capture.
      quiet_frames_ = (!panel.textures().busy() && !gpu_busy && generator.idle()) ? quiet_frames_ + 1 : 0;
      if (quiet_frames_ >= 3) next(args_.screenshot.empty() ? Step::kDone : Step::kCapture);
      break;
    case Step::kCapture:
    case Step::kDone: break;
  }
  std::fflush(stdout);
}

void EngineScript::captured(Result<DecodedImage> frame) {
  if (!frame) return fail("capture failed: " + frame.error().message);
  auto png = encodePng(*frame);
  if (!png) return fail("encoding the screenshot failed: " + png.error().message);
  Status written = writeFileAtomic(args_.screenshot, png->data(), png->size(), false);
  if (!written) return fail("writing " + args_.screenshot + " failed: " + written.error().message);
  std::printf("script: screenshot %dx%d written to %s\n", frame->width, frame->height,
              args_.screenshot.c_str());
  next(Step::kDone);
}

Status paintFrameOver(const std::string& project_dir, const std::string& path) {
  auto full = safeProjectPath(project_dir, path);
  if (!full) return full.error();
  auto bytes = readFile(*full);
  if (!bytes) return bytes.error();
  auto image = decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  if (!image) return image.error();
  const int border = std::max(2, std::min(image->width, image->height) / 10);
  const uint8_t magenta[4] = {255, 0, 255, 255};
  for (int y = 0; y < image->height; ++y) {
    for (int x = 0; x < image->width; ++x) {
      const bool edge = x < border || y < border || x >= image->width - border || y >= image->height - border;
      if (edge) std::memcpy(&image->rgba[(static_cast<size_t>(y) * image->width + x) * 4], magenta, 4);
    }
  }
  auto png = encodePng(*image);
  if (!png) return png.error();
  return writeFileAtomic(*full, png->data(), png->size(), false);
}

}  // namespace texforge::custom_engine
