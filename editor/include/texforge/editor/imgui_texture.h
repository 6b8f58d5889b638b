// The one place a TextureHandle becomes an ImTextureID (only editor/ may do this conversion).
// Backends whose ImTextureID is a pointer-sized integer (OpenGL 3, the null uploader) need no table.
#pragma once

#include <cstdint>

#include <imgui.h>

#include "texforge/texture_uploader.h"

namespace texforge::editor {

inline ImTextureID toImTextureId(TextureHandle handle) {
  return reinterpret_cast<ImTextureID>(static_cast<uintptr_t>(handle.id));
}

}  // namespace texforge::editor
