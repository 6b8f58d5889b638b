// The multipart upload as data, with no network: the bodies sent, the part list that must be exactly
// 1..N, statuses (an unknown one keeps waiting), a failure's reason, and malformed answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "texforge/api.h"

using namespace texforge;
using nlohmann::json;

namespace {

HttpResponse answer(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

std::string ticket(const json& parts, const std::string& id = "upload_1") {
  return json{{"upload", {{"id", id}, {"status", "pending"}, {"parts", parts}}}}.dump();
}

json part(int number) {
  return {{"number", number}, {"url", "https://s3.example.com/b/k?partNumber=" + std::to_string(number)}};
}

std::string statusBody(const json& upload) {
  return json{{"upload", upload}}.dump();
}

}  // namespace

TEST(ApiUploads, BodiesCarryWhatTheServiceAsksFor) {
  json start = json::parse(buildMultipartUploadBody("big \"ref\".png", "image/png", 20'971'520, 3));
  EXPECT_EQ(start["fileName"], "big \"ref\".png");
  EXPECT_EQ(start["fileSize"], 20'971'520);
  EXPECT_EQ(start["contentType"], "image/png");
  EXPECT_EQ(start["kind"], "image");
  EXPECT_EQ(start["parts"], 3);
  EXPECT_EQ(json::parse(buildUploadCompleteBody()), json({{"action", "complete"}}));
}

TEST(ApiUploads, TicketListsEveryPartInOrder) {
  auto parsed = parseUploadAnswer(answer(200, ticket({part(3), part(1), part(2)})), 3);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->id, "upload_1");
  ASSERT_EQ(parsed->parts.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(parsed->parts[i].number, i + 1);
    EXPECT_EQ(parsed->parts[i].url, part(i + 1)["url"]);
  }
}

TEST(ApiUploads, MissingExtraOrRepeatedPartsAreRefused) {
  const std::vector<json> wrong = {
      json::array({part(1), part(2)}),                    // one missing
      json::array({part(1), part(2), part(3), part(4)}),  // one too many
      json::array({part(1), part(1), part(3)}),           // repeated
      json::array({part(0), part(1), part(2)}),           // numbered from 0
      json::array(),
  };
  for (const json& parts : wrong) {
    auto parsed = parseUploadAnswer(answer(200, ticket(parts)), 3);
    ASSERT_FALSE(parsed.ok()) << parts.dump();
    EXPECT_EQ(parsed.error().code, ErrorCode::kProtocol) << parts.dump();
  }
}

TEST(ApiUploads, MalformedTicketsAreProtocolErrors) {
  const std::vector<std::string> bodies = {
      "",
      "<html>ok</html>",
      "{\"upload\": ",
      "[]",
      "{\"upload\": \"upload_1\"}",
      ticket(json::array({part(1)}), ""),                                       // no id
      json{{"upload", {{"id", "upload_1"}}}}.dump(),                            // no parts
      json{{"upload", {{"id", "upload_1"}, {"parts", "all of them"}}}}.dump(),  // not a list
      ticket(json::array({json{{"number", 1}}})),                               // no URL
      ticket(json::array({json{{"number", "1"}, {"url", "https://x/1"}}})),     // number as text
      ticket(json::array({json{{"number", 1.5}, {"url", "https://x/1"}}})),
      ticket(json::array({42})),
      std::string(100000, '[') + std::string(100000, ']'),
  };
  for (const std::string& body : bodies) {
    auto parsed = parseUploadAnswer(answer(200, body), 1);
    ASSERT_FALSE(parsed.ok()) << body.substr(0, 80);
    EXPECT_EQ(parsed.error().code, ErrorCode::kProtocol) << body.substr(0, 80);
  }
}

TEST(ApiUploads, ErrorAnswersKeepTheirHttpMeaning) {
  auto refused = parseUploadAnswer(answer(401, "{\"reason\": \"Unauthorized\"}"), 1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kCredentials);
  auto invalid = parseUploadAnswer(answer(400, "{\"reason\": \"fileSize must be an integer\"}"), 1);
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.error().http_status, 400);
  EXPECT_NE(invalid.error().message.find("fileSize must be an integer"), std::string::npos);
  auto gateway = parseUploadStatus(answer(502, "<html><h1>502 Bad Gateway</h1></html>"));
  ASSERT_FALSE(gateway.ok());
  EXPECT_EQ(gateway.error().code, ErrorCode::kServer);
}

TEST(ApiUploads, ImportedCarriesTheAssetToUse) {
  auto s = parseUploadStatus(
      answer(200, statusBody({{"id", "upload_1"}, {"status", "imported"}, {"entityId", "asset_9"}})));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->phase, UploadPhase::kImported);
  EXPECT_EQ(s->entity_id, "asset_9");

  auto nameless = parseUploadStatus(answer(200, statusBody({{"id", "upload_1"}, {"status", "imported"}})));
  ASSERT_FALSE(nameless.ok());
  EXPECT_EQ(nameless.error().code, ErrorCode::kProtocol);
}

TEST(ApiUploads, UnknownStatusesKeepWaiting) {
  for (const char* status : {"pending", "validating", "processing", "scanning-for-viruses"}) {
    auto s = parseUploadStatus(answer(200, statusBody({{"id", "upload_1"}, {"status", status}})));
    ASSERT_TRUE(s.ok()) << status;
    EXPECT_EQ(s->phase, UploadPhase::kWaiting) << status;
    EXPECT_EQ(s->status, status);
    EXPECT_TRUE(s->entity_id.empty());
  }
  auto silent = parseUploadStatus(answer(200, statusBody({{"id", "upload_1"}})));
  ASSERT_FALSE(silent.ok());
  EXPECT_EQ(silent.error().code, ErrorCode::kProtocol);
}

TEST(ApiUploads, FailedCarriesTheServersReasonRedacted) {
  auto s = parseUploadStatus(answer(
      200,
      statusBody({{"id", "upload_1"},
                  {"status", "failed"},
                  {"errorMessage", "not an image; see https://s3.example.com/b/k?X-Amz-Signature=abc123"}})));
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(s->phase, UploadPhase::kFailed);
  EXPECT_NE(s->error_message.find("not an image"), std::string::npos);
  EXPECT_EQ(s->error_message.find("abc123"), std::string::npos) << s->error_message;

  auto bare = parseUploadStatus(answer(200, statusBody({{"id", "upload_1"}, {"status", "failed"}})));
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->phase, UploadPhase::kFailed);
  EXPECT_TRUE(bare->error_message.empty());
}
