// Soak test: 200+ jobs against the emulator with random faults on every route. Every image must
// arrive exactly once, no request body may be paid twice, and it must neither crash nor hang.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "emulated_engine.h"
#include "test_support.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

using namespace texforge;
using emulator::Fault;
using emulator::FaultKind;
using emulator::Route;

namespace {

int failures = 0;
void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "SOAK FAILURE: %s\n", what.c_str());
    ++failures;
  }
}

Fault randomFault(FaultKind kind, double probability, int latency_ms = 0) {
  Fault f;
  f.route = Route::kAny;
  f.kind = kind;
  f.count = -1;
  f.probability = probability;
  f.latency_ms = latency_ms;
  f.retry_after_s = 0;
  return f;
}

// The shared fast set-up, with a fixed fault seed and room for the soak's load. The engine is made
// after the faults are armed.
test::EmulatedEngineOptions soakSetup() {
  test::EmulatedEngineOptions o;
  o.emulator.job_duration_ms = 100;
  o.emulator.seed = 20261125;
  o.generator.max_attempts = 8;
  o.generator.max_jobs_in_flight = 16;
  o.generator.auto_import = true;
  o.start_generator = false;
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 200;
  const auto started = std::chrono::steady_clock::now();
  test::EmulatedEngine engine(soakSetup());
  if (!engine.start()) {
    std::fprintf(stderr, "cannot start: %s\n", engine.error.c_str());
    return 1;
  }
  emulator::Emulator& emu = *engine.server;
  const test::TempDir& project = engine.project;
  // Every route, every kind of trouble the wire can bring (not failures of the job itself).
  emu.addFault(randomFault(FaultKind::kServerErrorHtml, 0.05));
  emu.addFault(randomFault(FaultKind::kDropConnection, 0.04));
  emu.addFault(randomFault(FaultKind::kTruncatedBody, 0.04));
  emu.addFault(randomFault(FaultKind::kTooManyRequests, 0.04));
  emu.addFault(randomFault(FaultKind::kMalformedJson, 0.02));
  emu.addFault(randomFault(FaultKind::kExpiredUrl, 0.08));
  emu.addFault(randomFault(FaultKind::kUnknownStatus, 0.08));
  emu.addFault(randomFault(FaultKind::kLatency, 0.05, 150));

  std::unique_ptr<Generator> gen = engine.makeGenerator();
  if (!gen) {
    std::fprintf(stderr, "cannot create the engine: %s\n", engine.error.c_str());
    return 1;
  }
  std::set<std::string> ids;
  for (int i = 0; i < jobs; ++i) {
    GenerationParams p;
    p.prompt = "soak job " + std::to_string(i);
    p.width = 64;
    p.height = 64;
    p.num_outputs = 1 + i % 3;
    auto id = gen->submit(p);
    check(id.ok(), "submit " + std::to_string(i));
    if (id) ids.insert(*id);
  }

  // Pump until every job is imported. Unknown submissions are decided as a user would: resent
  // only when the service's job list says it never started; a restart re-checks the others.
  int resent_by_user = 0, restarts = 0, restarts_without_progress = 0, last_pending = -1;
  GeneratorStats engine_stats;
  auto add_stats = [&](const GeneratorStats& s) {
    engine_stats.retries += s.retries;
    engine_stats.url_refreshes += s.url_refreshes;
    engine_stats.reconciled += s.reconciled;
  };
  const auto deadline = started + std::chrono::minutes(8);
  for (;;) {
    gen->waitForActivity(0.1);
    gen->pump();
    if (!gen->idle()) {
      if (std::chrono::steady_clock::now() > deadline) break;
      continue;
    }
    int pending = 0;
    bool needs_restart = false;
    for (const auto& job : gen->jobs()) {
      if (job.state == JobState::kImported) continue;
      ++pending;
      if (job.state == JobState::kUnknown && job.needs_decision) {
        check(gen->resolveUnknown(job.local_id, true).ok(), "resend " + job.local_id);
        ++resent_by_user;
      } else {
        needs_restart = true;  // e.g. a failed download or an unchecked unknown: resume picks it up
      }
    }
    if (pending == 0 || std::chrono::steady_clock::now() > deadline) break;
    if (needs_restart) {
      // A restart that changes nothing means something is lost for good: stop and report it.
      restarts_without_progress = pending == last_pending ? restarts_without_progress + 1 : 0;
      last_pending = pending;
      if (restarts_without_progress >= 3) break;
      add_stats(gen->stats());
      gen.reset();
      gen = engine.makeGenerator();
      ++restarts;
      if (!gen) {
        std::fprintf(stderr, "cannot restart the engine: %s\n", engine.error.c_str());
        return 1;
      }
    }
  }

  add_stats(gen->stats());
  int images = 0, expected = 0;
  for (const auto& job : gen->jobs()) {
    expected += job.params.num_outputs;
    check(job.state == JobState::kImported,
          job.local_id + " ended " + jobStateName(job.state) + (job.error ? ": " + job.error->message : ""));
    for (const auto& o : job.outputs) {
      images += o.state == OutputState::kImported;
      check(o.state == OutputState::kImported, job.local_id + " output " + std::to_string(o.index) + " " +
                                                   outputStateName(o.state) +
                                                   (o.error ? ": " + o.error->message : ""));
    }
    check(static_cast<int>(job.outputs.size()) == job.params.num_outputs,
          job.local_id + " has " + std::to_string(job.outputs.size()) + " outputs");
  }
  size_t files = 0;
  for (auto& e : std::filesystem::directory_iterator(project.file("assets/generated"))) {
    files += e.path().extension() != ".json";
  }
  check(images == expected, "imported " + std::to_string(images) + " of " + std::to_string(expected));
  check(files == static_cast<size_t>(expected), "files on disk " + std::to_string(files));

  const emulator::Stats stats = emu.stats();
  int paid_twice = 0;
  for (const auto& [body, count] : stats.generate_posts_per_body) paid_twice += count > 1;
  check(paid_twice == 0, std::to_string(paid_twice) + " request bodies were paid twice");
  check(stats.jobs_created == jobs, "jobs created on the service " + std::to_string(stats.jobs_created));
  check(stats.cdn_authorization_headers == 0, "Authorization headers sent to the CDN");

  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::string faults;
  int total_faults = 0;
  for (const auto& [kind, count] : stats.faults_injected) {
    faults += (faults.empty() ? "" : ", ") + kind + "=" + std::to_string(count);
    total_faults += count;
  }
  std::printf(
      "soak: %s: %d jobs, %d/%d images imported once, %d faults injected (%s), %llu client retries, "
      "%llu URL refreshes, %llu lost answers reconciled, %d resent after the service said they never "
      "started, %d restarts, 0 paid twice: %s, %.1f s\n",
      failures ? "FAILED" : "passed", jobs, images, expected, total_faults, faults.c_str(),
      static_cast<unsigned long long>(engine_stats.retries),
      static_cast<unsigned long long>(engine_stats.url_refreshes),
      static_cast<unsigned long long>(engine_stats.reconciled), resent_by_user, restarts,
      paid_twice == 0 ? "yes" : "NO", seconds);
  return failures ? 1 : 0;
}
