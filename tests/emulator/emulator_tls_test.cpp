// HTTPS mode: with a certificate and key the emulator serves TLS, says so in baseUrl() and in its
// signed CDN URLs. Needs the openssl program to make a throwaway self-signed certificate.
#include <cstdlib>

#include "emulator_test_helpers.h"

namespace texforge::emulator::testing {
namespace {

TEST(EmulatorTlsTest, ServesHttpsWithASelfSignedCertificate) {
  test::TempDir dir;
  const std::string cert = dir.file("cert.pem"), key = dir.file("key.pem");
  const std::string command =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 -keyout '" + key + "' -out '" +
      cert + "' >/dev/null 2>&1";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl is not available";

  EmulatorOptions options;
  options.job_duration_ms = 50;
  options.cert_file = cert;
  options.key_file = key;
  Emulator emulator(options);
  ASSERT_TRUE(emulator.start()) << emulator.error();
  EXPECT_EQ(emulator.baseUrl(), "https://127.0.0.1:" + std::to_string(emulator.port()) + "/v1");

  httplib::SSLClient client("127.0.0.1", emulator.port());
  client.enable_server_certificate_verification(false);
  client.set_basic_auth("emulator-key", "emulator-secret");
  Reply r = toReply(client.Get((std::string("/v1/models/") + kModel).c_str()));
  ASSERT_TRUE(r.transport_ok) << httplib::to_string(r.error);
  EXPECT_EQ(r.status, 200);

  // Plain HTTP to the TLS port gets no answer.
  EXPECT_NE(toReply(httplib::Client("127.0.0.1", emulator.port()).Get("/_emulator/stats")).status, 200);

  Reply created = toReply(client.Post(
      kGeneratePath, json({{"prompt", "tls"}, {"width", 1024}, {"height", 640}}).dump(), "application/json"));
  ASSERT_EQ(created.status, 200) << created.raw;
  std::string id = created.body["job"]["jobId"];
  json job;
  ASSERT_TRUE(test::waitUntil(
      [&] {
        job = toReply(client.Get(("/v1/jobs/" + id).c_str())).body["job"];
        return job.value("status", "") == "success";
      },
      [&] { emulator.waitForJobStatus(id, "success", std::chrono::seconds(20)); }, std::chrono::seconds(20)));
  json asset =
      toReply(client.Get(("/v1/assets/" + job["metadata"]["assetIds"][0].get<std::string>()).c_str()))
          .body["asset"];
  std::string url = asset["url"];
  EXPECT_EQ(url.rfind("https://", 0), 0u) << url;

  httplib::SSLClient cdn("127.0.0.1", emulator.port());
  cdn.enable_server_certificate_verification(false);
  Reply bytes = toReply(cdn.Get(pathOf(url).c_str()));
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(bytes.raw.substr(0, 4), "\x89PNG");

  // The drop fault breaks a TLS connection too.
  Fault drop;
  drop.route = Route::kJob;
  drop.kind = FaultKind::kDropConnection;
  emulator.addFault(drop);
  EXPECT_FALSE(toReply(client.Get(("/v1/jobs/" + id).c_str())).transport_ok);
  emulator.stop();
}

TEST(EmulatorTlsTest, MissingCertificateFailsToStart) {
  EmulatorOptions options;
  options.cert_file = "/nonexistent/cert.pem";
  options.key_file = "/nonexistent/key.pem";
  Emulator emulator(options);
  EXPECT_FALSE(emulator.start());
  EXPECT_FALSE(emulator.error().empty());
}

TEST(EmulatorBindTest, BusyPortFailsToStart) {
  Emulator first;
  ASSERT_TRUE(first.start()) << first.error();
  EmulatorOptions options;
  options.port = first.port();
  Emulator second(options);
  EXPECT_FALSE(second.start());
  EXPECT_NE(second.error().find(std::to_string(first.port())), std::string::npos) << second.error();
}

}  // namespace
}  // namespace texforge::emulator::testing
