// What the CLI prints for people: a live status line per job on a terminal, plain lines otherwise;
// and how a run ends (Outcome), which cli_json.h prints as the --json document. Kept apart from
// main.cpp so the flow there reads as the steps it takes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "texforge/api.h"
#include "texforge/credentials.h"
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

// Everything the CLI prints passes through these first. Server text (messages, statuses, ids, who
// holds a job) loses Authorization values, URL queries and the credentials' values, and the prompt
// loses the credentials' values: the engine redacts before journaling, but a journal written
// before it did may hold them. credentials may be empty.
Error printable(Error error, const Credentials& credentials);
JobSnapshot printable(JobSnapshot job, const Credentials& credentials);

// A job that failed with kTimeout gets a message naming the time really waited: since
// waiting_since_ms (unix ms; jobs that timed out before it keep their words), ended by deadline
// ("--timeout 30", "the default deadline, 900 s"); with no deadline (the jobs table), counted from
// the job's submit. The engine's own words round to whole minutes. Other jobs come back unchanged.
JobSnapshot withTimeWaited(JobSnapshot job, int64_t waiting_since_ms, const std::string& deadline);

// "tf_x: texforge-cli, pid 4242 on ws-3, is working on it; nothing to do here", for a job another
// process (or another account or endpoint) holds; "" for a job this process may act on.
std::string heldLine(const JobSnapshot& job);

// When a resend of an unknown job is allowed, and the price of one, in words; "" when it is
// allowed now (now_ms, unix ms). Times are local.
std::string resendWaitText(const JobSnapshot& job, int64_t now_ms);

// Human summary on stdout: each imported file, each failure with what to do; held jobs as such.
void printSummary(const std::vector<JobSnapshot>& jobs, int64_t now_ms);

// The CLI's own advice (the core's messages say what happened, not what to type); "" when none.
// Never advises a resend that could pay twice without saying so, nor one before it is allowed.
std::string adviceFor(const JobSnapshot& job, int64_t now_ms);
std::string adviceFor(const Error& error);
// The project's jobs, one line each, with a NOTE column for jobs held elsewhere or needing a word.
void printJobsTable(const std::vector<JobSnapshot>& jobs, int64_t now_ms);

// How a run ends, whatever its command and exit path: main.cpp prints it once with --json
// (cli_json.h) and returns exit_status. error is set exactly when exit_status is not 0.
struct Outcome {
  std::string command;            // the verb as typed ("generate"); "" when the first word was none
  int exit_status = 0;            // as in usageText(): 0, 1, 2, 3, 4, 5 or 130
  std::optional<Error> error;     // why exit_status is not 0, already printable()
  std::string advice;             // what to type next about error; "" when the message says it all
  std::vector<JobSnapshot> jobs;  // what the command acted on or lists, already printable()
  std::optional<Quote> quote;     // generate --quote, once the price came back
};

// For the jobs a command waited for: exit status 0 when every output of every job this process may
// act on was imported (jobs held elsewhere do not count); otherwise from the first problem, which
// becomes the error ("tf_x: " and the job's or image's own error, or what is missing) with that
// job's advice: 1 failed, stopped or discarded, 3 credentials, 4 network, service or deadline, 5
// unknown. Never 2: these requests were sent. now_ms (unix ms) dates the advice.
Outcome outcomeFor(std::vector<JobSnapshot> jobs, int64_t now_ms);
int exitStatusFor(const std::vector<JobSnapshot>& jobs);  // outcomeFor(jobs, ...).exit_status
// For an error met before anything was paid (arguments, files, the schema, submit()): 2 for bad
// arguments and missing files, else as above.
int exitStatusFor(const Error& error);

std::string localTimeText(int64_t unix_ms);  // "2026-12-01 14:32:05", local time

}  // namespace texforge::cli
