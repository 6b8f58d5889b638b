// A tiny 5x7 bitmap font (printable ASCII) so generated images can show their prompt: a person looking
// at a result sees at once which request produced it.
#pragma once

#include <cstdint>
#include <string>

namespace texforge::emulator::detail {

struct RgbaImage;

constexpr int kGlyphWidth = 5;
constexpr int kGlyphHeight = 7;
constexpr int kGlyphAdvance = 6;  // cells, glyph plus one column of spacing
constexpr int kLineAdvance = 9;   // cells, glyph plus two rows of spacing

// The 7 row bitmaps of `c` (bit 4 = leftmost column); characters outside 32..126 draw as '?'.
const uint8_t* glyphRows(char c);

// Draws one line of text with its top-left corner at (x, y), each font cell `scale` pixels wide,
// clipped to the image. Bytes of multi-byte UTF-8 sequences draw as one '?' per code point.
void drawText(RgbaImage& image, int x, int y, const std::string& text, int scale, const uint8_t rgba[4]);

// Number of glyphs drawText would draw for `text` (code points, not bytes).
int glyphCount(const std::string& text);

}  // namespace texforge::emulator::detail
