/* A C host of the installed package: links texforge::c (libtexforge_c) and nothing of C++. */
#include <stdio.h>
#include <string.h>

#include "texforge/texforge_c.h"

int main(void) {
  const char* version = texforge_version();
  printf("libtexforge_c %s\n", version);
  return version != NULL && strlen(version) > 0 ? 0 : 1;
}
