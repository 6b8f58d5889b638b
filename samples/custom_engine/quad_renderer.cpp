// QuadRenderer: the pipeline (SPIR-V compiled by glslc at build time and embedded), premultiplied
// alpha blending, and a per-frame vertex buffer for the scene's quads.
#include "quad_renderer.h"

#include <cstddef>
#include <cstring>

namespace texforge::custom_engine {
namespace {

// glslc -mfmt=c writes each module as a braced list of 32-bit words.
const uint32_t kQuadVert[] =
#include "quad.vert.inc"
    ;
const uint32_t kQuadFrag[] =
#include "quad.frag.inc"
    ;

VkShaderModule makeModule(VkDevice device, const uint32_t* code, size_t bytes) {
  VkShaderModuleCreateInfo info{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  info.codeSize = bytes;
  info.pCode = code;
  VkShaderModule module = VK_NULL_HANDLE;
  return vkCreateShaderModule(device, &info, nullptr, &module) == VK_SUCCESS ? module : VK_NULL_HANDLE;
}

}  // namespace

QuadRenderer::QuadRenderer(const VulkanContext& context, VulkanTextureUploader& uploader)
    : context_(context), uploader_(uploader) {}

QuadRenderer::~QuadRenderer() {
  VkDevice device = context_.device();
  for (GpuBuffer& buffer : vertices_) context_.destroyBuffer(buffer);
  if (pipeline_) vkDestroyPipeline(device, pipeline_, nullptr);
  if (layout_) vkDestroyPipelineLayout(device, layout_, nullptr);
}

Status QuadRenderer::init(VkRenderPass render_pass) {
  VkDevice device = context_.device();
  VkPushConstantRange push{VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(QuadPush)};
  VkDescriptorSetLayout set_layout = uploader_.setLayout();
  VkPipelineLayoutCreateInfo layout{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  layout.setLayoutCount = 1;
  layout.pSetLayouts = &set_layout;
  layout.pushConstantRangeCount = 1;
  layout.pPushConstantRanges = &push;
  if (vkCreatePipelineLayout(device, &layout, nullptr, &layout_) != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, "vkCreatePipelineLayout failed");

  VkShaderModule vert = makeModule(device, kQuadVert, sizeof(kQuadVert));
  VkShaderModule frag = makeModule(device, kQuadFrag, sizeof(kQuadFrag));
  VkPipelineShaderStageCreateInfo stages[2] = {{VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO},
                                               {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO}};
  stages[0].stage = VK_SHADER_STAGE_VERTEX_BIT;
  stages[0].module = vert;
  stages[0].pName = "main";
  stages[1].stage = VK_SHADER_STAGE_FRAGMENT_BIT;
  stages[1].module = frag;
  stages[1].pName = "main";

  VkVertexInputBindingDescription binding{0, sizeof(QuadVertex), VK_VERTEX_INPUT_RATE_VERTEX};
  VkVertexInputAttributeDescription attributes[3] = {
      {0, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(QuadVertex, x)},
      {1, 0, VK_FORMAT_R32G32_SFLOAT, offsetof(QuadVertex, u)},
      {2, 0, VK_FORMAT_R8G8B8A8_UNORM, offsetof(QuadVertex, rgba)},
  };
  VkPipelineVertexInputStateCreateInfo input{VK_STRUCTURE_TYPE_PIPELINE_VERTEX_INPUT_STATE_CREATE_INFO};
  input.vertexBindingDescriptionCount = 1;
  input.pVertexBindingDescriptions = &binding;
  input.vertexAttributeDescriptionCount = 3;
  input.pVertexAttributeDescriptions = attributes;
  VkPipelineInputAssemblyStateCreateInfo assembly{
      VK_STRUCTURE_TYPE_PIPELINE_INPUT_ASSEMBLY_STATE_CREATE_INFO};
  assembly.topology = VK_PRIMITIVE_TOPOLOGY_TRIANGLE_LIST;
  VkPipelineViewportStateCreateInfo viewport{VK_STRUCTURE_TYPE_PIPELINE_VIEWPORT_STATE_CREATE_INFO};
  viewport.viewportCount = 1;
  viewport.scissorCount = 1;
  VkPipelineRasterizationStateCreateInfo raster{VK_STRUCTURE_TYPE_PIPELINE_RASTERIZATION_STATE_CREATE_INFO};
  raster.polygonMode = VK_POLYGON_MODE_FILL;
  raster.cullMode = VK_CULL_MODE_NONE;
  raster.frontFace = VK_FRONT_FACE_COUNTER_CLOCKWISE;
  raster.lineWidth = 1.0f;
  VkPipelineMultisampleStateCreateInfo multisample{VK_STRUCTURE_TYPE_PIPELINE_MULTISAMPLE_STATE_CREATE_INFO};
  multisample.rasterizationSamples = VK_SAMPLE_COUNT_1_BIT;
  VkPipelineColorBlendAttachmentState blend{};
  blend.blendEnable = VK_TRUE;
  blend.srcColorBlendFactor = VK_BLEND_FACTOR_ONE;  // the shader premultiplies
  blend.dstColorBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
  blend.colorBlendOp = VK_BLEND_OP_ADD;
  blend.srcAlphaBlendFactor = VK_BLEND_FACTOR_ONE;
  blend.dstAlphaBlendFactor = VK_BLEND_FACTOR_ONE_MINUS_SRC_ALPHA;
  blend.alphaBlendOp = VK_BLEND_OP_ADD;
  blend.colorWriteMask = VK_COLOR_COMPONENT_R_BIT | VK_COLOR_COMPONENT_G_BIT | VK_COLOR_COMPONENT_B_BIT |
                         VK_COLOR_COMPONENT_A_BIT;
  VkPipelineColorBlendStateCreateInfo blending{VK_STRUCTURE_TYPE_PIPELINE_COLOR_BLEND_STATE_CREATE_INFO};
  blending.attachmentCount = 1;
  blending.pAttachments = &blend;
  VkPipelineDepthStencilStateCreateInfo depth{VK_STRUCTURE_TYPE_PIPELINE_DEPTH_STENCIL_STATE_CREATE_INFO};
  const VkDynamicState dynamic_states[2] = {VK_DYNAMIC_STATE_VIEWPORT, VK_DYNAMIC_STATE_SCISSOR};
  VkPipelineDynamicStateCreateInfo dynamic{VK_STRUCTURE_TYPE_PIPELINE_DYNAMIC_STATE_CREATE_INFO};
  dynamic.dynamicStateCount = 2;
  dynamic.pDynamicStates = dynamic_states;

  VkGraphicsPipelineCreateInfo info{VK_STRUCTURE_TYPE_GRAPHICS_PIPELINE_CREATE_INFO};
  info.stageCount = 2;
  info.pStages = stages;
  info.pVertexInputState = &input;
  info.pInputAssemblyState = &assembly;
  info.pViewportState = &viewport;
  info.pRasterizationState = &raster;
  info.pMultisampleState = &multisample;
  info.pDepthStencilState = &depth;
  info.pColorBlendState = &blending;
  info.pDynamicState = &dynamic;
  info.layout = layout_;
  info.renderPass = render_pass;
  info.subpass = 0;
  VkResult result = VK_ERROR_INITIALIZATION_FAILED;
  if (vert && frag) result = vkCreateGraphicsPipelines(device, VK_NULL_HANDLE, 1, &info, nullptr, &pipeline_);
  if (vert) vkDestroyShaderModule(device, vert, nullptr);
  if (frag) vkDestroyShaderModule(device, frag, nullptr);
  if (result != VK_SUCCESS)
    return makeError(ErrorCode::kInternal, std::string("quad pipeline: ") + vkResultName(result));
  context_.setName(VK_OBJECT_TYPE_PIPELINE, pipeline_, "quad pipeline");
  return Ok{};
}

void QuadRenderer::bind(VkCommandBuffer cmd, VkDescriptorSet set, uint32_t flags, const float scale[2],
                        const float translate[2]) const {
  vkCmdBindPipeline(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, pipeline_);
  vkCmdBindDescriptorSets(cmd, VK_PIPELINE_BIND_POINT_GRAPHICS, layout_, 0, 1, &set, 0, nullptr);
  QuadPush push{{scale[0], scale[1]}, {translate[0], translate[1]}, flags};
  vkCmdPushConstants(cmd, layout_, VK_SHADER_STAGE_VERTEX_BIT | VK_SHADER_STAGE_FRAGMENT_BIT, 0, sizeof(push),
                     &push);
}

int QuadRenderer::draw(VkCommandBuffer cmd, int slot, const std::vector<QuadDraw>& quads, int width,
                       int height) {
  std::vector<QuadVertex> vertices;
  std::vector<const QuadDraw*> drawn;
  vertices.reserve(quads.size() * 6);
  for (const QuadDraw& q : quads) {
    if (!uploader_.descriptorSet(q.texture)) continue;
    const QuadVertex a{q.x0, q.y0, 0, 0, q.rgba}, b{q.x1, q.y0, 1, 0, q.rgba};
    const QuadVertex c{q.x1, q.y1, 1, 1, q.rgba}, d{q.x0, q.y1, 0, 1, q.rgba};
    vertices.insert(vertices.end(), {a, b, c, a, c, d});
    drawn.push_back(&q);
  }
  if (drawn.empty()) return 0;
  GpuBuffer& buffer = vertices_[slot];
  const VkDeviceSize bytes = vertices.size() * sizeof(QuadVertex);
  if (buffer.size < bytes) {
    context_.destroyBuffer(buffer);  // this slot's last frame has finished: its fence was waited for
    auto grown = context_.createHostBuffer(bytes * 2, VK_BUFFER_USAGE_VERTEX_BUFFER_BIT,
                                           "scene quads, frame slot " + std::to_string(slot));
    if (!grown) return 0;
    buffer = *grown;
  }
  std::memcpy(buffer.mapped, vertices.data(), bytes);

  VkViewport viewport{0, 0, static_cast<float>(width), static_cast<float>(height), 0, 1};
  VkRect2D scissor{{0, 0}, {static_cast<uint32_t>(width), static_cast<uint32_t>(height)}};
  vkCmdSetViewport(cmd, 0, 1, &viewport);
  vkCmdSetScissor(cmd, 0, 1, &scissor);
  const VkDeviceSize offset = 0;
  vkCmdBindVertexBuffers(cmd, 0, 1, &buffer.buffer, &offset);
  const float scale[2] = {2.0f / width, 2.0f / height};
  const float translate[2] = {-1.0f, -1.0f};
  for (size_t i = 0; i < drawn.size(); ++i) {
    const TextureHandle texture = drawn[i]->texture;
    bind(cmd, uploader_.descriptorSet(texture), uploader_.shaderFlags(texture), scale, translate);
    vkCmdDraw(cmd, 6, 1, static_cast<uint32_t>(i * 6), 0);
  }
  return static_cast<int>(drawn.size());
}

}  // namespace texforge::custom_engine
