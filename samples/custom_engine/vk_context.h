// The engine's Vulkan device: instance, one graphics queue and the few helpers (memory types, host
// buffers, one-shot commands, debug names) that its renderer, uploader and ImGui layer share.
// Render thread only, like everything in this sample that touches Vulkan.
#pragma once

#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "texforge/error.h"

namespace texforge::custom_engine {

struct VulkanContextOptions {
  bool validation = false;  // load VK_LAYER_KHRONOS_validation (an error when it is not installed)
  std::string device;       // pick the first device whose name contains this; empty: prefer a GPU
};

// A buffer with its own memory; host buffers stay mapped for their whole life.
struct GpuBuffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  VkDeviceSize size = 0;
  void* mapped = nullptr;
};

class VulkanContext {
 public:
  // Errors: kNotFound when there is no Vulkan loader, driver or device with a graphics queue (the
  // test skips then), kInvalidArgument when validation is asked for and not installed, kInternal
  // for any other Vulkan failure.
  static Result<std::unique_ptr<VulkanContext>> create(const VulkanContextOptions& options);
  ~VulkanContext();  // waits for the device to be idle; everything made from it must be gone
  VulkanContext(const VulkanContext&) = delete;
  VulkanContext& operator=(const VulkanContext&) = delete;

  VkInstance instance() const { return instance_; }
  VkPhysicalDevice physicalDevice() const { return physical_; }
  VkDevice device() const { return device_; }
  VkQueue queue() const { return queue_; }
  uint32_t queueFamily() const { return queue_family_; }
  const VkPhysicalDeviceProperties& properties() const { return properties_; }
  bool debugUtils() const { return set_name_ != nullptr; }  // VK_EXT_debug_utils names objects

  // Names an object for GPU debuggers and validation messages; nothing without VK_EXT_debug_utils.
  void setName(VkObjectType type, uint64_t handle, const std::string& name) const;
  template <typename T>
  void setName(VkObjectType type, T handle, const std::string& name) const {
    setName(type, reinterpret_cast<uint64_t>(handle), name);
  }

  // A memory type allowed by type_bits with all of flags, or UINT32_MAX.
  uint32_t findMemoryType(uint32_t type_bits, VkMemoryPropertyFlags flags) const;
  // A host-visible, coherent, mapped buffer. Errors: kInternal (out of memory).
  Result<GpuBuffer> createHostBuffer(VkDeviceSize size, VkBufferUsageFlags usage,
                                     const std::string& name) const;
  void destroyBuffer(GpuBuffer& buffer) const;  // safe on an empty one; the GPU must be done with it
  // Records commands into a throwaway command buffer, submits it and waits (start-up work only).
  Status submitAndWait(const std::function<void(VkCommandBuffer)>& record) const;
  // Whether images of format can be the source and target of a linear blit (mipmap generation).
  bool canBlitLinear(VkFormat format) const;

  uint64_t validationErrors() const { return validation_errors_; }  // counted by the debug messenger

 private:
  VulkanContext() = default;
  Status init(const VulkanContextOptions& options);
  static VKAPI_ATTR VkBool32 VKAPI_CALL onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                       VkDebugUtilsMessageTypeFlagsEXT types,
                                                       const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                       void* user);

  VkInstance instance_ = VK_NULL_HANDLE;
  VkDebugUtilsMessengerEXT messenger_ = VK_NULL_HANDLE;
  VkPhysicalDevice physical_ = VK_NULL_HANDLE;
  VkPhysicalDeviceProperties properties_{};
  VkPhysicalDeviceMemoryProperties memory_{};
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t queue_family_ = 0;
  VkCommandPool one_shot_pool_ = VK_NULL_HANDLE;
  PFN_vkSetDebugUtilsObjectNameEXT set_name_ = nullptr;
  uint64_t validation_errors_ = 0;
};

// "VK_ERROR_OUT_OF_DEVICE_MEMORY", ... for messages.
const char* vkResultName(VkResult result);

}  // namespace texforge::custom_engine
