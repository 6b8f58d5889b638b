// Word wrapping for the prompt box. ImGui wraps a multi-line text box itself from 1.92.9 on; on
// older releases (Debian's 1.86) the box is shown a copy of the text where some spaces are line
// breaks. Such a soft break takes the place of its space, so the copy and the text are equally
// long and an offset (the cursor, a selection) means the same in both.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <imgui.h>

namespace texforge::editor {

struct SoftWrap {
  std::string shown;           // the text as the box shows it
  std::vector<size_t> breaks;  // where shown has a soft break, ascending
  float width = -1.0f;         // the width it was wrapped to
  bool active = false;         // the box is being edited: ImGui holds its own copy of shown
  bool rewrap = false;         // the width changed while active: the callback wraps ImGui's copy
};

// The width of the run [begin, end) of a line.
using MeasureText = std::function<float(const char* begin, const char* end)>;

// text wrapped at width: a line breaks at its last space that keeps it within width; a word wider
// than width stays whole. The text's own line breaks stay.
SoftWrap wrapWords(const std::string& text, float width, const MeasureText& measure);

// shown with its soft breaks back to spaces.
std::string unwrapWords(const std::string& shown, const std::vector<size_t>& breaks);

// The soft breaks of before that an edit turning before.shown into after left alone: those ahead
// of the edit as they were, those behind it moved by what the edit added or removed.
std::vector<size_t> carryBreaks(const SoftWrap& before, const std::string& after);

// A multi-line box editing text that wraps its words at the box's width; text never holds a soft
// break. wrap is the box's own state, kept by the caller from frame to frame.
bool inputTextWrapped(const char* label, std::string* text, SoftWrap* wrap, const ImVec2& size);

}  // namespace texforge::editor
