// The project's journal: an SQLite database in <project>/.texforge/ holding every job and output,
// written before the paid POST and at every state change. Thread-safe. Internal to the core.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "job_record.h"
#include "texforge/error.h"

struct sqlite3;

namespace texforge {

class Journal {
 public:
  // Opens or creates <dir>/journal.sqlite (creating dir). kIo with a clear message on failure.
  static Result<std::unique_ptr<Journal>> open(const std::string& dir);
  ~Journal();

  // Writes the job and its outputs in one transaction, durably. A record whose version is not
  // newer than the last one written for that job is skipped (writers may race).
  Status write(const JobRecord& record);

  // Every job, oldest first.
  Result<std::vector<JobRecord>> loadAll();

  const std::string& path() const { return path_; }

 private:
  Journal() = default;
  Status exec(const char* sql);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::string path_;
  std::map<std::string, uint64_t> written_versions_;
};

}  // namespace texforge
