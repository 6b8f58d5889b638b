/* stb_image and stb_image_write compiled once, for the core, from the headers of whichever stb the
 * build found (Debian's libstb-dev, vcpkg's port): no prebuilt libstb is linked. The core hands
 * only PNG to stb (JPEG goes to libjpeg-turbo, WebP to libwebp, see image_decode.cpp); the other
 * decoders stay for the project's tests, which link the static core. In a shared libtexforge these
 * symbols are hidden. */
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#include <stb_image.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>
