// writeScreenshot: glReadPixels of the back buffer, flipped to top-down rows, encoded with the
// core's encodePng and written atomically; writeLayout: the widget rects as a small JSON file.
#include "screenshot.h"

#include <GL/gl.h>

#include <cstdio>
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

namespace {

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string point(float x, float y) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "[%.1f, %.1f]", x, y);
  return buf;
}

}  // namespace

Status writeLayout(const std::string& path, const std::map<std::string, editor::WidgetRect>& widgets,
                   float display_width, float display_height, int framebuffer_width, int framebuffer_height,
                   float ui_scale, const std::map<std::string, std::string>& texts) {
  std::string json = "{\n  \"display\": " + point(display_width, display_height) + ",\n  \"framebuffer\": [" +
                     std::to_string(framebuffer_width) + ", " + std::to_string(framebuffer_height) +
                     "],\n  \"ui_scale\": " + std::to_string(ui_scale) + ",\n  \"widgets\": {";
  const char* separator = "\n";
  for (const auto& [name, r] : widgets) {
    json += separator;
    json += "    " + quoted(name) + ": {\"min\": " + point(r.min_x, r.min_y) +
            ", \"max\": " + point(r.max_x, r.max_y) +
            ", \"visible_min\": " + point(r.visible_min_x, r.visible_min_y) +
            ", \"visible_max\": " + point(r.visible_max_x, r.visible_max_y) + "}";
    separator = ",\n";
  }
  json += "\n  },\n  \"texts\": {";
  separator = "\n";
  for (const auto& [name, text] : texts) {
    json += separator + ("    " + quoted(name) + ": " + quoted(text));
    separator = ",\n";
  }
  json += "\n  }\n}\n";
  return writeFileAtomic(path, json.data(), json.size(), false);
}

}  // namespace texforge::viewer
