// MaskCanvas: stamps soft round brushes along strokes, keeps whole-mask snapshots for undo (a mask
// is at most a few MB and artists undo rarely), and exports the API's alpha mask.
#include "texforge/editor/mask_canvas.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "texforge/project_files.h"

namespace texforge::editor {
namespace {
constexpr size_t kMaxUndo = 24;
}

void MaskCanvas::reset(int width, int height) {
  width_ = std::max(0, width);
  height_ = std::max(0, height);
  paint_.assign(static_cast<size_t>(width_) * height_, 0);
  undo_.clear();
  redo_.clear();
  in_stroke_ = false;
  ++revision_;
}

bool MaskCanvas::hasPaint() const {
  return std::any_of(paint_.begin(), paint_.end(), [](uint8_t v) { return v != 0; });
}

void MaskCanvas::pushUndo() {
  undo_.push_back(paint_);
  if (undo_.size() > kMaxUndo) undo_.erase(undo_.begin());
  redo_.clear();
}

void MaskCanvas::beginStroke() {
  if (empty()) return;
  pushUndo();
  in_stroke_ = true;
  has_last_ = false;
}

void MaskCanvas::stamp(float cx, float cy, float radius, float softness, bool erase) {
  radius = std::max(radius, 0.5f);
  softness = std::clamp(softness, 0.0f, 1.0f);
  const float hard = radius * (1.0f - softness);  // fully painted inside this radius
  const int x0 = std::max(0, static_cast<int>(std::floor(cx - radius)));
  const int x1 = std::min(width_ - 1, static_cast<int>(std::ceil(cx + radius)));
  const int y0 = std::max(0, static_cast<int>(std::floor(cy - radius)));
  const int y1 = std::min(height_ - 1, static_cast<int>(std::ceil(cy + radius)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      const float d = std::hypot(x + 0.5f - cx, y + 0.5f - cy);
      if (d > radius) continue;
      float strength = d <= hard ? 1.0f : 1.0f - (d - hard) / std::max(radius - hard, 1e-3f);
      const uint8_t amount = static_cast<uint8_t>(std::lround(strength * 255.0f));
      uint8_t& px = paint_[static_cast<size_t>(y) * width_ + x];
      // Max/min blending: repeated stamps along a stroke do not build up.
      px = erase ? std::min<uint8_t>(px, static_cast<uint8_t>(255 - amount)) : std::max(px, amount);
    }
  }
}

void MaskCanvas::strokeTo(float x, float y, float radius, float softness, bool erase) {
  if (empty()) return;
  if (!in_stroke_) beginStroke();
  if (!has_last_) {
    stamp(x, y, radius, softness, erase);
  } else {
    const float dist = std::hypot(x - last_x_, y - last_y_);
    const float spacing = std::max(1.0f, radius * 0.25f);
    const int steps = std::max(1, static_cast<int>(std::ceil(dist / spacing)));
    for (int i = 1; i <= steps; ++i) {
      const float t = static_cast<float>(i) / steps;
      stamp(last_x_ + (x - last_x_) * t, last_y_ + (y - last_y_) * t, radius, softness, erase);
    }
  }
  last_x_ = x;
  last_y_ = y;
  has_last_ = true;
  ++revision_;
}

void MaskCanvas::endStroke() {
  in_stroke_ = false;
  has_last_ = false;
}

void MaskCanvas::clear() {
  if (empty()) return;
  pushUndo();
  std::fill(paint_.begin(), paint_.end(), 0);
  ++revision_;
}

void MaskCanvas::invert() {
  if (empty()) return;
  pushUndo();
  for (auto& v : paint_) v = static_cast<uint8_t>(255 - v);
  ++revision_;
}

Status MaskCanvas::loadFromImage(const DecodedImage& image) {
  if (empty()) return makeError(ErrorCode::kInvalidArgument, "Add a reference image before loading a mask.");
  if (image.width <= 0 || image.height <= 0)
    return makeError(ErrorCode::kInvalidArgument, "The mask image is empty.");
  pushUndo();
  for (int y = 0; y < height_; ++y) {
    const int sy = static_cast<int>(static_cast<int64_t>(y) * image.height / height_);
    for (int x = 0; x < width_; ++x) {
      const int sx = static_cast<int>(static_cast<int64_t>(x) * image.width / width_);
      const uint8_t alpha = image.rgba[(static_cast<size_t>(sy) * image.width + sx) * 4 + 3];
      paint_[static_cast<size_t>(y) * width_ + x] = static_cast<uint8_t>(255 - alpha);
    }
  }
  ++revision_;
  return Ok{};
}

void MaskCanvas::undo() {
  if (undo_.empty()) return;
  redo_.push_back(std::move(paint_));
  paint_ = std::move(undo_.back());
  undo_.pop_back();
  ++revision_;
}

void MaskCanvas::redo() {
  if (redo_.empty()) return;
  undo_.push_back(std::move(paint_));
  paint_ = std::move(redo_.back());
  redo_.pop_back();
  ++revision_;
}

DecodedImage MaskCanvas::toMaskImage() const {
  DecodedImage out;
  out.width = width_;
  out.height = height_;
  out.source_format = ImageFormat::kPng;
  out.has_alpha = true;
  out.rgba.resize(paint_.size() * 4);
  for (size_t i = 0; i < paint_.size(); ++i) {
    out.rgba[i * 4 + 0] = 0;
    out.rgba[i * 4 + 1] = 0;
    out.rgba[i * 4 + 2] = 0;
    out.rgba[i * 4 + 3] = static_cast<uint8_t>(255 - paint_[i]);
  }
  return out;
}

DecodedImage MaskCanvas::toOverlay(int max_side, float opacity) const {
  DecodedImage out;
  if (empty()) return out;
  const int longest = std::max(width_, height_);
  const int w = longest > max_side ? std::max(1, width_ * max_side / longest) : width_;
  const int h = longest > max_side ? std::max(1, height_ * max_side / longest) : height_;
  out.width = w;
  out.height = h;
  out.has_alpha = true;
  out.rgba.resize(static_cast<size_t>(w) * h * 4);
  for (int y = 0; y < h; ++y) {
    const int sy = static_cast<int>(static_cast<int64_t>(y) * height_ / h);
    for (int x = 0; x < w; ++x) {
      const int sx = static_cast<int>(static_cast<int64_t>(x) * width_ / w);
      uint8_t* px = out.rgba.data() + (static_cast<size_t>(y) * w + x) * 4;
      px[0] = 255;
      px[1] = 60;
      px[2] = 90;
      px[3] = static_cast<uint8_t>(at(sx, sy) * opacity);
    }
  }
  return out;
}

Result<std::string> saveMaskPng(const MaskCanvas& canvas, const std::string& project_dir) {
  if (canvas.empty()) return makeError(ErrorCode::kInvalidArgument, "There is no mask to save.");
  auto png = encodePng(canvas.toMaskImage());
  if (!png) return png.error();
  const auto stamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  const std::string relative = ".texforge/masks/mask-" + std::to_string(stamp) + ".png";
  auto path = safeProjectPath(project_dir, relative);
  if (!path) return path.error();
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(*path).parent_path(), ec);
  if (ec) return makeError(ErrorCode::kIo, "Cannot create the masks folder: " + ec.message());
  Status written = writeFileAtomic(*path, png->data(), png->size(), false);
  if (!written) return written.error();
  return *path;
}

}  // namespace texforge::editor
