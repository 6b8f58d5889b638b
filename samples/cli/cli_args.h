// Command-line parsing for the texforge CLI: turns argv into a command and GenerationParams.
// Parsing never touches the network; every mistake gets a message that says what to type.
#pragma once

#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/params.h"

namespace texforge::cli {

enum class Command { kHelp, kVersion, kGenerate, kResume, kJobs, kResolve, kBatch, kRepairSeams };

struct CliArgs {
  Command command = Command::kHelp;
  std::string project_dir;
  GenerationParams params;
  bool quote_only = false;
  bool json = false;
  double timeout_s = 0;              // 0: the engine's default deadline
  double lost_answer_window_s = -1;  // < 0: the engine's default reconcile window
  std::string job_id;                // resolve, repair-seams: the local id
  int output_index = 0;              // repair-seams: which image (ID:N on the command line, N from 1)
  int resend = -1;                   // resolve: 1 --resend, 0 --discard
  std::string batch_file;            // batch: the CSV or JSON file of requests
  bool assume_yes = false;           // --yes: no spending confirmation
  bool retry_failed = false;         // batch: submit again the rows whose job failed for good
  int max_in_flight = 0;             // --max-in-flight: 0, the engine's default
};

// Errors are kInvalidArgument with a message that says what to type (exit status 2). "--json" may
// also come before the verb; help and version take it anywhere and ignore other arguments.
Result<CliArgs> parseArgs(const std::vector<std::string>& args);
const char* usageText();
const char* commandName(Command command);  // the verb as typed: "generate", "resume", ...

// The values of the request options, checked for form, shared by the command line and batch
// files. Each sets its field(s) of params; an error is kInvalidArgument saying what to write
// (without naming the option or column, except for the size: the caller adds it).
Status parseOutputsValue(const std::string& text, GenerationParams* params);
// "WxH" or "auto"; what ("--size", "size") names it in the message, which says "what auto".
Status parseSizeValue(const std::string& text, GenerationParams* params, const std::string& what);
Status parseAlphaValue(const std::string& text, GenerationParams* params);  // "model" or "matte"
Status parseMatteValue(const std::string& text, GenerationParams* params);  // "#RRGGBB"
Status parseBoolValue(const std::string& text, bool* out);  // true/false, 1/0, yes/no (any case)

// For arguments parseArgs refused, so the refusal still comes in the form asked for: whether
// "--json" appears before any "--", and the verb ("" when the first word, after any leading
// "--json", is none; "help" when there is no word).
bool wantsJson(const std::vector<std::string>& args);
std::string verbOf(const std::vector<std::string>& args);

}  // namespace texforge::cli
