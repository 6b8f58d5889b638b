// The scripted run of texforge-custom-engine: waits for the price, presses Generate in the panel,
// waits until every output is imported and shown in the scene, optionally rewrites one imported
// file (as a paint tool saving over it would) and waits for the hot reload, lets the panel's
// textures settle, captures a frame, and ends. Every wait is a condition checked once per frame.
#pragma once

#include <string>

#include "asset_registry.h"
#include "engine_args.h"
#include "scene.h"
#include "texforge/editor/panel.h"
#include "texforge/generator.h"
#include "texforge/image.h"

namespace texforge::custom_engine {

class EngineScript {
 public:
  explicit EngineScript(const EngineArgs& args);

  // Once per frame on the render thread, after the scene's update. gpu_busy: textures still
  // uploading (created, not ready yet).
  void step(editor::Panel& panel, Generator& generator, const Scene& scene, const AssetRegistry& registry,
            bool gpu_busy);
  bool wantsCapture() const { return step_ == Step::kCapture; }  // capture the frame recorded now
  void captured(Result<DecodedImage> frame);                     // writes the screenshot
  void fail(const std::string& message);
  bool finished() const { return step_ == Step::kDone; }
  bool scripted() const { return scripted_; }
  int exitCode() const { return exit_code_; }
  const char* stepName() const;

 private:
  enum class Step { kWaitPrice, kGenerate, kWaitAssets, kEdit, kWaitReload, kSettle, kCapture, kDone };
  void next(Step step);

  const EngineArgs& args_;
  bool scripted_ = false;
  Step step_ = Step::kWaitPrice;
  std::string local_id_;
  int quiet_frames_ = 0;
  int exit_code_ = 0;
};

// Rewrites the image at project_dir/path with a magenta frame painted round it, through a temporary
// file and a rename, as a paint tool saves. Errors: kNotFound, kIo, kDecode.
Status paintFrameOver(const std::string& project_dir, const std::string& path);

}  // namespace texforge::custom_engine
