// Request building and answer parsing of the Scenario API, with no network: every job status,
// error bodies (JSON, HTML, empty), arrays versus strings. The parameter rules are in test_params.cpp.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "texforge/api.h"

using namespace texforge;
using nlohmann::json;

namespace {

HttpResponse answer(int status, std::string body, std::map<std::string, std::string> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace

TEST(ApiStatus, KnownTerminalStatusesAndEverythingElseKeepsPolling) {
  EXPECT_EQ(classifyJobStatus("success"), JobPhase::kSuccess);
  EXPECT_EQ(classifyJobStatus("failure"), JobPhase::kFailure);
  EXPECT_EQ(classifyJobStatus("failed"), JobPhase::kFailure);
  EXPECT_EQ(classifyJobStatus("canceled"), JobPhase::kCanceled);
  EXPECT_EQ(classifyJobStatus("cancelled"), JobPhase::kCanceled);
  for (const char* running : {"pending", "queued", "warming-up", "in-progress", "finalizing",
                              "pending-review", "some-status-added-next-year", ""}) {
    EXPECT_EQ(classifyJobStatus(running), JobPhase::kRunning) << running;
  }
}

TEST(ApiStatus, AnyTwoHundredIsSuccessIncluding269) {
  EXPECT_TRUE(isSuccessStatus(200));
  EXPECT_TRUE(isSuccessStatus(269));
  EXPECT_TRUE(isSuccessStatus(204));
  EXPECT_FALSE(isSuccessStatus(300));
  EXPECT_FALSE(isSuccessStatus(199));
}

TEST(ApiBuild, GenerateBodyHasEveryParameterAndArraysStayArrays) {
  GenerationParams p;
  p.prompt = "a \"quoted\" stone wall\nwith a newline";
  p.num_outputs = 3;
  p.width = 1024;
  p.height = 768;
  p.quality = "high";
  p.background = "transparent";
  json body = json::parse(buildGenerateBody(p, {"asset_only"}, "asset_mask"));
  EXPECT_EQ(body["prompt"], p.prompt);
  EXPECT_EQ(body["numOutputs"], 3);
  EXPECT_EQ(body["width"], 1024);
  EXPECT_EQ(body["height"], 768);
  EXPECT_EQ(body["quality"], "high");
  EXPECT_EQ(body["background"], "transparent");
  ASSERT_TRUE(body["referenceImages"].is_array());  // one reference is still an array
  EXPECT_EQ(body["referenceImages"][0], "asset_only");
  EXPECT_EQ(body["mask"], "asset_mask");
}

TEST(ApiBuild, AutoSizeOmitsWidthAndHeight) {
  GenerationParams p;
  p.prompt = "x";
  json body = json::parse(buildGenerateBody(p, {}, ""));
  EXPECT_FALSE(body.contains("width"));
  EXPECT_FALSE(body.contains("height"));
  EXPECT_FALSE(body.contains("referenceImages"));
  EXPECT_FALSE(body.contains("mask"));
}

TEST(ApiBuild, UploadBodyIsADataUrl) {
  json body = json::parse(buildUploadBody("ref.png", "image/png", std::string("\x89PNG", 4)));
  EXPECT_EQ(body["name"], "ref.png");
  EXPECT_EQ(body["image"], "data:image/png;base64,iVBORw==");
}

TEST(ApiParse, JobAnswerWithProgressAssetsAndCost) {
  auto job =
      parseJobAnswer(answer(200, R"({"job": {"jobId": "job_1", "status": "in-progress", "progress": 0.4,
      "metadata": {"assetIds": ["asset_a", "asset_b"]}, "billing": {"cuCost": 12.5}}})"));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->job_id, "job_1");
  EXPECT_EQ(job->phase, JobPhase::kRunning);
  EXPECT_DOUBLE_EQ(job->progress, 0.4);
  EXPECT_EQ(job->asset_ids, (std::vector<std::string>{"asset_a", "asset_b"}));
  EXPECT_DOUBLE_EQ(job->cost, 12.5);
}

TEST(ApiParse, CostBesideJobAndAssetIdsAsABareString) {
  auto job = parseJobAnswer(answer(200, R"({"job": {"jobId": "job_2", "status": "success",
      "metadata": {"assetIds": "asset_single"}}, "creativeUnitsCost": 7})"));
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->phase, JobPhase::kSuccess);
  EXPECT_EQ(job->asset_ids, std::vector<std::string>{"asset_single"});
  EXPECT_DOUBLE_EQ(job->cost, 7.0);
}

TEST(ApiParse, FailureTextFromMetadataOrTopLevel) {
  auto a = parseJobAnswer(answer(200, R"({"job": {"jobId": "j", "status": "failure",
      "metadata": {"error": "rejected by the safety system"}}})"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->phase, JobPhase::kFailure);
  EXPECT_EQ(a->error, "rejected by the safety system");
  auto b = parseJobAnswer(
      answer(200, R"({"job": {"jobId": "j", "status": "failed", "errorMessage": "GPU fell over"}})"));
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->error, "GPU fell over");
}

TEST(ApiParse, MalformedTruncatedNestedAndHugeAnswersAreProtocolErrors) {
  EXPECT_EQ(parseJobAnswer(answer(200, R"({"job": {"jobId": )")).error().code, ErrorCode::kProtocol);
  EXPECT_EQ(parseJobAnswer(answer(200, "not json at all")).error().code, ErrorCode::kProtocol);
  EXPECT_EQ(parseJobAnswer(answer(200, R"({"nojob": 1})")).error().code, ErrorCode::kProtocol);
  EXPECT_EQ(parseJobAnswer(answer(200, R"({"job": {"status": "queued"}})")).error().code,
            ErrorCode::kProtocol);
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(parseJobAnswer(answer(200, deep)).error().code, ErrorCode::kProtocol);
  std::string huge = "{\"job\": {\"jobId\": \"" + std::string(kMaxJsonAnswerBytes, 'x') + "\"}}";
  EXPECT_EQ(parseJobAnswer(answer(200, huge)).error().code, ErrorCode::kProtocol);
}

TEST(ApiParse, QuoteFrom269) {
  auto q = parseQuoteAnswer(answer(269, R"({"creativeUnitsCost": 10.75, "creativeUnitsDiscount": 1.5})"));
  ASSERT_TRUE(q.ok());
  EXPECT_DOUBLE_EQ(q->creative_units, 10.75);
  EXPECT_DOUBLE_EQ(q->discount, 1.5);
}

TEST(ApiParse, AssetWithSignedUrl) {
  auto a = parseAssetAnswer(
      answer(200, R"({"asset": {"id": "asset_x", "url": "https://cdn.example/x.png?Signature=s",
      "mimeType": "image/png", "properties": {"width": 64, "height": 32}}})"));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->id, "asset_x");
  EXPECT_EQ(a->url, "https://cdn.example/x.png?Signature=s");
  EXPECT_EQ(a->width, 64);
  EXPECT_EQ(a->height, 32);
}

TEST(ApiParse, ModelSchemaInputs) {
  auto m = parseModelAnswer(answer(200, R"({"model": {"id": "model_openai-gpt-image-2", "inputs": [
      {"name": "quality", "type": "string", "allowedValues": ["auto", "low"], "default": "auto"},
      {"name": "width", "type": "number", "min": 16, "max": 3840, "step": 16},
      {"name": "prompt", "type": "string", "required": true, "maxLength": 32000}]}})"));
  ASSERT_TRUE(m.ok());
  ASSERT_NE(m->input("quality"), nullptr);
  EXPECT_EQ(m->input("quality")->allowed_values, (std::vector<std::string>{"auto", "low"}));
  EXPECT_EQ(*m->input("width")->step, 16);
  EXPECT_TRUE(m->input("prompt")->required);
  EXPECT_EQ(*m->input("prompt")->max_length, 32000);
  EXPECT_EQ(m->input("nope"), nullptr);
}

TEST(ApiParse, JobListWithPaginationToken) {
  std::string token;
  auto jobs = parseJobListAnswer(answer(200, R"({"jobs": [{"jobId": "a", "status": "success"},
      {"jobId": "b", "status": "queued"}], "nextPaginationToken": "t2"})"),
                                 &token);
  ASSERT_TRUE(jobs.ok());
  EXPECT_EQ(jobs->size(), 2u);
  EXPECT_EQ(token, "t2");
}

TEST(ApiErrors, StatusesMapToCodesAndMessagesSayWhatToDo) {
  Error e401 = errorFromResponse(answer(401, R"({"reason": "Unauthorized"})"));
  EXPECT_EQ(e401.code, ErrorCode::kCredentials);
  EXPECT_EQ(e401.http_status, 401);
  EXPECT_NE(e401.message.find("SCENARIO_API_KEY"), std::string::npos);
  EXPECT_NE(e401.message.find("Unauthorized"), std::string::npos);
  EXPECT_EQ(errorFromResponse(answer(403, "")).code, ErrorCode::kForbidden);
  EXPECT_EQ(errorFromResponse(answer(404, "")).code, ErrorCode::kNotFound);
  EXPECT_EQ(errorFromResponse(answer(429, "")).code, ErrorCode::kRateLimited);
  Error e400 = errorFromResponse(answer(400, R"({"message": "quality must be one of auto, low"})"));
  EXPECT_EQ(e400.code, ErrorCode::kInvalidArgument);
  EXPECT_NE(e400.message.find("quality must be one of"), std::string::npos);
  Error e502 = errorFromResponse(
      answer(502, "<html><head><title>502 Bad Gateway</title></head><body>x</body></html>"));
  EXPECT_EQ(e502.code, ErrorCode::kServer);
  EXPECT_NE(e502.message.find("502 Bad Gateway"), std::string::npos);
  EXPECT_EQ(e502.message.find("<html"), std::string::npos);
  EXPECT_EQ(errorFromResponse(answer(0, "Connection refused")).code, ErrorCode::kNetwork);
  Error nested = errorFromResponse(answer(400, R"({"error": {"message": "bad mask"}, "traceId": "t"})"));
  EXPECT_NE(nested.message.find("bad mask"), std::string::npos);
}

TEST(ApiErrors, RetryAfterFromHeaderOrBody) {
  EXPECT_DOUBLE_EQ(retryAfterSeconds(answer(429, "", {{"retry-after", "7"}})), 7.0);
  EXPECT_DOUBLE_EQ(retryAfterSeconds(answer(429, R"({"remainingSeconds": 3})")), 3.0);
  EXPECT_DOUBLE_EQ(retryAfterSeconds(answer(429, R"({"details": {"remainingSeconds": 4}})")), 4.0);
  EXPECT_LT(retryAfterSeconds(answer(429, "")), 0.0);
  EXPECT_GE(retryAfterSeconds(answer(429, "", {{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}})), 0.0);
}

TEST(ApiParams, AssetIdsAndFilesAreToldApart) {
  EXPECT_TRUE(imageInputFromArgument("asset_abc123").isAsset());
  EXPECT_FALSE(imageInputFromArgument("asset_abc.png").isAsset());
  EXPECT_FALSE(imageInputFromArgument("refs/asset_abc").isAsset());
}

TEST(ApiUrls, AnIdIsAlwaysOnePathSegment) {
  EXPECT_EQ(urlPathSegment("job_abc-123.x~"), "job_abc-123.x~");
  EXPECT_EQ(urlPathSegment("../../x"), "..%2F..%2Fx");
  EXPECT_EQ(urlPathSegment(".."), "%2E%2E");
  EXPECT_EQ(urlPathSegment("."), "%2E");
  EXPECT_EQ(urlPathSegment("a b?c#d&e"), "a%20b%3Fc%23d%26e");
}

TEST(ApiRateLimit, TheParallelJobsLimitIsReadFromThe429Body) {
  RateLimit limit = parseRateLimit(answer(
      429,
      R"({"details": {"actionName": "parallel-custom-jobs", "actionLimit": 2, "remainingSeconds": 3}})"));
  EXPECT_EQ(limit.action, "parallel-custom-jobs");
  EXPECT_EQ(limit.limit, 2);
  EXPECT_EQ(parseRateLimit(answer(429, "<html>busy</html>")).limit, -1);
  EXPECT_EQ(parseRateLimit(answer(429, R"({"details": {"actionLimit": "2"}})")).limit, -1);
}

TEST(ApiErrors, TransportFailuresAreWordedFromTheirOwnFieldNotTheBody) {
  HttpResponse lost;
  lost.transport = {TransportError::Kind::kLost, "Connection reset by peer"};
  const Error network = errorFromResponse(lost);
  EXPECT_EQ(network.code, ErrorCode::kNetwork);
  EXPECT_NE(network.message.find("Connection reset by peer"), std::string::npos) << network.message;
  EXPECT_FALSE(lost.neverSent());
  HttpResponse untrusted;
  untrusted.transport = {TransportError::Kind::kTlsRefused, "SSL certificate problem"};
  EXPECT_EQ(errorFromResponse(untrusted).code, ErrorCode::kInsecure);
  EXPECT_TRUE(untrusted.neverSent());
}

TEST(ApiErrors, ServerTextInMessagesCarriesNoTokenAndNoSignedQuery) {
  const std::string token = "ZW11bGF0b3Ita2V5OmVtdWxhdG9yLXNlY3JldA==";
  const std::string url = "https://cdn.example.com/o/a.png?X-Amz-Credential=AK%2F1&X-Amz-Signature=5f3c9a";
  const std::vector<HttpResponse> answers = {
      answer(400, R"({"message": "bad request with Authorization: Basic )" + token + " for " + url + R"("})"),
      answer(502, "<html><head><title>Bad Gateway Basic " + token + " " + url + "</title></head></html>"),
      answer(500, "upstream said: Authorization: Basic " + token + " while fetching " + url),
      answer(403, R"({"error": {"message": "denied Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"}})"),
  };
  for (const HttpResponse& r : answers) {
    const Error e = errorFromResponse(r);
    EXPECT_EQ(e.message.find(token), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("X-Amz-Signature"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("5f3c9a"), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("eyJhbGciOiJIUzI1NiJ9"), std::string::npos) << e.message;
  }
  const Error kept = errorFromResponse(answers[0]);
  EXPECT_NE(kept.message.find("https://cdn.example.com/o/a.png?"), std::string::npos) << kept.message;
  EXPECT_NE(kept.message.find("bad request"), std::string::npos) << kept.message;

  HttpResponse lost;
  lost.transport = {TransportError::Kind::kLost, "timeout on " + url};
  EXPECT_EQ(errorFromResponse(lost).message.find("5f3c9a"), std::string::npos);
  auto failed = parseJobAnswer(
      answer(200, R"({"job": {"jobId": "j", "status": "failure", "metadata": {"error": "could not read )" +
                      url + R"("}}})"));
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed->error.find("5f3c9a"), std::string::npos) << failed->error;
}
