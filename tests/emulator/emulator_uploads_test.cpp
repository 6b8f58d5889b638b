// The multipart upload routes: field validation, signed part URLs that take no credentials (and
// count any sent), parts in any order and replaced when sent again, "complete" refused while a part
// is missing, then pending -> validating -> imported (a usable asset) or failed with a reason.
#include <random>

#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

constexpr char kStatusPrefix[] = "/v1/uploads/";

// A PNG of random noise (it does not compress): width x height RGBA.
std::string noisePng(int width, int height, uint32_t seed) {
  Rgba image;
  image.width = width;
  image.height = height;
  image.pixels.resize(size_t(width) * height * 4);
  std::mt19937 rng(seed);
  for (auto& p : image.pixels) p = uint8_t(rng());
  return encodePng(image);
}

std::string smallPng() {
  Rgba image;
  image.width = image.height = 64;
  image.pixels.assign(64 * 64 * 4, 200);
  return encodePng(image);
}

json startBody(const std::string& bytes, int parts, const std::string& type = "image/png") {
  return {{"fileName", "ref.png"},
          {"fileSize", bytes.size()},
          {"contentType", type},
          {"kind", "image"},
          {"parts", parts}};
}

class UploadTest : public EmulatorTest {
 protected:
  Reply put(const std::string& url, const std::string& bytes, bool auth = false) {
    return toReply(client(auth).Put(pathOf(url).c_str(), bytes, "application/octet-stream"));
  }

  // Starts an upload; its id and the part URLs in order.
  std::string start(const json& body, std::vector<std::string>* urls) {
    Reply r = post("/v1/uploads", body);
    EXPECT_EQ(r.status, 200) << r.raw;
    if (r.status != 200) return "";
    for (const json& part : r.body["upload"]["parts"]) urls->push_back(part["url"]);
    return r.body["upload"]["id"];
  }

  json status(const std::string& id) {
    Reply r = get(kStatusPrefix + id);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.is_object() ? r.body["upload"] : json();
  }

  Reply complete(const std::string& id) {
    return post(kStatusPrefix + id + "/action", {{"action", "complete"}});
  }

  // Uploads bytes in one part and completes; the upload id.
  std::string uploadWhole(const std::string& bytes, uint64_t announced) {
    std::vector<std::string> urls;
    json body = startBody(bytes, 1);
    body["fileSize"] = announced;
    std::string id = start(body, &urls);
    EXPECT_EQ(urls.size(), 1u);
    if (urls.empty()) return id;
    EXPECT_EQ(put(urls[0], bytes).status, 200);
    EXPECT_EQ(complete(id).status, 200);
    return id;
  }
};

TEST_F(UploadTest, StartValidatesEveryField) {
  const std::string png = smallPng();
  EXPECT_EQ(post("/v1/uploads", startBody(png, 1), false).status, 401);
  std::vector<json> bad;
  for (const char* field : {"fileName", "fileSize", "contentType", "kind", "parts"}) {
    json body = startBody(png, 1);
    body.erase(field);
    bad.push_back(body);
  }
  json body = startBody(png, 1, "image/gif");
  bad.push_back(body);
  body = startBody(png, 1);
  body["kind"] = "model";
  bad.push_back(body);
  body = startBody(png, 1);
  body["fileSize"] = 0;
  bad.push_back(body);
  body = startBody(png, 2);  // every part but the last must be 5 MiB: this file fits in one
  bad.push_back(body);
  body = startBody(png, 1);
  body["parts"] = 0;
  bad.push_back(body);
  for (const json& b : bad) {
    Reply r = post("/v1/uploads", b);
    EXPECT_EQ(r.status, 400) << b.dump();
    EXPECT_TRUE(r.body.is_object() && r.body.contains("reason")) << r.raw;
  }
  EXPECT_EQ(postRaw("/v1/uploads", "not json").status, 400);
}

TEST_F(UploadTest, PartsInAnyOrderBecomeAnAssetAJobCanUse) {
  const std::string bytes = noisePng(1300, 1100, 7);  // about 5.7 MB: two parts of 5 MiB at most
  const size_t part = size_t(5) << 20;
  ASSERT_GT(bytes.size(), part);
  std::vector<std::string> urls;
  const std::string id = start(startBody(bytes, 2), &urls);
  ASSERT_EQ(urls.size(), 2u);
  for (const std::string& url : urls) {
    EXPECT_NE(url.find("/uploads-parts/" + id + "/"), std::string::npos) << url;
    EXPECT_NE(url.find("Signature="), std::string::npos) << url;
  }
  EXPECT_EQ(status(id)["status"], "pending");

  Reply second = put(urls[1], bytes.substr(part));
  EXPECT_EQ(second.status, 200) << second.raw;
  EXPECT_TRUE(second.raw.empty());
  EXPECT_TRUE(second.headers.count("ETag"));
  EXPECT_EQ(put(urls[0], std::string(part, 'x')).status, 200);
  EXPECT_EQ(put(urls[0], bytes.substr(0, part)).status, 200);  // sent again: replaces the first
  EXPECT_EQ(status(id)["status"], "pending");

  Reply done = complete(id);
  ASSERT_EQ(done.status, 200) << done.raw;
  EXPECT_EQ(complete(id).status, 200) << "completing twice answers the same";
  EXPECT_EQ(status(id)["status"], "validating");
  json imported = status(id);
  ASSERT_EQ(imported["status"], "imported") << imported.dump();
  const std::string asset_id = imported["entityId"];
  EXPECT_EQ(status(id)["entityId"], asset_id) << "the same asset on every later answer";

  json a = asset(asset_id);
  EXPECT_EQ(a["properties"]["width"], 1300);
  EXPECT_EQ(a["properties"]["height"], 1100);
  EXPECT_EQ(a["properties"]["size"], bytes.size());
  Reply cdn = get(pathOf(a["url"]), false);
  ASSERT_EQ(cdn.status, 200);
  EXPECT_EQ(cdn.raw, bytes);
  EXPECT_EQ(generateAssets({{"prompt", "with a large reference"},
                            {"width", 1024},
                            {"height", 1024},
                            {"referenceImages", {asset_id}}})
                .size(),
            1u);

  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.upload_part_puts, 3);
  EXPECT_EQ(stats.upload_part_authorization_headers, 0);
  EXPECT_EQ(stats.uploads_imported, std::vector<std::string>{asset_id});
  EXPECT_EQ(stats.requests_per_route["upload_part"], 3);
}

TEST_F(UploadTest, CompleteIsRefusedWhileAPartIsMissing) {
  const std::string bytes((size_t(5) << 20) + 100, 'x');  // never imported: it need not be an image
  std::vector<std::string> urls;
  const std::string id = start(startBody(bytes, 2), &urls);
  ASSERT_EQ(urls.size(), 2u);
  EXPECT_EQ(put(urls[1], bytes.substr(size_t(5) << 20)).status, 200);
  Reply r = complete(id);
  EXPECT_EQ(r.status, 400) << r.raw;
  EXPECT_NE(r.raw.find("1"), std::string::npos) << r.raw;
  EXPECT_EQ(status(id)["status"], "pending");
  EXPECT_EQ(post(kStatusPrefix + id + "/action", {{"action", "finish"}}).status, 400);
  EXPECT_EQ(post("/v1/uploads/upload_missing/action", {{"action", "complete"}}).status, 404);
  EXPECT_EQ(get("/v1/uploads/upload_missing").status, 404);
}

TEST_F(UploadTest, PartUrlsAreTheirOwnCredentialAndCountAuthorization) {
  const std::string png = smallPng();
  std::vector<std::string> urls;
  const std::string id = start(startBody(png, 1), &urls);
  ASSERT_EQ(urls.size(), 1u);
  std::string tampered = urls[0];
  tampered.replace(tampered.find("/1?"), 3, "/2?");  // another part under the first one's signature
  EXPECT_EQ(put(tampered, png).status, 403);
  EXPECT_EQ(put(urls[0] + "&extra=1", png).status, 403);
  EXPECT_EQ(put(urls[0], png, true).status, 200);  // a careless client sends its key along
  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.upload_part_authorization_headers, 1);
  EXPECT_EQ(stats.upload_part_puts, 3);
  ASSERT_EQ(complete(id).status, 200);
  EXPECT_EQ(put(urls[0], png).status, 400) << "no parts after complete";
}

TEST_F(UploadTest, BytesThatAreNotAnImageFailWithAReason) {
  std::string fake = smallPng().substr(0, 33) + std::string(4000, '\x5a');  // a PNG header, then junk
  const std::string id = uploadWhole(fake, fake.size());
  EXPECT_EQ(status(id)["status"], "validating");
  json failed = status(id);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_NE(failed.value("errorMessage", "").find("not a valid image"), std::string::npos) << failed.dump();
  EXPECT_FALSE(failed.contains("entityId"));
  EXPECT_TRUE(emulator_->stats().uploads_imported.empty());
}

TEST_F(UploadTest, PartsThatDoNotAddUpToFileSizeFail) {
  const std::string png = smallPng();
  const std::string id = uploadWhole(png, png.size() + 10);
  status(id);  // validating
  json failed = status(id);
  EXPECT_EQ(failed["status"], "failed");
  EXPECT_NE(failed.value("errorMessage", "").find("fileSize"), std::string::npos) << failed.dump();
}

TEST_F(UploadTest, AFaultedPartIsSentAgainAndReplaced) {
  emulator_->addFault(fault(Route::kUploadPart, FaultKind::kServerErrorHtml));
  const std::string png = smallPng();
  std::vector<std::string> urls;
  const std::string id = start(startBody(png, 1), &urls);
  ASSERT_EQ(urls.size(), 1u);
  EXPECT_EQ(put(urls[0], png).status, 502);
  EXPECT_EQ(complete(id).status, 400) << "the faulted PUT stored nothing";
  EXPECT_EQ(put(urls[0], png).status, 200);
  ASSERT_EQ(complete(id).status, 200);
  status(id);
  EXPECT_EQ(status(id)["status"], "imported");
  EXPECT_EQ(emulator_->stats().faults_injected["server_error_html"], 1);
}

}  // namespace
}  // namespace texforge::emulator::testing
