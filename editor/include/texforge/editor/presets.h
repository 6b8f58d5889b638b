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

// Applies a preset to params (keeps references and mask). Its prompt hint is appended without the
// words the prompt already has ("tileable" is not added to "a tileable wall" again), after the hint
// a previous preset appended (previous_hint, as this function returned it then) is taken out, so
// switching presets replaces the hint instead of piling hints up. Returns the text appended.
TEXFORGE_EDITOR_API std::string applyPreset(const Preset& preset, GenerationParams& params,
                                            const std::string& previous_hint = "");

// Named sizes offered in the form besides Custom.
struct TEXFORGE_EDITOR_API SizePreset {
  const char* label;
  int width;
  int height;
};
TEXFORGE_EDITOR_API const std::vector<SizePreset>& sizePresets();

}  // namespace texforge::editor
