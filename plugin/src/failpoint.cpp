// Reads $TEXFORGE_FAILPOINT once; the check on the hot path is a pointer compare and a strcmp
// only when a failpoint is armed.
#include "failpoint.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <string>

#if defined(TEXFORGE_TEST_HOOKS)
namespace texforge {

void failpoint(const char* name) {
  static const char* armed = std::getenv("TEXFORGE_FAILPOINT");
  if (!armed || std::strcmp(armed, name) != 0) return;
  const std::string line = std::string("texforge: failpoint ") + name + " reached, killing the process\n";
  [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
  std::raise(SIGKILL);
}

}  // namespace texforge
#endif  // TEXFORGE_TEST_HOOKS
