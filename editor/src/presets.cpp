// The built-in presets for game assets and the size presets shown in the form.
// Values follow GPT Image 2's grid (multiples of 16) and its supported aspect ratios.
#include "texforge/editor/presets.h"

namespace texforge::editor {

const std::vector<Preset>& builtinPresets() {
  static const std::vector<Preset> presets = {
      {"Texture", "Seamless, tileable surface texture, square and opaque",
       "seamless tileable texture, flat even lighting, top-down, no shadows", 1024, 1024, "high", "opaque",
       1},
      {"Sprite", "Game sprite on a transparent background",
       "single game sprite, centered, clean silhouette, no background", 1024, 1024, "medium", "transparent",
       4},
      {"Icon", "Small square icon, readable at 64 px",
       "game icon, bold readable shapes, centered, simple background", 512, 512, "medium", "auto", 4},
      {"UI element", "Panel, button or frame for a game UI", "game UI element, crisp edges, flat, isolated",
       1536, 1024, "medium", "transparent", 2},
      {"Concept", "Free-form concept art, the model picks the size", "", 0, 0, "auto", "auto", 2},
  };
  return presets;
}

void applyPreset(const Preset& preset, GenerationParams& params) {
  params.width = preset.width;
  params.height = preset.height;
  params.quality = preset.quality;
  params.background = preset.background;
  params.num_outputs = preset.num_outputs;
  if (!preset.prompt_hint.empty() && params.prompt.find(preset.prompt_hint) == std::string::npos) {
    if (!params.prompt.empty() && params.prompt.back() != ' ' && params.prompt.back() != ',')
      params.prompt += ", ";
    params.prompt += preset.prompt_hint;
  }
}

const std::vector<SizePreset>& sizePresets() {
  static const std::vector<SizePreset> sizes = {
      {"Auto (model decides)", 0, 0},         {"1024 x 1024  square", 1024, 1024},
      {"1536 x 1024  landscape", 1536, 1024}, {"1024 x 1536  portrait", 1024, 1536},
      {"512 x 512  small", 512, 512},         {"2048 x 2048  large", 2048, 2048},
      {"256 x 256  tiny", 256, 256},
  };
  return sizes;
}

}  // namespace texforge::editor
