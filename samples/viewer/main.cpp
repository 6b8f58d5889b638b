// texforge-viewer: a GLFW + OpenGL 3 + Dear ImGui host that opens a project and shows the texforge panel
// beside the project's assets. Sleeps when idle (the core and the texture decoders wake it); scriptable.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>

#include "asset_browser.h"
#include "engine_session.h"
#include "screenshot.h"
#include "texforge/editor/panel.h"
#include "texforge/gl/texture_uploader_gl.h"
#include "viewer_args.h"
#include "viewer_script.h"

using namespace texforge;

namespace {

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void loadFonts(float scale) {
  ImGuiIO& io = ImGui::GetIO();
  const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                              "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"};
  for (const char* path : candidates) {
    if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, 15.0f * scale)) return;
  }
  io.Fonts->AddFontDefault();
}

void drawBanner(const std::string& text, float width) {
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(width, 32));
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.55f, 0.33f, 0.10f, 1.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(12, 7));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  ImGui::Begin("##banner", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::TextUnformatted(text.c_str());
  ImGui::End();
  ImGui::PopStyleVar(2);
  ImGui::PopStyleColor();
}

// How long the loop may sleep before the next frame. Whatever finishes on another thread wakes it
// (the Generator's news and decoded textures call glfwPostEmptyEvent), as does input, so only what
// nobody announces is timed here.
double frameWait(bool rebuild, const viewer::Script& script, editor::Panel& panel, Generator& generator) {
  if (rebuild || panel.textures().stats().pending_uploads > 0) return 0.0;  // left over from the last frame
  if (script.running()) return 0.016;  // the script steps and counts quiet frames once per frame
  if (!generator.idle()) return 0.5;   // the jobs' elapsed-time labels tick each second
  return 1.0;                          // the asset list rescans about once a second
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

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; nothing to remember
  float xscale = 1.0f, yscale = 1.0f;
  glfwGetWindowContentScale(window, &xscale, &yscale);
  const float ui_scale = std::max(1.0f, xscale);
  editor::applyDarkTheme(ui_scale);
  loadFonts(ui_scale);
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
    if (args.tab == "history") panel.selectTab(editor::PanelTab::kHistory);
    if (args.tab == "settings" || session.problem()) panel.selectTab(editor::PanelTab::kSettings);

    viewer::AssetBrowser browser(args.project_dir);
    viewer::Script script(args);
    const double started = nowSeconds();

    while (!glfwWindowShouldClose(window)) {
      const double wait_s = frameWait(rebuild, script, panel, *session.generator());
      if (wait_s > 0) {
        glfwWaitEventsTimeout(wait_s);
      } else {
        glfwPollEvents();
      }
      if (rebuild) {
        rebuild = false;
        config.settings = panel.settings();
        Status reopened = session.reopen(config, panel);
        session_error = reopened ? "" : "Settings: " + editor::describeError(reopened.error());
      }

      const double frame_start = nowSeconds();
      ImGui_ImplOpenGL3_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      ImGui::NewFrame();

      const ImVec2 display = io.DisplaySize;
      float top = 0;
      std::string banner = session.banner();
      if (!session_error.empty()) banner = session_error + "   " + banner;
      if (!banner.empty()) {
        drawBanner(banner, display.x);
        top = 32;
      }
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
      if (script.wantsScreenshot())
        script.screenshotTaken(viewer::writeScreenshot(args.screenshot, fb_width, fb_height));
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
