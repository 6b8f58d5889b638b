// What the engine knows about one job: the public snapshot plus what only the engine needs
// (resolved upload ids, whether the paid POST left the machine). Internal to the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "texforge/job.h"

namespace texforge {

struct JobRecord {
  JobSnapshot snap;
  std::vector<std::string> reference_ids;  // uploaded or given asset ids, in order
  std::string mask_id;
  bool post_sent = false;    // journaled just before the paid POST goes out
  uint64_t version = 0;      // bumped at every change; the journal skips stale writes
  bool reconciling = false;  // an unknown submission is being looked up (not journaled)
};

}  // namespace texforge
