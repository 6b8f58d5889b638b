#include "prompt_wrap.h"

#include <algorithm>
#include <cstring>

#include "panel_state.h"

namespace texforge::editor {

SoftWrap wrapWords(const std::string& text, float width, const MeasureText& measure) {
  SoftWrap wrap;
  wrap.shown = text;
  wrap.width = width;
  const char* base = text.data();
  size_t line_start = 0;
  size_t last_space = std::string::npos;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool line_end = i == text.size() || text[i] == '\n';
    if (!line_end && text[i] != ' ') continue;
    // The word that ends here: when the line no longer fits, it starts a new line.
    if (last_space != std::string::npos && measure(base + line_start, base + i) > width) {
      wrap.shown[last_space] = '\n';
      wrap.breaks.push_back(last_space);
      line_start = last_space + 1;
    }
    if (line_end) {
      line_start = i + 1;
      last_space = std::string::npos;
    } else {
      last_space = i;
    }
  }
  return wrap;
}

std::string unwrapWords(const std::string& shown, const std::vector<size_t>& breaks) {
  std::string text = shown;
  for (size_t at : breaks) {
    if (at < text.size() && text[at] == '\n') text[at] = ' ';
  }
  return text;
}

std::vector<size_t> carryBreaks(const SoftWrap& before, const std::string& after) {
  const std::string& old = before.shown;
  size_t head = 0;
  while (head < old.size() && head < after.size() && old[head] == after[head]) ++head;
  size_t tail = 0;
  while (tail < old.size() - head && tail < after.size() - head &&
         old[old.size() - 1 - tail] == after[after.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<size_t> kept;
  for (size_t at : before.breaks) {
    if (at < head) {
      kept.push_back(at);
    } else if (at >= old.size() - tail) {
      kept.push_back(at - old.size() + after.size());
    }
  }
  return kept;
}

#if IMGUI_VERSION_NUM < 19290
namespace {

// Whether wrap shows text (its soft breaks read as spaces), without building the unwrapped copy:
// asked every frame the box is not being edited.
bool showsText(const SoftWrap& wrap, const std::string& text) {
  if (wrap.shown.size() != text.size()) return false;
  size_t next_break = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool soft = next_break < wrap.breaks.size() && wrap.breaks[next_break] == i;
    if (soft) ++next_break;
    if (wrap.shown[i] != (soft ? '\n' : text[i]) || (soft && text[i] != ' ')) return false;
  }
  return true;
}

float measureWithFont(const char* begin, const char* end) {
  return ImGui::CalcTextSize(begin, end).x;
}

// What the box's callback needs: the text it edits and the wrap it shows.
struct WrappedBox {
  std::string* text;
  SoftWrap* wrap;
};

// Every frame the box is active, and after every edit: the text follows the box, the box is wrapped
// again (same length, so the cursor stays put).
int followWrappedBox(ImGuiInputTextCallbackData* data) {
  auto* box = static_cast<WrappedBox*>(data->UserData);
  SoftWrap& wrap = *box->wrap;
  if (data->EventFlag == ImGuiInputTextFlags_CallbackResize) {
    wrap.shown.resize(static_cast<size_t>(data->BufTextLen));
    data->Buf = wrap.shown.data();
    data->BufSize = static_cast<int>(wrap.shown.size()) + 1;
    return 0;
  }
  // A frame without an edit (Always) changes nothing unless the box was resized.
  if (data->EventFlag == ImGuiInputTextFlags_CallbackAlways && !wrap.rewrap) return 0;
  wrap.rewrap = false;
  const std::string now(data->Buf, static_cast<size_t>(data->BufTextLen));
  const std::vector<size_t> breaks = now == wrap.shown ? wrap.breaks : carryBreaks(wrap, now);
  *box->text = unwrapWords(now, breaks);
  SoftWrap again = wrapWords(*box->text, wrap.width, measureWithFont);
  if (again.shown != now) {
    std::memcpy(data->Buf, again.shown.data(), again.shown.size());
    data->BufDirty = true;
  }
  // wrap.shown is the box's buffer, which ImGui fills from its own at the end of the frame: it is
  // left alone here, so the pointer ImGui holds stays valid.
  wrap.breaks = std::move(again.breaks);
  return 0;
}

}  // namespace
#endif

bool inputTextWrapped(const char* label, std::string* text, SoftWrap* wrap, const ImVec2& size) {
#if IMGUI_VERSION_NUM >= 19290
  // ImGui wraps the box itself (the flag is in 1.92.9, the oldest 1.92 release checked).
  (void)wrap;
  return inputTextMultiline(label, text, size, ImGuiInputTextFlags_WordWrap);
#else
  const ImGuiStyle& style = ImGui::GetStyle();
  const float box_width = size.x > 0 ? size.x : ImGui::GetContentRegionAvail().x + size.x;
  // Inside the frame's padding, leaving room for the scroll bar a long prompt brings.
  const float width = std::max(1.0f, box_width - style.FramePadding.x * 2 - style.ScrollbarSize);
  if (wrap->active) {
    if (width != wrap->width) {
      wrap->width = width;
      wrap->rewrap = true;  // the callback wraps ImGui's own copy of the text to it
    }
  } else if (width != wrap->width || !showsText(*wrap, *text)) {
    *wrap = wrapWords(*text, width, measureWithFont);  // resized, or the text was set from outside
  }
  WrappedBox box{text, wrap};
  const bool edited =
      ImGui::InputTextMultiline(label, wrap->shown.data(), wrap->shown.size() + 1, size,
                                ImGuiInputTextFlags_CallbackResize | ImGuiInputTextFlags_CallbackEdit |
                                    ImGuiInputTextFlags_CallbackAlways,
                                followWrappedBox, &box);
  wrap->active = ImGui::IsItemActive();
  return edited;
#endif
}

}  // namespace texforge::editor
