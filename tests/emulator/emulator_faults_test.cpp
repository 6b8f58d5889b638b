// Fault injection as a client meets it: 429s with Retry-After, HTML gateway errors, dropped and
// truncated connections (real transport errors), odd statuses, 404s, echoed headers, failed jobs and
// broken CDN bytes.
#include <thread>

#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

TEST_F(EmulatorTest, TooManyRequestsCarriesRetryAfter) {
  Fault f = fault(Route::kModels, FaultKind::kTooManyRequests);
  f.retry_after_s = 7;
  emulator_->addFault(f);
  Reply r = get(std::string("/v1/models/") + kModel);
  EXPECT_EQ(r.status, 429);
  ASSERT_NE(r.headers.find("Retry-After"), r.headers.end());
  EXPECT_EQ(r.headers.find("Retry-After")->second, "7");
  EXPECT_EQ(r.body.value("remainingSeconds", 0), 7);
  EXPECT_EQ(r.body.value("reason", ""), "Too many requests");
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 200);  // count 1: used up
  EXPECT_EQ(emulator_->stats().faults_injected["too_many_requests"], 1);
}

TEST_F(EmulatorTest, ParallelLimitNamesTheAction) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kParallelLimit));
  Reply r = post(kGeneratePath, {{"prompt", "one too many"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body["details"]["actionName"], "parallel-custom-jobs");
  EXPECT_EQ(r.body["details"]["actionLimit"], 5);
  EXPECT_EQ(emulator_->stats().jobs_created, 0);
}

TEST_F(EmulatorTest, ServerErrorIsAnHtmlPage) {
  emulator_->addFault(fault(Route::kAny, FaultKind::kServerErrorHtml, 2));
  Reply r = get("/v1/jobs");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.headers.find("Content-Type")->second, "text/html");
  EXPECT_TRUE(r.body.is_discarded());
  EXPECT_NE(r.raw.find("Bad Gateway"), std::string::npos);
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 502);
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 200);
}

TEST_F(EmulatorTest, DroppedGenerateStillCreatesTheJob) {
  emulator_->addFault(fault(Route::kGenerate, FaultKind::kDropConnection));
  Reply r = post(kGeneratePath, {{"prompt", "answer lost"}, {"width", 1024}, {"height", 640}});
  EXPECT_FALSE(r.transport_ok);
  EXPECT_NE(r.error, httplib::Error::Success);
  EXPECT_EQ(r.status, 0);
  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 1);
  EXPECT_EQ(stats.jobs_created, 1);
  EXPECT_EQ(stats.faults_injected["drop_connection"], 1);
  // A client reconciles through the job list: the paid job is there, with its input.
  Reply list = get("/v1/jobs");
  ASSERT_EQ(list.body["jobs"].size(), 1u);
  EXPECT_EQ(list.body["jobs"][0]["metadata"]["input"]["prompt"], "answer lost");
  json job = waitForJob(list.body["jobs"][0]["jobId"]);
  EXPECT_EQ(job["status"], "success");
}

TEST_F(EmulatorTest, TruncatedBodyIsATransportError) {
  std::string id = submit({{"prompt", "truncate the poll"}, {"width", 1024}, {"height", 640}});
  emulator_->addFault(fault(Route::kJob, FaultKind::kTruncatedBody));
  Reply r = get("/v1/jobs/" + id);
  EXPECT_FALSE(r.transport_ok);
  EXPECT_NE(r.error, httplib::Error::Success);
  EXPECT_EQ(get("/v1/jobs/" + id).status, 200);

  // The same on the CDN: a download that breaks mid-way, then a retry that works.
  json job = waitForJob(id);
  std::string url = asset(job["metadata"]["assetIds"][0])["url"];
  emulator_->addFault(fault(Route::kCdn, FaultKind::kTruncatedBody));
  EXPECT_FALSE(get(pathOf(url), false).transport_ok);
  EXPECT_EQ(get(pathOf(url), false).status, 200);
}

TEST_F(EmulatorTest, MalformedJsonIsNotJson) {
  emulator_->addFault(fault(Route::kJobList, FaultKind::kMalformedJson));
  Reply r = get("/v1/jobs");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.is_discarded()) << r.raw;
}

TEST_F(EmulatorTest, UnknownStatusIsReportedThenTheJobContinues) {
  Fault f = fault(Route::kJob, FaultKind::kUnknownStatus, 2);
  emulator_->addFault(f);
  std::string id = submit({{"prompt", "odd status"}, {"width", 1024}, {"height", 640}});
  EXPECT_EQ(get("/v1/jobs/" + id).body["job"]["status"], "pending-review");
  std::vector<std::string> statuses;
  json job = waitForJob(id, &statuses);
  EXPECT_EQ(job["status"], "success");
  ASSERT_FALSE(statuses.empty());
  EXPECT_EQ(statuses.front(), "pending-review");  // the second hit
  EXPECT_EQ(emulator_->stats().faults_injected["unknown_status"], 2);

  f.text = "awaiting-moderation";
  f.count = 1;
  emulator_->addFault(f);
  EXPECT_EQ(get("/v1/jobs/" + id).body["job"]["status"], "awaiting-moderation");
}

TEST_F(EmulatorTest, JobFailureSurfacesItsText) {
  emulator_->addFault(fault(Route::kAny, FaultKind::kJobFailure));
  std::string failed = submit({{"prompt", "forbidden"}});
  json job = waitForJob(failed);
  EXPECT_EQ(job["status"], "failure");
  EXPECT_EQ(job["metadata"]["error"], "Your request was rejected by the safety system.");
  EXPECT_EQ(job["metadata"]["assetIds"].size(), 0u);

  Fault custom = fault(Route::kJob, FaultKind::kJobFailure);
  custom.text = "GPU on fire";
  emulator_->addFault(custom);
  EXPECT_EQ(waitForJob(submit({{"prompt", "x"}}))["metadata"]["error"], "GPU on fire");
  // Only the next job: the one after succeeds.
  EXPECT_EQ(waitForJob(submit({{"prompt", "x"}, {"width", 1024}, {"height", 640}}))["status"], "success");
}

TEST_F(EmulatorTest, NotFoundAnswersAJobPollWith404ThenNormally) {
  std::string id = submit({{"prompt", "briefly lost"}, {"width", 1024}, {"height", 640}});
  Reply real = get("/v1/jobs/job_missing");  // before arming: the fault would take this one
  ASSERT_EQ(real.status, 404);
  emulator_->addFault(fault(Route::kJob, FaultKind::kNotFound, 2));
  for (int i = 0; i < 2; ++i) {
    Reply r = get("/v1/jobs/" + id);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body.value("reason", ""), "Job not found");
    EXPECT_EQ(r.raw, real.raw);  // just like the service's own answer for an unknown job
  }
  EXPECT_EQ(get("/v1/jobs/" + id).status, 200);

  // Other routes say what they could not find; armed through the control route here.
  ASSERT_EQ(post("/_emulator/faults", {{"route", "models"}, {"kind", "not_found"}}, false).status, 200);
  Reply model = get(std::string("/v1/models/") + kModel);
  EXPECT_EQ(model.status, 404);
  EXPECT_EQ(model.body.value("reason", ""), "Model not found");
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 200);
  EXPECT_EQ(emulator_->stats().faults_injected["not_found"], 3);
}

TEST_F(EmulatorTest, EchoHeadersPutsTheCredentialsInTheErrorBody) {
  emulator_->addFault(fault(Route::kJobList, FaultKind::kEchoHeaders));
  const std::string authorization = "Authorization: Basic " + base64("emulator-key:emulator-secret");
  Reply r = toReply(client().Get("/v1/jobs", httplib::Headers{{"X-Request-Id", "req-42"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.raw.find(authorization), std::string::npos) << r.raw;
  const std::string reason = r.body.value("reason", "");
  EXPECT_NE(reason.find("GET /v1/jobs HTTP/1.1\n"), std::string::npos) << reason;
  EXPECT_NE(reason.find(authorization + "\n"), std::string::npos) << reason;
  EXPECT_NE(reason.find("X-Request-Id: req-42\n"), std::string::npos) << reason;
  EXPECT_NE(reason.find("Host: 127.0.0.1"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("REMOTE_ADDR"), std::string::npos) << reason;  // the server's own, not sent

  // A 5xx one through the control route; then the route answers normally.
  ASSERT_EQ(
      post("/_emulator/faults", {{"route", "job_list"}, {"kind", "echo_headers"}, {"status", 503}}, false)
          .status,
      200);
  Reply unavailable = get("/v1/jobs");
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_NE(unavailable.body.value("reason", "").find(authorization), std::string::npos);
  EXPECT_EQ(get("/v1/jobs").status, 200);
  EXPECT_EQ(emulator_->stats().faults_injected["echo_headers"], 2);
}

TEST_F(EmulatorTest, LatencyDelaysThenAnswers) {
  Fault f = fault(Route::kModels, FaultKind::kLatency);
  f.latency_ms = 300;
  emulator_->addFault(f);
  auto start = std::chrono::steady_clock::now();
  Reply r = get(std::string("/v1/models/") + kModel);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
}

TEST_F(EmulatorTest, StopWakesARequestHeldByLatency) {
  Fault f = fault(Route::kModels, FaultKind::kLatency);
  f.latency_ms = 60000;
  emulator_->addFault(f);
  std::thread client_thread([&] { get(std::string("/v1/models/") + kModel); });
  // Counted means its faults were drawn: it is in (or entering) the 60 s wait now.
  EXPECT_TRUE(emulator_->waitForRequests(1, std::chrono::seconds(20)));
  const auto start = std::chrono::steady_clock::now();
  emulator_->stop();
  client_thread.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(emulator_->stats().faults_injected["latency"], 1);
}

TEST_F(EmulatorTest, ExpiredUrlFaultGivesA403ThenAFreshUrlWorks) {
  std::vector<std::string> ids =
      generateAssets({{"prompt", "expire once"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  emulator_->addFault(fault(Route::kAny, FaultKind::kExpiredUrl));
  Reply expired = get(pathOf(asset(ids[0])["url"]), false);
  EXPECT_EQ(expired.status, 403);
  EXPECT_EQ(expired.body.value("reason", ""), "URL expired");
  EXPECT_EQ(get(pathOf(asset(ids[0])["url"]), false).status, 200);

  // Aimed at the CDN: a URL issued earlier has lapsed by the time it is used.
  std::string earlier = pathOf(asset(ids[0])["url"]);
  emulator_->addFault(fault(Route::kCdn, FaultKind::kExpiredUrl));
  EXPECT_EQ(get(earlier, false).body.value("reason", ""), "URL expired");
  EXPECT_EQ(get(earlier, false).status, 200);
  EXPECT_EQ(emulator_->stats().faults_injected["expired_url"], 2);
}

TEST_F(EmulatorTest, CdnServesCorruptAndOversizedImages) {
  std::vector<std::string> ids =
      generateAssets({{"prompt", "broken bytes"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  std::string path = pathOf(asset(ids[0])["url"]);

  emulator_->addFault(fault(Route::kCdn, FaultKind::kCorruptImage));
  Reply corrupt = get(path, false);
  EXPECT_EQ(corrupt.status, 200);
  Rgba image;
  EXPECT_FALSE(decodeRgba(corrupt.raw, &image));

  emulator_->addFault(fault(Route::kCdn, FaultKind::kOversizedImage));
  Reply huge = get(path, false);
  EXPECT_EQ(huge.status, 200);
  EXPECT_LT(huge.raw.size(), 1000u);
  ASSERT_GE(huge.raw.size(), 24u);
  EXPECT_EQ(huge.raw.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(huge.raw.substr(12, 4), "IHDR");
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = (v << 8) | uint8_t(huge.raw[at + i]);
    return v;
  };
  EXPECT_EQ(be32(16), 100000u);
  EXPECT_EQ(be32(20), 100000u);
  EXPECT_FALSE(decodeRgba(huge.raw, &image));  // a careful decoder refuses it from the header alone

  EXPECT_TRUE(decodeRgba(get(path, false).raw, &image));
}

TEST_F(EmulatorTest, FaultsCanBeArmedAndClearedOverHttp) {
  Reply armed =
      post("/_emulator/faults",
           {{"route", "models"}, {"kind", "too_many_requests"}, {"count", -1}, {"retry_after_s", 3}}, false);
  ASSERT_EQ(armed.status, 200) << armed.raw;
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 429);
  EXPECT_EQ(toReply(client().Delete("/_emulator/faults")).status, 200);
  EXPECT_EQ(get(std::string("/v1/models/") + kModel).status, 200);
  EXPECT_EQ(post("/_emulator/faults", {{"route", "nowhere"}, {"kind", "latency"}}, false).status, 400);
  EXPECT_EQ(post("/_emulator/faults", {{"kind", "bogus"}}, false).status, 400);
  EXPECT_EQ(emulator_->stats().faults_injected["too_many_requests"], 3);
}

TEST_F(EmulatorTest, ProbabilityZeroNeverFiresAndClearFaultsDisarms) {
  Fault never = fault(Route::kAny, FaultKind::kServerErrorHtml, -1);
  never.probability = 0.0;
  emulator_->addFault(never);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("/v1/jobs").status, 200);
  emulator_->addFault(fault(Route::kAny, FaultKind::kServerErrorHtml, -1));
  EXPECT_EQ(get("/v1/jobs").status, 502);
  emulator_->clearFaults();
  EXPECT_EQ(get("/v1/jobs").status, 200);
}

TEST_F(EmulatorTest, ProbabilisticFaultsAreDeterministicPerSeed) {
  auto pattern = [&] {
    EmulatorOptions options = defaultOptions();
    options.seed = 42;
    startWith(options);
    Fault half = fault(Route::kJobList, FaultKind::kServerErrorHtml, -1);
    half.probability = 0.5;
    emulator_->addFault(half);
    std::string out;
    for (int i = 0; i < 16; ++i) out += get("/v1/jobs").status == 502 ? 'x' : '.';
    return out;
  };
  std::string first = pattern();
  EXPECT_EQ(pattern(), first);
  EXPECT_NE(first.find('x'), std::string::npos);
  EXPECT_NE(first.find('.'), std::string::npos);
}

}  // namespace
}  // namespace texforge::emulator::testing
