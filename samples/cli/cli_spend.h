// When the CLI asks before spending: the project's spending threshold (the one the viewer's
// Settings edit), --yes, and whether anyone is at a terminal to answer. Any command that pays for
// a known total can use it; `texforge batch` does.
#pragma once

#include <cstdio>
#include <string>

namespace texforge::cli {

// The spending threshold in creative units: the viewer's Settings for this project
// (<project>/.texforge/editor.json, "spending_threshold"), else 25, the panel's default. <= 0: never asks.
double spendingThreshold(const std::string& project_dir);

enum class SpendVerdict {
  kGo,      // at or under the threshold, or --yes
  kAsk,     // above it, on a terminal: ask
  kRefuse,  // above it, not on a terminal and no --yes: refuse, nothing paid
};
SpendVerdict spendVerdict(double total, double threshold, bool assume_yes, bool interactive);
// Asks on stderr and reads one line from in; true for y or yes (any case).
bool askToSpend(double total, double threshold, int requests, std::FILE* in);

}  // namespace texforge::cli
