// The one place a TextureHandle becomes an ImTextureID (only editor/ may do this conversion).
// Backends whose ImTextureID holds the handle's id as it is (OpenGL 3, the null uploader) need no table.
#pragma once

#include <cstdint>
#include <type_traits>

#include <imgui.h>

#include "texforge/texture_uploader.h"

namespace texforge::editor {

namespace detail {

// ImTextureID is void* up to Dear ImGui 1.91.3 and ImU64 from 1.91.4; a template, so only the branch
// for the ImTextureID at hand is compiled. Drawing calls that take an ImTextureRef (1.92) accept it.
template <typename Id>
Id textureIdFromHandle(uint64_t id) {
  static_assert(std::is_pointer_v<Id> || std::is_integral_v<Id>,
                "a custom ImTextureID needs the host's own table from TextureHandle");
  if constexpr (std::is_pointer_v<Id>) {
    return reinterpret_cast<Id>(static_cast<uintptr_t>(id));
  } else {
    return static_cast<Id>(id);
  }
}

}  // namespace detail

inline ImTextureID toImTextureId(TextureHandle handle) {
  return detail::textureIdFromHandle<ImTextureID>(handle.id);
}

}  // namespace texforge::editor
