// The OpenGL 3 implementation of TextureUploader: RGBA8 textures with immutable storage when the
// driver has it (GL 4.2 or ARB_texture_storage), else glTexImage2D; optional mipmaps.
#pragma once

#include <memory>

#include "texforge/gl/export.h"
#include "texforge/texture_uploader.h"

namespace texforge::gl {

struct TEXFORGE_GL_API GlTextureUploaderOptions {
  bool linear_filter = true;      // GL_LINEAR (else GL_NEAREST) for magnification
  bool allow_tex_storage = true;  // false forces the glTexImage2D path (tests, old drivers)
};

// Needs a current OpenGL 3+ context on the calling thread, at creation and for every call (the
// host's UI thread). Handles carry the GL texture name, so an ImTextureID is (void*)handle.id.
// Textures still alive when the uploader dies are deleted then (the context must still be current).
TEXFORGE_GL_API std::unique_ptr<TextureUploader> makeGlTextureUploader(GlTextureUploaderOptions options = {});

// True when the current context offers glTexStorage2D. Valid only with a current context.
TEXFORGE_GL_API bool glHasTextureStorage();

}  // namespace texforge::gl
