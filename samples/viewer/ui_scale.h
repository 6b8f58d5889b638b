// The viewer's UI scale: fonts, the theme's spacing and the panel's sizes follow the monitor's content
// scale (Xft.dpi on X11, the display setting on Windows), or the scale forced with --ui-scale.
#pragma once

struct GLFWwindow;

namespace texforge::viewer {

// The scale the UI needs on the monitor the window is on: the content scale, less what the
// framebuffer already multiplies (macOS and Wayland draw points on a larger framebuffer). At least 1.
float monitorUiScale(GLFWwindow* window);

// Starts watching the window for content-scale changes (it moved to another monitor). Main thread.
void watchContentScale(GLFWwindow* window);
// True once after the window's content scale changed since the last call. Main thread.
bool contentScaleChanged();

// Loads the UI font at 15 px times scale and applies the dark theme at scale. Before the renderer
// backend is initialised pass renderer_ready=false; afterwards the font texture is rebuilt too.
// Call outside an ImGui frame.
void applyUiScale(float scale, bool renderer_ready);

}  // namespace texforge::viewer
