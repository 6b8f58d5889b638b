// applyUiScale and the content-scale watch: GLFW reports the change through its callback inside
// glfwPollEvents/glfwWaitEvents, and the loop applies it before its next frame.
#include "ui_scale.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <filesystem>

#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "texforge/editor/panel.h"

namespace texforge::viewer {
namespace {

bool g_scale_changed = false;  // one window, main thread only

void onContentScale(GLFWwindow*, float, float) {
  g_scale_changed = true;
}

}  // namespace

float monitorUiScale(GLFWwindow* window) {
  float xscale = 1.0f, yscale = 1.0f;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  int width = 0, height = 0, fb_width = 0, fb_height = 0;
  glfwGetWindowSize(window, &width, &height);
  glfwGetFramebufferSize(window, &fb_width, &fb_height);
  const float framebuffer_scale = width > 0 && fb_width > 0 ? static_cast<float>(fb_width) / width : 1.0f;
  return std::max(1.0f, xscale / framebuffer_scale);
}

void watchContentScale(GLFWwindow* window) {
  glfwSetWindowContentScaleCallback(window, onContentScale);
}

bool contentScaleChanged() {
  const bool changed = g_scale_changed;
  g_scale_changed = false;
  return changed;
}

void applyUiScale(float scale, bool renderer_ready) {
  editor::applyDarkTheme(scale);
  ImGuiIO& io = ImGui::GetIO();
#if IMGUI_VERSION_NUM >= 19200
  // 1.92 rasterises glyphs at the size asked for: one font, scaled, and no atlas rebuild.
  (void)renderer_ready;
  if (io.Fonts->Fonts.empty()) {
    const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"};
    bool loaded = false;
    for (const char* path : candidates) {
      if (!loaded && std::filesystem::exists(path))
        loaded = io.Fonts->AddFontFromFileTTF(path, 15.0f) != nullptr;
    }
    if (!loaded) io.Fonts->AddFontDefault();
  }
  ImGui::GetStyle().FontSizeBase = 15.0f;
  ImGui::GetStyle().FontScaleDpi = scale;
#else
  // The atlas holds glyphs at one size: a new scale rebuilds it and its texture.
  io.Fonts->Clear();
  const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                              "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"};
  bool loaded = false;
  for (const char* path : candidates) {
    if (!loaded && std::filesystem::exists(path))
      loaded = io.Fonts->AddFontFromFileTTF(path, 15.0f * scale) != nullptr;
  }
  if (!loaded) {
    ImFontConfig config;
    config.SizePixels = 13.0f * scale;
    io.Fonts->AddFontDefault(&config);
  }
  if (renderer_ready) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
#endif
}

}  // namespace texforge::viewer
