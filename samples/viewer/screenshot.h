// Reads the window's framebuffer back and writes it as a PNG, and where the panel's named widgets
// landed as JSON (scripted captures and the e2e test's layout checks).
#pragma once

#include <map>
#include <string>

#include "texforge/editor/panel.h"
#include "texforge/error.h"

namespace texforge::viewer {

// Call on the GL thread after rendering and before swapping buffers.
Status writeScreenshot(const std::string& path, int framebuffer_width, int framebuffer_height);

// Writes the panel's named widgets (Panel::layout()) as JSON: {"display": [w, h], "framebuffer":
// [w, h], "ui_scale": s, "widgets": {name: {"min", "max", "visible_min", "visible_max": [x, y]}},
// "texts": {name: text}}, the rects in display coordinates; texts are what some widgets read.
Status writeLayout(const std::string& path, const std::map<std::string, editor::WidgetRect>& widgets,
                   float display_width, float display_height, int framebuffer_width, int framebuffer_height,
                   float ui_scale, const std::map<std::string, std::string>& texts);

}  // namespace texforge::viewer
