// What a custom engine hands the panel: an uploader whose textures become ready() frames after
// create() (as a Vulkan or D3D12 renderer's do), on which every texture the panel shows is drawn as
// its placeholder until then, and the engine's own presets in place of the built-in ones.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // the form's child window, to find its buttons

#include "editor_test_support.h"
#include "scripted_generator.h"
#include "texforge/editor/presets.h"
#include "texforge/editor/texture_cache.h"

namespace texforge::test {
namespace {

using editor::TextureState;

// A renderer that records command buffers: create() answers at once and the texture becomes
// ready() once the host has ended frames_to_ready frames after it. Remembers every upload's desc.
class DeferredUploader final : public TextureUploader {
 public:
  explicit DeferredUploader(int frames_to_ready) : frames_to_ready_(frames_to_ready) {}

  TextureHandle create(const DecodedImage& image, const TextureDesc& desc) override {
    const TextureHandle handle = sizes_->create(image, desc);
    if (handle) {
      ready_at_[handle.id] = frames_ended_ + frames_to_ready_;
      descs_[handle.id] = desc;
    }
    return handle;
  }
  void destroy(TextureHandle handle) override {
    sizes_->destroy(handle);
    ready_at_.erase(handle.id);
  }
  bool ready(TextureHandle handle) const override {
    auto it = ready_at_.find(handle.id);
    return it != ready_at_.end() && frames_ended_ >= it->second;
  }
  void endFrame() override { ++frames_ended_; }
  int width(TextureHandle handle) const override { return sizes_->width(handle); }
  int height(TextureHandle handle) const override { return sizes_->height(handle); }
  size_t liveCount() const override { return sizes_->liveCount(); }

  int framesEnded() const { return frames_ended_; }
  bool live(uint64_t id) const { return ready_at_.count(id) > 0; }
  // The live textures whose debug name starts with prefix.
  std::vector<uint64_t> named(const std::string& prefix) const {
    std::vector<uint64_t> ids;
    for (const auto& [id, desc] : descs_) {
      if (live(id) && desc.debug_name.rfind(prefix, 0) == 0) ids.push_back(id);
    }
    return ids;
  }
  std::vector<uint64_t> namedExactly(const std::string& name) const {
    std::vector<uint64_t> ids = named(name);
    ids.erase(
        std::remove_if(ids.begin(), ids.end(), [&](uint64_t id) { return descs_.at(id).debug_name != name; }),
        ids.end());
    return ids;
  }
  const TextureDesc& desc(uint64_t id) const { return descs_.at(id); }
  size_t created() const { return descs_.size(); }

 private:
  const int frames_to_ready_;
  int frames_ended_ = 0;
  std::unique_ptr<TextureUploader> sizes_ = makeNullTextureUploader();
  std::map<uint64_t, int> ready_at_;  // live textures: frames_ended_ from which they are ready
  std::map<uint64_t, TextureDesc> descs_;
};

bool drawn(uint64_t id) {
  const std::vector<uint64_t> ids = HeadlessImGui::texturesDrawn();
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// The panel's wake, counted, so a test blocks until a texture worker has finished something.
class Wakes {
 public:
  std::function<void()> callback() {
    return [this] {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        ++count_;
      }
      woken_.notify_all();
    };
  }
  void waitBriefly() {  // for a wake not seen yet, or 100 ms
    std::unique_lock<std::mutex> lock(mutex_);
    woken_.wait_for(lock, std::chrono::milliseconds(100), [&] { return count_ > seen_; });
    seen_ = count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable woken_;
  int count_ = 0;
  int seen_ = 0;
};

// --- TextureCache: kReady only once the uploader is ---------------------------------------------

TEST(DeferredUploads, ACachedTextureIsLoadingUntilTheUploaderSaysReady) {
  DeferredUploader gpu(3);
  editor::TextureCache cache(&gpu);
  auto image = std::make_shared<const DecodedImage>(solidImage(32, 32, 7));
  TextureDesc desc;
  desc.srgb = false;
  desc.debug_name = "a data texture";
  EXPECT_EQ(cache.get("k", image, false, desc).state, TextureState::kLoading);
  cache.beginFrame();  // uploads it
  ASSERT_EQ(gpu.created(), 1u);
  editor::TextureView view = cache.get("k", image, false);
  EXPECT_EQ(view.state, TextureState::kLoading);
  ASSERT_TRUE(view.handle);
  EXPECT_FALSE(gpu.desc(view.handle.id).srgb);  // the desc of the first get() reaches the uploader
  EXPECT_EQ(gpu.desc(view.handle.id).debug_name, "a data texture");
  EXPECT_TRUE(cache.busy());  // the host should draw again
  EXPECT_EQ(cache.stats().not_ready, 1u);
  for (int frame = 1; frame <= 3; ++frame) {
    EXPECT_EQ(cache.get("k", image, false).state, TextureState::kLoading) << "frame " << frame;
    gpu.endFrame();
    cache.beginFrame();
  }
  EXPECT_EQ(cache.get("k", image, false).state, TextureState::kReady);
  EXPECT_EQ(cache.peek("k").handle, view.handle);
  EXPECT_FALSE(cache.busy());
  EXPECT_EQ(cache.stats().not_ready, 0u);
  EXPECT_EQ(gpu.liveCount(), 1u);
}

// --- The panel on that uploader --------------------------------------------------------------------

struct HostPanel : ::testing::Test {
  // A panel on a DeferredUploader (ready two ended frames after create()) and the given presets.
  void open(std::vector<editor::Preset> presets = {}) {
    auto uploader = std::make_unique<DeferredUploader>(2);
    gpu = uploader.get();
    editor::PanelOptions options = panelOptions(generator, *uploader, project.path());
    options.presets = std::move(presets);
    options.wake = wakes.callback();
    harness = std::make_unique<PanelHarness>(generator, std::move(uploader), std::move(options));
    panel = harness->panel.get();
  }
  void TearDown() override { harness.reset(); }

  // Host frames (draw, then end the frame on the uploader) until done(); between them, waits for
  // the panel's wake (a texture decoded) or briefly.
  bool hostFramesUntil(const std::function<bool()>& done) {
    return waitUntil(done, [&] {
      harness->frame();
      gpu->endFrame();
      if (!done()) wakes.waitBriefly();
    });
  }

  TempDir project;
  ScriptedGenerator generator{ScriptedGeneratorOptions{project.path(), nullptr, {}}};
  Wakes wakes;
  DeferredUploader* gpu = nullptr;
  std::unique_ptr<PanelHarness> harness;
  editor::Panel* panel = nullptr;
};

TEST_F(HostPanel, AResultIsDrawnAsItsPlaceholderUntilTheUploaderHasItReady) {
  open();
  panel->params().prompt = "a mossy crate";
  ASSERT_TRUE(harness->frameUntilPriced());
  ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  const std::string id = panel->sessionJobIds().front();
  ASSERT_EQ(generator.addReadyOutput(id, solidImage(64, 64, 120)), 0);

  // Frames without the host's endFrame(): the thumbnail and the preview opened by the first result
  // are uploaded, and neither is drawn.
  const std::string name = "texforge result " + id + "#0";
  ASSERT_TRUE(harness->frameUntil([&] { return gpu->named(name).size() == 2; }));
  harness->frame();
  for (uint64_t texture : gpu->named(name)) {
    // Shown by ImGui in gamma space: sampled as stored, never decoded to linear.
    EXPECT_FALSE(gpu->desc(texture).srgb) << gpu->desc(texture).debug_name;
    EXPECT_FALSE(drawn(texture)) << gpu->desc(texture).debug_name;
  }
  EXPECT_TRUE(drawn(HeadlessImGui::kFontTexture));  // the frame did draw: its text
  EXPECT_TRUE(panel->textures().busy());
  EXPECT_EQ(gpu->framesEnded(), 0);  // the panel leaves endFrame() to the host

  gpu->endFrame();
  harness->frame();
  for (uint64_t texture : gpu->named(name)) EXPECT_FALSE(drawn(texture));  // one frame short
  gpu->endFrame();
  harness->frame();
  for (uint64_t texture : gpu->named(name)) EXPECT_TRUE(drawn(texture)) << gpu->desc(texture).debug_name;
  EXPECT_EQ(gpu->framesEnded(), 2);
}

TEST_F(HostPanel, TheMaskOverlayIsDataAndTheLastReadyOneStaysUntilTheNextIsReady) {
  open();
  const std::string reference = project.file("reference.png");
  auto png = encodePng(solidImage(48, 32, 200));
  ASSERT_TRUE(png.ok());
  writeAll(reference, std::string(png->begin(), png->end()));
  panel->addReference(reference);
  ASSERT_TRUE(panel->openMaskPainter());

  // The reference decodes, becomes ready, the canvas takes its size and the first overlay is made.
  const std::string overlay = "texforge mask overlay";
  ASSERT_TRUE(hostFramesUntil([&] { return !gpu->named(overlay).empty(); }));
  EXPECT_EQ(panel->mask().width(), 48);
  const uint64_t first = gpu->named(overlay).front();
  EXPECT_FALSE(gpu->desc(first).srgb);
  const std::vector<uint64_t> references = gpu->namedExactly("texforge file " + reference);
  ASSERT_EQ(references.size(), 1u);             // the full-size reference under the canvas
  EXPECT_FALSE(gpu->desc(references[0]).srgb);  // shown by ImGui as stored

  harness->frame();  // one frame ended since the overlay was made: not ready yet
  EXPECT_FALSE(drawn(first));
  EXPECT_TRUE(drawn(references[0]));
  gpu->endFrame();
  harness->frame();
  EXPECT_TRUE(drawn(first));

  // A stroke makes a new overlay; the old one is drawn until the new one is ready, then freed.
  panel->mask().beginStroke();
  panel->mask().strokeTo(10, 10, 6, 0.0f, false);
  panel->mask().endStroke();
  harness->frame();
  const std::vector<uint64_t> overlays = gpu->named(overlay);
  ASSERT_EQ(overlays.size(), 2u);
  const uint64_t second = overlays.back();
  EXPECT_NE(second, first);
  EXPECT_TRUE(drawn(first));
  EXPECT_FALSE(drawn(second));
  gpu->endFrame();
  gpu->endFrame();
  harness->frame();
  EXPECT_TRUE(drawn(second));
  EXPECT_FALSE(drawn(first));
  EXPECT_FALSE(gpu->live(first));
}

// --- The host's presets -----------------------------------------------------------------------------

std::vector<editor::Preset> enginePresets() {
  editor::Preset wall{
      "Castle wall", "Tileable castle stone", "weathered castle stone wall", 1024, 1024, "low", "opaque", 1};
  editor::Preset potion{
      "Potion", "Inventory potion icon", "potion bottle icon", 816, 816, "medium", "transparent", 2};
  return {wall, potion};
}

// The mouse over the panel: buttons and fields are found by hovering, as an artist would.
struct FormMouse {
  PanelHarness& harness;

  ImGuiID hover(ImVec2 at) {
    HeadlessImGui::mouseMove(at.x, at.y);
    harness.frame();
    return HeadlessImGui::hoveredId();
  }
  void click(ImVec2 at) {
    hover(at);
    HeadlessImGui::mouseButton(0, true);
    harness.frame();
    HeadlessImGui::mouseButton(0, false);
    harness.frame();
  }
  static ImGuiWindow* form() {
    for (ImGuiWindow* window : GImGui->Windows) {
      if (std::strstr(window->Name, "/form_") && window->Active) return window;
    }
    return nullptr;
  }
  // One point on each button of the form's first row of buttons (the presets: above them is text).
  std::vector<ImVec2> firstRowButtons() {
    std::vector<ImVec2> buttons;
    ImGuiWindow* window = form();
    if (!window) return buttons;
    const float left = window->ContentRegionRect.Min.x + 4, top = window->InnerClipRect.Min.y + 1;
    const float right = window->InnerClipRect.Max.x, bottom = window->InnerClipRect.Max.y;
    for (float y = top; y < bottom; y += 2) {
      if (hover(ImVec2(left, y)) == 0) continue;
      ImGuiID last = 0;
      for (float x = left; x < right; x += 2) {
        const ImGuiID id = hover(ImVec2(x, y));
        if (id != 0 && id != last) buttons.push_back(ImVec2(x + 2, y));
        if (id != 0) last = id;
      }
      break;
    }
    return buttons;
  }
};

TEST_F(HostPanel, TheHostsPresetsReplaceTheBuiltInOnesInTheForm) {
  open(enginePresets());
  ASSERT_EQ(panel->presets().size(), 2u);
  EXPECT_EQ(panel->presets()[0].name, "Castle wall");
  EXPECT_FALSE(panel->applyPresetByName("Texture"));  // a built-in one is not offered
  ASSERT_TRUE(panel->applyPresetByName("potion"));
  EXPECT_EQ(panel->params().width, 816);
  EXPECT_EQ(panel->params().background, "transparent");
  EXPECT_EQ(panel->params().num_outputs, 2);

  // The form's preset buttons are exactly the host's: pressing each fills the form with its hint.
  harness->frame();
  FormMouse mouse{*harness};
  const std::vector<ImVec2> buttons = mouse.firstRowButtons();
  std::set<std::string> applied;
  for (const ImVec2& at : buttons) {
    panel->params().prompt.clear();
    mouse.click(at);
    applied.insert(panel->params().prompt);
  }
  EXPECT_EQ(applied, (std::set<std::string>{"weathered castle stone wall", "potion bottle icon"}));
  EXPECT_EQ(buttons.size(), 2u);
}

TEST_F(HostPanel, WithoutHostPresetsTheFormOffersTheBuiltInOnes) {
  open();
  const auto& builtin = editor::builtinPresets();
  ASSERT_EQ(panel->presets().size(), builtin.size());
  for (size_t i = 0; i < builtin.size(); ++i) EXPECT_EQ(panel->presets()[i].name, builtin[i].name);
  EXPECT_TRUE(panel->applyPresetByName("Texture"));
  EXPECT_EQ(panel->params().quality, "high");
}

// --- Text typed into the panel's fields ---------------------------------------------------------------

TEST_F(HostPanel, TypedTextFillsAFieldAndBackspaceShortensIt) {
  open();
  for (const char* prompt : {"a rusty lantern", "a dragon scale"}) {
    panel->params().prompt = prompt;
    ASSERT_TRUE(harness->frameUntilPriced());
    ASSERT_EQ(panel->pressGenerate(), editor::GenerateOutcome::kSubmitted) << panel->statusMessage();
  }
  panel->selectTab(editor::PanelTab::kHistory);
  harness->frame();
  harness->frame();
  ASSERT_EQ(panel->historyMatches().size(), 2u);

  // Down the window's left edge: the first item is the tab bar, the second the search field.
  ImGuiWindow* window = ImGui::FindWindowByName("texforge");
  ASSERT_NE(window, nullptr);
  FormMouse mouse{*harness};
  const float left = window->ContentRegionRect.Min.x + 4;
  std::vector<ImGuiID> seen;
  for (float y = window->InnerClipRect.Min.y + 1; y < window->InnerClipRect.Max.y && seen.size() < 2;
       y += 2) {
    const ImGuiID id = mouse.hover(ImVec2(left, y));
    if (id == 0 || (!seen.empty() && seen.back() == id)) continue;
    seen.push_back(id);
    if (seen.size() == 2) mouse.click(ImVec2(left, y));
  }
  ASSERT_TRUE(ImGui::GetIO().WantTextInput);  // the click focused a text field

  HeadlessImGui::typeText("dragonX");
  harness->frame();
  harness->frame();
  EXPECT_TRUE(panel->historyMatches().empty());  // "dragonX" matches nothing
  HeadlessImGui::key(ImGuiKey_Backspace, true);
  harness->frame();
  HeadlessImGui::key(ImGuiKey_Backspace, false);
  harness->frame();
  ASSERT_EQ(panel->historyMatches().size(), 1u);  // "dragon": the string shrank with the text
  EXPECT_EQ(generator.job(panel->historyMatches().front())->params.prompt, "a dragon scale");
}

}  // namespace
}  // namespace texforge::test
