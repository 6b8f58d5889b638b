// Zoom and pan of the mask painter's canvas: where the mask lies on screen, the mapping between
// screen points and mask pixels, zooming around a point and keeping part of the mask in view.
#pragma once

#include <algorithm>
#include <cmath>

#include <imgui.h>

namespace texforge::editor {

// Mask pixel (x, y) covers [x, x + 1) x [y, y + 1); its top-left lands on screen at
// canvas_min + offset + (x, y) * zoom. Offsets are in screen pixels from the canvas's top-left.
struct MaskView {
  float zoom = 1.0f;  // screen pixels per mask pixel: 1 is 1:1, 4 is 400%
  float offset_x = 0, offset_y = 0;
  bool fit = true;  // follows the canvas's size (Fit) until the artist zooms or pans
};

constexpr float kMaskMaxZoom = 32.0f;
constexpr float kMaskKeepVisible = 48.0f;  // screen pixels of the mask that panning cannot push out

// The zoom that shows the whole mask in a canvas of the given size; 0 when it has no room.
inline float maskFitZoom(int width, int height, const ImVec2& canvas) {
  if (width <= 0 || height <= 0 || canvas.x <= 0 || canvas.y <= 0) return 0.0f;
  return std::min(canvas.x / width, canvas.y / height);
}

// The smallest zoom allowed: half of Fit, but never more than 1:1 (a small mask can still be seen whole).
inline float maskMinZoom(int width, int height, const ImVec2& canvas) {
  const float fit = maskFitZoom(width, height, canvas);
  return fit > 0 ? std::min(fit * 0.5f, 1.0f) : 0.0f;
}

inline ImVec2 maskToScreen(const MaskView& view, const ImVec2& canvas_min, const ImVec2& pixel) {
  return ImVec2(canvas_min.x + view.offset_x + pixel.x * view.zoom,
                canvas_min.y + view.offset_y + pixel.y * view.zoom);
}

// The mask position (in pixels, fractional) under a screen point; meaningless when zoom is 0.
inline ImVec2 screenToMask(const MaskView& view, const ImVec2& canvas_min, const ImVec2& screen) {
  return ImVec2((screen.x - canvas_min.x - view.offset_x) / view.zoom,
                (screen.y - canvas_min.y - view.offset_y) / view.zoom);
}

// Shows the whole mask, centred.
inline void fitMaskView(MaskView& view, int width, int height, const ImVec2& canvas) {
  view.zoom = maskFitZoom(width, height, canvas);
  view.offset_x = (canvas.x - width * view.zoom) * 0.5f;
  view.offset_y = (canvas.y - height * view.zoom) * 0.5f;
  view.fit = true;
}

// Moves the offsets so that at least kMaskKeepVisible screen pixels of the mask (all of it when it is
// smaller) stay inside the canvas on each axis.
inline void clampMaskView(MaskView& view, int width, int height, const ImVec2& canvas) {
  auto clampAxis = [](float offset, float shown, float room) {
    const float keep = std::min({kMaskKeepVisible, shown, room});
    return std::clamp(offset, keep - shown, room - keep);
  };
  view.offset_x = clampAxis(view.offset_x, width * view.zoom, canvas.x);
  view.offset_y = clampAxis(view.offset_y, height * view.zoom, canvas.y);
}

// Sets the zoom (within the allowed range) keeping the mask point under anchor, a point in canvas
// coordinates, where it is; then clamps.
inline void zoomMaskView(MaskView& view, float zoom, const ImVec2& anchor, int width, int height,
                         const ImVec2& canvas) {
  const float lowest = maskMinZoom(width, height, canvas);
  if (lowest <= 0 || view.zoom <= 0) return;
  zoom = std::clamp(zoom, lowest, kMaskMaxZoom);
  const float px = (anchor.x - view.offset_x) / view.zoom, py = (anchor.y - view.offset_y) / view.zoom;
  view.zoom = zoom;
  view.offset_x = anchor.x - px * zoom;
  view.offset_y = anchor.y - py * zoom;
  view.fit = false;
  clampMaskView(view, width, height, canvas);
}

// The next zoom of 1/8, 1/4, ... 1, 2, 4 ... 32 above (step > 0) or below the current one.
inline float nextMaskZoomStep(float zoom, int step) {
  const float level = std::log2(std::max(zoom, 1e-6f));
  const float next = step > 0 ? std::floor(level + 1e-3f) + 1 : std::ceil(level - 1e-3f) - 1;
  return std::exp2(next);
}

}  // namespace texforge::editor
