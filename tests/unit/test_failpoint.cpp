// Crash-test failpoints exist only in the core built with TEXFORGE_TEST_HOOKS. Code compiled
// without it (as this test is, whatever the core was built with) gets the empty inline form: an
// armed $TEXFORGE_FAILPOINT kills nothing.
#include <gtest/gtest.h>

#include <cstdlib>

#include "failpoint.h"

namespace texforge {
namespace {

TEST(Failpoint, IsInertWithoutTheTestHooks) {
#if defined(TEXFORGE_TEST_HOOKS)
  GTEST_SKIP() << "this file was compiled with the test hooks";
#else
  EXPECT_EXIT(
      {
        ::setenv("TEXFORGE_FAILPOINT", "unit.armed", 1);
        failpoint("unit.armed");
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "");
#endif
}

}  // namespace
}  // namespace texforge
