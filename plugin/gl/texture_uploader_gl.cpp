// OpenGL 3 TextureUploader: creates RGBA8 textures on the UI thread and deletes them there.
// Entry points come straight from libGL (Mesa and NVIDIA export the GL 4 core functions on Linux).
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>

#include <cstring>
#include <unordered_map>

#include "texforge/gl/texture_uploader_gl.h"

namespace texforge::gl {
namespace {

int mipLevels(int width, int height) {
  int levels = 1;
  int size = width > height ? width : height;
  while (size > 1) {
    size /= 2;
    ++levels;
  }
  return levels;
}

class GlTextureUploader final : public TextureUploader {
 public:
  explicit GlTextureUploader(GlTextureUploaderOptions options)
      : options_(options), has_storage_(options.allow_tex_storage && glHasTextureStorage()) {}

  ~GlTextureUploader() override {
    for (const auto& entry : textures_) {
      GLuint name = entry.first;
      glDeleteTextures(1, &name);
    }
  }

  TextureHandle create(const DecodedImage& image, const TextureDesc& desc) override {
    if (image.width <= 0 || image.height <= 0 ||
        image.rgba.size() < static_cast<size_t>(image.width) * image.height * 4) {
      return {};
    }
    GLint previous = 0;
    glGetIntegerv(GL_TEXTURE_BINDING_2D, &previous);
    GLuint name = 0;
    glGenTextures(1, &name);
    if (name == 0) return {};
    glBindTexture(GL_TEXTURE_2D, name);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
    const int levels = desc.mipmaps ? mipLevels(image.width, image.height) : 1;
    if (has_storage_) {
      glTexStorage2D(GL_TEXTURE_2D, levels, GL_RGBA8, image.width, image.height);
      glTexSubImage2D(GL_TEXTURE_2D, 0, 0, 0, image.width, image.height, GL_RGBA, GL_UNSIGNED_BYTE,
                      image.rgba.data());
    } else {
      glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, image.width, image.height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                   image.rgba.data());
      glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAX_LEVEL, desc.mipmaps ? levels - 1 : 0);
    }
    if (desc.mipmaps) glGenerateMipmap(GL_TEXTURE_2D);
    const GLint mag = options_.linear_filter ? GL_LINEAR : GL_NEAREST;
    const GLint min = desc.mipmaps ? GL_LINEAR_MIPMAP_LINEAR : mag;
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, min);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, mag);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);  // the tiled preview repeats
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_REPEAT);
    glBindTexture(GL_TEXTURE_2D, static_cast<GLuint>(previous));
    textures_[name] = Size{image.width, image.height};
    return TextureHandle{name};
  }

  void destroy(TextureHandle handle) override {
    auto it = textures_.find(static_cast<GLuint>(handle.id));
    if (it == textures_.end()) return;
    GLuint name = it->first;
    glDeleteTextures(1, &name);
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
  bool has_storage_ = false;
  std::unordered_map<GLuint, Size> textures_;
};

}  // namespace

bool glHasTextureStorage() {
  GLint major = 0, minor = 0;
  glGetIntegerv(GL_MAJOR_VERSION, &major);
  glGetIntegerv(GL_MINOR_VERSION, &minor);
  if (major > 4 || (major == 4 && minor >= 2)) return true;
  GLint count = 0;
  glGetIntegerv(GL_NUM_EXTENSIONS, &count);
  for (GLint i = 0; i < count; ++i) {
    const char* name = reinterpret_cast<const char*>(glGetStringi(GL_EXTENSIONS, static_cast<GLuint>(i)));
    if (name && std::strcmp(name, "GL_ARB_texture_storage") == 0) return true;
  }
  return false;
}

std::unique_ptr<TextureUploader> makeGlTextureUploader(GlTextureUploaderOptions options) {
  return std::make_unique<GlTextureUploader>(options);
}

}  // namespace texforge::gl
