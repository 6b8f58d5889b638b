// The engine's TextureUploader on Vulkan: one VkImage (R8G8B8A8, _SRGB or _UNORM by TextureDesc::srgb)
// per texture, filled from a staging buffer by a copy that the next frame's command buffer carries.
// A texture is ready() once that frame's fence has signalled; destroy() keeps the image until the
// frames that may still read it are done. endFrame() does both, after the host submitted a frame.
//
// Everything here runs on the render thread, as the seam requires. The editor's panel and the
// engine's own scene share one instance: both draw through descriptorSet().
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "frame_clock.h"
#include "texforge/texture_uploader.h"
#include "vk_context.h"

namespace texforge::custom_engine {

// Bits of the quad shader's push constant `flags`: how to turn a texel into a display value.
// kShaderEncodeSrgb: an _SRGB texture samples as linear, so the shader encodes it again for the UNORM
// target; kShaderStraightAlpha: the colour is not premultiplied, so the shader multiplies it.
inline constexpr uint32_t kShaderEncodeSrgb = 1u;
inline constexpr uint32_t kShaderStraightAlpha = 2u;

struct UploaderStats {
  uint64_t created = 0;  // textures handed out
  uint64_t uploads_recorded = 0;
  uint64_t became_ready = 0;    // copies whose frame finished
  uint64_t destroyed = 0;       // destroy() calls on live textures
  uint64_t freed_deferred = 0;  // of those, freed by endFrame() once their frames were done
  uint64_t freed_at_once = 0;   // of those, freed in destroy(): the GPU had never seen them
  uint64_t bytes_staged = 0;    // pixel bytes copied into staging buffers
  size_t pending_frees = 0;     // destroyed, waiting for their frames
};

class VulkanTextureUploader final : public TextureUploader {
 public:
  // context and clock are not owned and must outlive the uploader.
  VulkanTextureUploader(const VulkanContext& context, const FrameClock& clock);
  ~VulkanTextureUploader() override;  // the GPU must be idle: frees everything, retired or not
  Status init();                      // sampler, descriptor set layout, first descriptor pool

  // --- TextureUploader ---
  // 0 when the image is empty, its pixels are short, or it is over the device's size limit.
  TextureHandle create(const DecodedImage& image, const TextureDesc& desc = {}) override;
  void destroy(TextureHandle handle) override;
  bool ready(TextureHandle handle) const override;
  void endFrame() override;
  int width(TextureHandle handle) const override;
  int height(TextureHandle handle) const override;
  size_t liveCount() const override { return live_.size(); }

  // --- The engine's side ---
  // Records the copies (and mip chains) of every texture created since the last call into cmd,
  // outside a render pass; they finish before the frame's fragment shaders read them.
  void recordUploads(VkCommandBuffer cmd);
  // What to bind to draw handle in the frame being recorded: VK_NULL_HANDLE for an unknown handle,
  // a destroyed one, or one whose copy is not in this frame's command buffer or an earlier one.
  VkDescriptorSet descriptorSet(TextureHandle handle) const;
  uint32_t shaderFlags(TextureHandle handle) const;                // kShader* bits
  VkDescriptorSetLayout setLayout() const { return set_layout_; }  // set 0: one combined image sampler
  size_t notReadyCount() const;  // live textures whose copy has not finished yet
  const UploaderStats& stats() const { return stats_; }

 private:
  struct Texture {
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
    VkDescriptorSet set = VK_NULL_HANDLE;
    VkDescriptorPool pool = VK_NULL_HANDLE;  // the pool set came from
    GpuBuffer staging;                       // until the copy's frame is done
    int width = 0;
    int height = 0;
    uint32_t mip_levels = 1;
    uint32_t flags = 0;
    uint64_t upload_serial = 0;  // the frame whose commands hold the copy; 0: not recorded yet
    bool ready = false;
    std::string name;
  };
  struct Retired {
    Texture texture;
    uint64_t free_after = 0;  // freed once the frame with this serial has finished
  };

  void recordCopy(VkCommandBuffer cmd, const Texture& texture) const;
  bool openPool();
  VkDescriptorSet allocateSet(VkDescriptorPool* pool_out);
  void release(Texture& texture) const;

  const VulkanContext& context_;
  const FrameClock& clock_;
  VkSampler sampler_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  std::vector<VkDescriptorPool> pools_;  // grows by one pool when the newest is full
  uint64_t next_id_ = 1;                 // 0 is "no texture"
  std::unordered_map<uint64_t, Texture> live_;
  std::vector<uint64_t> to_upload_;  // created, copy not recorded yet, in creation order
  std::vector<Retired> retired_;
  UploaderStats stats_;
};

}  // namespace texforge::custom_engine
