// Terminal output of the texforge CLI, and how a run's jobs decide its outcome. Never prints
// credentials or signed URLs: main.cpp passes every snapshot and error through printable() first.
#include "cli_report.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

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

Error printable(Error error, const Credentials& credentials) {
  error.message = redactServerText(std::move(error.message), credentials);
  return error;
}

JobSnapshot printable(JobSnapshot job, const Credentials& credentials) {
  auto clean = [&](std::string& text) { text = redactServerText(std::move(text), credentials); };
  auto clean_error = [&](std::optional<Error>& e) {
    if (e) clean(e->message);
  };
  clean(job.job_id);
  clean(job.server_status);
  clean(job.held_by);
  clean(job.endpoint);
  clean_error(job.error);
  // The prompt is the user's own text (URLs in it stay), but a key pasted into it does not print.
  job.params.prompt = redactSecrets(std::move(job.params.prompt), credentials);
  for (OutputSnapshot& o : job.outputs) {
    clean(o.asset_id);
    clean_error(o.error);
  }
  return job;
}

JobSnapshot withTimeWaited(JobSnapshot job, int64_t waiting_since_ms, const std::string& deadline) {
  if (!job.error || job.error->code != ErrorCode::kTimeout || job.finished_at_ms < waiting_since_ms)
    return job;
  const std::string waited = std::to_string((job.finished_at_ms - waiting_since_ms + 500) / 1000) + " s";
  job.error->message =
      "the job was still running when texforge stopped waiting for it " +
      (deadline.empty() ? waited + " after it was submitted" : "after " + waited + " (" + deadline + ")") +
      "; the job goes on at Scenario and nothing is lost: `texforge resume` collects its "
      "images without paying again";
  return job;
}

std::string heldLine(const JobSnapshot& job) {
  if (job.held_by.empty()) return {};
  return job.local_id + ": " + job.held_by + "; nothing to do here";
}

std::string localTimeText(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
  return text;
}

std::string resendWaitText(const JobSnapshot& job, int64_t now_ms) {
  if (job.resend_allowed_at_ms <= now_ms) return {};
  return "texforge looks for the request among your recent Scenario jobs until " +
         localTimeText(job.resend_allowed_at_ms) +
         " (local time), since a late job may still show up; a resend can be tried only after that, and if "
         "the first request did start, you pay twice";
}

std::string adviceFor(const JobSnapshot& job, int64_t now_ms) {
  if (!job.held_by.empty()) return {};  // read-only here; heldLine() says who has it
  if (job.state == JobState::kUnknown) {
    const std::string resend = "`texforge resolve " + job.local_id + " --resend`";
    const std::string discard = "`texforge resolve " + job.local_id + " --discard`";
    if (job.resend_allowed_at_ms > now_ms) {
      return "wait: run `texforge resume` after " + localTimeText(job.resend_allowed_at_ms) +
             " (local time) to see whether it was found; only if it was not, " + resend +
             " sends it again (if the first request did start, you pay twice), or " + discard + " drops it";
    }
    if (job.needs_decision) {
      return "it was not found among your recent jobs, so it most likely did not start: " + resend +
             " sends it again (if the first request did start, you pay twice), or " + discard + " drops it";
    }
    return "wait: texforge is looking for it among your recent jobs; run `texforge resume` to look again. "
           "Only once it is reported not found, " +
           resend + " sends it again (if the first request did start, you pay twice)";
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
  if (canResume(job) || (job.state == JobState::kFailed && retryable(job.error)) || output_retryable) {
    return "run `texforge resume` to try again; nothing is paid twice";
  }
  return {};
}

std::string adviceFor(const Error& error) {
  if (error.code == ErrorCode::kUnknownSubmission) {
    return "an identical request's answer was lost; see `texforge jobs` and follow its advice: wait while "
           "texforge looks for it, and only once it is reported not found, `texforge resolve ID --resend` "
           "(if the first request did start, you pay twice) or `--discard`";
  }
  return {};
}

void printSummary(const std::vector<JobSnapshot>& jobs, int64_t now_ms) {
  for (const auto& job : jobs) {
    if (std::string held = heldLine(job); !held.empty()) {
      std::fprintf(stderr, "%s\n", held.c_str());
      continue;
    }
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
    if (std::string advice = adviceFor(job, now_ms); !advice.empty()) {
      std::fprintf(stderr, "%s: %s\n", job.local_id.c_str(), advice.c_str());
    }
    if (job.cost >= 0 && job.readyCount() > 0) {
      std::fprintf(stderr, "%s: %d image(s), %.2f creative units\n", job.local_id.c_str(), job.readyCount(),
                   job.cost);
    }
  }
}

// The NOTE column: why a job is shown read-only here, or that it waits for the user's word.
static const char* noteFor(const JobSnapshot& job) {
  if (job.other_account) return "other account";
  if (!job.held_by.empty()) return "held elsewhere";
  if (job.needs_decision) return "needs decision";
  return "";
}

void printJobsTable(const std::vector<JobSnapshot>& jobs, int64_t now_ms) {
  if (jobs.empty()) {
    std::printf("no jobs in this project yet\n");
    return;
  }
  std::printf("%-17s %-12s %-7s %-20s %-14s %s\n", "ID", "STATE", "IMAGES", "CREATED (UTC)", "NOTE",
              "PROMPT");
  for (const auto& job : jobs) {
    std::time_t t = static_cast<std::time_t>(job.created_at_ms / 1000);
    char when[32];
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", std::gmtime(&t));
    std::string prompt = job.params.prompt.substr(0, 48) + (job.params.prompt.size() > 48 ? "..." : "");
    std::string images = std::to_string(job.readyCount()) + "/" + std::to_string(job.params.num_outputs);
    std::printf("%-17s %-12s %-7s %-20s %-14s %s\n", job.local_id.c_str(), jobStateName(job.state),
                images.c_str(), when, noteFor(job), prompt.c_str());
    if (!job.held_by.empty()) std::printf("    %s\n", job.held_by.c_str());
    if (job.error) std::printf("    %s\n", job.error->message.c_str());
    if (std::string advice = adviceFor(job, now_ms); !advice.empty()) std::printf("    %s\n", advice.c_str());
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

Outcome outcomeFor(std::vector<JobSnapshot> jobs, int64_t now_ms) {
  // These requests went out: an argument-like error from the service (a 400, a missing asset) is
  // a failed generation, since 2 promises that nothing was paid.
  auto sent = [](const Error& e) {
    const int status = exitStatusFor(e);
    return status == 2 ? 1 : status;
  };
  Outcome out;
  for (const auto& job : jobs) {
    if (!job.held_by.empty()) continue;  // another process's (or account's) to finish
    std::optional<Error> problem;
    int status = 1;
    if (job.state == JobState::kUnknown) {
      status = 5;
      problem = job.error ? *job.error
                          : makeError(ErrorCode::kUnknownSubmission,
                                      "the answer to the request was lost; it may have started");
    } else if (job.error && job.state != JobState::kImported) {
      problem = *job.error;
      status = sent(*job.error);
    } else if (static_cast<int>(job.outputs.size()) < job.params.num_outputs) {
      problem =
          makeError(job.state == JobState::kStopped ? ErrorCode::kStopped : ErrorCode::kJobFailed,
                    std::to_string(job.outputs.size()) + " of " + std::to_string(job.params.num_outputs) +
                        " images came back (" + jobStateName(job.state) + ")");
    } else {
      for (const auto& o : job.outputs) {
        if (o.state == OutputState::kImported) continue;
        const std::string image = "image " + std::to_string(o.index + 1) + ": ";
        if (o.error) {
          problem = *o.error;
          problem->message = image + problem->message;
          status = sent(*o.error);
        } else {
          problem = makeError(ErrorCode::kStopped, image + outputStateName(o.state) + ", not imported");
        }
        break;
      }
    }
    if (!problem) continue;
    problem->message = job.local_id + ": " + problem->message;
    out.exit_status = status;
    out.error = std::move(problem);
    out.advice = adviceFor(job, now_ms);
    break;
  }
  out.jobs = std::move(jobs);
  return out;
}

int exitStatusFor(const std::vector<JobSnapshot>& jobs) {
  return outcomeFor(jobs, 0).exit_status;
}

}  // namespace texforge::cli
