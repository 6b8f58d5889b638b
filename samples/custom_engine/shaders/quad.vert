// Textured quads for the engine's scene and for the panel's images: ImGui's vertex layout (position
// in pixels, uv, RGBA8 colour) mapped to clip space by the push constant's scale and translation.
#version 450

layout(location = 0) in vec2 in_position;
layout(location = 1) in vec2 in_uv;
layout(location = 2) in vec4 in_color;

layout(push_constant) uniform Push {
  vec2 scale;
  vec2 translate;
  uint flags;
} push;

layout(location = 0) out vec2 out_uv;
layout(location = 1) out vec4 out_color;

void main() {
  out_uv = in_uv;
  out_color = in_color;
  gl_Position = vec4(in_position * push.scale + push.translate, 0.0, 1.0);
}
