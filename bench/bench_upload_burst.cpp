// Issue 3's "a burst of 16 results arriving together does not stall the UI", measured: per-frame
// UI-thread time while 16 results of 1024x1024 reach the GPU, and the frame cost of Import all.
//
// Each scenario runs the real stack in-process: the emulator on a loopback port, a Generator on a
// fresh project, the editor Panel drawn on a headless ImGui context, and its TextureCache uploading
// through the null uploader or, when a display is available, real OpenGL under a hidden GLFW
// window. A simulated frame loop (pump, upload step, panel draw) paced at 60 Hz records how long the
// UI thread worked in each frame. Figures are benchmark counters; nothing fails on a slow machine.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <imgui.h>

#include "emulated_engine.h"
#include "headless_imgui.h"
#include "texforge/editor/panel.h"
#include "texforge/generator.h"
#include "texforge/gl/texture_uploader_gl.h"

namespace texforge::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kJobs = 2;
constexpr int kOutputsPerJob = 8;  // two jobs of 8: the 16 results of the issue
constexpr int kSide = 1024;
constexpr auto kFramePeriod = std::chrono::microseconds(16667);  // a 60 Hz host
constexpr int kFrameCap = 3000;      // a scenario that has not settled by then reports what it saw
constexpr int kTrailingFrames = 10;  // frames drawn after the last upload, so p50 sees steady state

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A hidden GLFW window whose GL 3.3 context is current on this thread; ok() is false without a display.
class HiddenGlWindow {
 public:
  HiddenGlWindow() {
    glfwSetErrorCallback([](int, const char*) {});  // no display is an expected outcome, not noise
    if (!glfwInit()) return;
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    window_ = glfwCreateWindow(64, 64, "texforge-bench", nullptr, nullptr);
    if (window_) glfwMakeContextCurrent(window_);
  }
  ~HiddenGlWindow() {
    if (window_) glfwDestroyWindow(window_);
    glfwTerminate();
  }
  HiddenGlWindow(const HiddenGlWindow&) = delete;
  HiddenGlWindow& operator=(const HiddenGlWindow&) = delete;
  bool ok() const { return window_ != nullptr; }

 private:
  GLFWwindow* window_ = nullptr;
};

// Which uploader the TextureCache talks to. The GL one needs the window to outlive it.
struct UploaderChoice {
  std::unique_ptr<HiddenGlWindow> window;
  std::unique_ptr<TextureUploader> uploader;
  bool gl = false;
  std::string skip_reason;  // set when the GL variant cannot run here
};

UploaderChoice chooseUploader(bool gl) {
  UploaderChoice choice;
  choice.gl = gl;
  if (!gl) {
    choice.uploader = makeNullTextureUploader();
    return choice;
  }
  choice.window = std::make_unique<HiddenGlWindow>();
  if (!choice.window->ok()) {
    choice.skip_reason = "no display for OpenGL (run under Xvfb or a desktop to measure real uploads)";
    return choice;
  }
  gl::GlTextureUploaderOptions options;
  options.get_proc_address = [](const char* name) {
    return reinterpret_cast<void*>(glfwGetProcAddress(name));
  };
  choice.uploader = gl::makeGlTextureUploader(options);
  if (!choice.uploader) choice.skip_reason = "the OpenGL context lacks what the texture uploader needs";
  return choice;
}

// The GPU work of a frame is charged to the frame, as a host's swap would wait for it.
void finishGpuWork(bool gl) {
  if (gl) glFinish();
}

// The shared emulator-plus-Generator set-up (the project folder is under TMPDIR, which decides the
// disk and so the fsync cost). Jobs are submitted after the panel exists (so they belong to its
// session) and pumped here, outside any frame, so that all their results reach the panel in the same
// frame: the burst.
test::EmulatedEngineOptions burstSetup() {
  test::EmulatedEngineOptions o;
  o.emulator.job_duration_ms = 300;
  return o;
}

class Scenario {
 public:
  Scenario() {
    if (!engine_.start()) error_ = engine_.error;
  }

  // Submits jobs of kOutputsPerJob, then pumps (no frames drawn) until every one is ready with
  // decoded pixels; false on failure or timeout.
  bool submitAndWait(int jobs) {
    if (!error_.empty()) return false;
    for (int j = 0; j < jobs; ++j) {
      GenerationParams params;
      params.prompt = "burst " + std::to_string(j) + ": mossy cobblestone texture";
      params.num_outputs = kOutputsPerJob;
      params.width = kSide;
      params.height = kSide;
      auto id = engine_.generator->submit(params);
      if (!id) {
        error_ = "submit: " + id.error().message;
        return false;
      }
      ids_.push_back(*id);
    }
    const auto deadline = Clock::now() + std::chrono::seconds(180);
    while (Clock::now() < deadline) {
      engine_.generator->waitForActivity(0.1);
      engine_.generator->pump();
      bool all = true;
      for (const auto& id : ids_) {
        auto job = engine_.generator->job(id);
        if (!job || job->state == JobState::kFailed) {
          error_ = "a job failed";
          return false;
        }
        all = all && job->state == JobState::kReady && job->readyCount() == kOutputsPerJob &&
              std::all_of(job->outputs.begin(), job->outputs.end(),
                          [](const auto& o) { return o.image != nullptr; });
      }
      if (all) return true;
    }
    error_ = "jobs did not finish in time";
    return false;
  }

  Generator* generator() { return engine_.generator.get(); }  // null when error() says why
  const std::string& projectDir() const { return engine_.project.path(); }
  const std::vector<std::string>& ids() const { return ids_; }
  const std::string& error() const { return error_; }

 private:
  test::EmulatedEngine engine_{burstSetup()};
  std::vector<std::string> ids_;
  std::string error_;
};

std::unique_ptr<editor::Panel> makePanel(Scenario& scenario, TextureUploader* uploader, bool budgeted) {
  editor::PanelOptions options;
  options.generator = scenario.generator();
  options.uploader = uploader;
  options.project_dir = scenario.projectDir();
  options.settings.spending_threshold = 0.0;
  if (!budgeted) {
    // The baseline: no per-frame budget, every decoded texture goes up in the frame that has it.
    options.textures.upload_bytes_per_frame = SIZE_MAX;
    options.textures.upload_ms_per_frame = 1e9;
  }
  return std::make_unique<editor::Panel>(options);
}

// One simulated host frame: pump + upload step + panel draw (Panel::draw does all three), then the
// host's own view of the results at full size, then the GPU work. Returns the UI thread's time.
double drawFrame(editor::Panel& panel, bool gl, const std::function<void()>& host_work) {
  const auto start = Clock::now();
  ImGui::NewFrame();
  panel.draw();
  if (host_work) host_work();
  ImGui::Render();
  finishGpuWork(gl);
  return msSince(start);
}

void paceTo(Clock::time_point frame_start) {
  std::this_thread::sleep_until(frame_start + kFramePeriod);
}

struct FrameFigures {
  std::vector<double> frame_ms;    // every frame from the burst's arrival to kTrailingFrames after it settled
  std::vector<int> upload_frames;  // per run: frames in which at least one of the 16 reached the GPU
  std::vector<double> settle_ms;   // per run: wall time from arrival until all 16 were on the GPU

  double percentile(double p) const {
    if (frame_ms.empty()) return 0;
    std::vector<double> sorted = frame_ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[std::min(sorted.size() - 1, static_cast<size_t>(p * static_cast<double>(sorted.size())))];
  }
  double max() const { return frame_ms.empty() ? 0 : *std::max_element(frame_ms.begin(), frame_ms.end()); }
  static double mean(const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return v.empty() ? 0 : sum / static_cast<double>(v.size());
  }
};

// The burst: job_count jobs' ready results (16 or 64) appear in one pump; the gallery asks for their
// thumbnails and the host for their full-size textures in the same frame. Frames are drawn until
// every full-size texture is on the GPU.
bool runBurst(TextureUploader* uploader, bool gl, bool budgeted, int job_count, FrameFigures& figures,
              std::string& error) {
  Scenario scenario;
  auto panel = makePanel(scenario, uploader, budgeted);
  if (!scenario.submitAndWait(job_count)) {
    error = scenario.error();
    return false;
  }
  std::vector<JobSnapshot> jobs;
  for (const auto& id : scenario.ids()) jobs.push_back(*scenario.generator()->job(id));
  auto full_key = [](const JobSnapshot& job, int index) {
    return job.local_id + "#" + std::to_string(index) + "#f";
  };
  auto host_work = [&] {
    for (const auto& job : jobs) {
      for (const auto& out : job.outputs) panel->textures().get(full_key(job, out.index), out.image, false);
    }
  };
  auto full_ready = [&] {
    int ready = 0;
    for (const auto& job : jobs) {
      for (const auto& out : job.outputs) {
        ready +=
            panel->textures().peek(full_key(job, out.index)).state == editor::TextureState::kReady ? 1 : 0;
      }
    }
    return ready;
  };

  const auto arrival = Clock::now();
  int upload_frames = 0, ready_before = 0, trailing = 0;
  double settle_ms = -1;
  for (int frame = 0; frame < kFrameCap && trailing < kTrailingFrames; ++frame) {
    const auto frame_start = Clock::now();
    figures.frame_ms.push_back(drawFrame(*panel, gl, host_work));
    const int ready = full_ready();
    if (ready > ready_before) ++upload_frames;
    ready_before = ready;
    if (ready == job_count * kOutputsPerJob && !panel->textures().busy()) {
      if (settle_ms < 0) settle_ms = msSince(arrival);
      ++trailing;
    }
    paceTo(frame_start);
  }
  figures.upload_frames.push_back(upload_frames);
  figures.settle_ms.push_back(settle_ms);
  if (settle_ms < 0) {
    error = "the textures did not settle within the frame cap";
    return false;
  }
  return true;
}

void setFrameCounters(benchmark::State& state, const std::string& prefix, const FrameFigures& f) {
  std::vector<double> frames(f.upload_frames.begin(), f.upload_frames.end());
  state.counters[prefix + "p50_ms"] = f.percentile(0.50);
  state.counters[prefix + "p99_ms"] = f.percentile(0.99);
  state.counters[prefix + "max_ms"] = f.max();
  state.counters[prefix + "frames"] = FrameFigures::mean(frames);
  state.counters[prefix + "settle_ms"] = FrameFigures::mean(f.settle_ms);
}

// Budgeted uploads (the TextureCache defaults) against the baseline that uploads everything in the
// frame that has it. max_ratio = baseline worst frame / budgeted worst frame.
void runUploadBurst(benchmark::State& state, bool gl, int job_count) {
  UploaderChoice choice = chooseUploader(gl);
  if (!choice.skip_reason.empty()) {
    state.SkipWithError(choice.skip_reason.c_str());
    return;
  }
  test::HeadlessImGui imgui;
  FrameFigures budgeted, one_frame;
  for (auto _ : state) {
    std::string error;
    if (!runBurst(choice.uploader.get(), gl, true, job_count, budgeted, error) ||
        !runBurst(choice.uploader.get(), gl, false, job_count, one_frame, error)) {
      state.SkipWithError(error.c_str());
      break;
    }
  }
  setFrameCounters(state, "budget_", budgeted);
  setFrameCounters(state, "oneframe_", one_frame);
  state.counters["max_ratio"] = budgeted.max() > 0 ? one_frame.max() / budgeted.max() : 0;
}

void BM_UploadBurst16(benchmark::State& state, bool gl) {
  runUploadBurst(state, gl, kJobs);
}
// Issue 12, goal 4: 64 results of 1024x1024 (eight jobs of eight) reach the panel in the same pump,
// harder than the goal's "within one second"; the budget spreads them over frames.
void BM_UploadBurst64(benchmark::State& state, bool gl) {
  runUploadBurst(state, gl, 8);
}
BENCHMARK_CAPTURE(BM_UploadBurst16, null_uploader, false)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_UploadBurst16, gl_uploader, true)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_UploadBurst64, null_uploader, false)->Iterations(3)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_UploadBurst64, gl_uploader, true)->Iterations(3)->Unit(benchmark::kMillisecond);

// Import all of 16 ready results: before, the panel called Generator::importOutput for each on the
// frame thread (16 fsynced writes plus sidecars in one frame); now Panel::importAll queues them on
// the core's import thread and frames go on while the answers arrive.
void BM_ImportAll16(benchmark::State& state) {
  auto uploader = makeNullTextureUploader();  // uploads are not what is measured here
  test::HeadlessImGui imgui;
  std::vector<double> sync_ms, async_press_ms, async_max_ms, async_frames, async_done_ms;
  for (auto _ : state) {
    // Four jobs: two are imported the old way, two the new way, on the same project and disk.
    Scenario scenario;
    auto panel = makePanel(scenario, uploader.get(), true);
    if (!scenario.submitAndWait(2 * kJobs)) {
      state.SkipWithError(scenario.error().c_str());
      break;
    }
    // Let the gallery's thumbnails settle first so the frames below measure the import only.
    for (int frame = 0; frame < kFrameCap && (frame < 2 || panel->textures().busy()); ++frame) {
      const auto frame_start = Clock::now();
      drawFrame(*panel, false, nullptr);
      paceTo(frame_start);
    }

    // Before: synchronous imports inside one frame.
    const std::vector<std::string> ids = scenario.ids();
    int sync_failed = 0;
    sync_ms.push_back(drawFrame(*panel, false, [&] {
      for (int j = 0; j < kJobs; ++j) {
        for (int i = 0; i < kOutputsPerJob; ++i)
          sync_failed += scenario.generator()->importOutput(ids[j], i) ? 0 : 1;
      }
    }));

    // After: Import all queues the other 16; frames continue until the last answer arrives.
    int queued = 0;
    const auto pressed = Clock::now();
    async_press_ms.push_back(drawFrame(*panel, false, [&] { queued = panel->importAll(); }));
    double worst = async_press_ms.back();
    int frames = 1;
    while (panel->importsPending() > 0 && frames < kFrameCap) {
      const auto frame_start = Clock::now();
      worst = std::max(worst, drawFrame(*panel, false, nullptr));
      ++frames;
      if (panel->importsPending() > 0) paceTo(frame_start);
    }
    async_done_ms.push_back(msSince(pressed));
    async_max_ms.push_back(worst);
    async_frames.push_back(frames);
    if (sync_failed > 0 || queued != kJobs * kOutputsPerJob || panel->importsPending() > 0) {
      state.SkipWithError("imports did not all succeed");
      break;
    }
  }
  state.counters["sync_frame_ms"] = FrameFigures::mean(sync_ms);
  state.counters["async_press_ms"] = FrameFigures::mean(async_press_ms);
  state.counters["async_max_ms"] = FrameFigures::mean(async_max_ms);
  state.counters["async_frames"] = FrameFigures::mean(async_frames);
  state.counters["async_done_ms"] = FrameFigures::mean(async_done_ms);
  const double async_max = FrameFigures::mean(async_max_ms);
  state.counters["ratio"] = async_max > 0 ? FrameFigures::mean(sync_ms) / async_max : 0;
}
BENCHMARK(BM_ImportAll16)->Iterations(3)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace texforge::bench
