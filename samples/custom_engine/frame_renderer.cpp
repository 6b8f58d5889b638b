// FrameRenderer: targets, render pass, per-frame command buffers and fences, and the readback that
// turns one frame into a DecodedImage for texforge::encodePng.
#include "frame_renderer.h"

#include <algorithm>
#include <cstring>

namespace texforge::custom_engine {
namespace {
constexpr VkFormat kTargetFormat = VK_FORMAT_R8G8B8A8_UNORM;  // holds sRGB-encoded colour, as ImGui draws it
}

FrameRenderer::FrameRenderer(const VulkanContext& context, int width, int height)
    : context_(context), width_(width), height_(height) {}

FrameRenderer::~FrameRenderer() {
  VkDevice device = context_.device();
  for (Frame& f : frames_) {
    if (f.fence) vkDestroyFence(device, f.fence, nullptr);
    if (f.framebuffer) vkDestroyFramebuffer(device, f.framebuffer, nullptr);
    if (f.view) vkDestroyImageView(device, f.view, nullptr);
    if (f.image) vkDestroyImage(device, f.image, nullptr);
    if (f.memory) vkFreeMemory(device, f.memory, nullptr);
  }
  context_.destroyBuffer(readback_);
  if (pool_) vkDestroyCommandPool(device, pool_, nullptr);
  if (render_pass_) vkDestroyRenderPass(device, render_pass_, nullptr);
}

Status FrameRenderer::init() {
  VkDevice device = context_.device();
  VkAttachmentDescription color{};
  color.format = kTargetFormat;
  color.samples = VK_SAMPLE_COUNT_1_BIT;
  color.loadOp = VK_ATTACHMENT_LOAD_OP_CLEAR;
  color.storeOp = VK_ATTACHMENT_STORE_OP_STORE;
  color.stencilLoadOp = VK_ATTACHMENT_LOAD_OP_DONT_CARE;
  color.stencilStoreOp = VK_ATTACHMENT_STORE_OP_DONT_CARE;
  color.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  color.finalLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;  // ready for a readback copy
  VkAttachmentReference ref{0, VK_IMAGE_LAYOUT_COLOR_ATTACHMENT_OPTIMAL};
  VkSubpassDescription subpass{};
  subpass.pipelineBindPoint = VK_PIPELINE_BIND_POINT_GRAPHICS;
  subpass.colorAttachmentCount = 1;
  subpass.pColorAttachments = &ref;
  // In: the target's last readback (a transfer read) is done before the clear writes it.
  // Out: the colour writes are visible to the readback copy that may follow the pass.
  VkSubpassDependency deps[2] = {};
  deps[0].srcSubpass = VK_SUBPASS_EXTERNAL;
  deps[0].dstSubpass = 0;
  deps[0].srcStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT | VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].dstStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[0].srcAccessMask = 0;
  deps[0].dstAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].srcSubpass = 0;
  deps[1].dstSubpass = VK_SUBPASS_EXTERNAL;
  deps[1].srcStageMask = VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT;
  deps[1].dstStageMask = VK_PIPELINE_STAGE_TRANSFER_BIT;
  deps[1].srcAccessMask = VK_ACCESS_COLOR_ATTACHMENT_WRITE_BIT;
  deps[1].dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
  VkRenderPassCreateInfo pass{VK_STRUCTURE_TYPE_RENDER_PASS_CREATE_INFO};
  pass.attachmentCount = 1;
  pass.pAttachments = &color;
  pass.subpassCount = 1;
  pass.pSubpasses = &subpass;
  pass.dependencyCount = 2;
  pass.pDependencies = deps;
  if (vkCreateRenderPass(device, &pass, nullptr, &render_pass_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateRenderPass failed");

  VkCommandPoolCreateInfo pool{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  pool.queueFamilyIndex = context_.queueFamily();
  if (vkCreateCommandPool(device, &pool, nullptr, &pool_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateCommandPool failed");
  for (int i = 0; i < kFramesInFlight; ++i) {
    if (Status made = makeTarget(frames_[i], i); !made) return made;
  }
  auto readback = context_.createHostBuffer(static_cast<VkDeviceSize>(width_) * height_ * 4,
                                            VK_BUFFER_USAGE_TRANSFER_DST_BIT, "frame readback");
  if (!readback) return readback.error();
  readback_ = *readback;
  return Ok{};
}

Status FrameRenderer::makeTarget(Frame& f, int index) {
  VkDevice device = context_.device();
  const std::string name = "frame slot " + std::to_string(index);
  VkImageCreateInfo image{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  image.imageType = VK_IMAGE_TYPE_2D;
  image.format = kTargetFormat;
  image.extent = {static_cast<uint32_t>(width_), static_cast<uint32_t>(height_), 1};
  image.mipLevels = 1;
  image.arrayLayers = 1;
  image.samples = VK_SAMPLE_COUNT_1_BIT;
  image.tiling = VK_IMAGE_TILING_OPTIMAL;
  image.usage = VK_IMAGE_USAGE_COLOR_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT;
  image.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  if (vkCreateImage(device, &image, nullptr, &f.image) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateImage (target) failed");
  VkMemoryRequirements req;
  vkGetImageMemoryRequirements(device, f.image, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = context_.findMemoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
  if (alloc.memoryTypeIndex == UINT32_MAX)
    alloc.memoryTypeIndex = context_.findMemoryType(req.memoryTypeBits, 0);
  if (vkAllocateMemory(device, &alloc, nullptr, &f.memory) != VK_SUCCESS ||
      vkBindImageMemory(device, f.image, f.memory, 0) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "no memory for the frame target");
  VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
  view.image = f.image;
  view.viewType = VK_IMAGE_VIEW_TYPE_2D;
  view.format = kTargetFormat;
  view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 1, 0, 1};
  if (vkCreateImageView(device, &view, nullptr, &f.view) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateImageView (target) failed");
  VkFramebufferCreateInfo fb{VK_STRUCTURE_TYPE_FRAMEBUFFER_CREATE_INFO};
  fb.renderPass = render_pass_;
  fb.attachmentCount = 1;
  fb.pAttachments = &f.view;
  fb.width = static_cast<uint32_t>(width_);
  fb.height = static_cast<uint32_t>(height_);
  fb.layers = 1;
  if (vkCreateFramebuffer(device, &fb, nullptr, &f.framebuffer) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateFramebuffer failed");
  VkCommandBufferAllocateInfo cmd{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  cmd.commandPool = pool_;
  cmd.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  cmd.commandBufferCount = 1;
  if (vkAllocateCommandBuffers(device, &cmd, &f.cmd) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkAllocateCommandBuffers failed");
  VkFenceCreateInfo fence{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
  fence.flags = VK_FENCE_CREATE_SIGNALED_BIT;  // the first wait on a fresh slot returns at once
  if (vkCreateFence(device, &fence, nullptr, &f.fence) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateFence failed");
  context_.setName(VK_OBJECT_TYPE_IMAGE, f.image, name + " colour");
  context_.setName(VK_OBJECT_TYPE_COMMAND_BUFFER, f.cmd, name + " commands");
  context_.setName(VK_OBJECT_TYPE_FENCE, f.fence, name + " fence");
  return Ok{};
}

VkCommandBuffer FrameRenderer::beginFrame() {
  Frame& f = frames_[slot()];
  vkWaitForFences(context_.device(), 1, &f.fence, VK_TRUE, UINT64_MAX);
  clock_.completed = std::max(clock_.completed, f.serial);
  vkResetFences(context_.device(), 1, &f.fence);
  vkResetCommandBuffer(f.cmd, 0);
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(f.cmd, &begin);
  return f.cmd;
}

void FrameRenderer::beginPass(VkCommandBuffer cmd, const float clear_rgba[4]) {
  VkClearValue clear{};
  std::memcpy(clear.color.float32, clear_rgba, sizeof(float) * 4);
  VkRenderPassBeginInfo begin{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
  begin.renderPass = render_pass_;
  begin.framebuffer = frames_[slot()].framebuffer;
  begin.renderArea = {{0, 0}, {static_cast<uint32_t>(width_), static_cast<uint32_t>(height_)}};
  begin.clearValueCount = 1;
  begin.pClearValues = &clear;
  vkCmdBeginRenderPass(cmd, &begin, VK_SUBPASS_CONTENTS_INLINE);
}

void FrameRenderer::endPass(VkCommandBuffer cmd) {
  vkCmdEndRenderPass(cmd);
}

Status FrameRenderer::submit(VkCommandBuffer cmd, bool capture) {
  Frame& f = frames_[slot()];
  if (capture) {
    VkBufferImageCopy copy{};
    copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
    copy.imageExtent = {static_cast<uint32_t>(width_), static_cast<uint32_t>(height_), 1};
    vkCmdCopyImageToBuffer(cmd, f.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, readback_.buffer, 1, &copy);
    VkBufferMemoryBarrier barrier{VK_STRUCTURE_TYPE_BUFFER_MEMORY_BARRIER};
    barrier.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    barrier.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    barrier.buffer = readback_.buffer;
    barrier.size = VK_WHOLE_SIZE;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 0, nullptr, 1,
                         &barrier, 0, nullptr);
    capture_serial_ = clock_.recording;
  }
  vkEndCommandBuffer(cmd);
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  const VkResult result = vkQueueSubmit(context_.queue(), 1, &submit, f.fence);
  f.serial = clock_.recording;
  clock_.recording++;
  markFinished();
  if (result != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, std::string("vkQueueSubmit: ") + vkResultName(result));
  return Ok{};
}

// A signalled fence means its frame and every frame submitted before it have finished.
void FrameRenderer::markFinished() {
  for (Frame& f : frames_) {
    if (f.serial > clock_.completed && vkGetFenceStatus(context_.device(), f.fence) == VK_SUCCESS)
      clock_.completed = f.serial;
  }
}

Result<DecodedImage> FrameRenderer::capture() {
  if (capture_serial_ == 0) return makeError(ErrorCode::kInvalidArgument, "no frame was captured");
  for (Frame& f : frames_) {
    if (f.serial == capture_serial_) vkWaitForFences(context_.device(), 1, &f.fence, VK_TRUE, UINT64_MAX);
  }
  markFinished();
  if (clock_.completed < capture_serial_)
    return makeError(ErrorCode::kInternal, "the captured frame was lost");
  DecodedImage image;
  image.width = width_;
  image.height = height_;
  image.source_format = ImageFormat::kPng;
  image.rgba.resize(static_cast<size_t>(width_) * height_ * 4);
  std::memcpy(image.rgba.data(), readback_.mapped, image.rgba.size());
  for (size_t i = 3; i < image.rgba.size(); i += 4) image.rgba[i] = 255;  // the frame is opaque
  capture_serial_ = 0;
  return image;
}

}  // namespace texforge::custom_engine
