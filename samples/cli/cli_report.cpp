// Terminal and JSON output of the texforge CLI. Never prints credentials or signed URLs: the
// snapshots it reads hold neither.
#include "cli_report.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

namespace texforge::cli {
namespace {

int64_t nowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string bar(double progress, int width) {
  const int filled = static_cast<int>(progress * width + 0.5);
  std::string s = "[";
  for (int i = 0; i < width; ++i) s += i < filled ? '#' : '.';
  return s + "]";
}

}  // namespace

ProgressPrinter::ProgressPrinter(bool enabled) : enabled_(enabled), tty_(isatty(STDERR_FILENO) != 0) {}

void ProgressPrinter::show(const JobSnapshot& job) {
  if (!enabled_) return;
  const int64_t end = job.finished_at_ms ? job.finished_at_ms : nowMs();
  const long elapsed = static_cast<long>((end - job.created_at_ms) / 1000);
  std::string state = jobStateName(job.state);
  if (!job.server_status.empty() && (job.state == JobState::kRunning || job.state == JobState::kSubmitted)) {
    state += " (" + job.server_status + ")";
  }
  if (job.state == JobState::kDownloading || job.state == JobState::kReady ||
      job.state == JobState::kImported) {
    state += " " + std::to_string(job.readyCount()) + "/" + std::to_string(job.outputs.size());
  }
  if (tty_) {
    std::fprintf(stderr, "\r\033[K%s  %-28s %s %3d%%  %lds", job.local_id.c_str(), state.c_str(),
                 bar(job.progress, 20).c_str(), static_cast<int>(job.progress * 100), elapsed);
    std::fflush(stderr);
    line_open_ = true;
    return;
  }
  if (state == last_key_) return;
  last_key_ = state;
  std::fprintf(stderr, "%s  %s  %d%%  %lds\n", job.local_id.c_str(), state.c_str(),
               static_cast<int>(job.progress * 100), elapsed);
}

void ProgressPrinter::finishLine() {
  if (line_open_) std::fprintf(stderr, "\n");
  line_open_ = false;
}

std::string adviceFor(const JobSnapshot& job) {
  if (job.needs_decision) {
    return "decide with `texforge resolve " + job.local_id +
           " --resend` (a second charge if the first did "
           "start) or `texforge resolve " +
           job.local_id + " --discard`";
  }
  auto retryable = [](const std::optional<Error>& e) {
    if (!e) return false;
    switch (e->code) {
      case ErrorCode::kTimeout:
      case ErrorCode::kNetwork:
      case ErrorCode::kServer:
      case ErrorCode::kRateLimited:
      case ErrorCode::kProtocol:
      case ErrorCode::kIo:
      case ErrorCode::kCredentials: return true;
      default: return false;
    }
  };
  const bool output_retryable = std::any_of(
      job.outputs.begin(), job.outputs.end(),
      [&](const OutputSnapshot& o) { return o.state == OutputState::kFailed && retryable(o.error); });
  if ((job.state == JobState::kFailed && retryable(job.error)) || output_retryable) {
    return "run `texforge resume` to try again; nothing is paid twice";
  }
  return {};
}

std::string adviceFor(const Error& error) {
  if (error.code == ErrorCode::kUnknownSubmission) {
    return "see `texforge jobs`, then `texforge resolve ID --resend` or `--discard`";
  }
  return {};
}

void printSummary(const std::vector<JobSnapshot>& jobs) {
  for (const auto& job : jobs) {
    for (const auto& o : job.outputs) {
      if (o.state == OutputState::kImported) {
        std::printf("%s\n", o.imported_path.c_str());
      } else if (o.error) {
        std::fprintf(stderr, "image %d of %s: %s\n", o.index + 1, job.local_id.c_str(),
                     o.error->message.c_str());
      } else if (o.state == OutputState::kReady) {
        std::fprintf(stderr, "image %d of %s is downloaded but not imported; run `texforge resume`\n",
                     o.index + 1, job.local_id.c_str());
      }
    }
    if (job.error) std::fprintf(stderr, "%s: %s\n", job.local_id.c_str(), job.error->message.c_str());
    if (std::string advice = adviceFor(job); !advice.empty()) {
      std::fprintf(stderr, "%s: %s\n", job.local_id.c_str(), advice.c_str());
    }
    if (job.cost >= 0 && job.readyCount() > 0) {
      std::fprintf(stderr, "%s: %d image(s), %.2f creative units\n", job.local_id.c_str(), job.readyCount(),
                   job.cost);
    }
  }
}

static nlohmann::json errorJson(const std::optional<Error>& e) {
  if (!e) return nullptr;
  return {{"code", errorCodeName(e->code)}, {"http_status", e->http_status}, {"message", e->message}};
}

static nlohmann::json jobJson(const JobSnapshot& job) {
  nlohmann::json outputs = nlohmann::json::array();
  for (const auto& o : job.outputs) {
    outputs.push_back({{"index", o.index},
                       {"asset_id", o.asset_id},
                       {"state", outputStateName(o.state)},
                       {"path", o.imported_path},
                       {"sidecar", o.imported_path.empty() ? "" : o.imported_path + ".texforge.json"},
                       {"width", o.width},
                       {"height", o.height},
                       {"format", o.format == ImageFormat::kUnknown ? "" : imageFormatName(o.format)},
                       {"error", errorJson(o.error)}});
  }
  return {{"local_id", job.local_id},
          {"job_id", job.job_id},
          {"state", jobStateName(job.state)},
          {"status", job.server_status},
          {"prompt", job.params.prompt},
          {"model", job.params.model_id},
          {"num_outputs", job.params.num_outputs},
          {"cost", job.cost},
          {"created_at_ms", job.created_at_ms},
          {"error", errorJson(job.error)},
          {"outputs", outputs}};
}

void printJson(const std::vector<JobSnapshot>& jobs, bool ok) {
  nlohmann::json doc = {{"ok", ok}, {"jobs", nlohmann::json::array()}};
  for (const auto& job : jobs) doc["jobs"].push_back(jobJson(job));
  std::printf("%s\n", doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

void printJobsTable(const std::vector<JobSnapshot>& jobs) {
  if (jobs.empty()) {
    std::printf("no jobs in this project yet\n");
    return;
  }
  std::printf("%-17s %-12s %-7s %-20s %s\n", "ID", "STATE", "IMAGES", "CREATED (UTC)", "PROMPT");
  for (const auto& job : jobs) {
    std::time_t t = static_cast<std::time_t>(job.created_at_ms / 1000);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    std::string prompt = job.params.prompt.substr(0, 48) + (job.params.prompt.size() > 48 ? "..." : "");
    std::string images = std::to_string(job.readyCount()) + "/" + std::to_string(job.params.num_outputs);
    std::printf("%-17s %-12s %-7s %-20s %s\n", job.local_id.c_str(), jobStateName(job.state), images.c_str(),
                when, prompt.c_str());
    if (job.error) std::printf("    %s\n", job.error->message.c_str());
    if (std::string advice = adviceFor(job); !advice.empty()) std::printf("    %s\n", advice.c_str());
  }
}

int exitStatusFor(const Error& error) {
  switch (error.code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kNotFound: return 2;
    case ErrorCode::kCredentials:
    case ErrorCode::kForbidden: return 3;
    case ErrorCode::kNetwork:
    case ErrorCode::kServer:
    case ErrorCode::kRateLimited:
    case ErrorCode::kProtocol:
    case ErrorCode::kInsecure:
    case ErrorCode::kTimeout: return 4;
    case ErrorCode::kUnknownSubmission: return 5;
    default: return 1;
  }
}

int exitStatusFor(const std::vector<JobSnapshot>& jobs) {
  for (const auto& job : jobs) {
    if (job.error && job.state != JobState::kImported) return exitStatusFor(*job.error);
    if (static_cast<int>(job.outputs.size()) < job.params.num_outputs) return 1;
    for (const auto& o : job.outputs) {
      if (o.state != OutputState::kImported) return o.error ? exitStatusFor(*o.error) : 1;
    }
  }
  return 0;
}

}  // namespace texforge::cli
