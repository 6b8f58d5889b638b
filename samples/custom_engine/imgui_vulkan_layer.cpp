// ImGuiVulkanLayer: ImGui 1.86's Vulkan backend for the panel, plus the inserted callbacks that let
// it draw the uploader's textures (see the header for why and how).
#include "imgui_vulkan_layer.h"

#include <cstddef>
#include <cstdio>

#include <backends/imgui_impl_vulkan.h>

namespace texforge::custom_engine {
namespace {

// The engine's pipeline reads the backend's vertex buffers: the layouts must agree.
static_assert(sizeof(ImDrawVert) == sizeof(QuadVertex), "ImDrawVert and QuadVertex differ");
static_assert(offsetof(ImDrawVert, pos) == offsetof(QuadVertex, x), "ImDrawVert::pos moved");
static_assert(offsetof(ImDrawVert, uv) == offsetof(QuadVertex, u), "ImDrawVert::uv moved");
static_assert(offsetof(ImDrawVert, col) == offsetof(QuadVertex, rgba), "ImDrawVert::col moved");

void checkResult(VkResult result) {
  if (result < 0) std::fprintf(stderr, "imgui vulkan backend: %s\n", vkResultName(result));
}

// Written as C casts so the conversion compiles whether ImTextureID is a pointer (1.86) or ImU64.
TextureHandle handleOf(ImTextureID id) {
  return TextureHandle{(uint64_t)(uintptr_t)id};
}

}  // namespace

ImGuiVulkanLayer::ImGuiVulkanLayer(const VulkanContext& context, VulkanTextureUploader& uploader,
                                   const QuadRenderer& quads)
    : context_(context), uploader_(uploader), quads_(quads) {}

ImGuiVulkanLayer::~ImGuiVulkanLayer() {
  if (started_) ImGui_ImplVulkan_Shutdown();
  if (pool_) vkDestroyDescriptorPool(context_.device(), pool_, nullptr);
}

Status ImGuiVulkanLayer::init(VkRenderPass render_pass) {
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 4};
  VkDescriptorPoolCreateInfo pool{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  pool.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  pool.maxSets = 4;
  pool.poolSizeCount = 1;
  pool.pPoolSizes = &size;
  if (vkCreateDescriptorPool(context_.device(), &pool, nullptr, &pool_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateDescriptorPool (imgui) failed");
  context_.setName(VK_OBJECT_TYPE_DESCRIPTOR_POOL, pool_, "imgui backend pool");

  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = context_.instance();
  info.PhysicalDevice = context_.physicalDevice();
  info.Device = context_.device();
  info.QueueFamily = context_.queueFamily();
  info.Queue = context_.queue();
  info.DescriptorPool = pool_;
  info.Subpass = 0;
  // The backend keeps one vertex/index buffer pair per "image" and cycles through them once per
  // RenderDrawData: one per frame in flight is what the engine's fences protect.
  info.MinImageCount = kFramesInFlight;
  info.ImageCount = kFramesInFlight;
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  info.CheckVkResultFn = &checkResult;
  if (!ImGui_ImplVulkan_Init(&info, render_pass))
    return makeError(ErrorCode::kInternal, "ImGui_ImplVulkan_Init failed");
  started_ = true;
  bool fonts = false;
  Status uploaded = context_.submitAndWait(
      [&fonts](VkCommandBuffer cmd) { fonts = ImGui_ImplVulkan_CreateFontsTexture(cmd); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  if (!uploaded) return uploaded;
  if (!fonts) return makeError(ErrorCode::kInternal, "the ImGui font atlas could not be uploaded");
  font_id_ = ImGui::GetIO().Fonts->TexID;
  return Ok{};
}

void ImGuiVulkanLayer::newFrame() {
  ImGui_ImplVulkan_NewFrame();
}

void ImGuiVulkanLayer::bindTexture(const ImDrawList*, const ImDrawCmd* cmd) {
  const auto* binding = static_cast<const Binding*>(cmd->UserCallbackData);
  ImGuiVulkanLayer* self = binding->layer;
  self->quads_.bind(self->recording_, binding->set, binding->flags, self->scale_, self->translate_);
}

void ImGuiVulkanLayer::insertTextureBinds(ImDrawData* data) {
  auto isEngineTexture = [this](const ImDrawCmd& c) { return !c.UserCallback && c.TextureId != font_id_; };
  size_t candidates = 0;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    for (const ImDrawCmd& c : data->CmdLists[i]->CmdBuffer) candidates += isEngineTexture(c) ? 1 : 0;
  }
  bindings_.clear();
  bindings_.reserve(candidates);  // callbacks keep pointers into it until the frame is recorded
  if (candidates == 0) return;

  ImDrawCmd reset;
  reset.UserCallback = ImDrawCallback_ResetRenderState;
  for (int i = 0; i < data->CmdListsCount; ++i) {
    ImDrawList* list = data->CmdLists[i];
    ImVector<ImDrawCmd> out;
    out.reserve(list->CmdBuffer.Size * 3);
    bool engine_state = false;  // the engine's pipeline is bound: the backend's must come back
    for (const ImDrawCmd& c : list->CmdBuffer) {
      if (!isEngineTexture(c)) {
        if (engine_state) out.push_back(reset);
        engine_state = false;
        out.push_back(c);
        continue;
      }
      const TextureHandle handle = handleOf(c.TextureId);
      const VkDescriptorSet set = uploader_.descriptorSet(handle);
      if (!set) {
        stats_.dropped_draws++;
        continue;
      }
      bindings_.push_back(Binding{this, set, uploader_.shaderFlags(handle)});
      ImDrawCmd bind = c;
      bind.ElemCount = 0;
      bind.UserCallback = &ImGuiVulkanLayer::bindTexture;
      bind.UserCallbackData = &bindings_.back();
      out.push_back(bind);
      out.push_back(c);
      engine_state = true;
      stats_.image_draws++;
    }
    if (engine_state) out.push_back(reset);
    list->CmdBuffer.swap(out);
  }
}

void ImGuiVulkanLayer::render(VkCommandBuffer cmd) {
  ImDrawData* data = ImGui::GetDrawData();
  if (!data || data->CmdListsCount == 0 || data->DisplaySize.x <= 0 || data->DisplaySize.y <= 0) return;
  scale_[0] = 2.0f / data->DisplaySize.x;
  scale_[1] = 2.0f / data->DisplaySize.y;
  translate_[0] = -1.0f - data->DisplayPos.x * scale_[0];
  translate_[1] = -1.0f - data->DisplayPos.y * scale_[1];
  insertTextureBinds(data);
  recording_ = cmd;
  ImGui_ImplVulkan_RenderDrawData(data, cmd);
  recording_ = VK_NULL_HANDLE;
}

}  // namespace texforge::custom_engine
