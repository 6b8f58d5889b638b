// VulkanContext: a Vulkan 1.0 instance and device with one graphics queue, no surface (the engine
// renders offscreen), VK_EXT_debug_utils when the loader offers it, and validation on request.
#include "vk_context.h"

#include <cstdio>
#include <cstring>
#include <vector>

namespace texforge::custom_engine {
namespace {

constexpr const char* kValidationLayer = "VK_LAYER_KHRONOS_validation";

bool hasInstanceExtension(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceExtensionProperties(nullptr, &count, nullptr);
  std::vector<VkExtensionProperties> all(count);
  vkEnumerateInstanceExtensionProperties(nullptr, &count, all.data());
  for (const auto& e : all) {
    if (std::strcmp(e.extensionName, name) == 0) return true;
  }
  return false;
}

bool hasLayer(const char* name) {
  uint32_t count = 0;
  vkEnumerateInstanceLayerProperties(&count, nullptr);
  std::vector<VkLayerProperties> all(count);
  vkEnumerateInstanceLayerProperties(&count, all.data());
  for (const auto& l : all) {
    if (std::strcmp(l.layerName, name) == 0) return true;
  }
  return false;
}

Error vkError(const char* what, VkResult result) {
  return makeError(ErrorCode::kInternal, std::string(what) + " failed: " + vkResultName(result));
}

// Discrete and integrated GPUs first, then virtual ones, then CPU drivers such as lavapipe.
int deviceRank(VkPhysicalDeviceType type) {
  switch (type) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
    default: return 4;
  }
}

}  // namespace

const char* vkResultName(VkResult result) {
  switch (result) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_FORMAT_NOT_SUPPORTED: return "VK_ERROR_FORMAT_NOT_SUPPORTED";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_FRAGMENTED_POOL: return "VK_ERROR_FRAGMENTED_POOL";
    default: return "VkResult (other)";
  }
}

Result<std::unique_ptr<VulkanContext>> VulkanContext::create(const VulkanContextOptions& options) {
  std::unique_ptr<VulkanContext> context(new VulkanContext());
  if (Status status = context->init(options); !status) return status.error();
  return context;
}

Status VulkanContext::init(const VulkanContextOptions& options) {
  VkApplicationInfo app{VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.pApplicationName = "texforge-custom-engine";
  app.pEngineName = "texforge custom engine sample";
  app.apiVersion = VK_API_VERSION_1_0;

  std::vector<const char*> extensions;
  const bool debug_utils = hasInstanceExtension(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  if (debug_utils) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  std::vector<const char*> layers;
  if (options.validation) {
    if (!hasLayer(kValidationLayer)) {
      return makeError(
          ErrorCode::kInvalidArgument,
          "--validate: VK_LAYER_KHRONOS_validation is not installed (Debian: vulkan-validationlayers)");
    }
    layers.push_back(kValidationLayer);
  }

  VkDebugUtilsMessengerCreateInfoEXT messenger{VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
  messenger.messageSeverity =
      VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
  messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                          VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
  messenger.pfnUserCallback = &VulkanContext::onDebugMessage;
  messenger.pUserData = this;

  VkInstanceCreateInfo instance_info{VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  instance_info.pApplicationInfo = &app;
  instance_info.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
  instance_info.ppEnabledExtensionNames = extensions.data();
  instance_info.enabledLayerCount = static_cast<uint32_t>(layers.size());
  instance_info.ppEnabledLayerNames = layers.data();
  if (debug_utils && options.validation) instance_info.pNext = &messenger;  // instance creation too
  VkResult result = vkCreateInstance(&instance_info, nullptr, &instance_);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER || result == VK_ERROR_INITIALIZATION_FAILED) {
    instance_ = VK_NULL_HANDLE;
    return makeError(ErrorCode::kNotFound,
                     std::string("no Vulkan driver (vkCreateInstance: ") + vkResultName(result) + ")");
  }
  if (result != VK_SUCCESS) return vkError("vkCreateInstance", result);

  if (debug_utils) {
    set_name_ = reinterpret_cast<PFN_vkSetDebugUtilsObjectNameEXT>(
        vkGetInstanceProcAddr(instance_, "vkSetDebugUtilsObjectNameEXT"));
    if (options.validation) {
      auto create_messenger = reinterpret_cast<PFN_vkCreateDebugUtilsMessengerEXT>(
          vkGetInstanceProcAddr(instance_, "vkCreateDebugUtilsMessengerEXT"));
      if (create_messenger) create_messenger(instance_, &messenger, nullptr, &messenger_);
    }
  }

  uint32_t count = 0;
  vkEnumeratePhysicalDevices(instance_, &count, nullptr);
  std::vector<VkPhysicalDevice> devices(count);
  vkEnumeratePhysicalDevices(instance_, &count, devices.data());
  int best_rank = 1 << 30;
  for (VkPhysicalDevice candidate : devices) {
    VkPhysicalDeviceProperties props;
    vkGetPhysicalDeviceProperties(candidate, &props);
    if (!options.device.empty() && std::strstr(props.deviceName, options.device.c_str()) == nullptr) continue;
    uint32_t families = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(candidate, &families, nullptr);
    std::vector<VkQueueFamilyProperties> family_props(families);
    vkGetPhysicalDeviceQueueFamilyProperties(candidate, &families, family_props.data());
    for (uint32_t f = 0; f < families; ++f) {
      if (!(family_props[f].queueFlags & VK_QUEUE_GRAPHICS_BIT)) continue;
      const int rank = deviceRank(props.deviceType);
      if (rank < best_rank) {
        best_rank = rank;
        physical_ = candidate;
        queue_family_ = f;
        properties_ = props;
      }
      break;
    }
  }
  if (physical_ == VK_NULL_HANDLE) {
    return makeError(ErrorCode::kNotFound, options.device.empty()
                                               ? "no Vulkan device with a graphics queue"
                                               : "no Vulkan device named like \"" + options.device + "\"");
  }
  vkGetPhysicalDeviceMemoryProperties(physical_, &memory_);

  const float priority = 1.0f;
  VkDeviceQueueCreateInfo queue_info{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  queue_info.queueFamilyIndex = queue_family_;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  VkDeviceCreateInfo device_info{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  device_info.queueCreateInfoCount = 1;
  device_info.pQueueCreateInfos = &queue_info;
  result = vkCreateDevice(physical_, &device_info, nullptr, &device_);
  if (result != VK_SUCCESS) return vkError("vkCreateDevice", result);
  vkGetDeviceQueue(device_, queue_family_, 0, &queue_);

  VkCommandPoolCreateInfo pool_info{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  pool_info.flags = VK_COMMAND_POOL_CREATE_TRANSIENT_BIT;
  pool_info.queueFamilyIndex = queue_family_;
  result = vkCreateCommandPool(device_, &pool_info, nullptr, &one_shot_pool_);
  if (result != VK_SUCCESS) return vkError("vkCreateCommandPool", result);
  return Ok{};
}

VulkanContext::~VulkanContext() {
  if (device_) {
    vkDeviceWaitIdle(device_);
    if (one_shot_pool_) vkDestroyCommandPool(device_, one_shot_pool_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (messenger_) {
    auto destroy_messenger = reinterpret_cast<PFN_vkDestroyDebugUtilsMessengerEXT>(
        vkGetInstanceProcAddr(instance_, "vkDestroyDebugUtilsMessengerEXT"));
    if (destroy_messenger) destroy_messenger(instance_, messenger_, nullptr);
  }
  if (instance_) vkDestroyInstance(instance_, nullptr);
}

VKAPI_ATTR VkBool32 VKAPI_CALL VulkanContext::onDebugMessage(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                             VkDebugUtilsMessageTypeFlagsEXT,
                                                             const VkDebugUtilsMessengerCallbackDataEXT* data,
                                                             void* user) {
  auto* self = static_cast<VulkanContext*>(user);
  const bool error = (severity & VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT) != 0;
  if (error) ++self->validation_errors_;
  std::fprintf(stderr, "vulkan %s: %s\n", error ? "error" : "warning", data->pMessage ? data->pMessage : "");
  return VK_FALSE;
}

void VulkanContext::setName(VkObjectType type, uint64_t handle, const std::string& name) const {
  if (!set_name_ || name.empty() || handle == 0) return;
  VkDebugUtilsObjectNameInfoEXT info{VK_STRUCTURE_TYPE_DEBUG_UTILS_OBJECT_NAME_INFO_EXT};
  info.objectType = type;
  info.objectHandle = handle;
  info.pObjectName = name.c_str();
  set_name_(device_, &info);
}

uint32_t VulkanContext::findMemoryType(uint32_t type_bits, VkMemoryPropertyFlags flags) const {
  for (uint32_t i = 0; i < memory_.memoryTypeCount; ++i) {
    if ((type_bits & (1u << i)) && (memory_.memoryTypes[i].propertyFlags & flags) == flags) return i;
  }
  return UINT32_MAX;
}

Result<GpuBuffer> VulkanContext::createHostBuffer(VkDeviceSize size, VkBufferUsageFlags usage,
                                                  const std::string& name) const {
  GpuBuffer out;
  out.size = size;
  VkBufferCreateInfo info{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  info.size = size;
  info.usage = usage;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  VkResult result = vkCreateBuffer(device_, &info, nullptr, &out.buffer);
  if (result != VK_SUCCESS) return vkError("vkCreateBuffer", result);
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(device_, out.buffer, &req);
  VkMemoryAllocateInfo alloc{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  alloc.allocationSize = req.size;
  alloc.memoryTypeIndex = findMemoryType(
      req.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT);
  if (alloc.memoryTypeIndex == UINT32_MAX) {
    destroyBuffer(out);
    return makeError(ErrorCode::kInternal, "no host-visible coherent memory type");
  }
  result = vkAllocateMemory(device_, &alloc, nullptr, &out.memory);
  if (result == VK_SUCCESS) result = vkBindBufferMemory(device_, out.buffer, out.memory, 0);
  if (result == VK_SUCCESS) result = vkMapMemory(device_, out.memory, 0, VK_WHOLE_SIZE, 0, &out.mapped);
  if (result != VK_SUCCESS) {
    destroyBuffer(out);
    return vkError("allocating a host buffer", result);
  }
  setName(VK_OBJECT_TYPE_BUFFER, out.buffer, name);
  return out;
}

void VulkanContext::destroyBuffer(GpuBuffer& buffer) const {
  if (buffer.buffer) vkDestroyBuffer(device_, buffer.buffer, nullptr);
  if (buffer.memory) vkFreeMemory(device_, buffer.memory, nullptr);  // unmaps too
  buffer = GpuBuffer{};
}

Status VulkanContext::submitAndWait(const std::function<void(VkCommandBuffer)>& record) const {
  VkCommandBufferAllocateInfo alloc{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
  alloc.commandPool = one_shot_pool_;
  alloc.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  alloc.commandBufferCount = 1;
  VkCommandBuffer cmd = VK_NULL_HANDLE;
  VkResult result = vkAllocateCommandBuffers(device_, &alloc, &cmd);
  if (result != VK_SUCCESS) return vkError("vkAllocateCommandBuffers", result);
  VkCommandBufferBeginInfo begin{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  vkBeginCommandBuffer(cmd, &begin);
  record(cmd);
  vkEndCommandBuffer(cmd);
  VkSubmitInfo submit{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &cmd;
  result = vkQueueSubmit(queue_, 1, &submit, VK_NULL_HANDLE);
  if (result == VK_SUCCESS) result = vkQueueWaitIdle(queue_);
  vkFreeCommandBuffers(device_, one_shot_pool_, 1, &cmd);
  if (result != VK_SUCCESS) return vkError("vkQueueSubmit", result);
  return Ok{};
}

bool VulkanContext::canBlitLinear(VkFormat format) const {
  VkFormatProperties props;
  vkGetPhysicalDeviceFormatProperties(physical_, format, &props);
  const VkFormatFeatureFlags need = VK_FORMAT_FEATURE_BLIT_SRC_BIT | VK_FORMAT_FEATURE_BLIT_DST_BIT |
                                    VK_FORMAT_FEATURE_SAMPLED_IMAGE_FILTER_LINEAR_BIT;
  return (props.optimalTilingFeatures & need) == need;
}

}  // namespace texforge::custom_engine
