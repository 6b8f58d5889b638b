// The steps the CLI's commands share, defined in main.cpp: opening the engine, checking a request
// before payment, pumping until done, and the Outcomes a command ends with. The texforge program's
// own (not in texforge_cli_lib): batch_command.cpp runs `texforge batch` with them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli_args.h"
#include "cli_report.h"
#include "texforge/generator.h"

namespace texforge::cli {

int64_t nowMs();                                  // unix ms
JobSnapshot forPrinting(const JobSnapshot& job);  // printable() with the CLI's credentials
int64_t waitingSinceMs();                         // when the engine opened (unix ms)

// The outcome of a run that ends with error (exit status from its code unless given, advice from
// adviceFor unless given), said on stderr too.
Outcome fail(const CliArgs& args, Error error, int exit_status = -1, std::string advice = {});
// Ctrl-C or SIGTERM while waiting: exit 130 with the jobs as they stand.
Outcome interrupted(const CliArgs& args, const Generator& gen, const std::vector<std::string>& ids,
                    std::string message);
Outcome succeeded(const CliArgs& args);

// checkParams (and, on the first pass, checkLocalInputs, printing the warnings) before anything is
// paid; the first blocking problem names the option that fixes it, or for a batch row (row: "row 3
// (line 4)") the row and its column.
Status checkRequest(const GenerationParams& params, const ModelSchema* schema, bool first_pass,
                    const std::string& row = "");

// Pumps the engine until done() holds (true) or the user interrupts (false); shows the ids' progress.
bool pumpUntil(Generator& gen, const std::vector<std::string>& ids, ProgressPrinter& progress,
               const std::function<bool()>& done);

Result<std::unique_ptr<Generator>> openEngine(const CliArgs& args, bool offline);

// The outcome the jobs stand for; without --json and with print_summary, printed as lines.
Outcome report(const std::vector<JobSnapshot>& jobs, const CliArgs& args, bool print_summary = true);

// Whether spending total (for requests requests) may go ahead: under the project's threshold, --yes,
// or the user's answer at a terminal; else the Outcome that refuses (nothing paid). what: "batch".
std::optional<Outcome> confirmSpending(const CliArgs& args, double total, int requests,
                                       const std::string& what);

Outcome runBatch(const CliArgs& args);        // batch_command.cpp
Outcome runRepairSeams(const CliArgs& args);  // repair_command.cpp

}  // namespace texforge::cli
