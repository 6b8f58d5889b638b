// Presets for common game assets: each fills the generate form with a size, quality, background
// and a style hint appended to the prompt.
#pragma once

#include <string>
#include <vector>

#include "texforge/editor/export.h"
#include "texforge/params.h"

namespace texforge::editor {

struct TEXFORGE_EDITOR_API Preset {
  std::string name;         // "Texture", "Sprite", ...
  std::string description;  // one line for the tooltip
  std::string prompt_hint;  // appended to the prompt when it is not already there
  int width = 0;            // 0, 0: auto
  int height = 0;
  std::string quality = "auto";
  std::string background = "auto";
  int num_outputs = 1;
};

TEXFORGE_EDITOR_API const std::vector<Preset>& builtinPresets();

// Applies a preset to params (keeps the prompt text, references and mask).
TEXFORGE_EDITOR_API void applyPreset(const Preset& preset, GenerationParams& params);

// Named sizes offered in the form besides Custom.
struct TEXFORGE_EDITOR_API SizePreset {
  const char* label;
  int width;
  int height;
};
TEXFORGE_EDITOR_API const std::vector<SizePreset>& sizePresets();

}  // namespace texforge::editor
