// What the panel tests share: panel options that ask for quotes at once and never ask to confirm,
// and a Panel on a headless ImGui context drawn until a condition holds, for any Generator.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "headless_imgui.h"
#include "test_support.h"
#include "texforge/editor/panel.h"
#include "texforge/generator.h"
#include "texforge/texture_uploader.h"

namespace texforge::editor {

inline void PrintTo(GenerateOutcome outcome, std::ostream* out) {  // gtest names it in failures
  const char* names[] = {"kSubmitted", "kInvalid", "kNeedsConfirmation", "kBusy", "kFailed"};
  *out << names[static_cast<int>(outcome)];
}

}  // namespace texforge::editor

namespace texforge::test {

inline editor::PanelOptions panelOptions(Generator& generator, TextureUploader& uploader,
                                         const std::string& project_dir) {
  editor::PanelOptions options;
  options.generator = &generator;
  options.uploader = &uploader;
  options.project_dir = project_dir;
  options.quote_debounce_s = 0.0;
  options.settings.spending_threshold = 0.0;  // never ask unless a test sets it
  return options;
}

// A width x height PNG-sourced image whose every byte is value.
inline DecodedImage solidImage(int width, int height, uint8_t value) {
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.source_format = ImageFormat::kPng;
  image.rgba.assign(static_cast<size_t>(width) * height * 4, value);
  return image;
}

// A panel drawn on the null uploader, or on the host's uploader with the host's options (their
// uploader is set to it). The Generator must outlive it.
struct PanelHarness {
  PanelHarness(Generator& engine, const std::string& project_dir)
      : generator(&engine),
        panel(std::make_unique<editor::Panel>(panelOptions(engine, *uploader, project_dir))) {}
  PanelHarness(Generator& engine, std::unique_ptr<TextureUploader> host_uploader,
               editor::PanelOptions options)
      : generator(&engine), uploader(std::move(host_uploader)) {
    options.uploader = uploader.get();
    panel = std::make_unique<editor::Panel>(std::move(options));
  }

  void frame() { imgui.frame(*panel); }
  // Draws frames until the form has a price or its quote failed: without one, Generate asks first.
  bool frameUntilPriced() {
    return frameUntil([&] { return panel->currentQuote().has_value() || !panel->quoteError().empty(); });
  }
  // Draws frames until done(); between frames that did not get there, blocks on the Generator's
  // mailbox (no sleeps), so a frame runs as soon as there is something to deliver.
  bool frameUntil(const std::function<bool()>& done) {
    return waitUntil(done, [&] {
      frame();
      if (!done()) generator->waitForActivity(0.1);
    });
  }

  Generator* generator;
  HeadlessImGui imgui;
  std::unique_ptr<TextureUploader> uploader = makeNullTextureUploader();
  std::unique_ptr<editor::Panel> panel;
};

}  // namespace texforge::test
