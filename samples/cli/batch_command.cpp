// `texforge batch FILE`: every row checked, priced and confirmed before anything is paid, then
// sent through one engine; rows the journal already holds are waited for, never paid again.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <optional>

#include "cli_batch.h"
#include "cli_command.h"
#include "cli_jobs.h"
#include "cli_spend.h"

namespace texforge::cli {
namespace {

// The prices of the rows about to be paid; identical requests share one quote.
// Fills price[i] for those rows; an error when a quote fails (nothing is paid).
Status quoteRows(Generator& gen, const std::vector<BatchRow>& rows, const std::vector<RowPlan>& plan,
                 std::vector<double>* price) {
  std::map<std::string, std::optional<Result<Quote>>> quotes;
  for (const RowPlan& step : plan) {
    if (step.action != RowAction::kSubmit) continue;
    const std::string key = quoteKey(rows[step.row].params);
    if (quotes.count(key)) continue;
    quotes[key];
    gen.quote(rows[step.row].params, [&quotes, key](Result<Quote> q) { quotes[key] = std::move(q); });
  }
  ProgressPrinter quiet(false);
  const bool all_back = pumpUntil(gen, {}, quiet, [&] {
    for (const auto& [key, quote] : quotes) {
      if (!quote) return false;
    }
    return true;
  });
  if (!all_back)
    return makeError(ErrorCode::kStopped, "interrupted while pricing the batch; nothing was charged");
  for (const RowPlan& step : plan) {
    if (step.action != RowAction::kSubmit) continue;
    const Result<Quote>& quote = *quotes[quoteKey(rows[step.row].params)];
    if (!quote) {
      Error e = quote.error();
      e.message = "row " + std::to_string(rows[step.row].number) + ": pricing failed: " + e.message;
      return e;
    }
    (*price)[step.row] = quote->creative_units;
  }
  return Ok{};
}

// The price table: every row, what happens to it and what it costs; the total last.
double printPrices(std::FILE* out, const std::vector<BatchRow>& rows, const std::vector<RowPlan>& plan,
                   const std::vector<double>& price) {
  double total = 0;
  int to_pay = 0;
  for (const RowPlan& step : plan) {
    const BatchRow& row = rows[step.row];
    std::string what =
        step.action == RowAction::kSubmit
            ? "to send"
            : std::string("sent earlier as ") + step.job->local_id + " (" + rowActionName(step.action) + ")";
    char cost[32] = "-";
    if (step.action == RowAction::kSubmit) {
      std::snprintf(cost, sizeof cost, "%.2f", price[step.row]);
      total += price[step.row];
      ++to_pay;
    }
    std::fprintf(out, "%4d  %-28s %2d image%s  %8s  %s\n", row.number, row.label.c_str(),
                 row.params.num_outputs, row.params.num_outputs == 1 ? " " : "s", cost, what.c_str());
  }
  const int earlier = static_cast<int>(plan.size()) - to_pay;
  std::fprintf(out, "total: %.2f creative units for %d request%s to send", total, to_pay,
               to_pay == 1 ? "" : "s");
  if (earlier > 0) std::fprintf(out, "; %d sent earlier, not paid again", earlier);
  std::fprintf(out, "\n");
  std::fflush(out);
  return total;
}

// A row whose job has ended, for the progress lines: not active, no image still on its way in.
bool rowJobEnded(const JobSnapshot& job) {
  if (!job.held_by.empty()) return true;
  if (isJobActive(job.state)) return false;
  for (const OutputSnapshot& o : job.outputs) {
    if (o.state == OutputState::kReady && !o.error) return false;
  }
  return job.state != JobState::kUnknown || job.needs_decision || job.resend_allowed_at_ms > 0;
}

}  // namespace

// Whether the spending may go ahead: as the viewer's threshold says, --yes, or the user's answer.
std::optional<Outcome> confirmSpending(const CliArgs& args, double total, int requests,
                                       const std::string& what) {
  const double threshold = spendingThreshold(args.project_dir);
  const bool interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
  char amount[64];
  std::snprintf(amount, sizeof amount, "%.2f creative units, above the spending threshold of %.2f", total,
                threshold);
  switch (spendVerdict(total, threshold, args.assume_yes, interactive)) {
    case SpendVerdict::kGo: return std::nullopt;
    case SpendVerdict::kAsk:
      if (askToSpend(total, threshold, requests, stdin)) return std::nullopt;
      return fail(args, makeError(ErrorCode::kStopped,
                                  std::string("not confirmed: ") + amount + "; nothing was charged"));
    case SpendVerdict::kRefuse: break;
  }
  return fail(
      args,
      makeError(ErrorCode::kInvalidArgument,
                "this " + what + " costs " + amount + ", and no one is at a terminal to confirm it"),
      2,
      "add --yes to pay for it, or run it from a terminal to be asked; --quote shows the prices without "
      "paying, and the viewer's Settings change the threshold for this project");
}

Outcome runBatch(const CliArgs& args) {
  auto rows = readBatchFile(args.batch_file, args.params);
  if (!rows) return fail(args, rows.error());
  for (const BatchRow& row : *rows) {
    if (Status s = checkRequest(row.params, nullptr, true, rowPlace(row)); !s) return fail(args, s.error());
  }
  auto engine = openEngine(args, false);
  if (!engine) return fail(args, engine.error());
  Generator& gen = **engine;
  std::optional<Result<ModelSchema>> schema;  // proves the credentials before anything is paid for
  gen.fetchSchema(args.params.model_id, [&](Result<ModelSchema> s) { schema = std::move(s); });
  ProgressPrinter quiet(false);
  const std::string nothing_sent = "interrupted before anything was sent; nothing was charged";
  if (!pumpUntil(gen, {}, quiet, [&] { return schema.has_value(); }))
    return interrupted(args, gen, {}, nothing_sent);
  if (!*schema) return fail(args, schema->error());
  for (const BatchRow& row : *rows) {
    if (Status s = checkRequest(row.params, &schema->value(), false, rowPlace(row)); !s)
      return fail(args, s.error());
  }
  auto plan = planBatch(*rows, gen.jobs(), args.retry_failed);
  if (!plan) return fail(args, plan.error());

  std::FILE* out = args.json ? stderr : stdout;  // with --json, stdout holds the document only
  std::vector<double> price(rows->size(), 0.0);
  if (Status s = quoteRows(gen, *rows, *plan, &price); !s) {
    if (s.error().code == ErrorCode::kStopped) return interrupted(args, gen, {}, nothing_sent);
    return fail(args, s.error());
  }
  const double total = printPrices(out, *rows, *plan, price);
  int to_pay = 0;
  for (const RowPlan& step : *plan) to_pay += step.action == RowAction::kSubmit ? 1 : 0;
  if (args.quote_only) {
    if (!args.json) std::printf("%.2f creative units (nothing was charged)\n", total);
    Outcome quoted = succeeded(args);
    quoted.quote = Quote{total, 0};
    return quoted;
  }
  if (auto declined = confirmSpending(args, total, to_pay, "batch")) return *declined;

  // Send: resume what stopped, submit what has no job; every row then has an id to wait for.
  std::vector<std::string> ids(rows->size());
  std::vector<std::optional<JobSnapshot>> refused(rows->size());  // rows submit() refused
  std::map<std::string, JobSnapshot> resumed;
  for (const RowPlan& step : *plan) {
    if (step.job && step.action != RowAction::kSubmit) ids[step.row] = step.job->local_id;
    if (step.action == RowAction::kResume) {
      if (gen.resumeJob(step.job->local_id)) resumed.emplace(step.job->local_id, *step.job);
    } else if (step.action == RowAction::kSubmit) {
      const BatchRow& row = (*rows)[step.row];
      auto id = gen.submit(row.params);
      if (id) {
        ids[step.row] = *id;
        continue;
      }
      JobSnapshot nothing;  // never sent: the row fails, the others go on
      nothing.params = row.params;
      nothing.state = JobState::kFailed;
      nothing.error = id.error();
      refused[step.row] = forPrinting(nothing);
    }
  }

  const int total_rows = static_cast<int>(rows->size());
  int finished = 0;
  std::vector<bool> shown(rows->size(), false);
  auto showFinished = [&] {
    for (size_t i = 0; i < rows->size(); ++i) {
      if (shown[i]) continue;
      std::optional<JobSnapshot> job = refused[i];
      if (!job && !ids[i].empty()) job = gen.job(ids[i]);
      if (!job || !rowJobEnded(*job)) continue;
      shown[i] = true;
      std::fprintf(out, "%s\n",
                   rowFinishedLine(++finished, total_rows, (*rows)[i], forPrinting(*job)).c_str());
      std::fflush(out);
    }
    return finished == total_rows;
  };
  std::vector<std::string> waited;
  for (const auto& id : ids) {
    if (!id.empty()) waited.push_back(id);
  }
  const bool done = pumpUntil(
      gen, {}, quiet, [&] { return showFinished() && nothingLeftToWaitFor(gen, resumed, waitingSinceMs()); });
  if (!done) {
    return interrupted(
        args, gen, waited,
        "stopped waiting; the batch's requests go on at Scenario, and the same `texforge batch` "
        "command (or `texforge resume`) collects them without paying again");
  }
  std::vector<JobSnapshot> jobs;
  std::vector<std::optional<JobSnapshot>> per_row(rows->size());
  for (size_t i = 0; i < rows->size(); ++i) {
    per_row[i] = refused[i] ? refused[i] : gen.job(ids[i]);
    if (per_row[i]) jobs.push_back(*per_row[i]);
  }
  std::fprintf(out, "%s\n", batchSummaryLine(per_row).c_str());
  return report(jobs, args, false);
}

}  // namespace texforge::cli
