/* stb_image and stb_image_write compiled once, for the core, from the headers of whichever stb the
 * build found (Debian's libstb-dev, vcpkg's port): no prebuilt libstb is linked. The core hands
 * only PNG to stb (JPEG goes to libjpeg-turbo, WebP to libwebp, see image_decode.cpp); the other
 * decoders stay for the project's tests, which link the static core. In a shared libtexforge these
 * symbols are hidden. */
#include <stddef.h>
#include <stdlib.h>

/* Every allocation stb_image makes for one decode stays under a limit the caller sets for its thread
 * (texforge_stbi_limit, 0: none): a PNG whose pixel data inflates beyond what its header can need
 * (a decompression bomb) fails stb's growing inflate buffer with "outofmem" instead of taking
 * gigabytes, and no separate counting pass over the data is needed. */
#if defined(_MSC_VER)
#define TEXFORGE_THREAD_LOCAL __declspec(thread)
#else
#define TEXFORGE_THREAD_LOCAL _Thread_local
#endif
static TEXFORGE_THREAD_LOCAL size_t texforge_stbi_cap;

void texforge_stbi_limit(size_t bytes) {
  texforge_stbi_cap = bytes;
}

static void* texforge_stbi_malloc(size_t bytes) {
  return texforge_stbi_cap && bytes > texforge_stbi_cap ? NULL : malloc(bytes);
}

static void* texforge_stbi_realloc(void* p, size_t bytes) {
  return texforge_stbi_cap && bytes > texforge_stbi_cap ? NULL : realloc(p, bytes);
}

#define STBI_MALLOC(bytes) texforge_stbi_malloc(bytes)
#define STBI_REALLOC(p, bytes) texforge_stbi_realloc(p, bytes)
#define STBI_FREE(p) free(p)
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
