// What the CLI prints: a live status line per job on a terminal, plain lines otherwise, and the
// --json document. Kept apart from main.cpp so the flow there reads as the steps it takes.
#pragma once

#include <string>
#include <vector>

#include "texforge/generator.h"

namespace texforge::cli {

class ProgressPrinter {
 public:
  explicit ProgressPrinter(bool enabled);
  // Redraws (terminal) or prints a line when the state changed (pipe). stderr only.
  void show(const JobSnapshot& job);
  void finishLine();

 private:
  bool enabled_;
  bool tty_;
  bool line_open_ = false;
  std::string last_key_;
};

// Human summary on stdout: each imported file, each failure with what to do.
void printSummary(const std::vector<JobSnapshot>& jobs);

// The CLI's own advice (the core's messages say what happened, not what to type); "" when none.
std::string adviceFor(const JobSnapshot& job);
std::string adviceFor(const Error& error);
// One JSON document on stdout.
void printJson(const std::vector<JobSnapshot>& jobs, bool ok);
void printJobsTable(const std::vector<JobSnapshot>& jobs);

// 0 when every output of every job was imported; otherwise a status from the first error.
int exitStatusFor(const std::vector<JobSnapshot>& jobs);
int exitStatusFor(const Error& error);

}  // namespace texforge::cli
