// The mask being painted over the first reference: brush and eraser strokes with size and
// softness, undo/redo, clear, invert, load from file; produces the PNG-with-alpha the API expects.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "texforge/editor/export.h"
#include "texforge/error.h"
#include "texforge/image.h"

namespace texforge::editor {

// Painted = area the model may change. In the exported PNG painted pixels are transparent (the API
// reads only alpha: transparent = edit) and everything else is opaque. Pure data; any one thread.
class TEXFORGE_EDITOR_API MaskCanvas {
 public:
  void reset(int width, int height);  // a fresh, empty mask; clears undo history
  int width() const { return width_; }
  int height() const { return height_; }
  bool empty() const { return width_ == 0; }
  bool hasPaint() const;

  // A stroke is one undo step. Positions are in mask pixels.
  void beginStroke();
  void strokeTo(float x, float y, float radius, float softness, bool erase);  // line from the last point
  void endStroke();

  void clear();   // undoable
  void invert();  // undoable
  // Takes the alpha of image (transparent = painted), resized to the canvas. Undoable.
  Status loadFromImage(const DecodedImage& image);

  bool canUndo() const { return !undo_.empty(); }
  bool canRedo() const { return !redo_.empty(); }
  void undo();
  void redo();

  uint8_t at(int x, int y) const { return paint_[static_cast<size_t>(y) * width_ + x]; }  // 0..255 painted
  uint64_t revision() const { return revision_; }  // changes whenever pixels change

  DecodedImage toMaskImage() const;  // RGBA, alpha = 255 - painted
  // A red overlay (alpha = painted * opacity) downscaled to at most max_side, for display.
  DecodedImage toOverlay(int max_side, float opacity) const;

 private:
  void pushUndo();
  void stamp(float cx, float cy, float radius, float softness, bool erase);
  int width_ = 0;
  int height_ = 0;
  std::vector<uint8_t> paint_;
  std::vector<std::vector<uint8_t>> undo_;
  std::vector<std::vector<uint8_t>> redo_;
  bool in_stroke_ = false;
  bool has_last_ = false;
  float last_x_ = 0, last_y_ = 0;
  uint64_t revision_ = 0;
};

// Writes the mask as <project>/.texforge/masks/mask-<timestamp>.png; returns the absolute-or-project
// path to pass as ImageInput::local_path.
TEXFORGE_EDITOR_API Result<std::string> saveMaskPng(const MaskCanvas& canvas, const std::string& project_dir);

}  // namespace texforge::editor
