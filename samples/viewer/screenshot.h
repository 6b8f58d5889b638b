// Reads the window's framebuffer back and writes it as a PNG (scripted captures and the e2e test).
// Call on the GL thread after rendering and before swapping buffers.
#pragma once

#include <string>

#include "texforge/error.h"

namespace texforge::viewer {

Status writeScreenshot(const std::string& path, int framebuffer_width, int framebuffer_height);

}  // namespace texforge::viewer
