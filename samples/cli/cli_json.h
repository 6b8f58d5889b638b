// The CLI's --json output: one document per run on stdout, on every exit path, in the schema
// docs/cli-json.md describes. Kept apart so its shape lives in one place and tests can read it.
#pragma once

#include <cstdint>
#include <string>

#include "cli_report.h"

namespace texforge::cli {

// The document's "schema". Fields may be added under this name; renaming or removing one, or
// changing what one means, takes "texforge-cli/2".
inline constexpr char kJsonSchema[] = "texforge-cli/1";

// The document for outcome, with a trailing newline: schema, version (TEXFORGE_VERSION_STRING),
// command, ok (exit_status is 0), exit_status, error (null, or code, http_status, message and
// advice), then what the command reports: jobs for generate, resume, jobs and resolve (each with
// its own error and advice), quote for generate --quote, usage for help. now_ms (unix ms) dates
// the jobs' advice. Invalid UTF-8 in server text comes out as U+FFFD. Any thread.
std::string jsonDocument(const Outcome& outcome, int64_t now_ms);

}  // namespace texforge::cli
