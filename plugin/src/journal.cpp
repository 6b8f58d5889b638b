// SQLite journal of jobs and outputs. WAL with synchronous=FULL: a committed state survives a
// crash of the process or the machine, which is what "a paid result is never lost" rests on.
// Leases and import claims are taken in immediate transactions, so two processes never both win.
#include "journal.h"

#include "file_util.h"
#include "output_finish.h"
#include "platform.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>

namespace texforge {
namespace {

using nlohmann::json;

constexpr int kBusyTimeoutMs = 10000;  // how long a write waits for another connection's
constexpr int kSchemaVersion = 2;      // 2: leases, endpoint and account, import claims

const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS jobs (
  local_id TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  params_json TEXT NOT NULL,
  state TEXT NOT NULL,
  server_job_id TEXT NOT NULL DEFAULT '',
  server_status TEXT NOT NULL DEFAULT '',
  progress REAL NOT NULL DEFAULT 0,
  cost REAL NOT NULL DEFAULT -1,
  reference_ids TEXT NOT NULL DEFAULT '[]',
  mask_id TEXT NOT NULL DEFAULT '',
  post_sent INTEGER NOT NULL DEFAULT 0,
  error_code TEXT NOT NULL DEFAULT '',
  error_status INTEGER NOT NULL DEFAULT 0,
  error_message TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS outputs (
  local_id TEXT NOT NULL,
  idx INTEGER NOT NULL,
  asset_id TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  cache_path TEXT NOT NULL DEFAULT '',
  format TEXT NOT NULL DEFAULT '',
  width INTEGER NOT NULL DEFAULT 0,
  height INTEGER NOT NULL DEFAULT 0,
  imported_path TEXT NOT NULL DEFAULT '',
  error_code TEXT NOT NULL DEFAULT '',
  error_message TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (local_id, idx)
);
)sql";

// Columns added in version 2, to tables of a version 1 journal as well.
struct AddedColumn {
  const char* table;
  const char* name;
  const char* declaration;
};
constexpr AddedColumn kAddedColumns[] = {
    {"jobs", "owner_id", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "owner_pid", "INTEGER NOT NULL DEFAULT 0"},
    {"jobs", "owner_host", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "owner_name", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "lease_renewed_ms", "INTEGER NOT NULL DEFAULT 0"},
    {"jobs", "base_url", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "account", "TEXT NOT NULL DEFAULT ''"},
    {"jobs", "post_sent_at_ms", "INTEGER NOT NULL DEFAULT 0"},
    {"outputs", "import_owner", "TEXT NOT NULL DEFAULT ''"},
    {"outputs", "import_owner_name", "TEXT NOT NULL DEFAULT ''"},
    {"outputs", "import_claimed_ms", "INTEGER NOT NULL DEFAULT 0"},
    {"outputs", "import_owner_pid", "INTEGER NOT NULL DEFAULT 0"},
    {"outputs", "import_owner_host", "TEXT NOT NULL DEFAULT ''"},
    {"outputs", "finish_json", "TEXT NOT NULL DEFAULT ''"},
};

constexpr const char* kJobColumns =
    "local_id, params_json, state, server_job_id, server_status, progress, cost, reference_ids, mask_id, "
    "post_sent, error_code, error_status, error_message, created_at_ms, updated_at_ms, finished_at_ms, "
    "owner_id, owner_pid, owner_host, owner_name, lease_renewed_ms, base_url, account, post_sent_at_ms";

struct StmtDeleter {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtDeleter>;

Stmt prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  return Stmt(stmt);
}

void bindText(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

std::string columnText(sqlite3_stmt* s, int i) {
  const unsigned char* t = sqlite3_column_text(s, i);
  return t ? reinterpret_cast<const char*>(t) : "";
}

template <typename Enum>
Enum enumFromName(const std::string& name, Enum last, const char* (*to_name)(Enum), Enum fallback) {
  for (int i = 0; i <= static_cast<int>(last); ++i) {
    if (name == to_name(static_cast<Enum>(i))) return static_cast<Enum>(i);
  }
  return fallback;
}

std::string formatName(ImageFormat f) {
  return f == ImageFormat::kUnknown ? "" : imageFormatName(f);
}
ImageFormat formatFromName(const std::string& n) {
  return enumFromName(n, ImageFormat::kWebp, &imageFormatName, ImageFormat::kUnknown);
}

JobRecord readJob(sqlite3_stmt* row) {
  JobRecord r;
  JobSnapshot& s = r.snap;
  s.local_id = columnText(row, 0);
  paramsFromJson(columnText(row, 1), &s.params);
  s.state = enumFromName(columnText(row, 2), JobState::kUnknown, &jobStateName, JobState::kUnknown);
  s.job_id = columnText(row, 3);
  s.server_status = columnText(row, 4);
  s.progress = sqlite3_column_double(row, 5);
  s.cost = sqlite3_column_double(row, 6);
  json ids = json::parse(columnText(row, 7), nullptr, false);
  if (ids.is_array()) {
    for (const auto& id : ids) {
      if (id.is_string()) r.reference_ids.push_back(id.get<std::string>());
    }
  }
  r.mask_id = columnText(row, 8);
  r.post_sent = sqlite3_column_int(row, 9) != 0;
  std::string code = columnText(row, 10);
  if (!code.empty()) {
    s.error = Error{enumFromName(code, ErrorCode::kInternal, &errorCodeName, ErrorCode::kInternal),
                    sqlite3_column_int(row, 11), columnText(row, 12)};
  }
  s.created_at_ms = sqlite3_column_int64(row, 13);
  s.updated_at_ms = sqlite3_column_int64(row, 14);
  s.finished_at_ms = sqlite3_column_int64(row, 15);
  r.lease.owner_id = columnText(row, 16);
  r.lease.pid = sqlite3_column_int64(row, 17);
  r.lease.host = columnText(row, 18);
  r.lease.name = columnText(row, 19);
  r.lease.renewed_ms = sqlite3_column_int64(row, 20);
  r.base_url = columnText(row, 21);
  r.account = columnText(row, 22);
  r.post_sent_at_ms = sqlite3_column_int64(row, 23);
  s.endpoint = r.base_url;
  return r;
}

OutputSnapshot readOutput(sqlite3_stmt* row) {  // columns from idx on
  OutputSnapshot o;
  o.index = sqlite3_column_int(row, 1);
  o.asset_id = columnText(row, 2);
  o.state = enumFromName(columnText(row, 3), OutputState::kFailed, &outputStateName, OutputState::kPending);
  o.cache_path = columnText(row, 4);
  o.format = formatFromName(columnText(row, 5));
  o.width = sqlite3_column_int(row, 6);
  o.height = sqlite3_column_int(row, 7);
  o.imported_path = columnText(row, 8);
  std::string code = columnText(row, 9);
  if (!code.empty()) {
    o.error = Error{enumFromName(code, ErrorCode::kInternal, &errorCodeName, ErrorCode::kInternal), 0,
                    columnText(row, 10)};
  }
  o.finish = finishFromJson(columnText(row, 11));
  return o;
}

constexpr const char* kOutputColumns =
    "local_id, idx, asset_id, state, cache_path, format, width, height, imported_path, error_code, "
    "error_message, finish_json";

// A ready job whose outputs are all imported is imported, whoever imported the last one: run in the
// transaction that wrote the outputs, so no interleaving of two engines leaves it ready for good.
constexpr const char* kSettleImported =
    "UPDATE jobs SET state='imported' WHERE local_id = ?1 AND state = 'ready' AND "
    "EXISTS (SELECT 1 FROM outputs WHERE local_id = ?1) AND "
    "NOT EXISTS (SELECT 1 FROM outputs WHERE local_id = ?1 AND state != 'imported');";

}  // namespace

bool leaseAlive(const JobLease& lease, int64_t now_ms, int64_t lease_ms, const std::string& this_host) {
  if (lease.owner_id.empty() || lease.renewed_ms + lease_ms <= now_ms) return false;
  if (lease.host == this_host && lease.pid > 0 && lease.pid != platform::currentProcessId()) {
    // A process on this machine that is gone holds nothing, whatever its last heartbeat says.
    return platform::processAlive(lease.pid);
  }
  return true;
}

Result<std::unique_ptr<Journal>> Journal::open(const std::string& dir, bool read_only) {
  std::unique_ptr<Journal> journal(new Journal());
  journal->read_only_ = read_only;
  journal->path_ = (std::filesystem::path(dir) / "journal.sqlite").string();
  if (Status s = refuseSymlink(dir); !s) return s.error();
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    if (Status s = refuseSymlink(journal->path_ + suffix); !s) return s.error();
  }
  std::error_code ec;
  if (read_only) {
    if (!std::filesystem::exists(journal->path_, ec)) {
      // Nothing journaled yet: an in-memory journal reads as empty and writes nothing anywhere.
      sqlite3_open_v2(":memory:", &journal->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
      if (Status s = journal->exec(kSchema); !s) return s.error();
      if (Status s = journal->migrate(); !s) return s.error();
      return journal;
    }
    // A read-only folder cannot hold the WAL index: then the file is read as it stands.
    for (const char* mode : {"ro", "ro&immutable=1"}) {
      const std::string uri = "file:" + journal->path_ + "?mode=" + mode;
      if (journal->db_) sqlite3_close_v2(journal->db_);
      journal->db_ = nullptr;
      int rc = sqlite3_open_v2(
          uri.c_str(), &journal->db_,
          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW, nullptr);
      if (rc == SQLITE_OK &&
          sqlite3_exec(journal->db_, "SELECT count(*) FROM jobs;", nullptr, nullptr, nullptr) == SQLITE_OK) {
        break;
      }
      if (std::string(mode) != "ro") {
        std::string why = journal->db_ ? sqlite3_errmsg(journal->db_) : sqlite3_errstr(rc);
        return makeError(ErrorCode::kIo, "cannot read the journal " + journal->path_ + ": " + why);
      }
    }
    sqlite3_busy_timeout(journal->db_, 5000);
    return journal;
  }
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "cannot create the journal folder " + dir + ": " + ec.message() +
                                         ". Check that the project folder is writable.");
  }
  int rc = sqlite3_open_v2(
      journal->path_.c_str(), &journal->db_,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = journal->db_ ? sqlite3_errmsg(journal->db_) : sqlite3_errstr(rc);
    return makeError(ErrorCode::kIo, "cannot open the journal " + journal->path_ + ": " + why +
                                         ". Check that the project folder is writable.");
  }
  sqlite3_busy_timeout(journal->db_, kBusyTimeoutMs);
  if (Status s = journal->enterWalMode(); !s) return s.error();
  for (const char* sql : {"PRAGMA synchronous=FULL;", kSchema}) {
    if (Status s = journal->exec(sql); !s) return s.error();
  }
  if (Status s = journal->migrate(); !s) return s.error();
  return journal;
}

Journal::~Journal() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  if (db_) sqlite3_close_v2(db_);
}

Journal::Reused::~Reused() {
  if (!s_) return;
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

Journal::Reused Journal::reuse(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return Reused(it->second);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Reused(nullptr);
  }
  statements_.emplace(sql, stmt);
  return Reused(stmt);
}

Status Journal::execReused(const char* sql) {
  Reused stmt = reuse(sql);
  if (!stmt) return exec(sql);  // says why it does not compile
  const int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_DONE || rc == SQLITE_ROW) return Ok{};
  return makeError(ErrorCode::kIo, "journal " + path_ + ": " + sqlite3_errmsg(db_));
}

Status Journal::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string why = message ? message : "unknown error";
    sqlite3_free(message);
    return makeError(ErrorCode::kIo, "journal " + path_ + ": " + why);
  }
  return Ok{};
}

Status Journal::enterWalMode() {
  // Switching a new file to WAL needs it to itself, and SQLite answers "busy" at once, without
  // its busy handler, while another connection is creating the same file. Several processes
  // opening a fresh project together all get there: the switch is asked again until it is done.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  std::chrono::milliseconds pause(1);
  for (;;) {
    Stmt mode = prepare(db_, "PRAGMA journal_mode=WAL;");
    const int rc = mode ? sqlite3_step(mode.get()) : sqlite3_errcode(db_);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) return Ok{};
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || std::chrono::steady_clock::now() >= deadline) {
      return makeError(ErrorCode::kIo, "cannot open the journal " + path_ + ": " + sqlite3_errmsg(db_) +
                                           ". Another program may hold it; close it and try again.");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

Status Journal::migrate() {
  // Two processes may open a version 1 journal at once: the check and the additions are one
  // immediate transaction, so only the first adds the columns.
  if (Status s = exec("BEGIN IMMEDIATE;"); !s) return s;
  for (const AddedColumn& column : kAddedColumns) {
    Stmt info = prepare(db_, (std::string("SELECT 1 FROM pragma_table_info('") + column.table +
                              "') WHERE name = '" + column.name + "';")
                                 .c_str());
    if (info && sqlite3_step(info.get()) == SQLITE_ROW) continue;
    const std::string sql = std::string("ALTER TABLE ") + column.table + " ADD COLUMN " + column.name + " " +
                            column.declaration + ";";
    if (Status s = exec(sql.c_str()); !s) {
      exec("ROLLBACK;");
      return s;
    }
  }
  exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";").c_str());
  return exec("COMMIT;");
}

Error Journal::writeError(const char* doing) {
  std::string why = sqlite3_errmsg(db_);
  exec("ROLLBACK;");
  return makeError(ErrorCode::kIo, std::string("cannot ") + doing + " the journal " + path_ + ": " + why +
                                       ". Check free disk space and permissions of the project folder.");
}

Result<bool> Journal::write(const JobRecord& record, const JournalOwner& owner, bool hold, int64_t now_ms,
                            bool durable) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return makeError(ErrorCode::kIo, "the journal " + path_ + " was opened read-only");
  const JobSnapshot& s = record.snap;
  auto it = written_versions_.find(s.local_id);
  if (it != written_versions_.end() && it->second >= record.version) return true;
  // The pragma cannot change inside a transaction: set before BEGIN, back to FULL after the end.
  struct Relaxed {
    Journal* journal;
    ~Relaxed() {
      if (journal) journal->execReused("PRAGMA synchronous=FULL;");
    }
  } relaxed{nullptr};
  if (!durable && execReused("PRAGMA synchronous=NORMAL;")) relaxed.journal = this;

  if (Status st = execReused("BEGIN IMMEDIATE;"); !st) return st.error();
  Reused job = reuse(
      "INSERT INTO jobs (local_id, model_id, params_json, state, server_job_id, server_status, progress, "
      "cost, "
      "reference_ids, mask_id, post_sent, error_code, error_status, error_message, created_at_ms, "
      "updated_at_ms, finished_at_ms, owner_id, owner_pid, owner_host, owner_name, lease_renewed_ms, "
      "base_url, account, post_sent_at_ms) "
      "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25) "
      "ON CONFLICT(local_id) DO UPDATE SET model_id=excluded.model_id, params_json=excluded.params_json, "
      "state=excluded.state, server_job_id=excluded.server_job_id, server_status=excluded.server_status, "
      "progress=excluded.progress, cost=excluded.cost, reference_ids=excluded.reference_ids, "
      "mask_id=excluded.mask_id, post_sent=excluded.post_sent, error_code=excluded.error_code, "
      "error_status=excluded.error_status, error_message=excluded.error_message, "
      "updated_at_ms=excluded.updated_at_ms, finished_at_ms=excluded.finished_at_ms, "
      "owner_id=excluded.owner_id, owner_pid=excluded.owner_pid, owner_host=excluded.owner_host, "
      "owner_name=excluded.owner_name, lease_renewed_ms=excluded.lease_renewed_ms, "
      "base_url=excluded.base_url, account=excluded.account, post_sent_at_ms=excluded.post_sent_at_ms "
      "WHERE jobs.owner_id = ?26 OR jobs.owner_id = '';");
  if (!job) return writeError("write");
  bindText(job.get(), 1, s.local_id);
  bindText(job.get(), 2, s.params.model_id);
  bindText(job.get(), 3, paramsToJson(s.params));
  bindText(job.get(), 4, jobStateName(s.state));
  bindText(job.get(), 5, s.job_id);
  bindText(job.get(), 6, s.server_status);
  sqlite3_bind_double(job.get(), 7, s.progress);
  sqlite3_bind_double(job.get(), 8, s.cost);
  bindText(job.get(), 9, json(record.reference_ids).dump());
  bindText(job.get(), 10, record.mask_id);
  sqlite3_bind_int(job.get(), 11, record.post_sent ? 1 : 0);
  bindText(job.get(), 12, s.error ? errorCodeName(s.error->code) : "");
  sqlite3_bind_int(job.get(), 13, s.error ? s.error->http_status : 0);
  bindText(job.get(), 14, s.error ? s.error->message : "");
  sqlite3_bind_int64(job.get(), 15, s.created_at_ms);
  sqlite3_bind_int64(job.get(), 16, s.updated_at_ms);
  sqlite3_bind_int64(job.get(), 17, s.finished_at_ms);
  bindText(job.get(), 18, hold ? owner.id : "");
  sqlite3_bind_int64(job.get(), 19, hold ? owner.pid : 0);
  bindText(job.get(), 20, hold ? owner.host : "");
  bindText(job.get(), 21, hold ? owner.name : "");
  sqlite3_bind_int64(job.get(), 22, hold ? now_ms : 0);
  bindText(job.get(), 23, record.base_url);
  bindText(job.get(), 24, record.account);
  sqlite3_bind_int64(job.get(), 25, record.post_sent_at_ms);
  bindText(job.get(), 26, owner.id);
  if (sqlite3_step(job.get()) != SQLITE_DONE) return writeError("write");
  if (sqlite3_changes(db_) == 0) {  // another owner holds the job: its row stays as that owner wrote it
    exec("ROLLBACK;");
    return false;
  }

  // An output another process imported stays imported, whatever this record still says.
  Reused out = reuse(
      "INSERT INTO outputs (local_id, idx, asset_id, state, cache_path, format, width, height, "
      "imported_path, "
      "error_code, error_message, finish_json) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
      "ON CONFLICT(local_id, idx) DO UPDATE SET asset_id=excluded.asset_id, "
      "state=CASE WHEN outputs.state='imported' THEN outputs.state ELSE excluded.state END, "
      "cache_path=excluded.cache_path, format=excluded.format, width=excluded.width, height=excluded.height, "
      "imported_path=CASE WHEN outputs.state='imported' THEN outputs.imported_path "
      "ELSE excluded.imported_path END, "
      "error_code=CASE WHEN outputs.state='imported' THEN '' ELSE excluded.error_code END, "
      "error_message=CASE WHEN outputs.state='imported' THEN '' ELSE excluded.error_message END, "
      "finish_json=CASE WHEN excluded.finish_json = '' THEN outputs.finish_json ELSE excluded.finish_json "
      "END;");
  if (!out) return writeError("write");
  for (const OutputSnapshot& o : s.outputs) {
    sqlite3_reset(out.get());
    bindText(out.get(), 1, s.local_id);
    sqlite3_bind_int(out.get(), 2, o.index);
    bindText(out.get(), 3, o.asset_id);
    bindText(out.get(), 4, outputStateName(o.state));
    bindText(out.get(), 5, o.cache_path);
    bindText(out.get(), 6, formatName(o.format));
    sqlite3_bind_int(out.get(), 7, o.width);
    sqlite3_bind_int(out.get(), 8, o.height);
    bindText(out.get(), 9, o.imported_path);
    bindText(out.get(), 10, o.error ? errorCodeName(o.error->code) : "");
    bindText(out.get(), 11, o.error ? o.error->message : "");
    bindText(out.get(), 12, finishToJson(o.finish));
    if (sqlite3_step(out.get()) != SQLITE_DONE) return writeError("write");
  }
  // A job whose outputs were listed again (a resend) keeps no rows of the earlier list.
  Reused trim = reuse("DELETE FROM outputs WHERE local_id = ?1 AND idx >= ?2 AND state != 'imported';");
  if (!trim) return writeError("write");
  bindText(trim.get(), 1, s.local_id);
  sqlite3_bind_int(trim.get(), 2, static_cast<int>(s.outputs.size()));
  if (sqlite3_step(trim.get()) != SQLITE_DONE) return writeError("write");
  Reused settle = reuse(kSettleImported);
  if (!settle) return writeError("write");
  bindText(settle.get(), 1, s.local_id);
  if (sqlite3_step(settle.get()) != SQLITE_DONE) return writeError("write");
  if (Status st = execReused("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st.error();
  }
  written_versions_[s.local_id] = record.version;
  return true;
}

Result<std::optional<JobRecord>> Journal::selectJob(const std::string& local_id) {
  Stmt select =
      prepare(db_, (std::string("SELECT ") + kJobColumns + " FROM jobs WHERE local_id = ?1;").c_str());
  if (!select) return writeError("read");
  bindText(select.get(), 1, local_id);
  if (sqlite3_step(select.get()) != SQLITE_ROW) return std::optional<JobRecord>();
  return std::optional<JobRecord>(readJob(select.get()));
}

bool Journal::heldByAnother(const JobRecord& record, const JournalOwner& owner, int64_t now_ms,
                            int64_t lease_ms) const {
  return record.lease.owner_id != owner.id && leaseAlive(record.lease, now_ms, lease_ms, owner.host);
}

Result<std::optional<JobRecord>> Journal::claim(const std::string& local_id, const JournalOwner& owner,
                                                int64_t now_ms, int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return std::optional<JobRecord>();
  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st.error();
  auto found = selectJob(local_id);
  if (!found) return found.error();
  if (!*found || heldByAnother(**found, owner, now_ms, lease_ms)) {
    exec("ROLLBACK;");
    return std::optional<JobRecord>();
  }
  JobRecord record = std::move(**found);
  Stmt take = prepare(db_,
                      "UPDATE jobs SET owner_id=?2, owner_pid=?3, owner_host=?4, owner_name=?5, "
                      "lease_renewed_ms=?6, updated_at_ms=max(updated_at_ms + 1, ?6) WHERE local_id=?1;");
  if (!take) return writeError("write");
  bindText(take.get(), 1, local_id);
  bindText(take.get(), 2, owner.id);
  sqlite3_bind_int64(take.get(), 3, owner.pid);
  bindText(take.get(), 4, owner.host);
  bindText(take.get(), 5, owner.name);
  sqlite3_bind_int64(take.get(), 6, now_ms);
  if (sqlite3_step(take.get()) != SQLITE_DONE) return writeError("write");
  Stmt outs = prepare(
      db_,
      (std::string("SELECT ") + kOutputColumns + " FROM outputs WHERE local_id = ?1 ORDER BY idx;").c_str());
  if (!outs) return writeError("read");
  bindText(outs.get(), 1, local_id);
  while (sqlite3_step(outs.get()) == SQLITE_ROW) record.snap.outputs.push_back(readOutput(outs.get()));
  outs.reset();
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st.error();
  }
  record.lease = JobLease{owner.id, owner.pid, owner.host, owner.name, now_ms};
  record.snap.updated_at_ms = std::max(record.snap.updated_at_ms + 1, now_ms);
  written_versions_.erase(local_id);  // whatever this engine wrote before, the row is newer
  record.version = 1;
  return std::optional<JobRecord>(std::move(record));
}

Result<bool> Journal::remove(const std::string& local_id, const JournalOwner& owner, int64_t now_ms,
                             int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return makeError(ErrorCode::kInvalidArgument, "the journal was opened read-only");
  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st.error();
  auto found = selectJob(local_id);
  if (!found) {
    exec("ROLLBACK;");  // no transaction may stay open: the next write would fail on it
    return found.error();
  }
  if (*found && heldByAnother(**found, owner, now_ms, lease_ms)) {
    exec("ROLLBACK;");
    return false;
  }
  for (const char* sql :
       {"DELETE FROM outputs WHERE local_id = ?1;", "DELETE FROM jobs WHERE local_id = ?1;"}) {
    Stmt erase = prepare(db_, sql);
    if (!erase || (bindText(erase.get(), 1, local_id), sqlite3_step(erase.get())) != SQLITE_DONE) {
      Error failed = writeError("write");
      exec("ROLLBACK;");
      return failed;
    }
  }
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st.error();
  }
  written_versions_.erase(local_id);
  return true;
}

Status Journal::renew(const JournalOwner& owner, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return Ok{};
  Stmt renew = prepare(db_, "UPDATE jobs SET lease_renewed_ms = ?2 WHERE owner_id = ?1;");
  if (!renew) return writeError("renew leases in");
  bindText(renew.get(), 1, owner.id);
  sqlite3_bind_int64(renew.get(), 2, now_ms);
  if (sqlite3_step(renew.get()) != SQLITE_DONE) return writeError("renew leases in");
  return Ok{};
}

Status Journal::release(const JournalOwner& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return Ok{};
  for (const char* sql : {"UPDATE jobs SET owner_id='', owner_pid=0, owner_host='', owner_name='', "
                          "lease_renewed_ms=0 WHERE owner_id = ?1;",
                          "UPDATE outputs SET import_owner='', import_owner_name='', import_claimed_ms=0 "
                          "WHERE import_owner = ?1;"}) {
    Stmt release = prepare(db_, sql);
    if (!release) return writeError("release leases in");
    bindText(release.get(), 1, owner.id);
    if (sqlite3_step(release.get()) != SQLITE_DONE) return writeError("release leases in");
  }
  return Ok{};
}

Result<Journal::ImportClaim> Journal::claimImport(const std::string& local_id, int index,
                                                  const JournalOwner& owner, int64_t now_ms,
                                                  int64_t lease_ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return makeError(ErrorCode::kIo, "the journal " + path_ + " was opened read-only");
  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st.error();
  Stmt select = prepare(db_,
                        "SELECT state, imported_path, import_owner, import_owner_name, import_claimed_ms, "
                        "import_owner_pid, import_owner_host FROM outputs WHERE local_id = ?1 AND idx = ?2;");
  if (!select) return writeError("read");
  bindText(select.get(), 1, local_id);
  sqlite3_bind_int(select.get(), 2, index);
  ImportClaim claim;
  if (sqlite3_step(select.get()) == SQLITE_ROW) {
    const std::string holder = columnText(select.get(), 2);
    JobLease import_lease{holder, sqlite3_column_int64(select.get(), 5), columnText(select.get(), 6),
                          columnText(select.get(), 3), sqlite3_column_int64(select.get(), 4)};
    if (columnText(select.get(), 0) == "imported") {
      claim.kind = ImportClaim::Kind::kImported;
      claim.imported_path = columnText(select.get(), 1);
    } else if (holder != owner.id && leaseAlive(import_lease, now_ms, lease_ms, owner.host)) {
      claim.kind = ImportClaim::Kind::kBusy;
      claim.holder = import_lease.name;
    }
  }
  select.reset();
  if (claim.kind == ImportClaim::Kind::kClaimed) {
    // An output not journaled yet (its job's owner has not written it) is claimed all the same:
    // the row the owner writes later keeps the claim columns.
    Stmt take = prepare(db_,
                        "INSERT INTO outputs (local_id, idx, state, import_owner, import_owner_name, "
                        "import_claimed_ms, import_owner_pid, import_owner_host) "
                        "VALUES (?1, ?2, 'ready', ?3, ?4, ?5, ?6, ?7) ON CONFLICT(local_id, idx) "
                        "DO UPDATE SET import_owner=excluded.import_owner, "
                        "import_owner_name=excluded.import_owner_name, "
                        "import_claimed_ms=excluded.import_claimed_ms, "
                        "import_owner_pid=excluded.import_owner_pid, "
                        "import_owner_host=excluded.import_owner_host;");
    if (!take) return writeError("write");
    bindText(take.get(), 1, local_id);
    sqlite3_bind_int(take.get(), 2, index);
    bindText(take.get(), 3, owner.id);
    bindText(take.get(), 4, owner.name);
    sqlite3_bind_int64(take.get(), 5, now_ms);
    sqlite3_bind_int64(take.get(), 6, owner.pid);
    bindText(take.get(), 7, owner.host);
    if (sqlite3_step(take.get()) != SQLITE_DONE) return writeError("write");
  }
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st.error();
  }
  return claim;
}

Status Journal::finishImport(const std::string& local_id, int index, const std::string& imported_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt done =
      prepare(db_,
              "UPDATE outputs SET state='imported', imported_path=?3, error_code='', error_message='', "
              "import_owner='', import_owner_name='', import_claimed_ms=0 "
              "WHERE local_id=?1 AND idx=?2;");
  if (!done) return writeError("write");
  bindText(done.get(), 1, local_id);
  sqlite3_bind_int(done.get(), 2, index);
  bindText(done.get(), 3, imported_path);
  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st;
  if (sqlite3_step(done.get()) != SQLITE_DONE) return writeError("write");
  Stmt settle = prepare(db_, kSettleImported);
  if (!settle) return writeError("write");
  bindText(settle.get(), 1, local_id);
  if (sqlite3_step(settle.get()) != SQLITE_DONE) return writeError("write");
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st;
  }
  return Ok{};
}

Status Journal::releaseImport(const std::string& local_id, int index, const JournalOwner& owner) {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt release = prepare(db_,
                         "UPDATE outputs SET import_owner='', import_owner_name='', import_claimed_ms=0 "
                         "WHERE local_id=?1 AND idx=?2 AND import_owner=?3;");
  if (!release) return writeError("write");
  bindText(release.get(), 1, local_id);
  sqlite3_bind_int(release.get(), 2, index);
  bindText(release.get(), 3, owner.id);
  if (sqlite3_step(release.get()) != SQLITE_DONE) return writeError("write");
  return Ok{};
}

Result<bool> Journal::forgetImport(const std::string& local_id, int index) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (read_only_) return makeError(ErrorCode::kIo, "the journal " + path_ + " was opened read-only");
  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st.error();
  Stmt forget = prepare(db_,
                        "UPDATE outputs SET state='ready', imported_path='' "
                        "WHERE local_id=?1 AND idx=?2 AND state='imported';");
  if (!forget) return writeError("write");
  bindText(forget.get(), 1, local_id);
  sqlite3_bind_int(forget.get(), 2, index);
  if (sqlite3_step(forget.get()) != SQLITE_DONE) return writeError("write");
  const bool forgotten = sqlite3_changes(db_) > 0;
  Stmt unsettle = prepare(db_, "UPDATE jobs SET state='ready' WHERE local_id=?1 AND state='imported';");
  if (!unsettle) return writeError("write");
  bindText(unsettle.get(), 1, local_id);
  if (sqlite3_step(unsettle.get()) != SQLITE_DONE) return writeError("write");
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st.error();
  }
  return forgotten;
}

Result<std::vector<JobRecord>> Journal::loadAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<JobRecord> records;
  std::unordered_map<std::string, size_t> index;
  // No ORDER BY: the callers key the jobs by id, and sorting every row (all its columns) was most of
  // the time a project with thousands of past jobs took to open.
  Stmt jobs = prepare(db_, (std::string("SELECT ") + kJobColumns + " FROM jobs;").c_str());
  if (!jobs)
    return makeError(ErrorCode::kIo, "cannot read the journal " + path_ + ": " + sqlite3_errmsg(db_));
  while (sqlite3_step(jobs.get()) == SQLITE_ROW) {
    JobRecord r = readJob(jobs.get());
    r.snap.outputs.reserve(static_cast<size_t>(std::clamp(r.snap.params.num_outputs, 1, kMaxOutputs)));
    index.emplace(r.snap.local_id, records.size());
    records.push_back(std::move(r));
  }
  // In primary-key order, so a job's outputs come together: one lookup per job, not per output.
  Stmt outs = prepare(
      db_, (std::string("SELECT ") + kOutputColumns + " FROM outputs ORDER BY local_id, idx;").c_str());
  if (!outs)
    return makeError(ErrorCode::kIo, "cannot read the journal " + path_ + ": " + sqlite3_errmsg(db_));
  std::string last_id;
  JobRecord* owner = nullptr;
  while (sqlite3_step(outs.get()) == SQLITE_ROW) {
    const char* id = reinterpret_cast<const char*>(sqlite3_column_text(outs.get(), 0));
    if (!id) continue;
    if (last_id != id) {
      last_id = id;
      auto it = index.find(last_id);
      owner = it == index.end() ? nullptr : &records[it->second];
    }
    if (owner) owner->snap.outputs.push_back(readOutput(outs.get()));
  }
  for (auto& r : records) r.version = written_versions_.try_emplace(r.snap.local_id, 0).first->second + 1;
  return records;
}

bool Journal::changedElsewhere() {
  std::lock_guard<std::mutex> lock(mutex_);
  Stmt version = prepare(db_, "PRAGMA data_version;");
  if (!version || sqlite3_step(version.get()) != SQLITE_ROW) return true;
  const int64_t now = sqlite3_column_int64(version.get(), 0);
  const bool changed = now != data_version_;
  data_version_ = now;
  return changed;
}

}  // namespace texforge
