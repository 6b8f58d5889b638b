// Crash-test hooks: when $TEXFORGE_FAILPOINT names a point, the process kills itself with SIGKILL
// exactly there. The crash harness uses them to prove that every stage of a job survives a kill.
#pragma once

namespace texforge {

// Does nothing unless $TEXFORGE_FAILPOINT equals name (read once). Then prints one line to
// stderr and raises SIGKILL: no destructor, flush or journal write runs after it.
void failpoint(const char* name);

}  // namespace texforge
