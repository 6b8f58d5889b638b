// The engine's one pipeline: textured quads in pixel coordinates, in ImGui's vertex layout, sampling
// a texture of the VulkanTextureUploader. The scene draws its grid with it, and the ImGui layer binds
// it for the panel's images (ImGui 1.86's Vulkan backend can only draw its font atlas).
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>
#include <vector>

#include "frame_clock.h"
#include "texforge/texture_uploader.h"
#include "vk_context.h"
#include "vk_texture_uploader.h"

namespace texforge::custom_engine {

// Laid out like ImDrawVert (the ImGui layer checks it at compile time), so the pipeline can draw
// the backend's vertex buffers as well as the scene's own.
struct QuadVertex {
  float x, y;  // pixels, top-left origin
  float u, v;
  uint32_t rgba;  // R in the low byte, as ImGui's IM_COL32
};

// What the quad shader reads: pixels to clip space, and the kShader* bits of the texture.
struct QuadPush {
  float scale[2];
  float translate[2];
  uint32_t flags;
};

struct QuadDraw {
  TextureHandle texture;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // pixels
  uint32_t rgba = 0xffffffffu;           // tint
};

class QuadRenderer {
 public:
  // context and uploader are not owned and must outlive the renderer.
  QuadRenderer(const VulkanContext& context, VulkanTextureUploader& uploader);
  ~QuadRenderer();
  // The pipeline for subpass 0 of render_pass (viewport and scissor are dynamic).
  Status init(VkRenderPass render_pass);

  // Binds the pipeline, set and push constants for drawing into a target of width x height pixels.
  void bind(VkCommandBuffer cmd, VkDescriptorSet set, uint32_t flags, const float scale[2],
            const float translate[2]) const;
  // Draws quads (those whose texture cannot be drawn yet are skipped) into the current render pass;
  // slot is the frame-in-flight index whose vertex buffer is free to rewrite. Returns how many drew.
  int draw(VkCommandBuffer cmd, int slot, const std::vector<QuadDraw>& quads, int width, int height);

 private:
  const VulkanContext& context_;
  VulkanTextureUploader& uploader_;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  std::array<GpuBuffer, kFramesInFlight> vertices_{};  // one per frame in flight, grown on demand
};

}  // namespace texforge::custom_engine
