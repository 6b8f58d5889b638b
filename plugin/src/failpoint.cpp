// Reads $TEXFORGE_FAILPOINT once; the check on the hot path is a pointer compare and a strcmp
// only when a failpoint is armed.
#include "failpoint.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform.h"

#if defined(TEXFORGE_TEST_HOOKS)
namespace texforge {

void failpoint(const char* name) {
  static const char* armed = std::getenv("TEXFORGE_FAILPOINT");
  if (!armed || std::strcmp(armed, name) != 0) return;
  const std::string line = std::string("texforge: failpoint ") + name + " reached, killing the process\n";
  // stderr is unbuffered unless the host gave it a buffer; the flush covers that case.
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
  platform::killCurrentProcess();
}

}  // namespace texforge
#endif  // TEXFORGE_TEST_HOOKS
