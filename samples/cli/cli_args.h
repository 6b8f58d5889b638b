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
  double timeout_s = 0;  // 0: the engine's default deadline
  std::string job_id;    // resolve: the local id
  int resend = -1;       // resolve: 1 --resend, 0 --discard
};

Result<CliArgs> parseArgs(const std::vector<std::string>& args);
const char* usageText();

}  // namespace texforge::cli
