// texforge-custom-engine: a small headless engine with its own Vulkan renderer and asset registry,
// embedding texforge through both seams (TextureUploader, AssetImporter) and hosting the panel with
// ImGui's Vulkan backend. Imports land in its registry and scene, and are hot-reloaded when they
// change; without credentials (or with --demo) it runs on the in-process emulator.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>

#include <imgui.h>

#include "asset_registry.h"
#include "engine_args.h"
#include "engine_importer.h"
#include "engine_script.h"
#include "frame_renderer.h"
#include "imgui_vulkan_layer.h"
#include "quad_renderer.h"
#include "scene.h"
#include "texforge/editor/panel.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"
#include "vk_context.h"
#include "vk_texture_uploader.h"

using namespace texforge;
using namespace texforge::custom_engine;

namespace {

constexpr int kExitNoDevice = 69;  // EX_UNAVAILABLE: the test skips
const float kClearColor[4] = {0.07f, 0.08f, 0.10f, 1.0f};
constexpr float kStatusBarHeight = 30.0f;

double nowSeconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

unsigned long long ull(uint64_t v) {
  return static_cast<unsigned long long>(v);
}  // for %llu

// What an engine's event loop waits on between frames: the Generator and the panel's texture
// decoders call notify() from their threads, so news starts the next frame at once.
class Waker {
 public:
  void notify() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      pending_ = true;
    }
    cv_.notify_one();
  }
  void wait(double timeout_s) {
    std::unique_lock<std::mutex> lock(mutex_);
    cv_.wait_for(lock, std::chrono::duration<double>(timeout_s), [this] { return pending_; });
    pending_ = false;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool pending_ = false;
};

// The Generator on Scenario when credentials exist and --demo is not given, else on the emulator,
// with the engine's importer and auto-import on.
Result<std::unique_ptr<Generator>> openGenerator(const EngineArgs& args,
                                                 const editor::PanelSettings& settings,
                                                 std::shared_ptr<AssetImporter> importer,
                                                 std::function<void()> wake,
                                                 std::unique_ptr<emulator::Emulator>& emu, bool& demo) {
  const Credentials stored = CredentialStore{}.load();
  demo = args.demo || stored.empty();
  GeneratorOptions options;
  options.project_dir = args.project_dir;
  options.importer = std::move(importer);
  options.auto_import = true;  // on texforge's import thread: the registry locks
  options.wake = std::move(wake);
  options.max_jobs_in_flight = settings.max_jobs_in_flight;
  options.owner_name = demo ? "texforge custom engine (demo)" : "texforge custom engine";
  options.log = [](LogLevel level, const std::string& message) {
    if (level >= LogLevel::kWarning)
      std::fprintf(stderr, "texforge %s: %s\n", logLevelName(level), message.c_str());
  };
  if (demo) {
    emulator::EmulatorOptions emu_options;
    emu_options.job_duration_ms = args.job_duration_ms;
    emu = std::make_unique<emulator::Emulator>(emu_options);
    if (!emu->start()) return makeError(ErrorCode::kNetwork, "the emulator could not start: " + emu->error());
    options.base_url = emu->baseUrl();
    options.credentials = Credentials{"emulator-key", "emulator-secret"};
    options.read_environment = false;
    options.poll_initial_s = 0.2;
    options.poll_max_s = 0.5;
    options.state_dir = args.project_dir + "/.texforge/demo";  // never mixed with the project's paid jobs
  } else {
    options.base_url = settings.endpoint;
    options.credentials = stored;
  }
  return createGenerator(std::move(options));
}

const char* eventName(GeneratorEvent::Kind kind) {
  switch (kind) {
    case GeneratorEvent::Kind::kJobChanged: return "job-changed";
    case GeneratorEvent::Kind::kOutputReady: return "output-ready";
    case GeneratorEvent::Kind::kOutputFailed: return "output-failed";
    case GeneratorEvent::Kind::kJobFinished: return "job-finished";
  }
  return "?";
}

void printEvent(const GeneratorEvent& event, const Generator& generator) {
  std::printf("event: %s %s", eventName(event.kind), event.local_id.c_str());
  if (event.output_index >= 0) std::printf(" output %d", event.output_index);
  if (auto job = generator.job(event.local_id))
    std::printf(" state=%s progress=%.0f%%", jobStateName(job->state), job->progress * 100.0);
  std::printf("\n");
}

void loadFonts() {
  ImGuiIO& io = ImGui::GetIO();
  const char* candidates[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                              "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"};
  for (const char* path : candidates) {
    if (std::filesystem::exists(path) && io.Fonts->AddFontFromFileTTF(path, 15.0f)) return;
  }
  io.Fonts->AddFontDefault();
}

struct Layout {
  float scene_width;
  float panel_width;
};

Layout layoutFor(int width) {
  const float panel = std::min(600.0f, width * 0.5f);
  return {width - panel, panel};
}

void drawUi(editor::Panel& panel, const Scene& scene, const VulkanTextureUploader& uploader,
            const VulkanContext& context, const EngineScript& script, const Layout& layout, float height) {
  const ImGuiWindowFlags fixed = ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  ImGui::SetNextWindowPos(ImVec2(layout.scene_width, 0));
  ImGui::SetNextWindowSize(ImVec2(layout.panel_width, height));
  if (ImGui::Begin("texforge  |  GPT Image 2", nullptr, fixed)) panel.drawContents();
  ImGui::End();

  ImGui::SetNextWindowPos(ImVec2(0, height - kStatusBarHeight));
  ImGui::SetNextWindowSize(ImVec2(layout.scene_width, kStatusBarHeight));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 0);
  ImGui::Begin("##engine status", nullptr,
               fixed | ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoFocusOnAppearing);
  ImGui::Text("%s  |  %zu assets, %zu shown  |  %llu hot reloads  |  %zu textures  |  %s",
              context.properties().deviceName, scene.assetCount(), scene.shownCount(),
              ull(scene.stats().hot_reloads), uploader.liveCount(),
              script.scripted() ? script.stepName() : "running");
  ImGui::End();
  ImGui::PopStyleVar();
}

void printSummary(uint64_t frames, const AssetRegistry& registry, const Scene& scene,
                  const VulkanTextureUploader& uploader, const ImGuiVulkanLayer& layer,
                  const EngineImporter& importer, const VulkanContext& context) {
  const std::vector<AssetRecord> assets = registry.list();
  std::printf("registry: %zu assets\n", assets.size());
  for (const AssetRecord& record : assets) std::printf("  %s\n", describeAsset(record).c_str());
  const ImporterCounts c = importer.counts();
  std::printf(
      "importer: %llu imports, %llu refused; pixels from the request %llu, "
      "decoded from the written file %llu; usage and metadata from the request %llu, from params %llu\n",
      ull(c.imports), ull(c.failed), ull(c.pixels_from_request), ull(c.pixels_from_file),
      ull(c.tags_from_request), ull(c.tags_from_params));
  const UploaderStats& u = uploader.stats();
  std::printf(
      "uploader: %llu created, %llu uploads recorded, %llu ready, %llu destroyed "
      "(%llu freed after their frames, %llu at once, %zu pending), %.1f MiB staged\n",
      ull(u.created), ull(u.uploads_recorded), ull(u.became_ready), ull(u.destroyed), ull(u.freed_deferred),
      ull(u.freed_at_once), u.pending_frees, u.bytes_staged / (1024.0 * 1024.0));
  std::printf(
      "summary: frames %llu, textures live %zu, assets registered %zu, assets shown %zu, "
      "hot reloads %llu, panel image draws %llu (dropped %llu), validation errors %llu\n",
      ull(frames), uploader.liveCount(), assets.size(), scene.shownCount(), ull(scene.stats().hot_reloads),
      ull(layer.stats().image_draws), ull(layer.stats().dropped_draws), ull(context.validationErrors()));
}

// The engine's life once its renderer is up: ImGui on Vulkan, the registry, the Generator, the
// panel and the scene, and the frame loop. Returns the exit status.
int runEngine(const EngineArgs& args, VulkanContext& vk, FrameRenderer& renderer,
              VulkanTextureUploader& uploader, QuadRenderer& quads) {
  ImGuiIO& io = ImGui::GetIO();
  ImGuiVulkanLayer layer(vk, uploader, quads);
  if (Status started = layer.init(renderer.renderPass()); !started) {
    std::fprintf(stderr, "texforge-custom-engine: %s\n", started.error().message.c_str());
    return 1;
  }
  // Declared so that they go in the right order: the registry outlives the Generator that holds
  // the importer, the Generator outlives the panel that reads it, and the uploader (the caller's)
  // outlives the panel's and the scene's textures.
  AssetRegistry registry;
  auto loaded_settings = editor::loadPanelSettings(args.project_dir);
  const editor::PanelSettings settings = loaded_settings ? *loaded_settings : editor::PanelSettings{};
  auto importer = std::make_shared<EngineImporter>(registry, FolderImporterOptions{settings.import_folder});
  Waker waker;
  auto wake = [&waker] { waker.notify(); };
  std::unique_ptr<emulator::Emulator> emu;
  bool demo = false;
  auto generator = openGenerator(args, settings, importer, wake, emu, demo);
  if (!generator) {
    std::fprintf(stderr, "texforge-custom-engine: %s\n", generator.error().message.c_str());
    return 1;
  }
  std::printf("generator: %s%s\n", (*generator)->baseUrl().c_str(),
              demo ? " (demo: the built-in emulator)" : "");

  editor::PanelOptions options;
  options.generator = generator->get();
  options.uploader = &uploader;
  options.project_dir = args.project_dir;
  options.settings = settings;
  options.wake = wake;
  options.pump_generator = false;  // the engine pumps, and prints what happened
  options.demo_mode = demo;
  editor::Panel panel(options);
  GenerationParams& form = panel.params();
  if (!args.prompt.empty()) form.prompt = args.prompt;
  form.num_outputs = args.outputs;
  form.usage = args.usage;
  if (args.usage == "sprite" || args.usage == "icon") form.background = "transparent";  // cut out, blended
  form.host_metadata = {{"engine.scene", "gallery"}, {"engine.material", "demo/" + args.usage}};

  Scene scene(registry, uploader, args.project_dir,
              [](const std::string& line) { std::printf("%s\n", line.c_str()); });
  EngineScript script(args);
  const Layout layout = layoutFor(args.width);
  const float scene_height = args.height - kStatusBarHeight;
  std::printf("scene region: 0,0 %dx%d of %dx%d (the panel on the right, a status bar below)\n",
              static_cast<int>(layout.scene_width), static_cast<int>(scene_height), args.width, args.height);
  const double started = nowSeconds();
  double last_frame = started;
  uint64_t frame = 0;
  uint64_t registry_seen = 0;

  while (!(script.scripted() && script.finished())) {
    if (frame >= static_cast<uint64_t>(args.frames_max) || nowSeconds() - started > args.timeout_s) {
      if (script.scripted())
        script.fail("gave up after " + std::to_string(frame) + " frames while " + script.stepName());
      break;
    }
    ++frame;
    // Frame pacing as a 60 Hz display would give; news from another thread ends the wait early,
    // and textures waiting for their copy's frame get the next frame at once.
    const bool gpu_busy = uploader.notReadyCount() > 0;
    waker.wait(gpu_busy ? 0.0 : 1.0 / 60.0);

    for (const GeneratorEvent& event : (*generator)->pump()) printEvent(event, **generator);
    if (registry.revision() != registry_seen) {
      registry_seen = registry.revision();
      for (const AssetRecord& record : registry.list())
        std::printf("registry: %s\n", describeAsset(record).c_str());
    }
    scene.update(frame);
    script.step(panel, **generator, scene, registry, gpu_busy);

    const double now = nowSeconds();
    io.DeltaTime = static_cast<float>(std::clamp(now - last_frame, 1e-4, 0.1));
    last_frame = now;
    layer.newFrame();
    ImGui::NewFrame();
    drawUi(panel, scene, uploader, vk, script, layout, static_cast<float>(args.height));
    ImGui::Render();

    VkCommandBuffer cmd = renderer.beginFrame();
    uploader.recordUploads(cmd);  // outside the pass, before anything samples the textures
    renderer.beginPass(cmd, kClearColor);
    quads.draw(cmd, renderer.slot(), scene.layout(0, 0, layout.scene_width, scene_height), args.width,
               args.height);
    layer.render(cmd);
    renderer.endPass(cmd);
    const bool capture = script.wantsCapture();
    if (Status submitted = renderer.submit(cmd, capture); !submitted) {
      script.fail(submitted.error().message);
      break;
    }
    uploader.endFrame();
    if (capture) script.captured(renderer.capture());
  }
  vkDeviceWaitIdle(vk.device());
  uploader.endFrame();
  printSummary(frame, registry, scene, uploader, layer, *importer, vk);
  int exit_code = script.exitCode();
  if (args.validate && vk.validationErrors() > 0) {
    std::fprintf(stderr, "texforge-custom-engine: %llu validation errors\n", ull(vk.validationErrors()));
    exit_code = 1;
  }
  return exit_code;
  // Returning: the scene's and the panel's textures go back to the uploader, the Generator stops,
  // then the ImGui backend shuts down (the device is idle).
}

}  // namespace

int main(int argc, char** argv) {
  EngineArgs args;
  std::string error;
  if (!parseEngineArgs(argc, argv, args, error)) {
    std::fprintf(stderr, "texforge-custom-engine: %s\n%s", error.c_str(), engineUsage());
    return 64;
  }
  if (args.help) {
    std::printf("%s", engineUsage());
    return 0;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // one line per event, even into a pipe
  std::error_code ec;
  std::filesystem::create_directories(args.project_dir, ec);
  if (ec) {
    std::fprintf(stderr, "texforge-custom-engine: cannot create %s: %s\n", args.project_dir.c_str(),
                 ec.message().c_str());
    return 1;
  }

  auto context = VulkanContext::create(VulkanContextOptions{args.validate, args.device});
  if (!context) {
    std::fprintf(stderr, "texforge-custom-engine: %s\n", context.error().message.c_str());
    return context.error().code == ErrorCode::kNotFound ? kExitNoDevice : 1;
  }
  VulkanContext& vk = **context;
  const uint32_t api = vk.properties().apiVersion;
  std::printf("vulkan: %s (Vulkan %u.%u.%u), debug names %s, validation %s\n", vk.properties().deviceName,
              VK_VERSION_MAJOR(api), VK_VERSION_MINOR(api), VK_VERSION_PATCH(api),
              vk.debugUtils() ? "on" : "off", args.validate ? "on" : "off");

  FrameRenderer renderer(vk, args.width, args.height);
  VulkanTextureUploader uploader(vk, renderer.clock());
  QuadRenderer quads(vk, uploader);
  Status ready = renderer.init();
  if (ready) ready = uploader.init();
  if (ready) ready = quads.init(renderer.renderPass());
  if (!ready) {
    std::fprintf(stderr, "texforge-custom-engine: %s\n", ready.error().message.c_str());
    return 1;
  }

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed
  io.DisplaySize = ImVec2(static_cast<float>(args.width), static_cast<float>(args.height));
  editor::applyDarkTheme(1.0f);
  loadFonts();
  const int exit_code = runEngine(args, vk, renderer, uploader, quads);
  ImGui::DestroyContext();
  return exit_code;
}
