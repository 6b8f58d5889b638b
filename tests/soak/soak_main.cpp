// Soak test: 200+ jobs against the emulator with random faults on every route, on one project shared
// by two processes at once (this one and a child it starts, each with its own Generator, each
// handing its jobs over to the other once midway), some with local reference images and masks to
// upload; then a fresh Generator resumes the project until idle. Every image must be imported
// exactly once, no intended request (a unique prompt per job) may be paid twice, and it must
// neither crash nor hang.
//   texforge-soak [JOBS] [--selftest]
// --selftest plants a second payment, a duplicate import and a lost import after the run and
// passes only when the checks catch all three. The child is this binary run with --child.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "emulated_engine.h"
#include "test_support.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

extern char** environ;

using namespace texforge;
using emulator::Fault;
using emulator::FaultKind;
using emulator::Route;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string role = "soak";  // "soak child" in the child process
int failures = 0;
void check(bool ok, const std::string& what) {
  if (!ok) {
    std::fprintf(stderr, "%s FAILURE: %s\n", role == "soak" ? "SOAK" : "SOAK CHILD", what.c_str());
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

// ---- the requests ----

constexpr int kSide = 64;
constexpr int kReferenceFiles = 4;

std::string referencePath(const std::string& project, int n) {
  return project + "/refs/ref-" + std::to_string(n % kReferenceFiles) + ".png";
}
std::string maskPath(const std::string& project) {
  return project + "/refs/mask.png";
}

void writePng(const DecodedImage& image, const std::string& path) {
  auto png = encodePng(image);
  check(png.ok(), "encoding " + path);
  if (png) test::writeAll(path, std::string(png->begin(), png->end()));
}

// Small local inputs inside the project: references in four colours, and a mask (PNG with alpha,
// the references' size) whose right half is to be generated.
void writeInputs(const std::string& project) {
  std::filesystem::create_directories(project + "/refs");
  for (int n = 0; n < kReferenceFiles; ++n) {
    DecodedImage img;
    img.width = img.height = kSide;
    img.rgba.resize(static_cast<size_t>(kSide) * kSide * 4);
    for (size_t i = 0; i < img.rgba.size(); i += 4) {
      img.rgba[i] = static_cast<uint8_t>(60 * n);
      img.rgba[i + 1] = static_cast<uint8_t>(200 - 40 * n);
      img.rgba[i + 2] = static_cast<uint8_t>(30 + 50 * n);
      img.rgba[i + 3] = 255;
    }
    writePng(img, referencePath(project, n));
  }
  DecodedImage mask;
  mask.width = mask.height = kSide;
  mask.rgba.assign(static_cast<size_t>(kSide) * kSide * 4, 0);
  for (int y = 0; y < kSide; ++y) {
    for (int x = 0; x < kSide / 2; ++x) mask.rgba[(static_cast<size_t>(y) * kSide + x) * 4 + 3] = 255;
  }
  writePng(mask, maskPath(project));
}

std::string promptOf(int i) {
  return "soak job " + std::to_string(i);
}

// Job i: a unique prompt (paid POSTs are counted per prompt), 1-3 outputs; every 3rd has a local
// reference, every 9th two, and every 9th a reference and a mask (odd periods: both processes get
// each kind).
GenerationParams soakParams(int i, const std::string& project) {
  GenerationParams p;
  p.prompt = promptOf(i);
  p.width = 1024;  // the smallest 16:10 size the model makes; the inputs stay small
  p.height = 640;
  p.num_outputs = 1 + i % 3;
  if (i % 3 == 1) p.reference_images.push_back(ImageInput{"", referencePath(project, i / 3)});
  if (i % 9 == 2) {
    p.reference_images.push_back(ImageInput{"", referencePath(project, i)});
    p.reference_images.push_back(ImageInput{"", referencePath(project, i + 1)});
  }
  if (i % 9 == 5) {
    p.reference_images.push_back(ImageInput{"", referencePath(project, i)});
    p.mask = ImageInput{"", maskPath(project)};
  }
  return p;
}

// ---- one process's share ----

struct Tally {
  GeneratorStats engine;  // summed over every Generator this process made
  int submitted = 0;
  int with_references = 0;
  int with_mask = 0;
  int resent_by_user = 0;                     // unknown jobs resent after the service said they never started
  std::set<std::string> decisions_lost;       // the other process had decided the job first
  std::set<std::string> worked_on_for_other;  // jobs the other process submitted, seen active here
  int restarts = 0;
  int handovers = 0;
};

json tallyJson(const Tally& t) {
  return {{"retries", t.engine.retries},
          {"url_refreshes", t.engine.url_refreshes},
          {"reconciled", t.engine.reconciled},
          {"submitted", t.submitted},
          {"with_references", t.with_references},
          {"with_mask", t.with_mask},
          {"resent_by_user", t.resent_by_user},
          {"decisions_lost", t.decisions_lost.size()},
          {"worked_on_for_other", t.worked_on_for_other.size()},
          {"restarts", t.restarts},
          {"handovers", t.handovers},
          {"failures", failures}};
}

void addStats(GeneratorStats& sum, const GeneratorStats& s) {
  sum.retries += s.retries;
  sum.url_refreshes += s.url_refreshes;
  sum.reconciled += s.reconciled;
}

struct Share {
  std::string project;
  std::vector<int> indices;  // the jobs this process submits
  int total_jobs = 0;        // both processes' together
  double handover_at = 0;    // fraction of all jobs imported at which this process hands over once
  std::function<std::unique_ptr<Generator>()> make;
  std::function<bool()> other_alive;  // the other process may still work on the project
  Clock::time_point deadline;
};

// Nothing in the project changing for this long while jobs are left means a hang: reported and
// ended, rather than waited out to the deadline (a healthy run changes something every few ms).
constexpr auto kStallLimit = std::chrono::seconds(30);

// Every job's state as this process sees it: when it stops changing, nothing moves.
std::string viewSignature(const std::vector<JobSnapshot>& jobs) {
  std::string sig;
  for (const auto& job : jobs) {
    sig += job.local_id + jobStateName(job.state) + job.server_status + (job.held_by.empty() ? "-" : "+");
    for (const auto& o : job.outputs) sig += outputStateName(o.state);
  }
  return sig;
}

// The jobs left, for a failure message: those this process may act on in full, the rest counted.
std::string describeLeft(const std::vector<JobSnapshot>& jobs) {
  std::string text;
  int listed = 0, elsewhere = 0;
  for (const auto& job : jobs) {
    if (job.state == JobState::kImported) continue;
    if (!job.held_by.empty()) {
      ++elsewhere;
      continue;
    }
    if (listed++ < 8) {
      text += "\n    " + job.local_id + " \"" + job.params.prompt + "\" " + jobStateName(job.state) + " (" +
              job.server_status + ")" + (job.error ? ": " + job.error->message : "");
    }
  }
  return std::to_string(listed) + " left here, " + std::to_string(elsewhere) + " held elsewhere" + text;
}

// Submits the share, then pumps until every job of the project is imported (or, once the other
// process is gone, nothing is left this one can do). Unknown submissions are decided as a user
// would: resent only when the service's job list says it never started. A job another process
// holds is left to it. Something left that needs a new start (a failed download, an unchecked
// unknown) gets one once it has stayed so for a second; a restart that changes nothing three times
// means it is lost for good: stop and let the checks report it. Once midway, the Generator is
// closed and opened again (a user reopening the editor): the other process takes over what it held.
void drive(const Share& share, Tally& t) {
  std::unique_ptr<Generator> gen = share.make();
  if (!gen) {
    check(false, "cannot create the engine");
    return;
  }
  std::set<std::string> mine;
  for (int i : share.indices) {
    const GenerationParams p = soakParams(i, share.project);
    auto id = gen->submit(p);
    check(id.ok(), "submit " + std::to_string(i) + (id ? "" : ": " + id.error().message));
    if (!id) continue;
    mine.insert(*id);
    ++t.submitted;
    t.with_references += !p.reference_images.empty();
    t.with_mask += p.mask.has_value();
  }
  bool handed_over = share.handover_at <= 0;
  int restarts_without_progress = 0, last_pending = -1;
  Clock::time_point stuck_since{};  // since when something has waited for a restart; {}: nothing
  std::string signature;
  Clock::time_point changed_at = Clock::now();
  for (;;) {
    gen->waitForActivity(0.1);
    gen->pump();
    const std::vector<JobSnapshot> jobs = gen->jobs();
    int imported = 0;
    for (const auto& job : jobs) {
      imported += job.state == JobState::kImported;
      if (isJobActive(job.state) && job.held_by.empty() && !mine.count(job.local_id))
        t.worked_on_for_other.insert(job.local_id);
    }
    if (std::string now_signature = viewSignature(jobs); now_signature != signature) {
      signature = std::move(now_signature);
      changed_at = Clock::now();
    } else if (Clock::now() - changed_at > kStallLimit) {
      check(false, "nothing changed for " + std::to_string(kStallLimit.count()) + " s (" +
                       (gen->idle() ? "idle" : "not idle") + "): " + describeLeft(jobs));
      break;
    }
    if (Clock::now() > share.deadline) {
      check(false, "the deadline passed: " + describeLeft(jobs));
      break;
    }
    if (!handed_over && imported >= share.handover_at * share.total_jobs) {
      handed_over = true;
      ++t.handovers;
      addStats(t.engine, gen->stats());
      gen.reset();  // its leases are free at once: the other process takes over what was active
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      gen = share.make();
      if (!gen) {
        check(false, "cannot reopen the engine");
        return;
      }
      continue;
    }
    if (!gen->idle()) continue;
    int pending = 0, elsewhere = 0;
    bool needs_restart = false;
    for (const auto& job : jobs) {
      if (job.state == JobState::kImported) continue;
      if (!job.held_by.empty()) {
        ++elsewhere;
        continue;
      }
      ++pending;
      if (job.state == JobState::kUnknown && job.needs_decision) {
        Status resent = gen->resolveUnknown(job.local_id, true);
        if (resent) {
          ++t.resent_by_user;
        } else if (resent.error().code == ErrorCode::kInvalidArgument && share.other_alive()) {
          t.decisions_lost.insert(job.local_id);  // the other process took it first (our copy was stale)
        } else {
          check(false, "resend " + job.local_id + ": " + resent.error().message);
        }
      } else {
        needs_restart = true;  // e.g. a failed download or an unchecked unknown: resume picks it up
      }
    }
    const bool all_known = static_cast<int>(jobs.size()) >= share.total_jobs || !share.other_alive();
    if (pending == 0 && elsewhere == 0 && all_known) break;
    if (!needs_restart) {
      stuck_since = {};
      continue;
    }
    if (stuck_since == Clock::time_point{}) stuck_since = Clock::now();
    if (Clock::now() - stuck_since < std::chrono::seconds(1)) continue;  // the other process may move it
    stuck_since = {};
    restarts_without_progress = pending == last_pending ? restarts_without_progress + 1 : 0;
    last_pending = pending;
    if (restarts_without_progress >= 3) break;
    addStats(t.engine, gen->stats());
    gen.reset();
    gen = share.make();
    ++t.restarts;
    if (!gen) {
      check(false, "cannot restart the engine");
      return;
    }
  }
  addStats(t.engine, gen->stats());
}

GeneratorOptions soakGeneratorOptions(const std::string& project, const std::string& base_url,
                                      const std::string& owner) {
  const test::EmulatedEngineOptions setup = soakSetup();
  GeneratorOptions o = setup.generator;
  o.project_dir = project;
  o.base_url = base_url;
  o.credentials = {setup.emulator.api_key, setup.emulator.api_secret};
  o.owner_name = owner;
  return o;
}

std::unique_ptr<Generator> openGenerator(GeneratorOptions options) {
  auto created = createGenerator(std::move(options));
  if (!created) {
    std::fprintf(stderr, "%s: createGenerator: %s\n", role.c_str(), created.error().message.c_str());
    return nullptr;
  }
  return std::move(*created);
}

// The child: texforge-soak --child PROJECT BASE_URL TOTAL_JOBS SECONDS RESULT_FILE. Submits the odd
// jobs, drives them, writes its tally to RESULT_FILE and exits non-zero on a failure.
int childMain(int argc, char** argv) {
  role = "soak child";
  if (argc != 7) {
    std::fprintf(stderr, "usage: texforge-soak --child PROJECT BASE_URL TOTAL_JOBS SECONDS RESULT_FILE\n");
    return 2;
  }
  const std::string project = argv[2], base_url = argv[3], result_file = argv[6];
  const pid_t parent = ::getppid();
  Share share;
  share.project = project;
  share.total_jobs = std::atoi(argv[4]);
  for (int i = 1; i < share.total_jobs; i += 2) share.indices.push_back(i);
  share.handover_at = 2.0 / 3.0;
  share.make = [&] { return openGenerator(soakGeneratorOptions(project, base_url, "soak-child")); };
  share.other_alive = [parent] { return ::getppid() == parent; };
  share.deadline = Clock::now() + std::chrono::seconds(std::atoi(argv[5]));
  Tally t;
  drive(share, t);
  std::ofstream(result_file) << tallyJson(t).dump() << "\n";
  return failures ? 1 : 0;
}

// ---- the verdict ----

struct Verdict {
  int prompts_paid[3] = {0, 0, 0};  // intended prompts paid 0, 1, 2+ times
  int stray_prompts_paid = 0;       // paid POSTs for prompts no job asked for
  int bodies_paid_twice = 0;
  int jobs_per_prompt_wrong = 0;       // intended prompts with no local job or more than one
  int assets_imported[3] = {0, 0, 0};  // output assets imported 0, 1, 2+ times (by their sidecars)
  int stray_sidecars = 0;              // sidecars of assets no output lists
  int image_files = 0;
  int sidecars = 0;
  int images = 0;    // outputs in state imported
  int expected = 0;  // outputs asked for
};

Verdict judge(const std::vector<JobSnapshot>& jobs, const emulator::Stats& stats, const std::string& project,
              int total_jobs) {
  Verdict v;
  std::map<std::string, int> jobs_per_prompt;
  std::map<std::string, int> imports_per_asset;  // every output's asset, imported or not
  for (const auto& job : jobs) {
    ++jobs_per_prompt[job.params.prompt];
    v.expected += job.params.num_outputs;
    if (job.state != JobState::kImported) {
      std::string outputs;
      for (const auto& o : job.outputs)
        outputs += std::string(outputs.empty() ? "" : ", ") + outputStateName(o.state);
      check(false, job.local_id + " (" + job.params.prompt + ") ended " + jobStateName(job.state) +
                       " [outputs: " + outputs + "]" + (job.error ? ": " + job.error->message : "") +
                       (job.held_by.empty() ? "" : "; " + job.held_by));
    }
    for (const auto& o : job.outputs) {
      v.images += o.state == OutputState::kImported;
      check(o.state == OutputState::kImported, job.local_id + " output " + std::to_string(o.index) + " " +
                                                   outputStateName(o.state) +
                                                   (o.error ? ": " + o.error->message : ""));
      imports_per_asset.emplace(o.asset_id, 0);
    }
    check(static_cast<int>(job.outputs.size()) == job.params.num_outputs,
          job.local_id + " has " + std::to_string(job.outputs.size()) + " outputs");
  }
  for (int i = 0; i < total_jobs; ++i) {
    const int n = jobs_per_prompt.count(promptOf(i)) ? jobs_per_prompt[promptOf(i)] : 0;
    v.jobs_per_prompt_wrong += n != 1;
    check(n == 1, "\"" + promptOf(i) + "\" has " + std::to_string(n) + " jobs in the journal");
  }

  // What the project folder holds: every image with its sidecar, every sidecar naming one output.
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(project + "/assets/generated", ec)) {
    const std::string name = e.path().filename().string();
    const std::string suffix = ".texforge.json";
    if (name.size() <= suffix.size() || name.compare(name.size() - suffix.size(), suffix.size(), suffix)) {
      ++v.image_files;
      check(std::filesystem::exists(e.path().string() + suffix), name + " has no sidecar");
      continue;
    }
    ++v.sidecars;
    const json doc = json::parse(test::readAll(e.path().string()), nullptr, false);
    const std::string asset = doc.is_object() ? doc.value("asset_id", "") : "";
    const std::string image = name.substr(0, name.size() - suffix.size());
    check(std::filesystem::exists(e.path().parent_path() / image), name + " describes a missing image");
    auto it = imports_per_asset.find(asset);
    if (asset.empty() || it == imports_per_asset.end()) {
      ++v.stray_sidecars;
      check(false, name + " names an asset no job lists (" + asset + ")");
      continue;
    }
    ++it->second;
  }
  check(!ec, "cannot list assets/generated: " + ec.message());
  for (const auto& [asset, n] : imports_per_asset) {
    ++v.assets_imported[n > 2 ? 2 : n];
    check(n == 1, "asset " + asset + " was imported " + std::to_string(n) + " times");
  }

  std::set<std::string> intended;
  for (int i = 0; i < total_jobs; ++i) intended.insert(promptOf(i));
  for (const std::string& prompt : intended) {
    auto it = stats.generate_posts_per_prompt.find(prompt);
    const int n = it == stats.generate_posts_per_prompt.end() ? 0 : it->second;
    ++v.prompts_paid[n > 2 ? 2 : n];
    check(n == 1, "\"" + prompt + "\" was paid " + std::to_string(n) + " times");
  }
  for (const auto& [prompt, n] : stats.generate_posts_per_prompt) {
    if (intended.count(prompt)) continue;
    v.stray_prompts_paid += n;
    check(false, std::to_string(n) + " paid POSTs for \"" + prompt + "\", which no job asked for");
  }
  for (const auto& [body, count] : stats.generate_posts_per_body) v.bodies_paid_twice += count > 1;
  check(v.bodies_paid_twice == 0, std::to_string(v.bodies_paid_twice) + " request bodies were paid twice");
  check(v.images == v.expected, "imported " + std::to_string(v.images) + " of " + std::to_string(v.expected));
  check(v.image_files == v.expected, "image files on disk " + std::to_string(v.image_files));
  return v;
}

// Runs the child; its pid, or -1.
pid_t startChild(const std::string& self, const std::string& project, const std::string& base_url, int jobs,
                 int seconds, const std::string& result_file) {
  std::vector<std::string> args = {
      self, "--child", project, base_url, std::to_string(jobs), std::to_string(seconds), result_file};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv.data(), environ);
  if (rc != 0) {
    std::fprintf(stderr, "cannot start the child: %s\n", std::strerror(rc));
    return -1;
  }
  return pid;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--child") return childMain(argc, argv);
  int jobs = 200;
  bool selftest = false;
  for (int a = 1; a < argc; ++a) {
    const std::string arg = argv[a];
    if (arg == "--selftest")
      selftest = true;
    else
      jobs = std::atoi(argv[a]);
  }
  if (jobs < 2) {
    std::fprintf(stderr, "usage: texforge-soak [JOBS >= 2] [--selftest]\n");
    return 2;
  }
  const auto started = Clock::now();
  test::EmulatedEngine engine(soakSetup());
  if (!engine.start()) {
    std::fprintf(stderr, "cannot start: %s\n", engine.error.c_str());
    return 1;
  }
  emulator::Emulator& emu = *engine.server;
  const std::string project = engine.project.path();
  // Every route, every kind of trouble the wire can bring (not failures of the job itself).
  emu.addFault(randomFault(FaultKind::kServerErrorHtml, 0.05));
  emu.addFault(randomFault(FaultKind::kDropConnection, 0.04));
  emu.addFault(randomFault(FaultKind::kTruncatedBody, 0.04));
  emu.addFault(randomFault(FaultKind::kTooManyRequests, 0.04));
  emu.addFault(randomFault(FaultKind::kMalformedJson, 0.02));
  emu.addFault(randomFault(FaultKind::kExpiredUrl, 0.08));
  emu.addFault(randomFault(FaultKind::kUnknownStatus, 0.08));
  emu.addFault(randomFault(FaultKind::kLatency, 0.05, 150));
  writeInputs(project);

  // The second process on the same project and emulator, at the same time.
  test::TempDir scratch;
  const std::string child_result = scratch.file("child.json");
  const std::string self = std::filesystem::exists("/proc/self/exe")
                               ? std::filesystem::read_symlink("/proc/self/exe").string()
                               : std::string(argv[0]);
  const auto deadline = started + std::chrono::minutes(8);
  pid_t child = startChild(self, project, emu.baseUrl(), jobs, 7 * 60, child_result);
  check(child > 0, "the child process did not start");
  int child_status = -1;
  auto child_alive = [&] {
    if (child <= 0) return false;
    if (::waitpid(child, &child_status, WNOHANG) == child) child = -1;
    return child > 0;
  };

  Share share;
  share.project = project;
  share.total_jobs = jobs;
  for (int i = 0; i < jobs; i += 2) share.indices.push_back(i);
  share.handover_at = 1.0 / 3.0;
  share.make = [&] { return openGenerator(soakGeneratorOptions(project, emu.baseUrl(), "soak-parent")); };
  share.other_alive = child_alive;
  share.deadline = deadline;
  Tally parent;
  drive(share, parent);

  // The child ends once every job is imported; past the deadline it is stopped.
  while (child_alive() && Clock::now() < deadline + std::chrono::seconds(30)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (child_alive()) {
    check(false, "the child process did not end; killed");
    ::kill(child, SIGKILL);
    ::waitpid(child, &child_status, 0);
  }
  check(child_status != -1 && WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0,
        "the child process ended with status " + std::to_string(child_status));
  json child_tally = json::parse(test::readAll(child_result), nullptr, false);
  if (!child_tally.is_object()) {
    check(false, "the child left no tally");
    child_tally = tallyJson(Tally{});
  }

  // "texforge resume": a fresh Generator on the project, waited on until idle. Nothing should be left.
  std::unique_ptr<Generator> gen = openGenerator(soakGeneratorOptions(project, emu.baseUrl(), "soak-resume"));
  if (!gen) return 1;
  int left_for_resume = 0;
  for (const auto& job : gen->jobs()) left_for_resume += job.state != JobState::kImported;
  check(test::waitUntil([&] { return gen->idle(); },
                        [&] {
                          gen->waitForActivity(0.1);
                          gen->pump();
                        },
                        std::chrono::seconds(60)),
        "the resume pass did not become idle");
  gen->pump();
  addStats(parent.engine, gen->stats());

  if (selftest) {
    // A second payment for job 0's request, a duplicate of one imported image and a lost one.
    auto id = gen->submit(soakParams(0, project));
    check(id.ok(), "selftest: the second submission of job 0");
    test::waitUntil([&] { return id && gen->job(*id)->state == JobState::kImported; },
                    [&] {
                      gen->waitForActivity(0.1);
                      gen->pump();
                    },
                    std::chrono::seconds(60));
    std::vector<std::filesystem::path> images;
    for (auto& e : std::filesystem::directory_iterator(project + "/assets/generated")) {
      if (e.path().extension() != ".json") images.push_back(e.path());
    }
    if (images.size() >= 2) {
      std::filesystem::path dup = images[0];
      dup.replace_filename("duplicate-" + images[0].filename().string());
      std::filesystem::copy_file(images[0], dup);
      std::filesystem::copy_file(images[0].string() + ".texforge.json", dup.string() + ".texforge.json");
      std::filesystem::remove(images[1]);
      std::filesystem::remove(images[1].string() + ".texforge.json");
    }
  }

  const emulator::Stats stats = emu.stats();
  const Verdict v = judge(gen->jobs(), stats, project, jobs);
  check(stats.jobs_created == jobs, "jobs created on the service " + std::to_string(stats.jobs_created));
  check(stats.cdn_authorization_headers == 0, "Authorization headers sent to the CDN");
  check(left_for_resume == 0, std::to_string(left_for_resume) + " jobs were left for the resume pass");
  gen.reset();
  // TEXFORGE_SOAK_KEEP=DIR: a failed run's project (journal, cache, imports) and the emulator's
  // figures are copied there for a post-mortem.
  if (const char* keep = std::getenv("TEXFORGE_SOAK_KEEP"); keep && *keep && failures) {
    std::error_code ec;
    std::filesystem::copy(project, keep, std::filesystem::copy_options::recursive, ec);
    test::writeAll(std::string(keep) + "/emulator-stats.json", emu.statsJson());
    std::fprintf(stderr, "soak: the project was kept in %s%s\n", keep,
                 ec ? (": " + ec.message()).c_str() : "");
  }

  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  std::string faults;
  int total_faults = 0;
  for (const auto& [kind, count] : stats.faults_injected) {
    faults += (faults.empty() ? "" : ", ") + kind + "=" + std::to_string(count);
    total_faults += count;
  }
  auto c = [&](const char* key) { return child_tally.value(key, 0LL); };
  const long long retries = static_cast<long long>(parent.engine.retries) + c("retries");
  const long long refreshes = static_cast<long long>(parent.engine.url_refreshes) + c("url_refreshes");
  const long long reconciled = static_cast<long long>(parent.engine.reconciled) + c("reconciled");
  std::printf(
      "soak: two processes on one project: parent submitted %d, child %lld (%d+%lld with local references, "
      "%d+%lld with a mask, %d uploads); the child worked on %lld of the parent's jobs, the parent on %zu "
      "of the child's; %d+%lld handovers, %zu+%lld decisions the other process took first; %d jobs left "
      "for the resume pass\n",
      parent.submitted, c("submitted"), parent.with_references, c("with_references"), parent.with_mask,
      c("with_mask"), stats.requests_per_route.count("upload") ? stats.requests_per_route.at("upload") : 0,
      c("worked_on_for_other"), parent.worked_on_for_other.size(), parent.handovers, c("handovers"),
      parent.decisions_lost.size(), c("decisions_lost"), left_for_resume);
  std::printf(
      "soak: paid POSTs per intended request (%d prompts): paid 0 times: %d, once: %d, 2+ times: %d; "
      "%d paid POSTs for other prompts\n",
      jobs, v.prompts_paid[0], v.prompts_paid[1], v.prompts_paid[2], v.stray_prompts_paid);
  std::printf(
      "soak: imports per output asset (%d assets): 0: %d, 1: %d, 2+: %d; %d image files, %d sidecars, "
      "%d of no asset\n",
      v.assets_imported[0] + v.assets_imported[1] + v.assets_imported[2], v.assets_imported[0],
      v.assets_imported[1], v.assets_imported[2], v.image_files, v.sidecars, v.stray_sidecars);
  if (selftest) {
    const bool caught = v.prompts_paid[2] >= 1 && v.assets_imported[2] >= 1 && v.assets_imported[0] >= 1;
    std::printf(
        "soak selftest: a planted second payment, duplicate import and lost import were %s (%d "
        "check failures), %.1f s\n",
        caught ? "all caught" : "NOT all caught", failures, seconds);
    return caught ? 0 : 1;
  }
  std::printf(
      "soak: %s: %d jobs, %d/%d images imported once, %d faults injected (%s), %lld client retries, "
      "%lld URL refreshes, %lld lost answers reconciled, %d+%lld resent after the service said they never "
      "started, %d+%lld restarts, 0 paid twice: %s, %.1f s\n",
      failures ? "FAILED" : "passed", jobs, v.assets_imported[1], v.expected, total_faults, faults.c_str(),
      retries, refreshes, reconciled, parent.resent_by_user, c("resent_by_user"), parent.restarts,
      c("restarts"), v.prompts_paid[2] == 0 && v.bodies_paid_twice == 0 ? "yes" : "NO", seconds);
  return failures ? 1 : 0;
}
