// HTTPS against the emulator serving a self-signed certificate made by the openssl CLI: refused by
// default, accepted when that certificate is given as ca_file, and nothing paid while refused.
#include <cstdlib>
#include <optional>

#include "engine_fixture.h"

using namespace texforge;
using namespace texforge::test;

namespace {

bool haveOpenssl() {
  return std::system("command -v openssl >/dev/null 2>&1") == 0;
}

// Restores an environment variable when the test ends, so no test sees another's CA file.
class ScopedUnsetEnv {
 public:
  explicit ScopedUnsetEnv(const char* name) : name_(name) {
    if (const char* v = std::getenv(name)) saved_ = v;
    unsetenv(name);
  }
  ~ScopedUnsetEnv() {
    if (saved_) setenv(name_, saved_->c_str(), 1);
  }

 private:
  const char* name_;
  std::optional<std::string> saved_;
};

class TlsTest : public EngineTest {
 protected:
  void SetUp() override {
    if (!haveOpenssl()) GTEST_SKIP() << "the openssl command is not installed (apt-get install openssl)";
    cert_ = certs_.file("cert.pem");
    const std::string key = certs_.file("key.pem");
    // A P-256 key is made in milliseconds; the names cover both ways a test may spell loopback.
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost"
        " -keyout '" +
        key + "' -out '" + cert_ + "' >'" + certs_.file("openssl.log") + "' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << readAll(certs_.file("openssl.log"));
    emulator_options_.cert_file = cert_;
    emulator_options_.key_file = key;
    EngineTest::SetUp();
    ASSERT_EQ(emulator_->baseUrl().rfind("https://", 0), 0u) << emulator_->baseUrl();
  }

  Result<ModelSchema> fetchSchema(Generator& gen) {
    std::optional<Result<ModelSchema>> schema;
    gen.fetchSchema(kDefaultModelId, [&](Result<ModelSchema> s) { schema = std::move(s); });
    EXPECT_TRUE(waitUntil([&] { return schema.has_value(); },
                          [&] {
                            gen.waitForActivity(0.1);
                            gen.pump();
                          }));
    return schema.has_value() ? *schema : Result<ModelSchema>(makeError(ErrorCode::kTimeout, "no answer"));
  }

  TempDir certs_;
  std::string cert_;
  ScopedUnsetEnv no_env_ca_{"TEXFORGE_CA_FILE"};  // the default must mean the system store only
};

}  // namespace

TEST_F(TlsTest, SelfSignedCertificateIsRefusedByDefault) {
  GeneratorOptions o = options();
  o.max_attempts = 1;  // a certificate does not get better by retrying; keep the test short
  auto gen = makeGenerator(o);
  ASSERT_NE(gen, nullptr);
  Result<ModelSchema> schema = fetchSchema(*gen);
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.error().code, ErrorCode::kInsecure);
  EXPECT_NE(schema.error().message.find("certificate"), std::string::npos) << schema.error().message;
  EXPECT_NE(schema.error().message.find("TEXFORGE_CA_FILE"), std::string::npos) << "say what to do";
  const auto stats = emulator_->stats();
  int requests = 0;
  for (const auto& [route, count] : stats.requests_per_route) requests += count;
  EXPECT_EQ(requests, 0) << "no request may get through an unverified handshake";
}

TEST_F(TlsTest, SelfSignedCertificateIsAcceptedWithItsCaFile) {
  GeneratorOptions o = options();
  o.ca_file = cert_;
  auto gen = makeGenerator(o);
  ASSERT_NE(gen, nullptr);
  Result<ModelSchema> schema = fetchSchema(*gen);
  ASSERT_TRUE(schema.ok()) << schema.error().message;
  auto id = gen->submit(params("a crate over https", 2));
  ASSERT_TRUE(id.ok());
  JobSnapshot job = runToEnd(*gen, *id);
  ASSERT_EQ(job.state, JobState::kReady) << (job.error ? job.error->message : "");
  EXPECT_EQ(job.readyCount(), 2);
  const auto stats = emulator_->stats();
  EXPECT_EQ(stats.generate_posts, 1);
  EXPECT_EQ(stats.cdn_requests, 2) << "the downloads went over the verified connection too";
}

TEST_F(TlsTest, CaFileFromTheEnvironmentIsUsedWhenTheOptionIsEmpty) {
  ASSERT_EQ(setenv("TEXFORGE_CA_FILE", cert_.c_str(), 1), 0);  // ScopedUnsetEnv puts it back
  auto gen = makeGenerator();
  ASSERT_NE(gen, nullptr);
  Result<ModelSchema> schema = fetchSchema(*gen);
  unsetenv("TEXFORGE_CA_FILE");
  EXPECT_TRUE(schema.ok()) << schema.error().message;
}
