// One project, many engines: which jobs this engine may work on. A job is worked on only by the
// holder of its lease in the journal; the others read it back from the journal every few seconds,
// show it read-only, and take it over once its holder is gone. A job created against another
// endpoint or account is never touched here.
#include <algorithm>
#include <cstdio>
#include <set>

#include "generator_impl.h"
#include "platform.h"

namespace texforge {
namespace {

std::string withoutTrailingSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Keeps what this session decoded when the journal's copy of an output describes the same file.
void keepDecodedImages(const JobRecord& before, JobRecord& after) {
  for (OutputSnapshot& o : after.snap.outputs) {
    for (const OutputSnapshot& old : before.snap.outputs) {
      if (old.index == o.index && old.image && old.cache_path == o.cache_path) o.image = old.image;
    }
  }
}

}  // namespace

bool allImported(const JobSnapshot& job) {
  return !job.outputs.empty() &&
         std::all_of(job.outputs.begin(), job.outputs.end(),
                     [](const OutputSnapshot& o) { return o.state == OutputState::kImported; });
}

std::string accountFingerprint(const Credentials& credentials) {
  if (credentials.api_key.empty()) return "";
  uint64_t hash = 1469598103934665603ull;  // FNV-1a: identifies the key, cannot give it back
  for (unsigned char c : credentials.api_key) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

JournalOwner GeneratorImpl::makeOwner(const std::string& name) {
  JournalOwner owner;
  owner.id = "owner_" + newLocalId().substr(3);
  owner.pid = platform::currentProcessId();
  owner.host = platform::hostName();
  owner.name = name.empty() ? "texforge" : name;
  return owner;
}

bool GeneratorImpl::foreign(const JobRecord& r) const {
  const bool other_endpoint =
      !r.base_url.empty() && withoutTrailingSlash(r.base_url) != withoutTrailingSlash(options_.base_url);
  const bool other_account = !r.account.empty() && !account_.empty() && r.account != account_;
  return other_endpoint || other_account;
}

bool GeneratorImpl::holdsLease(const JobRecord& r) {
  return isJobActive(r.snap.state) || (r.snap.state == JobState::kUnknown && r.reconciling);
}

bool GeneratorImpl::needsWork(const JobRecord& r) {
  const JobSnapshot& s = r.snap;
  const bool resumable_failure =
      s.state == JobState::kFailed && s.error && !s.job_id.empty() &&
      (s.error->code == ErrorCode::kNetwork || s.error->code == ErrorCode::kServer ||
       s.error->code == ErrorCode::kTimeout || s.error->code == ErrorCode::kCredentials ||
       s.error->code == ErrorCode::kForbidden || s.error->code == ErrorCode::kNotFound ||
       s.error->code == ErrorCode::kProtocol);
  const bool has_unfinished_output = std::any_of(s.outputs.begin(), s.outputs.end(), [](auto& o) {
    return o.state == OutputState::kReady || o.state == OutputState::kPending ||
           o.state == OutputState::kDownloading ||
           (o.state == OutputState::kFailed && o.error && o.error->code != ErrorCode::kDecode);
  });
  // An unknown job is searched for while its window lasts, and once more at every start.
  const bool unknown_to_search = s.state == JobState::kUnknown && !r.snap.needs_decision;
  return isJobActive(s.state) || resumable_failure || unknown_to_search ||
         (s.state == JobState::kReady && has_unfinished_output);
}

std::string GeneratorImpl::heldBy(const JobRecord& r) const {
  if (foreign(r)) {
    return "it was created on " + (r.base_url.empty() ? std::string("another endpoint") : r.base_url) +
           (r.account != account_ && !r.account.empty() ? " with another API key" : "") +
           "; open the project with that endpoint and key to finish it";
  }
  if (r.lease.owner_id.empty() || r.lease.owner_id == owner_.id) return "";
  if (!leaseAlive(r.lease, nowMs(), leaseMs(), owner_.host)) return "";
  return r.lease.name + " (pid " + std::to_string(r.lease.pid) + " on " + r.lease.host + ") is working on it";
}

bool GeneratorImpl::takeOver(const std::string& local_id) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(local_id);
    if (it == jobs_.end() || foreign(it->second)) return false;
  }
  auto claimed = journal_->claim(local_id, owner_, nowMs(), leaseMs());
  if (!claimed || !*claimed) return false;
  JobRecord fresh = std::move(**claimed);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    JobRecord& r = jobs_[local_id];
    keepDecodedImages(r, fresh);
    fresh.version = r.version + 1;
    fresh.epoch = r.epoch + 1;  // whatever was scheduled for the job before is void
    if (fresh.base_url.empty()) fresh.base_url = options_.base_url;  // journaled before endpoints were
    if (fresh.account.empty()) fresh.account = account_;
    fresh.snap.endpoint = fresh.base_url;
    fresh.snap.held_by.clear();
    fresh.snap.other_account = false;
    fresh.reconciling = fresh.snap.state == JobState::kUnknown;
    fresh.snap.needs_decision = false;
    r = std::move(fresh);
  }
  const GeneratorEvent event{GeneratorEvent::Kind::kJobChanged, local_id, -1};
  mailbox_.post([this, event] { pumped_.push_back(event); });
  return true;
}

void GeneratorImpl::syncWithJournal() {
  const int64_t now = nowMs();
  journal_->renew(owner_, now);
  std::vector<std::string> to_take;
  if (journal_->changedElsewhere() || sync_due_) {
    sync_due_ = false;
    auto records = journal_->loadAll();
    if (records) {
      std::set<std::string> journaled;  // before the loop below moves the records away
      for (const JobRecord& jr : *records) journaled.insert(jr.snap.local_id);
      std::vector<GeneratorEvent> events;
      std::lock_guard<std::mutex> lock(mutex_);
      for (JobRecord& jr : *records) {
        const std::string id = jr.snap.local_id;
        auto it = jobs_.find(id);
        const bool was_mine = it != jobs_.end() && it->second.lease.owner_id == owner_.id;
        if (was_mine && jr.lease.owner_id == owner_.id) {
          // This engine's job: only what others may do to it comes back (imports).
          for (const OutputSnapshot& o : jr.snap.outputs) {
            for (OutputSnapshot& mine : it->second.snap.outputs) {
              if (mine.index == o.index && o.state == OutputState::kImported &&
                  mine.state != OutputState::kImported) {
                mine.state = OutputState::kImported;
                mine.imported_path = o.imported_path;
                mine.error.reset();
                events.push_back({GeneratorEvent::Kind::kJobChanged, id, o.index});
              }
            }
          }
          JobSnapshot& snap = it->second.snap;
          if (snap.state == JobState::kReady && allImported(snap)) snap.state = JobState::kImported;
          continue;
        }
        if (it != jobs_.end() && !was_mine && jr.snap.updated_at_ms <= it->second.snap.updated_at_ms) {
          // Nothing newer than what this engine has (it may have written the row itself): only
          // who holds the job is brought up to date.
          JobRecord& r = it->second;
          const std::string held_before = r.snap.held_by;
          r.lease = jr.lease;
          r.snap.held_by = heldBy(r);
          if (r.snap.held_by != held_before) events.push_back({GeneratorEvent::Kind::kJobChanged, id, -1});
          continue;
        }
        if (it != jobs_.end()) {
          keepDecodedImages(it->second, jr);
          jr.version = it->second.version + 1;
          jr.epoch = it->second.epoch + 1;  // lost or never held: nothing of ours goes on with it
        }
        jr.snap.held_by = heldBy(jr);
        jr.snap.other_account = foreign(jr);
        jr.snap.needs_decision =
            jr.snap.state == JobState::kUnknown && jr.snap.held_by.empty() && unknownWindowPassed(jr, now);
        jr.snap.resend_allowed_at_ms = jr.snap.state == JobState::kUnknown ? resendAllowedAt(jr) : 0;
        events.push_back({GeneratorEvent::Kind::kJobChanged, id, -1});
        jobs_[id] = std::move(jr);
      }
      // A finished job that is no longer journaled was deleted by another program.
      for (auto it = jobs_.begin(); it != jobs_.end();) {
        const JobState state = it->second.snap.state;
        if (journaled.count(it->first) || isJobActive(state) || state == JobState::kUnknown) {
          ++it;
          continue;
        }
        events.push_back({GeneratorEvent::Kind::kJobChanged, it->first, -1});
        it = jobs_.erase(it);
      }
      for (const GeneratorEvent& event : events) mailbox_.post([this, event] { pumped_.push_back(event); });
    }
  }
  if (options_.resume) {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, r] : jobs_) {
      // Only work that needs an owner is taken over: what a finished job still offers (imports,
      // a resume) is anyone's to ask for, and a new session's start picks up the rest.
      const bool wants_owner =
          isJobActive(r.snap.state) ||
          (r.snap.state == JobState::kUnknown && !r.snap.needs_decision && !unknownWindowPassed(r, now));
      if (r.lease.owner_id == owner_.id || foreign(r) || !wants_owner) continue;
      if (leaseAlive(r.lease, now, leaseMs(), owner_.host)) continue;
      to_take.push_back(id);
    }
  }
  for (const std::string& id : to_take) continueJob(id);
  if (!to_take.empty()) sync_due_ = true;  // read back what the takeover found
  transport_->post([this] { syncWithJournal(); }, syncDelay());
}

double GeneratorImpl::syncDelay() const {
  return std::max(0.05, std::min(options_.sync_every_s, options_.lease_s / 3.0));
}

}  // namespace texforge
