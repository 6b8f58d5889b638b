// Asset records and the CDN: signed URLs download without credentials, any change to the URL or an
// expired one is refused with 403, and Authorization headers sent to the CDN are counted.
#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

TEST_F(EmulatorTest, AssetUrlDownloadsWithoutCredentials) {
  std::vector<std::string> ids =
      generateAssets({{"prompt", "download me"}, {"width", 1152}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  json a = asset(ids[0]);
  EXPECT_EQ(a["id"], ids[0]);
  EXPECT_EQ(a["kind"], "image");
  EXPECT_EQ(a["status"], "success");
  EXPECT_EQ(a["mimeType"], "image/png");
  EXPECT_EQ(a["properties"]["width"], 1152);
  EXPECT_EQ(a["properties"]["height"], 640);
  EXPECT_EQ(a["metadata"]["prompt"], "download me");
  EXPECT_EQ(a["metadata"]["modelId"], kModel);
  EXPECT_TRUE(a["createdAt"].is_string());
  std::string url = a["url"];
  std::string prefix = "http://127.0.0.1:" + std::to_string(emulator_->port()) + "/cdn/" + ids[0] + ".png?";
  EXPECT_EQ(url.rfind(prefix, 0), 0u) << url;
  for (const char* param : {"Expires=", "Policy=", "Signature=", "Key-Pair-Id=EMULATOR"}) {
    EXPECT_NE(url.find(param), std::string::npos) << param;
  }

  Reply r = get(pathOf(url), false);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.find("Content-Type")->second, "image/png");
  EXPECT_EQ(json(r.raw.size()), a["properties"]["size"]);
  Rgba image;
  ASSERT_TRUE(decodeRgba(r.raw, &image));
  EXPECT_EQ(image.width, 1152);
  EXPECT_EQ(image.height, 640);

  Stats stats = emulator_->stats();
  EXPECT_EQ(stats.cdn_requests, 1);
  EXPECT_EQ(stats.cdn_authorization_headers, 0);
  EXPECT_EQ(get("/v1/assets/asset_missing").status, 404);
}

TEST_F(EmulatorTest, CountsAuthorizationHeadersSentToTheCdn) {
  std::vector<std::string> ids =
      generateAssets({{"prompt", "leaky client"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  Reply r = get(pathOf(asset(ids[0])["url"]), true);  // a careless client sends its credentials along
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(emulator_->stats().cdn_authorization_headers, 1);
}

TEST_F(EmulatorTest, AlteredSignedUrlsAreForbidden) {
  std::vector<std::string> ids = generateAssets({{"prompt", "tamper"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  const std::string path = pathOf(asset(ids[0])["url"]);
  ASSERT_EQ(get(path, false).status, 200);

  std::string flipped = path;
  size_t sig = flipped.find("Signature=") + 10;
  flipped[sig] = flipped[sig] == 'a' ? 'b' : 'a';
  EXPECT_EQ(get(flipped, false).status, 403);

  std::string later = path;
  size_t exp = later.find("Expires=") + 8;
  later[exp + 1] = later[exp + 1] == '9' ? '8' : char(later[exp + 1] + 1);  // extend the lifetime
  EXPECT_EQ(get(later, false).status, 403);

  EXPECT_EQ(get(path + "&extra=1", false).status, 403);
  std::string other = path;
  other.replace(other.find(ids[0]), ids[0].size(), "asset_00000000000000000000000");
  EXPECT_EQ(get(other, false).status, 403);
  EXPECT_EQ(get(path.substr(0, path.find('?')), false).status, 403);
}

TEST_F(EmulatorTest, ExpiredUrlsAreForbidden) {
  EmulatorOptions options = defaultOptions();
  options.url_ttl_s = -5;  // every URL is issued already expired
  startWith(options);
  std::vector<std::string> ids = generateAssets({{"prompt", "expired"}, {"width", 1024}, {"height", 640}});
  ASSERT_EQ(ids.size(), 1u);
  Reply r = get(pathOf(asset(ids[0])["url"]), false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body.value("reason", ""), "URL expired");
}

TEST_F(EmulatorTest, UploadedAssetsAreServedBackAsUploaded) {
  Rgba image{5, 3, {}};
  for (int i = 0; i < 15; ++i) image.pixels.insert(image.pixels.end(), {uint8_t(i * 10), 20, 30, 255});
  std::string png = encodePng(image);
  std::string id = upload(png);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(download(id), png);
}

}  // namespace
}  // namespace texforge::emulator::testing
