// Writes a texel to the engine's UNORM target, which holds sRGB-encoded colour as ImGui expects:
// an _SRGB texture samples as linear and is encoded again; straight alpha is premultiplied here, so
// one blend state (ONE, ONE_MINUS_SRC_ALPHA) serves straight and premultiplied textures.
#version 450

layout(set = 0, binding = 0) uniform sampler2D tex;

layout(push_constant) uniform Push {
  vec2 scale;
  vec2 translate;
  uint flags;
} push;

layout(location = 0) in vec2 in_uv;
layout(location = 1) in vec4 in_color;
layout(location = 0) out vec4 out_color;

const uint kEncodeSrgb = 1u;
const uint kStraightAlpha = 2u;

vec3 linearToSrgb(vec3 c) {
  vec3 low = c * 12.92;
  vec3 high = 1.055 * pow(c, vec3(1.0 / 2.4)) - 0.055;
  return mix(low, high, step(vec3(0.0031308), c));
}

void main() {
  vec4 texel = texture(tex, in_uv);
  if ((push.flags & kEncodeSrgb) != 0u) texel.rgb = linearToSrgb(texel.rgb);
  if ((push.flags & kStraightAlpha) != 0u) {
    vec4 color = texel * in_color;
    out_color = vec4(color.rgb * color.a, color.a);
  } else {
    out_color = texel * vec4(in_color.rgb * in_color.a, in_color.a);  // the tint premultiplied too
  }
}
