// The prompt box wraps its words at its width, and the prompt never holds the soft breaks.
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID: the artist leaves the box

#include "headless_imgui.h"
#include "prompt_wrap.h"

namespace texforge::test {
namespace {

using editor::carryBreaks;
using editor::SoftWrap;
using editor::unwrapWords;
using editor::wrapWords;

// Every byte one unit wide: width 10 holds 10 characters.
float monospace(const char* begin, const char* end) {
  return static_cast<float>(end - begin);
}

TEST(PromptWrap, LinesBreakAtTheLastSpaceThatFitsAndKeepTheirLength) {
  const std::string text = "a mossy stone wall texture, tileable";
  SoftWrap wrap = wrapWords(text, 12, monospace);
  EXPECT_EQ(wrap.shown, "a mossy\nstone wall\ntexture,\ntileable");
  EXPECT_EQ(wrap.shown.size(), text.size());
  EXPECT_EQ(wrap.breaks, (std::vector<size_t>{7, 18, 27}));
  EXPECT_EQ(unwrapWords(wrap.shown, wrap.breaks), text);
}

TEST(PromptWrap, HardBreaksStayAndLongWordsStayWhole) {
  const std::string text = "short\nan_unbreakable_word here";
  SoftWrap wrap = wrapWords(text, 8, monospace);
  EXPECT_EQ(wrap.shown, "short\nan_unbreakable_word\nhere");
  EXPECT_EQ(wrap.breaks, (std::vector<size_t>{25}));
  EXPECT_EQ(unwrapWords(wrap.shown, wrap.breaks), text);
  EXPECT_TRUE(wrapWords("", 8, monospace).breaks.empty());
}

TEST(PromptWrap, AnEditKeepsTheBreaksAroundItAndTypedBreaksAreHard) {
  SoftWrap wrap = wrapWords("one two three four", 8, monospace);
  ASSERT_EQ(wrap.shown, "one two\nthree\nfour");
  // "X" typed at the start: every break behind it moves by one.
  EXPECT_EQ(carryBreaks(wrap, "Xone two\nthree\nfour"), (std::vector<size_t>{8, 14}));
  // A line break typed after "one": it is the artist's, the soft ones stay soft.
  const std::string typed = "one\n two\nthree\nfour";
  const std::vector<size_t> kept = carryBreaks(wrap, typed);
  EXPECT_EQ(kept, (std::vector<size_t>{8, 14}));
  EXPECT_EQ(unwrapWords(typed, kept), "one\n two three four");
  // The soft break itself deleted: the words join, as with a space deleted.
  EXPECT_EQ(unwrapWords("one twothree\nfour", carryBreaks(wrap, "one twothree\nfour")), "one twothree four");
}

TEST(PromptWrap, TypingIntoTheBoxWrapsItAndThePromptStaysOneLine) {
  HeadlessImGui imgui;
  std::string prompt;
  SoftWrap wrap;
  bool focus = true;
  auto draw = [&] {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(300, 300));
    ImGui::Begin("wrap");
    if (focus) ImGui::SetKeyboardFocusHere();
    focus = false;
    editor::inputTextWrapped("##prompt", &prompt, &wrap, ImVec2(160, 120));
    ImGui::End();
  };
  imgui.frame(draw);
  imgui.frame(draw);
  const std::string typed = "a weathered bronze shield with dents and a lion crest";
  HeadlessImGui::typeText(typed.c_str());
  imgui.frame(draw);
  imgui.frame(draw);
  EXPECT_EQ(prompt, typed);
#if IMGUI_VERSION_NUM < 19290
  EXPECT_FALSE(wrap.breaks.empty()) << "160 px is narrower than the prompt";
  EXPECT_NE(wrap.shown.find('\n'), std::string::npos) << wrap.shown;
#endif
  // Backspace at the end takes the last letter away, wherever the lines break.
  HeadlessImGui::key(ImGuiKey_Backspace, true);
  imgui.frame(draw);
  HeadlessImGui::key(ImGuiKey_Backspace, false);
  imgui.frame(draw);
  EXPECT_EQ(prompt, typed.substr(0, typed.size() - 1));
  // Set from outside (a preset), the box shows the new text wrapped once it is not being edited.
  ImGui::GetIO().ClearInputCharacters();
  prompt = "a wooden crate";
  ImGui::SetWindowFocus(nullptr);
  ImGui::ClearActiveID();
  imgui.frame(draw);
  imgui.frame(draw);
  EXPECT_EQ(unwrapWords(wrap.shown, wrap.breaks), "a wooden crate");
}

}  // namespace
}  // namespace texforge::test
