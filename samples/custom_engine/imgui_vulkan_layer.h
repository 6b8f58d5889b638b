// The editor panel on the engine's Vulkan renderer, through Dear ImGui's own Vulkan backend.
//
// Debian's ImGui is 1.86, whose Vulkan backend binds its font atlas once and ignores
// ImDrawCmd::TextureId, so the panel's ImGui::Image calls would all show the font. Rather than
// replacing the backend, render() edits the frame's draw lists before handing them over: in front
// of every command that draws one of the uploader's textures it inserts a callback that binds the
// engine's own quad pipeline (the same vertex layout, its own pipeline layout), that texture's set
// and the projection; after a run of such commands it inserts ImDrawCallback_ResetRenderState, on
// which the backend binds its pipeline, font set, buffers, viewport and push constants again. The
// backend's vertex and index buffers stay bound throughout, and its vkCmdDrawIndexed calls use
// offsets relative to them, so the engine's pipeline draws the backend's geometry as it is. No
// pipeline-layout compatibility with the backend is assumed (its set layout has an immutable
// sampler the engine cannot name). A command whose texture cannot be drawn this frame is dropped.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <vector>

#include <imgui.h>

#include "quad_renderer.h"
#include "texforge/error.h"
#include "vk_context.h"
#include "vk_texture_uploader.h"

namespace texforge::custom_engine {

struct ImGuiLayerStats {
  uint64_t image_draws = 0;    // panel commands drawn with one of the uploader's textures
  uint64_t dropped_draws = 0;  // commands whose texture was unknown or not uploaded yet
};

class ImGuiVulkanLayer {
 public:
  // None of them owned; all must outlive the layer. The current ImGui context must exist.
  ImGuiVulkanLayer(const VulkanContext& context, VulkanTextureUploader& uploader, const QuadRenderer& quads);
  ~ImGuiVulkanLayer();  // shuts the backend down; the GPU must be idle
  // Starts the backend for subpass 0 of render_pass and uploads the font atlas (waits for it).
  Status init(VkRenderPass render_pass);
  void newFrame();  // before ImGui::NewFrame()
  // Records ImGui::GetDrawData() into cmd, inside the render pass. After ImGui::Render().
  void render(VkCommandBuffer cmd);
  const ImGuiLayerStats& stats() const { return stats_; }

 private:
  struct Binding {  // what one inserted callback binds
    ImGuiVulkanLayer* layer;
    VkDescriptorSet set;
    uint32_t flags;
  };
  static void bindTexture(const ImDrawList* list, const ImDrawCmd* cmd);
  void insertTextureBinds(ImDrawData* data);

  const VulkanContext& context_;
  VulkanTextureUploader& uploader_;
  const QuadRenderer& quads_;
  VkDescriptorPool pool_ = VK_NULL_HANDLE;  // the backend's font set comes from it
  bool started_ = false;
  ImTextureID font_id_{};          // the atlas's id: the only texture the backend draws by itself
  std::vector<Binding> bindings_;  // this frame's; reserved up front so callback data stays put
  VkCommandBuffer recording_ = VK_NULL_HANDLE;
  float scale_[2] = {1, 1};
  float translate_[2] = {0, 0};
  ImGuiLayerStats stats_;
};

}  // namespace texforge::custom_engine
