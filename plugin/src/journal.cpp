// SQLite journal of jobs and outputs. WAL with synchronous=FULL: a committed state survives a
// crash of the process or the machine, which is what "a paid result is never lost" rests on.
#include "journal.h"

#include <sqlite3.h>

#include <filesystem>
#include <nlohmann/json.hpp>

namespace texforge {
namespace {

using nlohmann::json;

constexpr int kSchemaVersion = 1;

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

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return makeError(ErrorCode::kIo, "cannot create the journal folder " + dir + ": " + ec.message() +
                                         ". Check that the project folder is writable.");
  }
  std::unique_ptr<Journal> journal(new Journal());
  journal->path_ = (std::filesystem::path(dir) / "journal.sqlite").string();
  int rc = sqlite3_open_v2(journal->path_.c_str(), &journal->db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = journal->db_ ? sqlite3_errmsg(journal->db_) : sqlite3_errstr(rc);
    return makeError(ErrorCode::kIo, "cannot open the journal " + journal->path_ + ": " + why +
                                         ". Check that the project folder is writable.");
  }
  sqlite3_busy_timeout(journal->db_, 5000);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=FULL;", kSchema}) {
    if (Status s = journal->exec(sql); !s) return s.error();
  }
  journal->exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";").c_str());
  return journal;
}

Journal::~Journal() {
  if (db_) sqlite3_close_v2(db_);
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

Status Journal::write(const JobRecord& record) {
  std::lock_guard<std::mutex> lock(mutex_);
  const JobSnapshot& s = record.snap;
  auto it = written_versions_.find(s.local_id);
  if (it != written_versions_.end() && it->second >= record.version) return Ok{};

  if (Status st = exec("BEGIN IMMEDIATE;"); !st) return st;
  auto fail = [&]() -> Status {
    std::string why = sqlite3_errmsg(db_);
    exec("ROLLBACK;");
    return makeError(ErrorCode::kIo, "cannot write the journal " + path_ + ": " + why +
                                         ". Check free disk space and permissions of the project folder.");
  };
  Stmt job =
      prepare(db_,
              "INSERT OR REPLACE INTO jobs (local_id, model_id, params_json, state, server_job_id, "
              "server_status, progress, cost, reference_ids, mask_id, post_sent, error_code, error_status, "
              "error_message, created_at_ms, updated_at_ms, finished_at_ms) "
              "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17);");
  if (!job) return fail();
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
  if (sqlite3_step(job.get()) != SQLITE_DONE) return fail();

  Stmt out = prepare(
      db_,
      "INSERT OR REPLACE INTO outputs (local_id, idx, asset_id, state, cache_path, format, width, "
      "height, imported_path, error_code, error_message) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11);");
  if (!out) return fail();
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
    if (sqlite3_step(out.get()) != SQLITE_DONE) return fail();
  }
  if (Status st = exec("COMMIT;"); !st) {
    exec("ROLLBACK;");
    return st;
  }
  written_versions_[s.local_id] = record.version;
  return Ok{};
}

Result<std::vector<JobRecord>> Journal::loadAll() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<JobRecord> records;
  std::map<std::string, size_t> index;
  Stmt jobs =
      prepare(db_,
              "SELECT local_id, params_json, state, server_job_id, server_status, progress, cost, "
              "reference_ids, mask_id, post_sent, error_code, error_status, error_message, created_at_ms, "
              "updated_at_ms, finished_at_ms FROM jobs ORDER BY created_at_ms, local_id;");
  if (!jobs)
    return makeError(ErrorCode::kIo, "cannot read the journal " + path_ + ": " + sqlite3_errmsg(db_));
  while (sqlite3_step(jobs.get()) == SQLITE_ROW) {
    JobRecord r;
    JobSnapshot& s = r.snap;
    s.local_id = columnText(jobs.get(), 0);
    paramsFromJson(columnText(jobs.get(), 1), &s.params);
    s.state = enumFromName(columnText(jobs.get(), 2), JobState::kUnknown, &jobStateName, JobState::kUnknown);
    s.job_id = columnText(jobs.get(), 3);
    s.server_status = columnText(jobs.get(), 4);
    s.progress = sqlite3_column_double(jobs.get(), 5);
    s.cost = sqlite3_column_double(jobs.get(), 6);
    json ids = json::parse(columnText(jobs.get(), 7), nullptr, false);
    if (ids.is_array()) {
      for (const auto& id : ids) {
        if (id.is_string()) r.reference_ids.push_back(id.get<std::string>());
      }
    }
    r.mask_id = columnText(jobs.get(), 8);
    r.post_sent = sqlite3_column_int(jobs.get(), 9) != 0;
    std::string code = columnText(jobs.get(), 10);
    if (!code.empty()) {
      s.error = Error{enumFromName(code, ErrorCode::kInternal, &errorCodeName, ErrorCode::kInternal),
                      sqlite3_column_int(jobs.get(), 11), columnText(jobs.get(), 12)};
    }
    s.created_at_ms = sqlite3_column_int64(jobs.get(), 13);
    s.updated_at_ms = sqlite3_column_int64(jobs.get(), 14);
    s.finished_at_ms = sqlite3_column_int64(jobs.get(), 15);
    index[s.local_id] = records.size();
    records.push_back(std::move(r));
  }
  Stmt outs =
      prepare(db_,
              "SELECT local_id, idx, asset_id, state, cache_path, format, width, height, imported_path, "
              "error_code, error_message FROM outputs ORDER BY local_id, idx;");
  if (!outs)
    return makeError(ErrorCode::kIo, "cannot read the journal " + path_ + ": " + sqlite3_errmsg(db_));
  while (sqlite3_step(outs.get()) == SQLITE_ROW) {
    auto it = index.find(columnText(outs.get(), 0));
    if (it == index.end()) continue;
    OutputSnapshot o;
    o.index = sqlite3_column_int(outs.get(), 1);
    o.asset_id = columnText(outs.get(), 2);
    o.state = enumFromName(columnText(outs.get(), 3), OutputState::kFailed, &outputStateName,
                           OutputState::kPending);
    o.cache_path = columnText(outs.get(), 4);
    o.format = formatFromName(columnText(outs.get(), 5));
    o.width = sqlite3_column_int(outs.get(), 6);
    o.height = sqlite3_column_int(outs.get(), 7);
    o.imported_path = columnText(outs.get(), 8);
    std::string code = columnText(outs.get(), 9);
    if (!code.empty()) {
      o.error = Error{enumFromName(code, ErrorCode::kInternal, &errorCodeName, ErrorCode::kInternal), 0,
                      columnText(outs.get(), 10)};
    }
    records[it->second].snap.outputs.push_back(std::move(o));
  }
  for (auto& r : records) {
    written_versions_[r.snap.local_id] = 0;
    r.version = 1;
  }
  return records;
}

}  // namespace texforge
