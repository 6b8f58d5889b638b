// What the engine knows about one job: the public snapshot plus what only the engine needs
// (resolved upload ids, whether the paid POST left the machine). Internal to the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "texforge/job.h"

namespace texforge {

// Who holds a job's lease, as the journal records it. An empty id: nobody.
struct JobLease {
  std::string owner_id;  // one per engine instance (random)
  int64_t pid = 0;
  std::string host;
  std::string name;        // GeneratorOptions::owner_name, for people
  int64_t renewed_ms = 0;  // the owner's last heartbeat
};

struct JobRecord {
  JobSnapshot snap;
  std::vector<std::string> reference_ids;  // uploaded or given asset ids, in order
  std::string mask_id;
  bool post_sent = false;         // journaled just before the paid POST goes out
  uint64_t version = 0;           // bumped at every change; the journal skips stale writes
  bool reconciling = false;       // an unknown submission is being looked up (not journaled)
  int64_t post_sent_at_ms = 0;    // when the paid POST last left (the reconcile window counts from here)
  std::string base_url;           // the endpoint and account the job was created with
  std::string account;            // a fingerprint of the API key, never the key itself
  JobLease lease;                 // as last read from or written to the journal
  bool resend_requested = false;  // resolveUnknown(resend): the last search decides (not journaled)
  double journaled_progress = 0;  // the progress the journal last took for this job (not journaled)
  uint64_t epoch = 0;  // bumped when the job changes hands or resumes: older scheduled work is void
};

}  // namespace texforge
