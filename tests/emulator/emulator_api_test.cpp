// The emulator's REST surface as a client sees it: credentials, the model schema, body validation,
// dry runs, the job lifecycle, listing, cancel refusal, uploads and the inspection routes.
#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

TEST_F(EmulatorTest, RejectsMissingAndWrongCredentials) {
  Reply none = get(std::string("/v1/models/") + kModel, false);
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(none.body.value("reason", ""), "Unauthorized: invalid API key or secret");

  httplib::Client wrong("127.0.0.1", emulator_->port());
  wrong.set_basic_auth("emulator-key", "not-the-secret");
  Reply bad = toReply(wrong.Get((std::string("/v1/models/") + kModel).c_str()));
  EXPECT_EQ(bad.status, 401);

  Reply good = get(std::string("/v1/models/") + kModel + "?projectId=proj_123");
  EXPECT_EQ(good.status, 200);
  EXPECT_EQ(emulator_->stats().unauthorized, 2);
}

TEST_F(EmulatorTest, ServesTheGptImage2Schema) {
  Reply r = get(std::string("/v1/models/") + kModel);
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& model = r.body["model"];
  EXPECT_EQ(model["id"], kModel);
  EXPECT_EQ(model["name"], "GPT Image 2");
  EXPECT_EQ(model["type"], "custom");
  std::map<std::string, json> inputs;
  for (const json& input : model["inputs"]) inputs[input["name"]] = input;
  ASSERT_EQ(inputs.size(), 8u);
  EXPECT_EQ(inputs["prompt"]["type"], "string");
  EXPECT_EQ(inputs["prompt"]["required"], true);
  EXPECT_EQ(inputs["prompt"]["maxLength"], 32000);
  EXPECT_EQ(inputs["referenceImages"]["type"], "file_array");
  EXPECT_EQ(inputs["referenceImages"]["max"], 10);
  EXPECT_EQ(inputs["mask"]["type"], "file");
  EXPECT_EQ(inputs["numOutputs"]["min"], 1);
  EXPECT_EQ(inputs["numOutputs"]["max"], 10);
  EXPECT_EQ(inputs["numOutputs"]["default"], 1);
  EXPECT_EQ(inputs["width"]["min"], 176);
  EXPECT_EQ(inputs["height"]["max"], 3840);
  EXPECT_EQ(inputs["height"]["step"], 16);
  EXPECT_EQ(inputs["quality"]["allowedValues"], json({"auto", "low", "medium", "high"}));
  EXPECT_EQ(inputs["quality"]["default"], "auto");
  EXPECT_EQ(inputs["background"]["allowedValues"], json({"auto", "opaque", "transparent"}));

  Reply missing = get("/v1/models/model_nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.body.value("reason", ""), "Model not found");
}

// JSON goes plain unless compression was asked for: a client that accepts brotli (as curl's does)
// would otherwise make every benchmark measure the emulator's compressor.
TEST_F(EmulatorTest, AnswersJsonPlainUnlessToldToCompress) {
  const std::string path = std::string("/v1/models/") + kModel;
  const httplib::Headers accepts{{"Accept-Encoding", "br, gzip"}};
  Reply plain = toReply(client().Get(path.c_str(), accepts));
  ASSERT_EQ(plain.status, 200) << plain.raw;
  EXPECT_FALSE(plain.headers.count("Content-Encoding")) << plain.headers.find("Content-Encoding")->second;
  EXPECT_EQ(plain.body["model"]["id"], kModel);

  EmulatorOptions options = defaultOptions();
  options.compress_json = true;
  startWith(options);
  Reply compressed = toReply(client().Get(path.c_str(), accepts));
  ASSERT_EQ(compressed.status, 200) << compressed.raw;
  ASSERT_TRUE(compressed.headers.count("Content-Encoding"));
  EXPECT_NE(compressed.headers.find("Content-Encoding")->second, "");
}

TEST_F(EmulatorTest, SchemaDropsTransparentWhenUnsupported) {
  EmulatorOptions options = defaultOptions();
  options.transparent_background_supported = false;
  startWith(options);
  Reply r = get(std::string("/v1/models/") + kModel);
  ASSERT_EQ(r.status, 200);
  for (const json& input : r.body["model"]["inputs"]) {
    if (input["name"] == "background") {
      EXPECT_EQ(input["allowedValues"], json({"auto", "opaque"}));
    }
  }
  Reply rejected = post(kGeneratePath, {{"prompt", "x"}, {"background", "transparent"}});
  EXPECT_EQ(rejected.status, 400);
}

TEST_F(EmulatorTest, RejectsInvalidBodiesNamingTheField) {
  struct Case {
    json body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {{{"prompt", "x"}, {"quality", "ultra"}}, "quality"},
      {{{"prompt", "x"}, {"width", 8}, {"height", 512}}, "width"},
      {{{"prompt", "x"}, {"width", 512}, {"height", 4000}}, "height"},
      {{{"prompt", "x"}, {"width", 512}}, "height"},
      {{{"prompt", "x"}, {"numOutputs", 11}}, "numOutputs"},
      {{{"prompt", "x"}, {"numOutputs", 1.5}}, "numOutputs"},
      {{{"prompt", "x"}, {"background", "green"}}, "background"},
      {{{"prompt", "x"}, {"seed", 3}}, "seed"},
      {{{"quality", "low"}}, "prompt"},
      {{{"prompt", ""}}, "prompt"},
      {{{"prompt", std::string(32001, 'a')}}, "prompt"},
      {{{"prompt", "x"}, {"referenceImages", {"asset_missing"}}}, "referenceImages"},
      {{{"prompt", "x"}, {"mask", "asset_missing"}}, "mask"},
  };
  for (const Case& c : cases) {
    Reply r = post(kGeneratePath, c.body);
    EXPECT_EQ(r.status, 400) << c.body.dump().substr(0, 200);
    EXPECT_NE(r.body.value("reason", "").find(c.field), std::string::npos) << r.raw;
  }
  EXPECT_EQ(postRaw(kGeneratePath, "[1, 2]").status, 400);
  EXPECT_EQ(postRaw(kGeneratePath, "{not json").status, 400);
  EXPECT_EQ(post("/v1/generate/custom/model_other", {{"prompt", "x"}}).status, 404);
  EXPECT_EQ(emulator_->stats().jobs_created, 0);
}

// GPT Image 2 makes 655,360 to 8,294,400 pixels with a long edge of at most 3840: any other size is
// refused with its reason, by the price preview as by the paid POST, and nothing is charged.
TEST_F(EmulatorTest, RefusesSizesTheModelCannotMakeInTheDryRunAndThePaidPost) {
  struct Case {
    int width, height;
    std::string reason;
  };
  const Case cases[] = {
      {512, 512, "width x height must be 655360 to 8294400 pixels, 512x512 is 262144"},
      {1008, 640, "width x height must be 655360 to 8294400 pixels, 1008x640 is 645120"},
      {3840, 3840, "width x height must be 655360 to 8294400 pixels, 3840x3840 is 14745600"},
      {4096, 1024, "width must be between 176 and 3840"},
      {1024, 3856, "height must be between 176 and 3840"},
  };
  const std::string dry_run = std::string(kGeneratePath) + "?dryRun=true";
  for (const Case& c : cases) {
    const json body = {{"prompt", "x"}, {"width", c.width}, {"height", c.height}};
    for (const std::string& path : {dry_run, std::string(kGeneratePath)}) {
      Reply r = post(path, body);
      EXPECT_EQ(r.status, 400) << path << " " << body.dump();
      EXPECT_EQ(r.body.value("reason", "").rfind(c.reason, 0), 0u) << r.raw;
    }
  }
  EXPECT_EQ(post(dry_run, {{"prompt", "x"}, {"width", 1024}, {"height", 640}}).status, 269);
  EXPECT_EQ(post(dry_run, {{"prompt", "x"}, {"width", 3840}, {"height", 2160}}).status, 269);
  EXPECT_EQ(emulator_->stats().jobs_created, 0);
  EXPECT_EQ(get("/v1/jobs").body["jobs"].size(), 0u);
}

TEST_F(EmulatorTest, BareStringReferenceIsSilentlyDropped) {
  std::string id = submit({{"prompt", "a bare string reference"},
                           {"referenceImages", "asset_whatever"},
                           {"width", 1024},
                           {"height", 640}});
  ASSERT_FALSE(id.empty());
  json job = waitForJob(id);
  EXPECT_EQ(job["status"], "success");
  // The input is echoed as received, but nothing was used as a reference (it would have been a 400).
  EXPECT_EQ(job["metadata"]["input"]["referenceImages"], "asset_whatever");
}

TEST_F(EmulatorTest, DryRunAnswers269WithADeterministicCostAndCreatesNothing) {
  json body = {
      {"prompt", "price me"}, {"quality", "high"}, {"numOutputs", 2}, {"width", 1024}, {"height", 1024}};
  std::string path = std::string(kGeneratePath) + "?dryRun=true";
  Reply first = post(path, body);
  ASSERT_EQ(first.status, 269) << first.raw;
  EXPECT_TRUE(first.body["creativeUnitsCost"].is_number());
  EXPECT_GT(first.body["creativeUnitsCost"].get<double>(), 0);
  EXPECT_EQ(first.body["creativeUnitsDiscount"], 0);
  EXPECT_TRUE(first.body["costDetails"].is_object());
  Reply again = post(path, body);
  EXPECT_EQ(again.body["creativeUnitsCost"], first.body["creativeUnitsCost"]);

  body["quality"] = "low";
  Reply cheaper = post(path, body);
  EXPECT_LT(cheaper.body["creativeUnitsCost"].get<double>(), first.body["creativeUnitsCost"].get<double>());

  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.jobs_created, 0);
  EXPECT_EQ(stats.generate_posts, 0);
  EXPECT_EQ(stats.requests_per_route["dry_run"], 3);
  EXPECT_EQ(get("/v1/jobs").body["jobs"].size(), 0u);
}

TEST_F(EmulatorTest, JobProgressesThroughStatusesToSuccess) {
  Reply created =
      post(kGeneratePath, {{"prompt", "progression"}, {"numOutputs", 3}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(created.status, 200) << created.raw;
  const json& job = created.body["job"];
  EXPECT_EQ(job["status"], "queued");
  EXPECT_EQ(job["jobType"], "custom");
  EXPECT_EQ(job["progress"], 0);
  EXPECT_EQ(job["metadata"]["assetIds"].size(), 0u);
  EXPECT_EQ(job["metadata"]["input"]["prompt"], "progression");
  EXPECT_TRUE(job["createdAt"].is_string());
  EXPECT_EQ(created.body["creativeUnitsCost"].is_number(), true);
  std::string id = job["jobId"];
  EXPECT_EQ(id.rfind("job_", 0), 0u);

  std::vector<std::string> statuses;
  json done = waitForJob(id, &statuses);
  EXPECT_EQ(done["status"], "success");
  EXPECT_EQ(done["progress"], 1);
  ASSERT_EQ(done["metadata"]["assetIds"].size(), 3u);
  for (const json& asset_id : done["metadata"]["assetIds"])
    EXPECT_EQ(asset_id.get<std::string>().rfind("asset_", 0), 0u);
  EXPECT_EQ(done["billing"]["cuCost"], created.body["creativeUnitsCost"]);
  // Statuses only move forward through the documented running states.
  const std::vector<std::string> order = {"queued", "warming-up", "in-progress", "finalizing", "success"};
  size_t last = 0;
  for (const std::string& s : statuses) {
    auto it = std::find(order.begin(), order.end(), s);
    ASSERT_NE(it, order.end()) << s;
    EXPECT_GE(size_t(it - order.begin()), last);
    last = size_t(it - order.begin());
  }
  EXPECT_EQ(statuses.back(), "success");

  EXPECT_EQ(get("/v1/jobs/job_unknown").status, 404);
}

TEST_F(EmulatorTest, WaitsAnswerWhatWasCountedAndWhereAJobIs) {
  const auto now = std::chrono::milliseconds(0);
  EXPECT_FALSE(emulator_->waitForRequests(1, now));
  get("/_emulator/stats", false);  // the control routes are not counted
  EXPECT_FALSE(emulator_->waitForRequests(1, now));
  get(std::string("/v1/models/") + kModel, false);  // refused with 401, still counted
  get(std::string("/v1/models/") + kModel);
  EXPECT_TRUE(emulator_->waitForRequests(2, now));
  EXPECT_FALSE(emulator_->waitForRequests(3, now));
  emulator_->resetStats();
  EXPECT_FALSE(emulator_->waitForRequests(1, now));

  std::string id = submit({{"prompt", "where are you"}, {"width", 1024}, {"height", 640}});
  EXPECT_TRUE(emulator_->waitForJobStatus(id, "queued", now));
  EXPECT_FALSE(emulator_->waitForJobStatus(id, "pending-review", now));  // not one of the emulator's
  EXPECT_FALSE(emulator_->waitForJobStatus("job_missing", "queued", now));
  ASSERT_TRUE(emulator_->waitForJobStatus(id, "failure", std::chrono::seconds(20)));  // either end counts
  EXPECT_EQ(get("/v1/jobs/" + id).body["job"]["status"], "success");
}

TEST_F(EmulatorTest, ReportsInProgressWithFractionalProgress) {
  emulator_->setJobDurationMs(3000);  // in-progress from 0.9 s to 2.55 s
  std::string id = submit({{"prompt", "slow"}, {"width", 1024}, {"height", 640}});
  EXPECT_FALSE(emulator_->waitForJobStatus(id, "in-progress", std::chrono::milliseconds(0)));  // still queued
  ASSERT_TRUE(emulator_->waitForJobStatus(id, "in-progress", std::chrono::seconds(40)));
  json job = get("/v1/jobs/" + id).body["job"];
  ASSERT_EQ(job["status"], "in-progress") << job.dump();  // polled within the 1.65 s it lasts
  EXPECT_GE(job["progress"].get<double>(), 0.0);
  EXPECT_LT(job["progress"].get<double>(), 1.0);
}

TEST_F(EmulatorTest, ListsJobsNewestFirstWithPagination) {
  emulator_->setJobDurationMs(60000);  // stay running: listing must not render anything
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(submit({{"prompt", "job " + std::to_string(i)}}));
  std::vector<std::string> listed;
  std::string token;
  int pages = 0;
  do {
    std::string path = "/v1/jobs?pageSize=2" + (token.empty() ? "" : "&paginationToken=" + token);
    Reply r = get(path);
    ASSERT_EQ(r.status, 200) << r.raw;
    ++pages;
    for (const json& job : r.body["jobs"]) {
      listed.push_back(job["jobId"]);
      EXPECT_TRUE(job["metadata"]["input"].contains("prompt"));
      EXPECT_TRUE(job["createdAt"].is_string());
    }
    token = r.body.value("nextPaginationToken", "");
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(listed, expected);
  EXPECT_EQ(get("/v1/jobs?paginationToken=garbage").status, 400);
}

TEST_F(EmulatorTest, RefusesToCancelCustomJobs) {
  std::string id = submit({{"prompt", "cannot cancel"}, {"width", 1024}, {"height", 640}});
  Reply r = post("/v1/jobs/" + id + "/action", {{"action", "cancel"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.value("reason", ""), "Cannot cancel this type of job. Action not permitted.");
  EXPECT_EQ(post("/v1/jobs/job_missing/action", {{"action", "cancel"}}).status, 404);
}

TEST_F(EmulatorTest, UploadsDataUrlsAndRejectsBadOnes) {
  Rgba image{8, 4, std::vector<uint8_t>(8 * 4 * 4, 200)};
  Reply ok =
      post("/v1/assets", {{"image", "data:image/png;base64," + base64(encodePng(image))}, {"name", "r.png"}});
  ASSERT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.body["asset"]["mimeType"], "image/png");
  EXPECT_EQ(ok.body["asset"]["kind"], "image");
  EXPECT_EQ(ok.body["asset"]["properties"]["width"], 8);
  EXPECT_EQ(ok.body["asset"]["properties"]["height"], 4);
  EXPECT_EQ(ok.body["asset"]["id"].get<std::string>().rfind("asset_", 0), 0u);

  EXPECT_EQ(
      post("/v1/assets", {{"image", "data:image/png;base64," + base64("definitely not an image")}}).status,
      400);
  EXPECT_EQ(post("/v1/assets", {{"image", "http://example.com/a.png"}}).status, 400);
  EXPECT_EQ(post("/v1/assets", {{"name", "no image"}}).status, 400);
  std::string huge = encodePng(image) + std::string(3700000, '\0');
  Reply too_big = post("/v1/assets", {{"image", "data:image/png;base64," + base64(huge)}});
  EXPECT_EQ(too_big.status, 413);
  EXPECT_TRUE(too_big.body.contains("reason"));
}

TEST_F(EmulatorTest, RecordsPaidPostsPerBodyAndServesStats) {
  json body = {{"prompt", "count me"}, {"width", 1024}, {"height", 640}};
  submit(body);
  submit(body);
  post(std::string(kGeneratePath) + "?dryRun=true", body);
  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 2);
  EXPECT_EQ(stats.jobs_created, 2);
  EXPECT_EQ(stats.generate_posts_per_body[body.dump()], 2);
  ASSERT_EQ(stats.last_generate_bodies.size(), 2u);
  EXPECT_EQ(json::parse(stats.last_generate_bodies.back()), body);
  EXPECT_EQ(stats.requests_per_route["generate"], 2);

  Reply route = get("/_emulator/stats", false);
  ASSERT_EQ(route.status, 200);
  EXPECT_EQ(route.body["generate_posts"], 2);
  EXPECT_EQ(route.body["jobs_created"], 2);
  EXPECT_EQ(route.body["requests_per_route"]["dry_run"], 1);
  for (const char* key : {"cdn_requests", "cdn_authorization_headers", "unauthorized", "faults_injected",
                          "generate_posts_per_body"}) {
    EXPECT_TRUE(route.body.contains(key)) << key;
  }
  EXPECT_EQ(json::parse(emulator_->statsJson()), route.body);

  EXPECT_EQ(post("/_emulator/reset", json::object(), false).status, 200);
  EXPECT_EQ(emulator_->stats().generate_posts, 0);
  EXPECT_EQ(get("/_emulator/stats", false).body["jobs_created"], 0);
}

TEST_F(EmulatorTest, CountsPaidPostsPerPrompt) {
  Rgba image{8, 8, std::vector<uint8_t>(8 * 8 * 4, 90)};
  std::string first = upload(encodePng(image));
  std::string again = upload(encodePng(image));  // the same reference uploaded again: a new id
  submit({{"prompt", "one intent"}, {"referenceImages", {first}}});
  submit({{"prompt", "one intent"}, {"referenceImages", {again}}});
  submit({{"prompt", "another"}, {"width", 1024}, {"height", 640}});
  post(std::string(kGeneratePath) + "?dryRun=true", {{"prompt", "one intent"}});  // not paid
  EXPECT_EQ(postRaw(kGeneratePath, "not json").status, 400);                      // paid, no prompt

  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 4);
  EXPECT_EQ(stats.generate_posts_per_body.size(), 4u);  // every body differs
  const std::map<std::string, int> expected = {{"one intent", 2}, {"another", 1}, {"", 1}};
  EXPECT_EQ(stats.generate_posts_per_prompt, expected);
  json route = get("/_emulator/stats", false).body;
  EXPECT_EQ(route["generate_posts_per_prompt"]["one intent"], 2);
  EXPECT_EQ(json::parse(emulator_->statsJson())["generate_posts_per_prompt"],
            route["generate_posts_per_prompt"]);
}

TEST_F(EmulatorTest, ControlRoutesRefuseOutOfRangeNumbers) {
  struct Refused {
    json body;
    std::string names;  // what the reason must contain: the field and its allowed range
  };
  const std::vector<Refused> faults = {
      {{{"kind", "latency"}, {"count", -2}},
       "count must be -1 (every request) or an integer between 1 and 1000000"},
      {{{"kind", "latency"}, {"count", 0}}, "count must be -1"},
      {{{"kind", "latency"}, {"count", 5000000000LL}}, "count must be -1"},
      {{{"kind", "latency"}, {"count", 1.5}}, "count must be -1"},
      {{{"kind", "latency"}, {"probability", -0.1}}, "probability must be a number between 0 and 1"},
      {{{"kind", "latency"}, {"probability", 1.5}}, "probability must be a number between 0 and 1"},
      {{{"kind", "latency"}, {"latency_ms", -1}}, "latency_ms must be an integer between 0 and 600000"},
      {{{"kind", "latency"}, {"latency_ms", 1000000000}},
       "latency_ms must be an integer between 0 and 600000"},
      {{{"kind", "too_many_requests"}, {"retry_after_s", -5}},
       "retry_after_s must be an integer between 0 and 86400"},
      {{{"kind", "echo_headers"}, {"status", 200}}, "status must be an integer between 400 and 599"},
      {{{"kind", "latency"}, {"latncy_ms", 5}}, "unknown field latncy_ms"},
  };
  for (const Refused& c : faults) {
    Reply r = post("/_emulator/faults", c.body, false);
    EXPECT_EQ(r.status, 400) << c.body.dump();
    EXPECT_NE(r.body.value("reason", "").find(c.names), std::string::npos) << r.raw;
  }
  // The limits themselves are accepted; probability 0 keeps these from firing.
  for (const json& body :
       {json{{"kind", "silent"}, {"count", -1}, {"probability", 0}, {"latency_ms", 600000}},
        json{{"kind", "late_answer"}, {"count", 1000000}, {"probability", 0}},
        json{{"kind", "echo_headers"}, {"status", 599}, {"probability", 0}},
        json{{"kind", "not_found"}, {"retry_after_s", 86400}, {"probability", 0}}}) {
    EXPECT_EQ(post("/_emulator/faults", body, false).status, 200) << body.dump();
  }
  EXPECT_EQ(get("/v1/jobs").status, 200);
  EXPECT_TRUE(emulator_->stats().faults_injected.empty());

  const std::vector<Refused> configs = {
      {{{"job_duration_ms", -1}}, "job_duration_ms must be an integer between 0 and 3600000"},
      {{{"job_duration_ms", 99999999999LL}}, "job_duration_ms must be an integer between 0 and 3600000"},
      {{{"job_duration_ms", 2.5}}, "job_duration_ms must be an integer between 0 and 3600000"},
      {{{"url_ttl_s", -3}}, "url_ttl_s must be an integer between 0 and 604800"},
      {{{"output_format", "webp"}, {"url_ttl_s", 18446744073709551615ULL}},
       "url_ttl_s must be an integer between 0 and 604800"},
  };
  for (const Refused& c : configs) {
    Reply r = post("/_emulator/config", c.body, false);
    EXPECT_EQ(r.status, 400) << c.body.dump();
    EXPECT_NE(r.body.value("reason", "").find(c.names), std::string::npos) << r.raw;
  }
  Reply unchanged = post("/_emulator/config", json::object(), false);  // a refused request changed nothing
  ASSERT_EQ(unchanged.status, 200) << unchanged.raw;
  EXPECT_EQ(unchanged.body["output_format"], "png");
  EXPECT_EQ(unchanged.body["job_duration_ms"], defaultOptions().job_duration_ms);
  EXPECT_EQ(unchanged.body["url_ttl_s"], 3600);
}

TEST_F(EmulatorTest, ConfigRouteChangesSettingsAtRunTime) {
  Reply r = post("/_emulator/config", {{"output_format", "webp"}, {"job_duration_ms", 50}}, false);
  ASSERT_EQ(r.status, 200) << r.raw;
  std::vector<std::string> ids = generateAssets({{"prompt", "configured"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(asset(ids[0])["mimeType"], "image/webp");
  EXPECT_EQ(post("/_emulator/config", {{"output_format", "gif"}}, false).status, 400);
}

TEST_F(EmulatorTest, StopsCleanlyAndRestarts) {
  int first_port = emulator_->port();
  emulator_->stop();
  EXPECT_FALSE(toReply(httplib::Client("127.0.0.1", first_port).Get("/_emulator/stats")).transport_ok);
  ASSERT_TRUE(emulator_->start()) << emulator_->error();
  EXPECT_EQ(get("/_emulator/stats", false).status, 200);
  EXPECT_EQ(emulator_->baseUrl(), "http://127.0.0.1:" + std::to_string(emulator_->port()) + "/v1");
}

}  // namespace
}  // namespace texforge::emulator::testing
