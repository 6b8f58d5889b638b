// writeScreenshot: glReadPixels of the back buffer, flipped to top-down rows, encoded with the
// core's encodePng and written atomically.
#include "screenshot.h"

#include <GL/gl.h>

#include <cstring>

#include "texforge/image.h"
#include "texforge/project_files.h"

namespace texforge::viewer {

Status writeScreenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) return makeError(ErrorCode::kInvalidArgument, "empty framebuffer");
  DecodedImage image;
  image.width = width;
  image.height = height;
  image.rgba.resize(static_cast<size_t>(width) * height * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, image.rgba.data());
  const size_t row = static_cast<size_t>(width) * 4;
  std::vector<uint8_t> tmp(row);
  for (int y = 0; y < height / 2; ++y) {
    uint8_t* a = image.rgba.data() + row * y;
    uint8_t* b = image.rgba.data() + row * (height - 1 - y);
    std::memcpy(tmp.data(), a, row);
    std::memcpy(a, b, row);
    std::memcpy(b, tmp.data(), row);
  }
  for (size_t i = 3; i < image.rgba.size(); i += 4) image.rgba[i] = 255;  // the window is opaque
  auto png = encodePng(image);
  if (!png) return png.error();
  return writeFileAtomic(path, png->data(), png->size(), false);
}

}  // namespace texforge::viewer
