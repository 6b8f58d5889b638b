// Issue 12, goal 3: how soon a client notices that a job has ended, and how many polls it spends on
// the way, over jobs of 5 to 55 s. Three pollers run side by side in one process, against one
// in-process emulator, on the same jobs' lengths at the same time:
//   - texforge as it is: progress-predicted polling (GeneratorOptions::poll_predict);
//   - texforge's schedule before it (backoff 1, 1.5, 2.25... s up to 4 s, progress unused);
//   - fixed 3 s polling, as Scenario's official plugins do (same client, poll_initial_s =
//     poll_max_s = 3, backoff 1).
// A job's end is taken as the moment its paid POST was sent plus its length, so each delay is
// overstated by the POST's time on loopback (about a millisecond). The emulator renders each job's
// image while it runs, so the poll that sees the end is not slowed by rendering.
//
// texforge-bench-noticing [--runs N] [--scale F]: F shortens every job (0.2: 1 to 11 s) for a quick
// look; the figures are at scale 1. Prints each run, then the medians and the ratios.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_support.h"
#include "texforge/emulator/emulator.h"
#include "texforge/generator.h"

namespace texforge::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kShortestS = 5;
constexpr double kLongestS = 55;
constexpr double kStepS = 5;

double secondsNow() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

struct Poller {
  const char* name;
  double initial_s, max_s, backoff;
  bool predict;
};

const Poller kPollers[] = {
    {"texforge (predicted)", 1.0, 4.0, 1.5, true},
    {"texforge before (backoff to 4 s)", 1.0, 4.0, 1.5, false},
    {"fixed 3 s", 3.0, 3.0, 1.0, false},
};
constexpr int kPollerCount = sizeof(kPollers) / sizeof(kPollers[0]);

// Per job: when its POST went, when its end was seen, and the polls that answered "running".
struct Timeline {
  double sent_s = -1;
  double noticed_s = -1;
  int running_answers = 0;
};

// Reads the engine's log: the lines it writes as a job is sent, polled and seen to end.
class TimelineLog {
 public:
  std::function<void(LogLevel, const std::string&)> sink() {
    return [this](LogLevel, const std::string& line) {
      const double now = secondsNow();
      const size_t colon = line.find(": ");
      if (colon == std::string::npos || line.compare(0, 3, "tf_") != 0) return;
      const std::string id = line.substr(0, colon);
      const std::string text = line.substr(colon + 2);
      std::lock_guard<std::mutex> lock(mutex_);
      Timeline& t = jobs_[id];
      if (text.rfind("paid request sent", 0) == 0) t.sent_s = now;
      if (text.find(" succeeded with ") != std::string::npos && t.noticed_s < 0) t.noticed_s = now;
      if (text.rfind("job ", 0) == 0 && text.find(" is ") != std::string::npos &&
          text.find("%)") != std::string::npos) {
        ++t.running_answers;
      }
    };
  }
  Timeline of(const std::string& id) const {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = jobs_.find(id);
    return it == jobs_.end() ? Timeline{} : it->second;
  }

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Timeline> jobs_;
};

struct Figures {
  double mean_late_s = 0;
  double max_late_s = 0;
  double polls_per_job = 0;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// One run: every poller gets one job of each length, all submitted together.
bool runOnce(emulator::Emulator& server, double scale, Figures out[kPollerCount]) {
  std::vector<std::unique_ptr<test::TempDir>> projects;
  std::vector<std::unique_ptr<TimelineLog>> logs;
  std::vector<std::unique_ptr<Generator>> engines;
  for (const Poller& p : kPollers) {
    projects.push_back(std::make_unique<test::TempDir>());
    logs.push_back(std::make_unique<TimelineLog>());
    GeneratorOptions o;
    o.project_dir = projects.back()->path();
    o.base_url = server.baseUrl();
    o.credentials = {"emulator-key", "emulator-secret"};
    o.poll_initial_s = p.initial_s;
    o.poll_max_s = p.max_s;
    o.poll_backoff = p.backoff;
    o.poll_predict = p.predict;
    o.decode_outputs = false;  // the bytes are checked, not decoded: this bench is about polling
    o.max_jobs_in_flight = 64;
    o.log = logs.back()->sink();
    auto created = createGenerator(std::move(o));
    if (!created) {
      std::fprintf(stderr, "createGenerator: %s\n", created.error().message.c_str());
      return false;
    }
    engines.push_back(std::move(*created));
  }
  struct Submitted {
    int poller;
    double length_s;
    std::string id;
  };
  std::vector<Submitted> submitted;
  for (double length = kShortestS; length <= kLongestS + 1e-9; length += kStepS) {
    for (int p = 0; p < kPollerCount; ++p) {
      server.setJobDurationMs(static_cast<int>(length * scale * 1000));
      GenerationParams params;
      params.prompt = "a lantern, " + std::to_string(static_cast<int>(length)) + " s";
      params.quality = "low";
      auto id = engines[p]->submit(params);
      if (!id) {
        std::fprintf(stderr, "submit: %s\n", id.error().message.c_str());
        return false;
      }
      // The emulator reads the length when the POST arrives: wait for this job's before the next.
      while (engines[p]->job(*id) && engines[p]->job(*id)->job_id.empty()) {
        engines[p]->waitForActivity(1.0);
        engines[p]->pump();
      }
      submitted.push_back({p, length * scale, *id});
    }
  }
  for (;;) {
    bool active = false;
    for (const Submitted& s : submitted) {
      auto j = engines[s.poller]->job(s.id);
      active = active || (j && isJobActive(j->state));
    }
    if (!active) break;
    for (auto& e : engines) {
      e->waitForActivity(0.2);
      e->pump();
    }
  }
  for (int p = 0; p < kPollerCount; ++p) {
    Figures f;
    int n = 0;
    for (const Submitted& s : submitted) {
      if (s.poller != p) continue;
      const Timeline t = logs[p]->of(s.id);
      if (t.sent_s < 0 || t.noticed_s < 0) {
        std::fprintf(stderr, "%s: job %s has no timeline (it failed?)\n", kPollers[p].name, s.id.c_str());
        return false;
      }
      const double late = t.noticed_s - (t.sent_s + s.length_s);
      f.mean_late_s += late;
      f.max_late_s = std::max(f.max_late_s, late);
      f.polls_per_job += t.running_answers + 1;  // and the one that saw the end
      ++n;
    }
    f.mean_late_s /= n;
    f.polls_per_job /= n;
    out[p] = f;
  }
  return true;
}

int run(int runs, double scale) {
  emulator::EmulatorOptions eo;
  emulator::Emulator server(eo);
  if (!server.start()) {
    std::fprintf(stderr, "emulator: %s\n", server.error().c_str());
    return 1;
  }
  std::printf("jobs of %.0f to %.0f s (x%.2f), one per %.0f s step for each poller, all at once\n",
              kShortestS, kLongestS, scale, kStepS);
  std::vector<Figures> all[kPollerCount];
  for (int r = 0; r < runs; ++r) {
    Figures f[kPollerCount];
    if (!runOnce(server, scale, f)) return 1;
    for (int p = 0; p < kPollerCount; ++p) {
      all[p].push_back(f[p]);
      std::printf("run %d  %-34s mean delay %6.3f s  max %6.3f s  polls/job %5.2f\n", r + 1, kPollers[p].name,
                  f[p].mean_late_s, f[p].max_late_s, f[p].polls_per_job);
    }
    std::fflush(stdout);
  }
  std::printf("\nmedians of %d runs\n", runs);
  double late[kPollerCount], polls[kPollerCount];
  for (int p = 0; p < kPollerCount; ++p) {
    std::vector<double> l, m, q;
    for (const Figures& f : all[p]) {
      l.push_back(f.mean_late_s);
      m.push_back(f.max_late_s);
      q.push_back(f.polls_per_job);
    }
    late[p] = median(l);
    polls[p] = median(q);
    std::printf("%-34s mean delay %6.3f s  max %6.3f s  polls/job %5.2f\n", kPollers[p].name, late[p],
                median(m), polls[p]);
  }
  const int fixed = kPollerCount - 1;
  std::printf("\nratio to fixed 3 s (goal: delay <= 0.33, polls <= 1.0)\n");
  for (int p = 0; p < fixed; ++p) {
    std::printf("%-34s delay %.2f  polls %.2f\n", kPollers[p].name, late[p] / late[fixed],
                polls[p] / polls[fixed]);
  }
  return 0;
}

}  // namespace
}  // namespace texforge::bench

int main(int argc, char** argv) {
  int runs = 3;
  double scale = 1.0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
      scale = std::atof(argv[++i]);
      if (!(scale > 0 && scale <= 10)) scale = 1.0;
    } else {
      std::fprintf(stderr, "usage: %s [--runs N] [--scale F]\n", argv[0]);
      return 2;
    }
  }
  return texforge::bench::run(runs, scale);
}
