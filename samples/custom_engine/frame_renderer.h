// The engine's frame loop on the GPU, headless: an offscreen R8G8B8A8_UNORM colour target per frame
// in flight, one render pass, command buffers fenced per frame, and a readback of a chosen frame.
// It owns the FrameClock the uploader reads. Render thread only.
#pragma once

#include <vulkan/vulkan.h>

#include <array>
#include <cstdint>

#include "frame_clock.h"
#include "texforge/image.h"
#include "vk_context.h"

namespace texforge::custom_engine {

class FrameRenderer {
 public:
  FrameRenderer(const VulkanContext& context, int width, int height);  // context must outlive it
  ~FrameRenderer();                                                    // the GPU must be idle
  Status init();

  int width() const { return width_; }
  int height() const { return height_; }
  VkRenderPass renderPass() const { return render_pass_; }
  const FrameClock& clock() const { return clock_; }
  int slot() const { return static_cast<int>(clock_.recording % kFramesInFlight); }

  // Waits until the frame that last used this slot has finished (kFramesInFlight frames ago),
  // then begins its command buffer. Commands outside the pass (texture copies) go first.
  VkCommandBuffer beginFrame();
  void beginPass(VkCommandBuffer cmd, const float clear_rgba[4]);
  void endPass(VkCommandBuffer cmd);
  // Ends and submits the frame; with capture, also copies its image for capture(). Advances the
  // clock, and marks finished every earlier frame whose fence has signalled (without waiting).
  Status submit(VkCommandBuffer cmd, bool capture);
  // The pixels of the frame submitted with capture=true (waits for that frame), top row first.
  Result<DecodedImage> capture();

 private:
  struct Frame {
    VkImage image = VK_NULL_HANDLE;
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkImageView view = VK_NULL_HANDLE;
    VkFramebuffer framebuffer = VK_NULL_HANDLE;
    VkCommandBuffer cmd = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
    uint64_t serial = 0;  // the frame last submitted from this slot
  };
  Status makeTarget(Frame& frame, int index);
  void markFinished();

  const VulkanContext& context_;
  int width_;
  int height_;
  FrameClock clock_;
  VkRenderPass render_pass_ = VK_NULL_HANDLE;
  VkCommandPool pool_ = VK_NULL_HANDLE;
  std::array<Frame, kFramesInFlight> frames_{};
  GpuBuffer readback_;
  uint64_t capture_serial_ = 0;  // the frame whose pixels readback_ receives; 0: none asked
};

}  // namespace texforge::custom_engine
