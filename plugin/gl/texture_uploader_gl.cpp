// OpenGL 3 TextureUploader: creates textures on the UI thread and deletes them there. Entry points
// come from the host's loader (GlTextureUploaderOptions::get_proc_address); the few GL types,
// constants and function types this file uses are declared below, so texforge_gl needs no GL
// header and links no GL library.
#include "texforge/gl/texture_uploader_gl.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>

namespace texforge::gl {
namespace {

// ---- The slice of the GL API used here (values from the Khronos registry, gl.xml) ----
#if defined(_WIN32)
#define TEXFORGE_GL_APIENTRY __stdcall
#else
#define TEXFORGE_GL_APIENTRY
#endif

using GLenum = unsigned int;
using GLuint = unsigned int;
using GLint = int;
using GLsizei = int;
using GLubyte = unsigned char;
using GLchar = char;

constexpr GLenum GL_TEXTURE_2D = 0x0DE1;
constexpr GLenum GL_TEXTURE_BINDING_2D = 0x8069;
constexpr GLenum GL_PIXEL_UNPACK_BUFFER = 0x88EC;
constexpr GLenum GL_PIXEL_UNPACK_BUFFER_BINDING = 0x88EF;
constexpr GLenum GL_UNPACK_ROW_LENGTH = 0x0CF2;
constexpr GLenum GL_UNPACK_SKIP_ROWS = 0x0CF3;
constexpr GLenum GL_UNPACK_SKIP_PIXELS = 0x0CF4;
constexpr GLenum GL_UNPACK_ALIGNMENT = 0x0CF5;
constexpr GLenum GL_MAX_TEXTURE_SIZE = 0x0D33;
constexpr GLenum GL_RGBA = 0x1908;
constexpr GLenum GL_RGBA8 = 0x8058;
constexpr GLenum GL_SRGB8_ALPHA8 = 0x8C43;
constexpr GLenum GL_UNSIGNED_BYTE = 0x1401;
constexpr GLenum GL_TEXTURE_MAG_FILTER = 0x2800;
constexpr GLenum GL_TEXTURE_MIN_FILTER = 0x2801;
constexpr GLenum GL_TEXTURE_WRAP_S = 0x2802;
constexpr GLenum GL_TEXTURE_WRAP_T = 0x2803;
constexpr GLenum GL_TEXTURE_MAX_LEVEL = 0x813D;
constexpr GLint GL_NEAREST = 0x2600;
constexpr GLint GL_LINEAR = 0x2601;
constexpr GLint GL_LINEAR_MIPMAP_LINEAR = 0x2703;
constexpr GLint GL_REPEAT = 0x2901;
constexpr GLenum GL_VERSION = 0x1F02;
constexpr GLenum GL_EXTENSIONS = 0x1F03;
constexpr GLenum GL_MAJOR_VERSION = 0x821B;
constexpr GLenum GL_MINOR_VERSION = 0x821C;
constexpr GLenum GL_NUM_EXTENSIONS = 0x821D;
constexpr GLenum GL_TEXTURE = 0x1702;  // glObjectLabel's identifier for a texture
constexpr GLenum GL_MAX_LABEL_LENGTH = 0x82E8;

using PFNGLGETINTEGERVPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum pname, GLint* data);
using PFNGLGETSTRINGPROC = const GLubyte*(TEXFORGE_GL_APIENTRY*)(GLenum name);
using PFNGLGETSTRINGIPROC = const GLubyte*(TEXFORGE_GL_APIENTRY*)(GLenum name, GLuint index);
using PFNGLGENTEXTURESPROC = void(TEXFORGE_GL_APIENTRY*)(GLsizei n, GLuint* textures);
using PFNGLDELETETEXTURESPROC = void(TEXFORGE_GL_APIENTRY*)(GLsizei n, const GLuint* textures);
using PFNGLBINDTEXTUREPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLuint texture);
using PFNGLBINDBUFFERPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLuint buffer);
using PFNGLPIXELSTOREIPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum pname, GLint param);
using PFNGLTEXPARAMETERIPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLenum pname, GLint param);
using PFNGLTEXIMAGE2DPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLint level, GLint internalformat,
                                                        GLsizei width, GLsizei height, GLint border,
                                                        GLenum format, GLenum type, const void* pixels);
using PFNGLTEXSUBIMAGE2DPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLint level, GLint xoffset,
                                                           GLint yoffset, GLsizei width, GLsizei height,
                                                           GLenum format, GLenum type, const void* pixels);
using PFNGLTEXSTORAGE2DPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target, GLsizei levels,
                                                          GLenum internalformat, GLsizei width,
                                                          GLsizei height);
using PFNGLGENERATEMIPMAPPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum target);
using PFNGLOBJECTLABELPROC = void(TEXFORGE_GL_APIENTRY*)(GLenum identifier, GLuint name, GLsizei length,
                                                         const GLchar* label);

// What the context is, as far as this file cares.
struct GlContextInfo {
  int major = 0;
  int minor = 0;
  bool es = false;
  bool texture_storage = false;  // GL 4.2, ARB_texture_storage, GLES 3.0
  bool object_label = false;     // GL 4.3, GLES 3.2, KHR_debug
};

// The entry points; the required ones are all non-null once load() returned true.
struct GlApi {
  PFNGLGETINTEGERVPROC GetIntegerv = nullptr;
  PFNGLGETSTRINGPROC GetString = nullptr;
  PFNGLGETSTRINGIPROC GetStringi = nullptr;
  PFNGLGENTEXTURESPROC GenTextures = nullptr;
  PFNGLDELETETEXTURESPROC DeleteTextures = nullptr;
  PFNGLBINDTEXTUREPROC BindTexture = nullptr;
  PFNGLBINDBUFFERPROC BindBuffer = nullptr;
  PFNGLPIXELSTOREIPROC PixelStorei = nullptr;
  PFNGLTEXPARAMETERIPROC TexParameteri = nullptr;
  PFNGLTEXIMAGE2DPROC TexImage2D = nullptr;
  PFNGLTEXSUBIMAGE2DPROC TexSubImage2D = nullptr;
  PFNGLGENERATEMIPMAPPROC GenerateMipmap = nullptr;
  // Optional: null when the context lacks them (decided by version and extensions, since
  // glXGetProcAddress answers for any name).
  PFNGLTEXSTORAGE2DPROC TexStorage2D = nullptr;
  PFNGLOBJECTLABELPROC ObjectLabel = nullptr;
  GlContextInfo info;

  template <typename Fn>
  static bool resolve(GlGetProcAddress loader, const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(loader(name));
    return out != nullptr;
  }

  // The queries only: enough for GlContextInfo.
  bool loadQueries(GlGetProcAddress loader) {
    return loader && resolve(loader, "glGetIntegerv", GetIntegerv) &&
           resolve(loader, "glGetString", GetString) && resolve(loader, "glGetStringi", GetStringi);
  }

  bool load(GlGetProcAddress loader) {
    if (!loadQueries(loader)) return false;
    const bool required =
        resolve(loader, "glGenTextures", GenTextures) &&
        resolve(loader, "glDeleteTextures", DeleteTextures) &&
        resolve(loader, "glBindTexture", BindTexture) && resolve(loader, "glBindBuffer", BindBuffer) &&
        resolve(loader, "glPixelStorei", PixelStorei) && resolve(loader, "glTexParameteri", TexParameteri) &&
        resolve(loader, "glTexImage2D", TexImage2D) && resolve(loader, "glTexSubImage2D", TexSubImage2D) &&
        resolve(loader, "glGenerateMipmap", GenerateMipmap);
    if (!required) return false;
    info = queryInfo();
    if (info.major < 3) return false;  // no context, or one too old for glGenerateMipmap and glGetStringi
    if (info.texture_storage && !resolve(loader, "glTexStorage2D", TexStorage2D))
      info.texture_storage = false;
    if (info.object_label && !resolve(loader, "glObjectLabel", ObjectLabel) &&
        !resolve(loader, "glObjectLabelKHR", ObjectLabel)) {
      info.object_label = false;
    }
    return true;
  }

  bool hasExtension(const char* wanted) const {
    GLint count = 0;
    GetIntegerv(GL_NUM_EXTENSIONS, &count);
    for (GLint i = 0; i < count; ++i) {
      const char* name = reinterpret_cast<const char*>(GetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
      if (name && std::strcmp(name, wanted) == 0) return true;
    }
    return false;
  }

  GlContextInfo queryInfo() const {
    GlContextInfo c;
    const char* version = reinterpret_cast<const char*>(GetString(GL_VERSION));
    if (!version) return c;  // no current context
    c.es = std::strncmp(version, "OpenGL ES", 9) == 0;
    GLint major = 0, minor = 0;
    GetIntegerv(GL_MAJOR_VERSION, &major);  // GL 3.0 and GLES 3.0; older contexts leave 0
    GetIntegerv(GL_MINOR_VERSION, &minor);
    if (major <= 0) {
      const char* digits = version;
      while (*digits && (*digits < '0' || *digits > '9')) ++digits;
      if (std::sscanf(digits, "%d.%d", &major, &minor) != 2) major = minor = 0;
    }
    c.major = major;
    c.minor = minor;
    if (c.major < 3) return c;
    const int v = c.major * 10 + c.minor;
    c.texture_storage = c.es || v >= 42 || hasExtension("GL_ARB_texture_storage");
    c.object_label = (c.es ? v >= 32 : v >= 43) || hasExtension("GL_KHR_debug");
    return c;
  }
};

int mipLevels(int width, int height) {
  int levels = 1;
  int size = width > height ? width : height;
  while (size > 1) {
    size /= 2;
    ++levels;
  }
  return levels;
}

// Saves the state create() touches and puts it back when it goes out of scope.
class StateGuard {
 public:
  explicit StateGuard(const GlApi& gl) : gl_(gl) {
    gl_.GetIntegerv(GL_TEXTURE_BINDING_2D, &texture_);
    gl_.GetIntegerv(GL_PIXEL_UNPACK_BUFFER_BINDING, &unpack_buffer_);
    gl_.GetIntegerv(GL_UNPACK_ALIGNMENT, &alignment_);
    gl_.GetIntegerv(GL_UNPACK_ROW_LENGTH, &row_length_);
    gl_.GetIntegerv(GL_UNPACK_SKIP_ROWS, &skip_rows_);
    gl_.GetIntegerv(GL_UNPACK_SKIP_PIXELS, &skip_pixels_);
  }
  ~StateGuard() {
    gl_.BindTexture(GL_TEXTURE_2D, static_cast<GLuint>(texture_));
    gl_.BindBuffer(GL_PIXEL_UNPACK_BUFFER, static_cast<GLuint>(unpack_buffer_));
    gl_.PixelStorei(GL_UNPACK_ALIGNMENT, alignment_);
    gl_.PixelStorei(GL_UNPACK_ROW_LENGTH, row_length_);
    gl_.PixelStorei(GL_UNPACK_SKIP_ROWS, skip_rows_);
    gl_.PixelStorei(GL_UNPACK_SKIP_PIXELS, skip_pixels_);
  }
  StateGuard(const StateGuard&) = delete;
  StateGuard& operator=(const StateGuard&) = delete;

 private:
  const GlApi& gl_;
  GLint texture_ = 0, unpack_buffer_ = 0, alignment_ = 4, row_length_ = 0, skip_rows_ = 0, skip_pixels_ = 0;
};

class GlTextureUploader final : public TextureUploader {
 public:
  GlTextureUploader(GlTextureUploaderOptions options, GlApi api)
      : options_(options), gl_(api), has_storage_(options.allow_tex_storage && api.info.texture_storage) {
    gl_.GetIntegerv(GL_MAX_TEXTURE_SIZE, &max_size_);
    if (gl_.info.object_label) {
      GLint max_label = 0;
      gl_.GetIntegerv(GL_MAX_LABEL_LENGTH, &max_label);
      max_label_ = max_label > 0 ? max_label : 256;  // the spec's minimum
    }
  }

  ~GlTextureUploader() override {
    for (const auto& entry : textures_) {
      GLuint name = entry.first;
      gl_.DeleteTextures(1, &name);
    }
  }

  TextureHandle create(const DecodedImage& image, const TextureDesc& desc) override {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() < static_cast<size_t>(image.width) * image.height * 4) {
      return {};
    }
    if (max_size_ > 0 && (image.width > max_size_ || image.height > max_size_)) return {};
    const DecodedImage* pixels = &image;
    DecodedImage premultiplied;
    if (desc.premultiplied) {
      premultiplied = image;
      premultiplyAlpha(premultiplied);
      pixels = &premultiplied;
    }
    StateGuard guard(gl_);
    GLuint name = 0;
    gl_.GenTextures(1, &name);
    if (name == 0) return {};
    gl_.BindTexture(GL_TEXTURE_2D, name);
    gl_.BindBuffer(GL_PIXEL_UNPACK_BUFFER, 0);  // the pointer below is client memory
    gl_.PixelStorei(GL_UNPACK_ALIGNMENT, 1);
    gl_.PixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    gl_.PixelStorei(GL_UNPACK_SKIP_ROWS, 0);
    gl_.PixelStorei(GL_UNPACK_SKIP_PIXELS, 0);
    const GLenum internal_format = desc.srgb ? GL_SRGB8_ALPHA8 : GL_RGBA8;
    const int levels = desc.mipmaps ? mipLevels(image.width, image.height) : 1;
    if (has_storage_) {
      gl_.TexStorage2D(GL_TEXTURE_2D, levels, internal_format, image.width, image.height);
      gl_.TexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, image.width, image.height, GL_RGBA, GL_UNSIGNED_BYTE,
                        pixels->rgba.data());
    } else {
      gl_.TexImage2D(GL_TEXTURE_2D, 0, static_cast<GLint>(internal_format), image.width, image.height, 0,
                     GL_RGBA, GL_UNSIGNED_BYTE, pixels->rgba.data());
      gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, levels - 1);
    }
    if (desc.mipmaps) gl_.GenerateMipmap(GL_TEXTURE_2D);
    const GLint mag = options_.linear_filter ? GL_LINEAR : GL_NEAREST;
    const GLint min = desc.mipmaps ? GL_LINEAR_MIPMAP_LINEAR : mag;
    gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, min);
    gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, mag);
    gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);  // the tiled preview repeats
    gl_.TexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_REPEAT);
    if (gl_.ObjectLabel && !desc.debug_name.empty()) {
      // The label's length excludes the terminator and must stay under GL_MAX_LABEL_LENGTH.
      const size_t length = std::min(desc.debug_name.size(), static_cast<size_t>(max_label_ - 1));
      gl_.ObjectLabel(GL_TEXTURE, name, static_cast<GLsizei>(length), desc.debug_name.c_str());
    }
    textures_[name] = Size{image.width, image.height};
    return TextureHandle{name};
  }

  void destroy(TextureHandle handle) override {
    auto it = textures_.find(static_cast<GLuint>(handle.id));
    if (it == textures_.end()) return;
    GLuint name = it->first;
    gl_.DeleteTextures(1, &name);
    textures_.erase(it);
  }

  int width(TextureHandle handle) const override {
    auto it = textures_.find(static_cast<GLuint>(handle.id));
    return it == textures_.end() ? 0 : it->second.width;
  }

  int height(TextureHandle handle) const override {
    auto it = textures_.find(static_cast<GLuint>(handle.id));
    return it == textures_.end() ? 0 : it->second.height;
  }

  size_t liveCount() const override { return textures_.size(); }

 private:
  struct Size {
    int width = 0;
    int height = 0;
  };
  GlTextureUploaderOptions options_;
  GlApi gl_;
  bool has_storage_ = false;
  GLint max_size_ = 0;
  GLint max_label_ = 0;
  std::unordered_map<GLuint, Size> textures_;
};

}  // namespace

bool glHasTextureStorage(GlGetProcAddress get_proc_address) {
  GlApi api;
  if (!api.loadQueries(get_proc_address)) return false;
  const GlContextInfo info = api.queryInfo();
  return info.texture_storage && get_proc_address("glTexStorage2D") != nullptr;
}

std::unique_ptr<TextureUploader> makeGlTextureUploader(GlTextureUploaderOptions options) {
  GlApi api;
  if (!api.load(options.get_proc_address)) return nullptr;
  return std::make_unique<GlTextureUploader>(options, api);
}

}  // namespace texforge::gl
