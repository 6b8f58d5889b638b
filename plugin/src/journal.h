// The project's journal: an SQLite database in <project>/.texforge/ holding every job and output,
// written before the paid POST and at every state change. Any number of processes may open it at
// once: each job has one owner at a time (a lease renewed by heartbeats), and only the owner writes
// the job's row; an output's import is claimed on its own. Thread-safe. Internal to the core.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "job_record.h"
#include "texforge/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace texforge {

// This engine as a lease holder.
struct JournalOwner {
  std::string id;
  int64_t pid = 0;
  std::string host;
  std::string name;
};

// Whether a lease still stands at now_ms: renewed within lease_ms, and, when it names a process on
// this host, that process is alive.
bool leaseAlive(const JobLease& lease, int64_t now_ms, int64_t lease_ms, const std::string& this_host);

class Journal {
 public:
  // Opens or creates <dir>/journal.sqlite (creating dir). A symlinked dir, journal or journal side
  // file is refused. read_only opens an existing journal without writing anything (a missing one
  // reads as empty). kIo with a clear message on failure.
  static Result<std::unique_ptr<Journal>> open(const std::string& dir, bool read_only = false);
  ~Journal();

  // Writes the job and its outputs in one transaction, durably, unless another owner holds the
  // job's lease: then nothing is written and the answer is false. hold keeps (or takes) the lease
  // for owner; otherwise it is released. A record not newer than the last one written is skipped.
  // An imported output is never written back to an earlier state. durable=false commits without
  // waiting for the disk (synchronous=NORMAL under WAL): a crash of the process loses nothing, one
  // of the machine may lose this commit; for what the next poll says again (progress, status).
  Result<bool> write(const JobRecord& record, const JournalOwner& owner, bool hold, int64_t now_ms,
                     bool durable = true);

  // Takes the job's lease for owner when nobody alive holds it, in one immediate transaction, and
  // returns the job as journaled now; nullopt when someone else holds it (or it is gone).
  Result<std::optional<JobRecord>> claim(const std::string& local_id, const JournalOwner& owner,
                                         int64_t now_ms, int64_t lease_ms);
  Status renew(const JournalOwner& owner, int64_t now_ms);  // every lease owner holds
  Status release(const JournalOwner& owner);                // every lease owner holds

  // An output's import. kClaimed: this owner imports it now and calls finishImport (or
  // releaseImport). kImported: already imported, at imported_path. kBusy: another live owner is
  // importing it.
  struct ImportClaim {
    enum class Kind { kClaimed, kImported, kBusy } kind = Kind::kClaimed;
    std::string imported_path;
    std::string holder;  // kBusy: the other owner's name
  };
  Result<ImportClaim> claimImport(const std::string& local_id, int index, const JournalOwner& owner,
                                  int64_t now_ms, int64_t lease_ms);
  Status finishImport(const std::string& local_id, int index, const std::string& imported_path);
  Status releaseImport(const std::string& local_id, int index, const JournalOwner& owner);
  // Undoes finishImport (the file was moved away): the output is ready again, its job too. false
  // when the output was not imported.
  Result<bool> forgetImport(const std::string& local_id, int index);

  // Deletes the job and its outputs unless another owner alive holds it (then false, nothing
  // deleted). A job already gone counts as deleted.
  Result<bool> remove(const std::string& local_id, const JournalOwner& owner, int64_t now_ms,
                      int64_t lease_ms);

  // Every job, oldest first.
  Result<std::vector<JobRecord>> loadAll();
  // True when another connection has committed since the last call (or loadAll).
  bool changedElsewhere();

  const std::string& path() const { return path_; }
  bool readOnly() const { return read_only_; }

 private:
  Journal() = default;
  Status exec(const char* sql);
  // A statement prepared once per connection, found by its SQL text (a string literal, so the
  // pointer names it); reset, and its bindings cleared, when the handle goes out of scope, so no
  // statement keeps a read transaction open. Null handle when it does not compile.
  class Reused {
   public:
    explicit Reused(sqlite3_stmt* s) : s_(s) {}
    ~Reused();
    Reused(const Reused&) = delete;
    Reused& operator=(const Reused&) = delete;
    sqlite3_stmt* get() const { return s_; }
    explicit operator bool() const { return s_ != nullptr; }

   private:
    sqlite3_stmt* s_;
  };
  Reused reuse(const char* sql);
  Status execReused(const char* sql);  // exec() of a statement without results, through reuse()
  // Inside a transaction, with mutex_ held: the job's row (no outputs), or nullopt when there is none.
  Result<std::optional<JobRecord>> selectJob(const std::string& local_id);
  // Someone other than owner holds the job's lease, and is alive.
  bool heldByAnother(const JobRecord& record, const JournalOwner& owner, int64_t now_ms,
                     int64_t lease_ms) const;
  Status enterWalMode();
  Status migrate();
  Error writeError(const char* doing);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::string path_;
  bool read_only_ = false;
  int64_t data_version_ = -1;
  std::map<std::string, uint64_t> written_versions_;
  std::map<const char*, sqlite3_stmt*> statements_;  // reuse(): finalized before the connection closes
};

}  // namespace texforge
