/* stb_image and stb_image_write compiled once, for the core, from the headers of whichever stb the
 * build found (Debian's libstb-dev, vcpkg's port): no prebuilt libstb is linked. The core hands
 * only PNG to stb (JPEG goes to libjpeg-turbo, WebP to libwebp, see image_decode.cpp); the other
 * decoders stay for the project's tests, which link the static core. In a shared libtexforge these
 * symbols are hidden. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

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

/* One buffer of the caller's, offered for the decode's output (texforge_stbi_output): the first
 * allocation of exactly its size while it is free gets it, and freeing it makes it free again. It
 * behaves as an allocator would, so stb stays correct whatever it allocates in between; when stb's
 * result is that buffer, the pixels are already where the caller wants them and nothing is copied. */
static TEXFORGE_THREAD_LOCAL void* texforge_stbi_slot;
static TEXFORGE_THREAD_LOCAL size_t texforge_stbi_slot_size;
static TEXFORGE_THREAD_LOCAL int texforge_stbi_slot_taken;

void texforge_stbi_limit(size_t bytes) {
  texforge_stbi_cap = bytes;
}

void texforge_stbi_output(void* buffer, size_t bytes) {
  texforge_stbi_slot = buffer;
  texforge_stbi_slot_size = buffer ? bytes : 0;
  texforge_stbi_slot_taken = 0;
}

static int texforge_stbi_over_cap(size_t bytes) {
  return texforge_stbi_cap && bytes > texforge_stbi_cap;
}

static void* texforge_stbi_malloc(size_t bytes) {
  if (texforge_stbi_slot && !texforge_stbi_slot_taken && bytes == texforge_stbi_slot_size) {
    texforge_stbi_slot_taken = 1;
    return texforge_stbi_slot;
  }
  return texforge_stbi_over_cap(bytes) ? NULL : malloc(bytes);
}

static void texforge_stbi_free(void* p) {
  if (p && p == texforge_stbi_slot) {
    texforge_stbi_slot_taken = 0;
    return;
  }
  free(p);
}

static void* texforge_stbi_realloc(void* p, size_t bytes) {
  if (p && p == texforge_stbi_slot) { /* moves out of the slot, as a realloc may move */
    void* moved = texforge_stbi_over_cap(bytes) ? NULL : malloc(bytes);
    if (!moved) return NULL;
    memcpy(moved, p, bytes < texforge_stbi_slot_size ? bytes : texforge_stbi_slot_size);
    texforge_stbi_slot_taken = 0;
    return moved;
  }
  return texforge_stbi_over_cap(bytes) ? NULL : realloc(p, bytes);
}

#define STBI_MALLOC(bytes) texforge_stbi_malloc(bytes)
#define STBI_REALLOC(p, bytes) texforge_stbi_realloc(p, bytes)
#define STBI_FREE(p) texforge_stbi_free(p)
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
