// texforge-viewer: a GLFW + OpenGL 3 + Dear ImGui host that opens a project and shows the texforge panel
// beside the project's assets. Sleeps when idle (the core and the texture decoders wake it); scriptable.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "asset_browser.h"
#include "engine_session.h"
#include "screenshot.h"
#include "texforge/editor/panel.h"
#include "texforge/gl/texture_uploader_gl.h"
#include "ui_scale.h"
#include "viewer_args.h"
#include "viewer_script.h"

using namespace texforge;

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The demo/problem banner across the top, as tall as its text wrapped to the window's width needs;
// returns that height, where the windows below start.
float drawBanner(const std::string& text, float width) {
  const ImVec2 padding(ImGui::GetFontSize() * 0.8f, ImGui::GetFontSize() * 0.45f);
  const float height =
      ImGui::CalcTextSize(text.c_str(), nullptr, false, width - padding.x * 2).y + padding.y * 2;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, height));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.55f, 0.33f, 0.10f, 1.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, padding);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
  ImGui::Begin("##banner", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.c_str());
  ImGui::PopTextWrapPos();
  ImGui::End();
  ImGui::PopStyleVar(3);
  ImGui::PopStyleColor();
  return height;
}

// Frames drawn after input: ImGui shows a window or popup that just opened a frame after it measured
// it, and hover follows the mouse a frame late. Wakes from other threads need none.
constexpr int kSettleFrames = 2;

// How long the loop may sleep before the next frame: 0 draws at once, infinity waits for an event.
// Input wakes it, as does whatever finishes on another thread (the Generator's news and decoded
// textures call glfwPostEmptyEvent); the panel says what it times itself (a debounced quote, the
// clock of a running job). Nothing else is polled: the asset list rescans on events that matter.
double frameWait(bool rebuild, int settle_frames, const viewer::Script& script, const editor::Panel& panel) {
  if (rebuild || settle_frames > 0) return 0.0;
  if (script.running()) return 0.016;  // the script steps and counts quiet frames once per frame
  return panel.secondsUntilRedraw();
}

// What GLFW's callbacks saw, inside glfwWaitEvents() on this thread. Installed before ImGui's
// backend, which calls them after its own.
std::vector<std::string> g_dropped;  // paths dropped on the window, for the panel
bool g_input = false;                // the user did something
void onDrop(GLFWwindow*, int count, const char** paths) {
  for (int i = 0; i < count; ++i) g_dropped.emplace_back(paths[i]);
  g_input = true;
}
void watchInput(GLFWwindow* window) {
  glfwSetDropCallback(window, onDrop);
  glfwSetCursorPosCallback(window, [](GLFWwindow*, double, double) { g_input = true; });
  glfwSetMouseButtonCallback(window, [](GLFWwindow*, int, int, int) { g_input = true; });
  glfwSetScrollCallback(window, [](GLFWwindow*, double, double) { g_input = true; });
  glfwSetKeyCallback(window, [](GLFWwindow*, int, int, int, int) { g_input = true; });
  glfwSetCharCallback(window, [](GLFWwindow*, unsigned int) { g_input = true; });
}

}  // namespace

int main(int argc, char** argv) {
  viewer::ViewerArgs args;
  std::string error;
  if (!viewer::parseViewerArgs(argc, argv, args, error)) {
    std::fprintf(stderr, "texforge-viewer: %s\n%s", error.c_str(), viewer::viewerUsage());
    return 64;
  }
  if (args.help) {
    std::printf("%s", viewer::viewerUsage());
    return 0;
  }
  if (args.project_dir.empty()) args.project_dir = "texforge-demo-project";
  std::error_code ec;
  std::filesystem::create_directories(args.project_dir, ec);
  if (ec) {
    std::fprintf(stderr, "texforge-viewer: cannot create %s: %s\n", args.project_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }

  if (!glfwInit()) {
    std::fprintf(stderr, "texforge-viewer: no display (GLFW could not initialise)\n");
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  GLFWwindow* window = glfwCreateWindow(args.width, args.height, "texforge", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "texforge-viewer: could not open an OpenGL 3.3 window\n");
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  watchInput(window);  // before ImGui's backend chains to these callbacks

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;               // the layout is fixed; nothing to remember
  io.ConfigInputTextCursorBlink = false;  // an idle loop sleeps: a blinking caret would stop mid-blink
  // UI scale: the monitor's, followed when the window moves, unless --ui-scale forces one.
  float ui_scale = args.ui_scale > 0 ? args.ui_scale : viewer::monitorUiScale(window);
  viewer::applyUiScale(ui_scale, false);
  viewer::watchContentScale(window);
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330");

  int exit_code = 0;
  {
    gl::GlTextureUploaderOptions uploader_options;
    uploader_options.get_proc_address = [](const char* name) {
      return reinterpret_cast<void*>(glfwGetProcAddress(name));
    };
    auto uploader = gl::makeGlTextureUploader(uploader_options);
    if (!uploader) {
      std::fprintf(stderr, "texforge-viewer: the OpenGL context lacks what the texture uploader needs\n");
      return 1;
    }
    auto loaded_settings = editor::loadPanelSettings(args.project_dir);
    editor::PanelSettings settings = loaded_settings ? *loaded_settings : editor::PanelSettings{};
    viewer::SessionConfig config{args.project_dir, args.demo, args.job_duration_ms, settings,
                                 [] { glfwPostEmptyEvent(); }};
    config.visible_seams = args.visible_seams;
    viewer::EngineSession session;
    if (Status opened = session.open(config); !opened) {
      std::fprintf(stderr, "texforge-viewer: %s\n", opened.error().message.c_str());
      return 1;
    }
    std::string session_error;
    if (session.problem()) {
      session_error = "Settings: " + editor::describeError(*session.problem()) +
                      " The viewer runs in demo mode until this is fixed in Settings.";
      std::fprintf(stderr, "texforge-viewer: %s\n", session_error.c_str());
    }

    // Applied settings rebuild the Generator at the start of the next frame, not inside draw().
    bool rebuild = false;
    editor::PanelOptions options;
    options.ui_scale = ui_scale;
    options.generator = session.generator();
    options.uploader = uploader.get();
    options.project_dir = args.project_dir;
    options.settings = settings;
    options.demo_mode = session.demo();
    options.wake = config.wake;  // decoded textures wake the loop as the Generator's news does
    options.on_settings_applied = [&rebuild](const editor::PanelSettings&) { rebuild = true; };
    editor::Panel panel(options);

    if (!args.prompt.empty()) panel.params().prompt = args.prompt;
    if (!args.preset.empty() && !panel.applyPresetByName(args.preset)) {
      std::fprintf(stderr, "texforge-viewer: unknown preset %s\n", args.preset.c_str());
    }
    if (args.outputs > 0) panel.params().num_outputs = args.outputs;
    if (!args.reference.empty()) panel.addReference(args.reference);
    if (args.seamless) panel.params().seamless = true;
    if (!args.background.empty()) panel.params().background = args.background;
    if (!args.alpha.empty()) panel.params().alpha_method = args.alpha;
    if (int w = 0, h = 0; std::sscanf(args.size_wh.c_str(), "%dx%d", &w, &h) == 2) {
      panel.params().width = w;
      panel.params().height = h;
    }
    if (args.mask && !panel.openMaskPainter())
      std::fprintf(stderr, "texforge-viewer: --mask needs a file reference\n");
    if (args.tab == "history") panel.selectTab(editor::PanelTab::kHistory);
    if (args.tab == "settings" || session.problem()) panel.selectTab(editor::PanelTab::kSettings);

    viewer::AssetBrowser browser(args.project_dir);
    viewer::Script script(args);
    const double started = nowSeconds();

    int settle_frames = 0;
    bool was_focused = true;
    while (!glfwWindowShouldClose(window)) {
      double wait_s = frameWait(rebuild, settle_frames, script, panel);
      if (std::isinf(wait_s)) script.noteSleep(nowSeconds() - started);
      wait_s = std::min(wait_s, script.wakeIn(nowSeconds() - started));
      if (wait_s <= 0) {
        glfwPollEvents();
      } else if (std::isinf(wait_s)) {
        glfwWaitEvents();
      } else {
        glfwWaitEventsTimeout(wait_s);
      }
      settle_frames = g_input ? kSettleFrames : std::max(0, settle_frames - 1);
      g_input = false;
      // Back in focus: files may have changed while the user was elsewhere.
      const bool focused = glfwGetWindowAttrib(window, GLFW_FOCUSED) != 0;
      if (focused && !was_focused) browser.requestRescan();
      was_focused = focused;
      if (!g_dropped.empty()) {
        panel.dropFiles(g_dropped);
        g_dropped.clear();
      }
      if (rebuild) {
        rebuild = false;
        config.settings = panel.settings();
        Status reopened = session.reopen(config, panel);
        session_error = reopened ? "" : "Settings: " + editor::describeError(reopened.error());
      }

      if (viewer::contentScaleChanged() && args.ui_scale <= 0) {
        const float monitor_scale = viewer::monitorUiScale(window);
        if (monitor_scale != ui_scale) {
          ui_scale = monitor_scale;
          viewer::applyUiScale(ui_scale, true);
          panel.setUiScale(ui_scale);
        }
      }

      const double frame_start = nowSeconds();
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();

      const ImVec2 display = io.DisplaySize;
      float top = 0;
      std::string banner = session.banner();
      if (!session_error.empty()) banner = session_error + "   " + banner;
      if (!banner.empty()) top = drawBanner(banner, display.x);
      const float left_width = std::min(320.0f * ui_scale, display.x * 0.3f);
      const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                     ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                                     ImGuiWindowFlags_NoBringToFrontOnFocus;
      ImGui::SetNextWindowPos(ImVec2(0, top));
      ImGui::SetNextWindowSize(ImVec2(left_width, display.y - top));
      if (ImGui::Begin("Project assets", nullptr, fixed)) browser.draw(panel, nowSeconds());
      ImGui::End();
      ImGui::SetNextWindowPos(ImVec2(left_width, top));
      ImGui::SetNextWindowSize(ImVec2(display.x - left_width, display.y - top));
      if (ImGui::Begin("texforge  |  GPT Image 2", nullptr, fixed)) panel.drawContents();
      ImGui::End();

      script.step(panel, *session.generator(), nowSeconds() - started);
      ImGui::Render();
      script.noteFrame(nowSeconds() - frame_start, panel.textures().stats().uploads_last_frame);

      int fb_width = 0, fb_height = 0;
      glfwGetFramebufferSize(window, &fb_width, &fb_height);
      glViewport(0, 0, fb_width, fb_height);
      glClearColor(0.08f, 0.08f, 0.09f, 1.0f);
      glClear(GL_COLOR_BUFFER_BIT);
      ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
      if (script.wantsScreenshot()) {
        Status shot = viewer::writeScreenshot(args.screenshot, fb_width, fb_height);
        if (shot && !args.layout.empty())
          shot =
              viewer::writeLayout(args.layout, panel.layout(), io.DisplaySize.x, io.DisplaySize.y, fb_width,
                                  fb_height, ui_scale, {{"generate", panel.generateButtonLabel()}});
        script.screenshotTaken(shot);
      }
      glfwSwapBuffers(window);
      if (script.finished()) {
        exit_code = script.exitCode();
        if (args.quit_when_idle) break;
      }
    }
    script.printFrameStats();
  }  // the panel and its textures go while the GL context is still current

  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}
