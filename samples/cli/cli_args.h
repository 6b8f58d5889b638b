// Command-line parsing for the texforge CLI: turns argv into a command and GenerationParams.
// Parsing never touches the network; every mistake gets a message that says what to type.
#pragma once

#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/params.h"

namespace texforge::cli {

enum class Command { kHelp, kVersion, kGenerate, kResume, kJobs, kResolve };

struct CliArgs {
  Command command = Command::kHelp;
  std::string project_dir;
  GenerationParams params;
  bool quote_only = false;
  bool json = false;
  double timeout_s = 0;              // 0: the engine's default deadline
  double lost_answer_window_s = -1;  // < 0: the engine's default reconcile window
  std::string job_id;                // resolve: the local id
  int resend = -1;                   // resolve: 1 --resend, 0 --discard
};

// Errors are kInvalidArgument with a message that says what to type (exit status 2). "--json" may
// also come before the verb; help and version take it anywhere and ignore other arguments.
Result<CliArgs> parseArgs(const std::vector<std::string>& args);
const char* usageText();
const char* commandName(Command command);  // the verb as typed: "generate", "resume", ...

// For arguments parseArgs refused, so the refusal still comes in the form asked for: whether
// "--json" appears before any "--", and the verb ("" when the first word, after any leading
// "--json", is none; "help" when there is no word).
bool wantsJson(const std::vector<std::string>& args);
std::string verbOf(const std::vector<std::string>& args);

}  // namespace texforge::cli
