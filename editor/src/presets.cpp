// The built-in presets for game assets and the size presets shown in the form.
// Every size is one GPT Image 2 makes as asked: on its grid of 16, within its pixel range, up to 3:1.
#include "texforge/editor/presets.h"

#include <cctype>
#include <set>

namespace texforge::editor {

const std::vector<Preset>& builtinPresets() {
  static const std::vector<Preset> presets = {
      {"Texture", "Seamless, tileable surface texture, square and opaque",
       "seamless tileable texture, flat even lighting, top-down, no shadows", 1024, 1024, "high", "opaque",
       1},
      {"Sprite", "Game sprite on a transparent background",
       "single game sprite, centered, clean silhouette, no background", 1024, 1024, "medium", "transparent",
       4},
      {"Icon", "Square icon, readable when scaled down to 64 px",
       "game icon, bold readable shapes, centered, simple background", 1024, 1024, "medium", "auto", 4},
      {"UI element", "Panel, button or frame for a game UI", "game UI element, crisp edges, flat, isolated",
       1536, 1024, "medium", "transparent", 2},
      {"Concept", "Free-form concept art, the model picks the size", "", 0, 0, "auto", "auto", 2},
  };
  return presets;
}

namespace {

std::string lowered(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// The prompt's words, lower-case, split at anything that is not a letter, digit or '-'.
std::set<std::string> wordsOf(const std::string& text) {
  std::set<std::string> words;
  std::string word;
  for (char c : lowered(text) + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || (static_cast<unsigned char>(c) >= 0x80)) {
      word += c;
    } else if (!word.empty()) {
      words.insert(word);
      word.clear();
    }
  }
  return words;
}

// The hint's comma-separated phrases without the words the prompt already has, in the hint's order.
std::string missingPart(const std::string& hint, const std::string& prompt) {
  const std::set<std::string> have = wordsOf(prompt);
  std::string out;
  size_t start = 0;
  while (start <= hint.size()) {
    size_t end = hint.find(',', start);
    if (end == std::string::npos) end = hint.size();
    std::string phrase, word;
    for (char c : hint.substr(start, end - start) + " ") {
      if (c != ' ') {
        word += c;
        continue;
      }
      if (!word.empty() && !have.count(lowered(word))) phrase += (phrase.empty() ? "" : " ") + word;
      word.clear();
    }
    if (!phrase.empty()) out += (out.empty() ? "" : ", ") + phrase;
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string applyPreset(const Preset& preset, GenerationParams& params, const std::string& previous_hint) {
  params.width = preset.width;
  params.height = preset.height;
  params.quality = preset.quality;
  params.background = preset.background;
  params.num_outputs = preset.num_outputs;
  if (!previous_hint.empty()) {
    if (size_t at = params.prompt.rfind(previous_hint); at != std::string::npos) {
      params.prompt.erase(at, previous_hint.size());
    }
  }
  const std::string missing = missingPart(preset.prompt_hint, params.prompt);
  if (missing.empty()) return {};
  std::string appended;
  if (!params.prompt.empty() && params.prompt.back() != ' ' && params.prompt.back() != ',') appended = ", ";
  appended += missing;
  params.prompt += appended;
  return appended;
}

const std::vector<SizePreset>& sizePresets() {
  static const std::vector<SizePreset> sizes = {
      {"Auto (model decides)", 0, 0},         {"1024 x 1024  square", 1024, 1024},
      {"1536 x 1024  landscape", 1536, 1024}, {"1024 x 1536  portrait", 1024, 1536},
      {"816 x 816  small square", 816, 816},  {"2048 x 2048  large", 2048, 2048},
      {"1024 x 640  small 16:10", 1024, 640},
  };
  return sizes;
}

}  // namespace texforge::editor
