// The headless ImGui context: a real font atlas (the panel measures text) behind a fake texture id,
// and the few reads and inputs whose names changed between the ImGui versions the editor supports.
#include "headless_imgui.h"

#include <cstdint>
#include <type_traits>

#include <imgui.h>
#include <imgui_internal.h>

#include "texforge/editor/imgui_texture.h"
#include "texforge/editor/panel.h"

namespace texforge::test {
namespace {

// Overloads picked by which member the ImGui at hand has: the int one wins when its expression
// compiles, the long one is the fallback. Neither needs to know the version that renamed it.
template <typename Context>
auto hoveredDisabled(const Context& g, int) -> decltype(g.HoveredIdIsDisabled) {
  return g.HoveredIdIsDisabled;  // 1.92
}
template <typename Context>
bool hoveredDisabled(const Context& g, long) {
  return g.HoveredIdDisabled;  // 1.86
}

template <typename DrawData>
auto drawListCount(const DrawData& data, int) -> decltype(data.CmdLists.Size) {
  return data.CmdLists.Size;  // an ImVector since 1.89.8
}
template <typename DrawData>
int drawListCount(const DrawData& data, long) {
  return data.CmdListsCount;
}

template <typename Io>
auto queueMouseMove(Io& io, float x, float y, int) -> decltype(io.AddMousePosEvent(x, y)) {
  io.AddMousePosEvent(x, y);
}
template <typename Io>
void queueMouseMove(Io& io, float x, float y, long) {
  io.MousePos = ImVec2(x, y);
}

template <typename Io>
auto queueMouseButton(Io& io, int button, bool down, int) -> decltype(io.AddMouseButtonEvent(button, down)) {
  io.AddMouseButtonEvent(button, down);
}
template <typename Io>
void queueMouseButton(Io& io, int button, bool down, long) {
  io.MouseDown[button] = down;
}

// 1.87 queues keys as ImGuiKey events; 1.86 reads KeysDown[] at the index KeyMap[] gives a key.
template <typename Io>
auto queueKey(Io& io, ImGuiKey key, bool down, int) -> decltype(io.AddKeyEvent(key, down)) {
  io.AddKeyEvent(key, down);
}
template <typename Io>
void queueKey(Io& io, ImGuiKey key, bool down, long) {
  io.KeyMap[key] = key;
  io.KeysDown[key] = down;
}

ImTextureID fontTextureId() {
  return editor::toImTextureId(TextureHandle{HeadlessImGui::kFontTexture});
}

// The reverse of toImTextureId; a template, so only the branch for this ImTextureID is compiled.
template <typename Id>
uint64_t textureIdValue(Id id) {
  if constexpr (std::is_pointer_v<Id>) {
    return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(id));
  } else {
    return static_cast<uint64_t>(id);
  }
}

#ifdef IMGUI_HAS_TEXTURES
// 1.92 builds and grows the atlas itself and asks the renderer to create, update or destroy its
// textures after Render(): answered here at once, all with the one fake id.
void answerTextureRequests() {
  for (ImTextureData* texture : ImGui::GetPlatformIO().Textures) {
    switch (texture->Status) {
      case ImTextureStatus_WantCreate:
        texture->SetTexID(fontTextureId());
        texture->SetStatus(ImTextureStatus_OK);
        break;
      case ImTextureStatus_WantUpdates: texture->SetStatus(ImTextureStatus_OK); break;
      case ImTextureStatus_WantDestroy:
        texture->SetTexID(ImTextureID_Invalid);
        texture->SetStatus(ImTextureStatus_Destroyed);
        break;
      default: break;
    }
  }
}
#endif

}  // namespace

HeadlessImGui::HeadlessImGui() {
  context_ = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.DisplaySize = ImVec2(1400, 900);
  io.DeltaTime = 1.0f / 60.0f;
#ifdef IMGUI_HAS_TEXTURES
  io.BackendFlags |= ImGuiBackendFlags_RendererHasTextures;
#else
  unsigned char* pixels = nullptr;
  int width = 0, height = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
  io.Fonts->SetTexID(fontTextureId());
#endif
}

HeadlessImGui::~HeadlessImGui() {
  ImGui::DestroyContext(context_);
}

void HeadlessImGui::frame(const std::function<void()>& draw) {
  ImGui::NewFrame();
  if (draw) draw();
  ImGui::Render();
#ifdef IMGUI_HAS_TEXTURES
  answerTextureRequests();
#endif
}

void HeadlessImGui::frame(editor::Panel& panel) {
  frame([&] { panel.draw(); });
}

void HeadlessImGui::mouseMove(float x, float y) {
  queueMouseMove(ImGui::GetIO(), x, y, 0);
}

void HeadlessImGui::mouseButton(int button, bool down) {
  queueMouseButton(ImGui::GetIO(), button, down, 0);
}

void HeadlessImGui::typeText(const char* utf8) {
  ImGui::GetIO().AddInputCharactersUTF8(utf8);
}

void HeadlessImGui::key(int imgui_key, bool down) {
  queueKey(ImGui::GetIO(), static_cast<ImGuiKey>(imgui_key), down, 0);
}

void HeadlessImGui::ctrl(bool down) {
#if IMGUI_VERSION_NUM >= 18900
  ImGui::GetIO().AddKeyEvent(ImGuiMod_Ctrl, down);
#else
  ImGui::GetIO().KeyCtrl = down;
#endif
}

unsigned HeadlessImGui::hoveredId() {
  return GImGui->HoveredId;
}

bool HeadlessImGui::hoveredIsDisabled() {
  return GImGui->HoveredId != 0 && hoveredDisabled(*GImGui, 0);
}

std::vector<uint64_t> HeadlessImGui::texturesDrawn() {
  std::vector<uint64_t> ids;
  const ImDrawData* data = ImGui::GetDrawData();
  if (!data) return ids;
  for (int i = 0; i < drawListCount(*data, 0); ++i) {
    for (const ImDrawCmd& command : data->CmdLists[i]->CmdBuffer) {
      if (command.ElemCount > 0) ids.push_back(textureIdValue(command.GetTexID()));
    }
  }
  return ids;
}

}  // namespace texforge::test
