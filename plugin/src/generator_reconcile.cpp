// A paid POST whose answer was lost may have started a job. It is looked up among the account's
// recent jobs (GET /jobs: same prompt and model, created near our submit, not claimed by another
// local job) and adopted when found; when not, the snapshot says the user must decide.
#include <algorithm>
#include <climits>

#include "generator_impl.h"

namespace texforge {
namespace {

constexpr int kMaxPages = 10;
constexpr int64_t kWindowBeforeMs = 2 * 60 * 1000;  // allows for clock skew between us and the service
constexpr int64_t kWindowAfterMs = 30 * 60 * 1000;

}  // namespace

void GeneratorImpl::reconcile(const std::string& local_id, std::string page_token, int page) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kUnknown) return;
  std::string query = "pageSize=50";
  if (!page_token.empty()) query += "&paginationToken=" + urlPathSegment(page_token);
  HttpRequest request;
  request.url = transport_->apiUrl("/jobs", query);
  sendWithRetry(std::move(request), retryPolicy(), [=](HttpResponse response, int) {
    std::string next;
    auto listed = parseJobListAnswer(response, &next);
    if (!listed) {
      endReconcile(local_id,
                   "the request was sent but its answer was lost, so it may have started and been "
                   "charged; texforge could not check your recent jobs (" +
                       listed.error().message + ") and looks again the next time the project is opened",
                   /*searched=*/false);
      return;
    }
    auto mine = record(local_id);
    if (!mine || mine->snap.state != JobState::kUnknown) return;
    std::vector<std::string> claimed;
    for (const auto& job : jobs()) {
      if (!job.job_id.empty()) claimed.push_back(job.job_id);
    }
    const int64_t created = mine->snap.created_at_ms;
    const int64_t window_start = created - kWindowBeforeMs;
    const int64_t window_end = created + kWindowAfterMs;
    int64_t oldest = INT64_MAX;
    for (const JobInfo& info : *listed) {
      if (info.created_at_ms) oldest = std::min(oldest, info.created_at_ms);
      const bool same_request = info.prompt == mine->snap.params.prompt &&
                                (info.model_id.empty() || info.model_id == mine->snap.params.model_id);
      const bool in_window =
          info.created_at_ms == 0 || (info.created_at_ms >= window_start && info.created_at_ms <= window_end);
      if (!same_request || !in_window || info.job_id.empty() ||
          std::find(claimed.begin(), claimed.end(), info.job_id) != claimed.end()) {
        continue;
      }
      update(local_id, Change::always(), [&](JobRecord& rec) {  // it did start: follow it like any other job
        rec.snap.job_id = info.job_id;
        rec.snap.server_status = info.status;
        rec.snap.state = JobState::kSubmitted;
        rec.reconciling = false;
        rec.snap.needs_decision = false;
        rec.snap.error.reset();
        rec.snap.finished_at_ms = 0;
      });
      ++reconciled_;
      schedulePoll(local_id, 0.0);
      return;
    }
    const bool older_pages_matter = oldest == INT64_MAX || oldest >= window_start;
    if (!next.empty() && next != page_token && page < kMaxPages && older_pages_matter) {
      reconcile(local_id, next, page + 1);
      return;
    }
    endReconcile(local_id,
                 "the request was sent but its answer was lost, and it is not among your recent "
                 "Scenario jobs, so it most likely did not start",
                 /*searched=*/true);
  });
}

void GeneratorImpl::endReconcile(const std::string& local_id, std::string message, bool searched) {
  update(local_id, Change::always(), [&](JobRecord& rec) {
    rec.reconciling = false;
    if (rec.snap.state != JobState::kUnknown) return;
    rec.snap.needs_decision = searched;
    rec.snap.error = makeError(ErrorCode::kUnknownSubmission, std::move(message));
  });
}

}  // namespace texforge
