// A paid POST whose answer was lost may have started a job. It is looked up among the account's
// recent jobs (GET /jobs: same prompt and model, created near our submit, not claimed by another
// local job) and adopted when found. A job can show up late, so the search is repeated for
// reconcile_window_s after the POST left; only then does the snapshot say the user must decide,
// and a resend looks once more before it pays again.
#include <algorithm>
#include <climits>

#include "generator_impl.h"
#include "output_finish.h"

namespace texforge {
namespace {

constexpr int kMaxPages = 10;
constexpr int64_t kWindowBeforeMs = 2 * 60 * 1000;  // allows for clock skew between us and the service
constexpr int64_t kWindowAfterMs = 30 * 60 * 1000;

}  // namespace

int64_t GeneratorImpl::resendAllowedAt(const JobRecord& r) const {
  const int64_t sent = r.post_sent_at_ms ? r.post_sent_at_ms : r.snap.updated_at_ms;
  return sent + static_cast<int64_t>(options_.reconcile_window_s * 1000);
}

void GeneratorImpl::reconcile(const std::string& local_id, std::string page_token, int page) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kUnknown || r->lease.owner_id != owner_.id) return;
  if (options_.log) {
    logJob(LogLevel::kInfo, local_id,
           "looking for the lost submission among the account's recent jobs" +
               (page > 0 ? " (page " + std::to_string(page + 1) + ")" : std::string()));
  }
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
                       listed.error().message + ")",
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
      const bool same_request = info.prompt == promptToSend(mine->snap.params) &&
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
        rec.snap.resend_allowed_at_ms = 0;
        rec.resend_requested = false;
      });
      ++reconciled_;
      logJob(LogLevel::kInfo, local_id,
             "found the lost submission: it started as job " + info.job_id + "; following it");
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
                 "Scenario jobs",
                 /*searched=*/true);
  });
}

void GeneratorImpl::endReconcile(const std::string& local_id, std::string message, bool searched) {
  auto r = record(local_id);
  if (!r || r->snap.state != JobState::kUnknown) return;
  const int64_t now = nowMs();
  const int64_t allowed = resendAllowedAt(*r);
  logJob(LogLevel::kWarning, local_id, message);
  if (now < allowed) {
    // Too early to tell: a job can take minutes to appear. Look again, and keep the lease meanwhile.
    const int64_t minutes = (allowed - now + 59999) / 60000;
    update(local_id, Change::whileUnknown(), [&](JobRecord& rec) {
      rec.snap.resend_allowed_at_ms = allowed;
      rec.snap.needs_decision = false;
      rec.resend_requested = false;  // asked too early (the window was shortened?): not sent
      rec.snap.error =
          makeError(ErrorCode::kUnknownSubmission,
                    message + " yet; texforge keeps looking for about " + std::to_string(minutes) +
                        " more minute" + (minutes == 1 ? "" : "s") +
                        " before it can tell whether it started. It is not sent again on its own.");
    });
    transport_->post(
        [this, local_id, epoch = r->epoch] {
          auto now_r = record(local_id);
          if (now_r && now_r->epoch == epoch) reconcile(local_id, "", 0);
        },
        std::max(0.01, std::min(options_.reconcile_every_s, (allowed - now) / 1000.0 + 0.01)));
    return;
  }
  if (searched && r->resend_requested) {
    // Still not there after the window and one more look: sent again, as the user asked.
    size_t resolved = 0;
    const bool still_unknown = update(local_id, Change::whileUnknown(), [&](JobRecord& rec) {
      rec.snap.state = JobState::kSubmitting;
      rec.reconciling = false;
      rec.resend_requested = false;
      rec.snap.needs_decision = false;
      rec.snap.resend_allowed_at_ms = 0;
      rec.snap.error.reset();
      rec.snap.finished_at_ms = 0;
      rec.post_sent = false;
      rec.post_sent_at_ms = 0;
      resolved = rec.reference_ids.size() + (rec.mask_id.empty() ? 0 : 1);
    });
    if (!still_unknown) return;  // discarded meanwhile: nothing is sent
    logJob(LogLevel::kWarning, local_id,
           "still not found after the search window: sent again as the host asked (a second charge if "
           "the first did start)");
    uploadInputs(local_id, resolved);
    return;
  }
  update(local_id, Change::whileUnknown(), [&](JobRecord& rec) {
    rec.reconciling = false;
    rec.resend_requested = false;
    rec.snap.resend_allowed_at_ms = allowed;
    rec.snap.needs_decision = searched;
    rec.snap.error =
        makeError(ErrorCode::kUnknownSubmission,
                  searched ? message + ", so it most likely did not start"
                           : message + "; it is looked for again when the project is next opened");
  });
}

}  // namespace texforge
