/* stb_image's decoder compiled into the fuzz targets from the system header, so that the sanitizers
   and libFuzzer's coverage see inside it; the prebuilt libstb the core links is not instrumented. */
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>
