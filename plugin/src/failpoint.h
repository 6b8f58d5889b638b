// Crash-test hooks: when $TEXFORGE_FAILPOINT names a point, the process kills itself with SIGKILL
// exactly there. The crash harness uses them to prove that every stage of a job survives a kill.
// They exist only in builds configured with TEXFORGE_TEST_HOOKS=ON (the test command's); anywhere
// else failpoint() is an empty inline function and the environment variable means nothing.
#pragma once

namespace texforge {

#if defined(TEXFORGE_TEST_HOOKS)
// Does nothing unless $TEXFORGE_FAILPOINT equals name (read once). Then prints one line to
// stderr and raises SIGKILL: no destructor, flush or journal write runs after it.
void failpoint(const char* name);
#else
inline void failpoint(const char*) {}
#endif

}  // namespace texforge
