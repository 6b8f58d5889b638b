// Issue 12, goal 7: how long opening a project takes, and how much memory it holds, as its journal
// grows to thousands of past jobs. Each size gets a fresh project whose journal is filled through the
// real Journal (finished jobs of four imported outputs, as a long-lived project collects them); then
// createGenerator() is timed until jobs() answers, and the heap in use is read before and after
// (glibc's mallinfo2). Nothing is sent anywhere: the engine opens against an address nobody answers.
//
// texforge-bench-open [--jobs N,...] [--runs R]: sizes default to 1000 and 10000, 3 runs each;
// prints each size's median open time and its memory, and the growth per 1000 jobs.
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "job_record.h"
#include "journal.h"
#include "texforge/generator.h"

namespace texforge::bench {
namespace {

using Clock = std::chrono::steady_clock;

// The heap in use, in KB: resident memory would hide what the engine holds behind what earlier runs
// freed (glibc keeps freed pages).
long heapInUseKb() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
}

JobRecord pastJob(int i, int64_t now_ms) {
  JobRecord r;
  JobSnapshot& s = r.snap;
  s.local_id = "past-" + std::to_string(i);
  s.job_id = "job-" + std::to_string(i);
  s.params.prompt = "mossy stone wall, hand-painted, tileable, variation " + std::to_string(i);
  s.params.width = 1024;
  s.params.height = 1024;
  s.params.num_outputs = 4;
  s.state = JobState::kImported;
  s.server_status = "success";
  s.progress = 1;
  s.created_at_ms = now_ms - 86400000 + i;
  s.updated_at_ms = s.created_at_ms + 30000;
  s.finished_at_ms = s.updated_at_ms;
  s.cost = 20;
  r.post_sent = true;
  r.base_url = "http://127.0.0.1:9/v1";
  r.account = "bench";
  for (int k = 0; k < 4; ++k) {
    OutputSnapshot o;
    o.index = k;
    o.state = OutputState::kImported;
    o.asset_id = "asset-" + std::to_string(i) + "-" + std::to_string(k);
    o.cache_path = ".texforge/cache/" + o.asset_id + ".png";
    o.imported_path = "Generated/wall_" + std::to_string(i) + "_" + std::to_string(k) + ".png";
    o.format = ImageFormat::kPng;
    o.width = o.height = 1024;
    s.outputs.push_back(o);
  }
  r.version = 1;
  return r;
}

bool fill(const std::filesystem::path& project, int jobs) {
  auto journal = Journal::open((project / ".texforge").string());
  if (!journal) {
    std::fprintf(stderr, "cannot open the journal: %s\n", journal.error().message.c_str());
    return false;
  }
  const JournalOwner nobody{"bench-filler", 0, "", "bench"};
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  for (int i = 0; i < jobs; ++i) {
    auto written = (*journal)->write(pastJob(i, now), nobody, false, now, /*durable=*/false);
    if (!written) {
      std::fprintf(stderr, "cannot write the journal: %s\n", written.error().message.c_str());
      return false;
    }
  }
  return true;
}

struct Sample {
  double read_ms = 0;  // the journal alone: open and read every job
  double open_ms = 0;
  long held_kb = 0;
  size_t seen = 0;
};

bool openOnce(const std::filesystem::path& project, Sample* out) {
  {
    const auto t0 = Clock::now();
    auto journal = Journal::open((project / ".texforge").string(), /*read_only=*/true);
    auto records = journal ? (*journal)->loadAll() : Result<std::vector<JobRecord>>(journal.error());
    if (!records) return false;
    out->read_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
  GeneratorOptions options;
  options.project_dir = project.string();
  options.base_url = "http://127.0.0.1:9/v1";  // discard port: nothing is asked of it
  options.credentials = {"bench-key", "bench-secret"};
  const long before_kb = heapInUseKb();
  const auto t0 = Clock::now();
  auto engine = createGenerator(options);
  if (!engine) {
    std::fprintf(stderr, "cannot open the project: %s\n", engine.error().message.c_str());
    return false;
  }
  out->seen = (*engine)->jobs().size();
  out->open_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  out->held_kb = heapInUseKb() - before_kb;
  return true;
}

std::vector<int> parseSizes(const char* text) {
  std::vector<int> sizes;
  for (const char* p = text; *p;) {
    char* end = nullptr;
    const long v = std::strtol(p, &end, 10);
    if (end == p || v < 1) return {};
    sizes.push_back(static_cast<int>(v));
    p = *end == ',' ? end + 1 : end;
    if (*end && *end != ',') return {};
  }
  return sizes;
}

int run(int argc, char** argv) {
  std::vector<int> sizes{1000, 10000};
  int runs = 3;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--jobs") && i + 1 < argc) {
      sizes = parseSizes(argv[++i]);
    } else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      sizes.clear();
    }
    if (sizes.empty() || runs < 1) {
      std::fprintf(stderr, "usage: texforge-bench-open [--jobs N,...] [--runs R]\n");
      return 2;
    }
  }
  char tmpl[] = "/tmp/texforge-bench-open-XXXXXX";
  if (!mkdtemp(tmpl)) return 2;
  const std::filesystem::path root(tmpl);
  std::printf("%-8s %-14s %-22s %-18s\n", "jobs", "open (ms)", "of which journal (ms)", "memory held (MB)");
  double first_mb = -1, last_mb = 0;
  int first_n = 0, last_n = 0;
  for (int n : sizes) {
    const auto project = root / ("p" + std::to_string(n));
    if (!fill(project, n)) return 1;
    std::vector<double> times, reads;
    std::vector<long> held;
    for (int r = 0; r < runs; ++r) {
      Sample s;
      if (!openOnce(project, &s)) return 1;
      if (static_cast<int>(s.seen) != n) {
        std::fprintf(stderr, "the engine saw %zu jobs of %d\n", s.seen, n);
        return 1;
      }
      times.push_back(s.open_ms);
      reads.push_back(s.read_ms);
      held.push_back(s.held_kb);
    }
    std::sort(times.begin(), times.end());
    std::sort(reads.begin(), reads.end());
    std::sort(held.begin(), held.end());
    const double mb = held[held.size() / 2] / 1024.0;
    std::printf("%-8d %-14.1f %-22.1f %-18.1f\n", n, times[times.size() / 2], reads[reads.size() / 2], mb);
    if (first_mb < 0) first_mb = mb, first_n = n;
    last_mb = mb, last_n = n;
  }
  if (last_n > first_n) {
    std::printf("memory per 1000 more jobs: %.2f MB\n", (last_mb - first_mb) / (last_n - first_n) * 1000);
  }
  std::error_code ec;
  std::filesystem::remove_all(root, ec);
  return 0;
}

}  // namespace
}  // namespace texforge::bench

int main(int argc, char** argv) {
  return texforge::bench::run(argc, argv);
}
