// VulkanTextureUploader: staging copies recorded into the frame's command buffer, readiness from the
// frame clock, deferred frees, mip chains by blits.
#include "vk_texture_uploader.h"

#include <algorithm>
#include <cstring>

namespace texforge::custom_engine {
namespace {

constexpr uint32_t kSetsPerPool = 256;

uint32_t mipLevelsFor(int width, int height) {
  uint32_t levels = 1;
  for (int side = std::max(width, height); side > 1; side /= 2) ++levels;
  return levels;
}

// Fills the staging buffer, premultiplied with texforge::premultiplyAlpha when asked (the one rule
// every uploader shares; create() gets the image as const, so that costs one copy of the pixels).
void copyPixels(uint8_t* dst, const DecodedImage& image, bool premultiply) {
  const size_t bytes = static_cast<size_t>(image.width) * image.height * 4;
  if (!premultiply) {
    std::memcpy(dst, image.rgba.data(), bytes);
    return;
  }
  DecodedImage premultiplied = image;
  premultiplyAlpha(premultiplied);
  std::memcpy(dst, premultiplied.rgba.data(), bytes);
}

void imageBarrier(VkCommandBuffer cmd, VkImage image, uint32_t base_level, uint32_t levels,
                  VkImageLayout from, VkImageLayout to, VkAccessFlags src_access, VkAccessFlags dst_access,
                  VkPipelineStageFlags src_stage, VkPipelineStageFlags dst_stage) {
  VkImageMemoryBarrier barrier{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
  barrier.srcAccessMask = src_access;
  barrier.dstAccessMask = dst_access;
  barrier.oldLayout = from;
  barrier.newLayout = to;
  barrier.srcQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
  barrier.image = image;
  barrier.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, base_level, levels, 0, 1};
  vkCmdPipelineBarrier(cmd, src_stage, dst_stage, 0, 0, nullptr, 0, nullptr, 1, &barrier);
}

}  // namespace

VulkanTextureUploader::VulkanTextureUploader(const VulkanContext& context, const FrameClock& clock)
    : context_(context), clock_(clock) {}

Status VulkanTextureUploader::init() {
  VkDevice device = context_.device();
  VkSamplerCreateInfo sampler{VK_STRUCTURE_TYPE_SAMPLER_CREATE_INFO};
  sampler.magFilter = VK_FILTER_LINEAR;
  sampler.minFilter = VK_FILTER_LINEAR;
  sampler.mipmapMode = VK_SAMPLER_MIPMAP_MODE_LINEAR;
  sampler.addressModeU = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler.addressModeV = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler.addressModeW = VK_SAMPLER_ADDRESS_MODE_CLAMP_TO_EDGE;
  sampler.maxLod = VK_LOD_CLAMP_NONE;
  if (vkCreateSampler(device, &sampler, nullptr, &sampler_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateSampler failed");
  context_.setName(VK_OBJECT_TYPE_SAMPLER, sampler_, "uploader: linear clamp sampler");

  VkDescriptorSetLayoutBinding binding{};
  binding.binding = 0;
  binding.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  binding.descriptorCount = 1;
  binding.stageFlags = VK_SHADER_STAGE_FRAGMENT_BIT;
  VkDescriptorSetLayoutCreateInfo layout{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  layout.bindingCount = 1;
  layout.pBindings = &binding;
  if (vkCreateDescriptorSetLayout(device, &layout, nullptr, &set_layout_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreateDescriptorSetLayout failed");
  if (!openPool()) return makeError(ErrorCode::kInternal, "vkCreateDescriptorPool failed");
  return Ok{};
}

VulkanTextureUploader::~VulkanTextureUploader() {
  for (auto& [id, texture] : live_) release(texture);
  for (Retired& r : retired_) release(r.texture);
  VkDevice device = context_.device();
  for (VkDescriptorPool pool : pools_) vkDestroyDescriptorPool(device, pool, nullptr);
  if (set_layout_) vkDestroyDescriptorSetLayout(device, set_layout_, nullptr);
  if (sampler_) vkDestroySampler(device, sampler_, nullptr);
}

bool VulkanTextureUploader::openPool() {
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, kSetsPerPool};
  VkDescriptorPoolCreateInfo info{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
  info.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
  info.maxSets = kSetsPerPool;
  info.poolSizeCount = 1;
  info.pPoolSizes = &size;
  VkDescriptorPool pool = VK_NULL_HANDLE;
  if (vkCreateDescriptorPool(context_.device(), &info, nullptr, &pool) != VK_SUCCESS) return false;
  context_.setName(VK_OBJECT_TYPE_DESCRIPTOR_POOL, pool,
                   "uploader: descriptor pool " + std::to_string(pools_.size()));
  pools_.push_back(pool);
  return true;
}

// From the newest pool; when it is full, from a new one.
VkDescriptorSet VulkanTextureUploader::allocateSet(VkDescriptorPool* pool_out) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    VkDescriptorSetAllocateInfo alloc{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
    alloc.descriptorPool = pools_.back();
    alloc.descriptorSetCount = 1;
    alloc.pSetLayouts = &set_layout_;
    VkDescriptorSet set = VK_NULL_HANDLE;
    const VkResult result = vkAllocateDescriptorSets(context_.device(), &alloc, &set);
    if (result == VK_SUCCESS) {
      *pool_out = pools_.back();
      return set;
    }
    const bool full = result == VK_ERROR_OUT_OF_POOL_MEMORY || result == VK_ERROR_FRAGMENTED_POOL;
    if (!full || attempt > 0 || !openPool()) break;
  }
  return VK_NULL_HANDLE;
}

TextureHandle VulkanTextureUploader::create(const DecodedImage& image, const TextureDesc& desc) {
  // Same contract as every uploader: no pixels, no texture.
  if (image.width <= 0 || image.height <= 0) return {};
  const size_t bytes = static_cast<size_t>(image.width) * image.height * 4;
  if (image.rgba.size() < bytes) return {};
  const uint32_t max_side = context_.properties().limits.maxImageDimension2D;
  if (static_cast<uint32_t>(image.width) > max_side || static_cast<uint32_t>(image.height) > max_side)
    return {};

  VkDevice device = context_.device();
  Texture t;
  t.width = image.width;
  t.height = image.height;
  t.name = desc.debug_name.empty() ? "texture " + std::to_string(next_id_) : desc.debug_name;
  const VkFormat format = desc.srgb ? VK_FORMAT_R8G8B8A8_SRGB : VK_FORMAT_R8G8B8A8_UNORM;
  const bool mips = desc.mipmaps && context_.canBlitLinear(format);
  t.mip_levels = mips ? mipLevelsFor(image.width, image.height) : 1;
  t.flags = (desc.srgb ? kShaderEncodeSrgb : 0u) | (desc.premultiplied ? 0u : kShaderStraightAlpha);

  VkImageCreateInfo info{VK_STRUCTURE_TYPE_IMAGE_CREATE_INFO};
  info.imageType = VK_IMAGE_TYPE_2D;
  info.format = format;
  info.extent = {static_cast<uint32_t>(image.width), static_cast<uint32_t>(image.height), 1};
  info.mipLevels = t.mip_levels;
  info.arrayLayers = 1;
  info.samples = VK_SAMPLE_COUNT_1_BIT;
  info.tiling = VK_IMAGE_TILING_OPTIMAL;
  info.usage = VK_IMAGE_USAGE_TRANSFER_DST_BIT | VK_IMAGE_USAGE_SAMPLED_BIT |
               (mips ? VkImageUsageFlags{VK_IMAGE_USAGE_TRANSFER_SRC_BIT} : 0u);
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  info.initialLayout = VK_IMAGE_LAYOUT_UNDEFINED;
  bool ok = vkCreateImage(device, &info, nullptr, &t.image) == VK_SUCCESS;
  if (ok) {
    VkMemoryRequirements req;
    vkGetImageMemoryRequirements(device, t.image, &req);
    VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
    alloc.allocationSize = req.size;
    alloc.memoryTypeIndex = context_.findMemoryType(req.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
    if (alloc.memoryTypeIndex == UINT32_MAX)
      alloc.memoryTypeIndex = context_.findMemoryType(req.memoryTypeBits, 0);
    ok = alloc.memoryTypeIndex != UINT32_MAX &&
         vkAllocateMemory(device, &alloc, nullptr, &t.memory) == VK_SUCCESS &&
         vkBindImageMemory(device, t.image, t.memory, 0) == VK_SUCCESS;
  }
  if (ok) {
    VkImageViewCreateInfo view{VK_STRUCTURE_TYPE_IMAGE_VIEW_CREATE_INFO};
    view.image = t.image;
    view.viewType = VK_IMAGE_VIEW_TYPE_2D;
    view.format = format;
    view.subresourceRange = {VK_IMAGE_ASPECT_COLOR_BIT, 0, t.mip_levels, 0, 1};
    ok = vkCreateImageView(device, &view, nullptr, &t.view) == VK_SUCCESS;
  }
  if (ok) {
    auto staging = context_.createHostBuffer(bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, t.name + " (staging)");
    ok = staging.ok();
    if (ok) {
      t.staging = *staging;
      copyPixels(static_cast<uint8_t*>(t.staging.mapped), image, desc.premultiplied);
    }
  }
  if (ok) {
    t.set = allocateSet(&t.pool);
    ok = t.set != VK_NULL_HANDLE;
  }
  if (!ok) {
    release(t);
    return {};
  }
  VkDescriptorImageInfo image_info{sampler_, t.view, VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL};
  VkWriteDescriptorSet write{VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
  write.dstSet = t.set;
  write.dstBinding = 0;
  write.descriptorCount = 1;
  write.descriptorType = VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER;
  write.pImageInfo = &image_info;
  vkUpdateDescriptorSets(device, 1, &write, 0, nullptr);
  context_.setName(VK_OBJECT_TYPE_IMAGE, t.image, t.name);
  context_.setName(VK_OBJECT_TYPE_IMAGE_VIEW, t.view, t.name + " (view)");
  context_.setName(VK_OBJECT_TYPE_DESCRIPTOR_SET, t.set, t.name + " (set)");

  const TextureHandle handle{next_id_++};
  live_.emplace(handle.id, std::move(t));
  to_upload_.push_back(handle.id);
  stats_.created++;
  stats_.bytes_staged += bytes;
  return handle;
}

void VulkanTextureUploader::recordCopy(VkCommandBuffer cmd, const Texture& t) const {
  const uint32_t levels = t.mip_levels;
  imageBarrier(cmd, t.image, 0, levels, VK_IMAGE_LAYOUT_UNDEFINED, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 0,
               VK_ACCESS_TRANSFER_WRITE_BIT, VK_PIPELINE_STAGE_TOP_OF_PIPE_BIT,
               VK_PIPELINE_STAGE_TRANSFER_BIT);
  VkBufferImageCopy copy{};
  copy.imageSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, 0, 0, 1};
  copy.imageExtent = {static_cast<uint32_t>(t.width), static_cast<uint32_t>(t.height), 1};
  vkCmdCopyBufferToImage(cmd, t.staging.buffer, t.image, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &copy);

  // Each level is a linear blit of the one above it, which turns into a transfer source first.
  int32_t w = t.width, h = t.height;
  for (uint32_t level = 1; level < levels; ++level) {
    imageBarrier(cmd, t.image, level - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
                 VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
                 VK_ACCESS_TRANSFER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT);
    const int32_t nw = std::max(1, w / 2), nh = std::max(1, h / 2);
    VkImageBlit blit{};
    blit.srcSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level - 1, 0, 1};
    blit.srcOffsets[1] = {w, h, 1};
    blit.dstSubresource = {VK_IMAGE_ASPECT_COLOR_BIT, level, 0, 1};
    blit.dstOffsets[1] = {nw, nh, 1};
    vkCmdBlitImage(cmd, t.image, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, t.image,
                   VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL, 1, &blit, VK_FILTER_LINEAR);
    w = nw;
    h = nh;
  }
  if (levels > 1) {
    imageBarrier(cmd, t.image, 0, levels - 1, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL,
                 VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_READ_BIT,
                 VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
                 VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
  }
  imageBarrier(cmd, t.image, levels - 1, 1, VK_IMAGE_LAYOUT_TRANSFER_DST_OPTIMAL,
               VK_IMAGE_LAYOUT_SHADER_READ_ONLY_OPTIMAL, VK_ACCESS_TRANSFER_WRITE_BIT,
               VK_ACCESS_SHADER_READ_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT,
               VK_PIPELINE_STAGE_FRAGMENT_SHADER_BIT);
}

void VulkanTextureUploader::recordUploads(VkCommandBuffer cmd) {
  for (uint64_t id : to_upload_) {
    auto it = live_.find(id);
    if (it == live_.end()) continue;
    recordCopy(cmd, it->second);
    it->second.upload_serial = clock_.recording;
    stats_.uploads_recorded++;
  }
  to_upload_.clear();
}

void VulkanTextureUploader::destroy(TextureHandle handle) {
  auto it = live_.find(handle.id);
  if (it == live_.end()) return;  // unknown or already destroyed: nothing to do
  stats_.destroyed++;
  Texture texture = std::move(it->second);
  live_.erase(it);
  if (texture.upload_serial == 0) {
    // Its copy was never recorded, so no command buffer refers to it: free it now.
    to_upload_.erase(std::remove(to_upload_.begin(), to_upload_.end(), handle.id), to_upload_.end());
    release(texture);
    stats_.freed_at_once++;
    return;
  }
  // The frame being built may still draw it (descriptorSet() answered for it), and the frames in
  // flight may read it: keep it until the newest of those has finished.
  retired_.push_back(Retired{std::move(texture), clock_.recording});
  stats_.pending_frees = retired_.size();
}

void VulkanTextureUploader::endFrame() {
  const uint64_t done = clock_.completed;
  for (auto& [id, texture] : live_) {
    if (texture.ready || texture.upload_serial == 0 || texture.upload_serial > done) continue;
    texture.ready = true;
    context_.destroyBuffer(texture.staging);
    stats_.became_ready++;
  }
  auto finished = [done](const Retired& r) { return r.free_after <= done; };
  for (Retired& r : retired_) {
    if (!finished(r)) continue;
    release(r.texture);
    stats_.freed_deferred++;
  }
  retired_.erase(std::remove_if(retired_.begin(), retired_.end(), finished), retired_.end());
  stats_.pending_frees = retired_.size();
}

void VulkanTextureUploader::release(Texture& t) const {
  VkDevice device = context_.device();
  if (t.set) vkFreeDescriptorSets(device, t.pool, 1, &t.set);
  if (t.view) vkDestroyImageView(device, t.view, nullptr);
  if (t.image) vkDestroyImage(device, t.image, nullptr);
  if (t.memory) vkFreeMemory(device, t.memory, nullptr);
  context_.destroyBuffer(t.staging);
  t = Texture{};
}

bool VulkanTextureUploader::ready(TextureHandle handle) const {
  auto it = live_.find(handle.id);
  return it != live_.end() && it->second.ready;
}

size_t VulkanTextureUploader::notReadyCount() const {
  size_t n = 0;
  for (const auto& [id, texture] : live_) n += texture.ready ? 0 : 1;
  return n;
}

VkDescriptorSet VulkanTextureUploader::descriptorSet(TextureHandle handle) const {
  auto it = live_.find(handle.id);
  if (it == live_.end() || it->second.upload_serial == 0) return VK_NULL_HANDLE;
  return it->second.set;
}

uint32_t VulkanTextureUploader::shaderFlags(TextureHandle handle) const {
  auto it = live_.find(handle.id);
  return it == live_.end() ? 0u : it->second.flags;
}

int VulkanTextureUploader::width(TextureHandle handle) const {
  auto it = live_.find(handle.id);
  return it == live_.end() ? 0 : it->second.width;
}

int VulkanTextureUploader::height(TextureHandle handle) const {
  auto it = live_.find(handle.id);
  return it == live_.end() ? 0 : it->second.height;
}

}  // namespace texforge::custom_engine
