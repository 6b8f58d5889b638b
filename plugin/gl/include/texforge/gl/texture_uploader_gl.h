// The OpenGL 3 implementation of TextureUploader: RGBA8 or sRGB8_ALPHA8 textures with immutable
// storage when the driver has it (GL 4.2, ARB_texture_storage or GLES 3), else glTexImage2D;
// optional mipmaps, premultiplied alpha and debug labels (GL 4.3 or KHR_debug).
//
// It links no GL library and includes no GL header: every entry point comes from the loader the
// host passes in, as with glad or ImGui's GL3 backend, so it works with whatever context and
// loader the engine already has:
//   texforge::gl::GlTextureUploaderOptions o;
//   o.get_proc_address = [](const char* name) { return reinterpret_cast<void*>(glfwGetProcAddress(name)); };
//   auto uploader = texforge::gl::makeGlTextureUploader(o);  // null: see below
// (SDL_GL_GetProcAddress and eglGetProcAddress fit the same way; with bare WGL, fall back to
// GetProcAddress on opengl32.dll for the GL 1.1 functions, which wglGetProcAddress does not give.)
#pragma once

#include <memory>

#include "texforge/gl/export.h"
#include "texforge/texture_uploader.h"

namespace texforge::gl {

// Resolves one GL entry point by name for the context current on the calling thread; null when
// the driver has no such function.
using GlGetProcAddress = void* (*)(const char* name);

struct TEXFORGE_GL_API GlTextureUploaderOptions {
  GlGetProcAddress get_proc_address = nullptr;  // required
  bool linear_filter = true;                    // GL_LINEAR (else GL_NEAREST) for magnification
  bool allow_tex_storage = true;                // false forces the glTexImage2D path (tests, old drivers)
};

// Needs a current OpenGL 3+ (or GLES 3) context on the calling thread, at creation and for every
// call (the host's UI thread). Handles carry the GL texture name, so an ImTextureID is
// (void*)handle.id. Textures still alive when the uploader dies are deleted then (the context must
// still be current). create() leaves the host's GL state as it found it (the 2D binding of the
// active unit, the unpack buffer and unpack pixel-store settings).
// Returns null (never throws) when options.get_proc_address is null, when no context is current
// or it is older than GL 3.0 / GLES 3.0, or when the loader lacks a required entry point.
TEXFORGE_GL_API std::unique_ptr<TextureUploader> makeGlTextureUploader(GlTextureUploaderOptions options);

// True when the current context offers glTexStorage2D (GL 4.2, ARB_texture_storage or GLES 3).
// Valid only with a current context; false for a null loader.
TEXFORGE_GL_API bool glHasTextureStorage(GlGetProcAddress get_proc_address);

}  // namespace texforge::gl
