// Unit tests for the credential store: environment over file, user-only permissions, where the
// credentials came from, the Basic header, redaction, and base64 itself.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "base64.h"
#include "test_support.h"
#include "texforge/credentials.h"

namespace texforge {
namespace {

using test::ScopedEnv;

mode_t modeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

class CredentialsTest : public ::testing::Test {
 protected:
  ScopedEnv key_{"SCENARIO_API_KEY", nullptr};
  ScopedEnv secret_{"SCENARIO_API_SECRET", nullptr};
  test::TempDir dir_;
};

TEST_F(CredentialsTest, NothingAnywhereIsNone) {
  CredentialStore store(CredentialStoreOptions{dir_.file("nope/credentials.json"), true});
  EXPECT_TRUE(store.load().empty());
  EXPECT_EQ(store.source(), CredentialSource::kNone);
}

TEST_F(CredentialsTest, SaveWritesUserOnlyFileAndDirectory) {
  const std::string path = dir_.file("config/texforge/credentials.json");
  CredentialStore store(CredentialStoreOptions{path, true});
  ASSERT_TRUE(store.save(Credentials{"key1", "secret1"}).ok());
  EXPECT_EQ(modeOf(path), 0600u);
  EXPECT_EQ(modeOf(dir_.file("config/texforge")), 0700u);
  const Credentials loaded = store.load();
  EXPECT_EQ(loaded.api_key, "key1");
  EXPECT_EQ(loaded.api_secret, "secret1");
  EXPECT_EQ(store.source(), CredentialSource::kFile);

  // Saving again replaces the file and keeps it user-only.
  ASSERT_TRUE(store.save(Credentials{"key2", "secret2"}).ok());
  EXPECT_EQ(store.load().api_key, "key2");
  EXPECT_EQ(modeOf(path), 0600u);

  ASSERT_TRUE(store.clear().ok());
  EXPECT_EQ(store.source(), CredentialSource::kNone);
  EXPECT_TRUE(store.clear().ok());  // clearing twice is fine
}

TEST_F(CredentialsTest, EnvironmentWinsOverFile) {
  const std::string path = dir_.file("credentials.json");
  CredentialStore store(CredentialStoreOptions{path, true});
  ASSERT_TRUE(store.save(Credentials{"filekey", "filesecret"}).ok());
  ScopedEnv key("SCENARIO_API_KEY", "envkey");
  ScopedEnv secret("SCENARIO_API_SECRET", "envsecret");
  EXPECT_EQ(store.load().api_key, "envkey");
  EXPECT_EQ(store.load().api_secret, "envsecret");
  EXPECT_EQ(store.source(), CredentialSource::kEnvironment);

  CredentialStore file_only(CredentialStoreOptions{path, false});
  EXPECT_EQ(file_only.load().api_key, "filekey");
  EXPECT_EQ(file_only.source(), CredentialSource::kFile);
}

TEST_F(CredentialsTest, HalfEnvironmentFallsBackToFile) {
  const std::string path = dir_.file("credentials.json");
  CredentialStore store(CredentialStoreOptions{path, true});
  ASSERT_TRUE(store.save(Credentials{"filekey", "filesecret"}).ok());
  ScopedEnv key("SCENARIO_API_KEY", "envkey");
  EXPECT_EQ(store.load().api_key, "filekey");
  EXPECT_EQ(store.source(), CredentialSource::kFile);
}

TEST_F(CredentialsTest, UnparsableFileIsIgnored) {
  const std::string path = dir_.file("credentials.json");
  test::writeAll(path, "{\"api_key\": \"k\", ");
  CredentialStore store(CredentialStoreOptions{path, true});
  EXPECT_TRUE(store.load().empty());
  EXPECT_EQ(store.source(), CredentialSource::kNone);
  test::writeAll(path, "{\"api_key\": 5, \"api_secret\": \"s\"}");
  EXPECT_EQ(store.source(), CredentialSource::kNone);
}

TEST_F(CredentialsTest, DefaultPathFollowsXdgThenHome) {
  {
    ScopedEnv xdg("XDG_CONFIG_HOME", dir_.path().c_str());
    EXPECT_EQ(CredentialStore().filePath(), dir_.path() + "/texforge/credentials.json");
  }
  ScopedEnv no_xdg("XDG_CONFIG_HOME", nullptr);
  ScopedEnv home("HOME", dir_.path().c_str());
  EXPECT_EQ(CredentialStore().filePath(), dir_.path() + "/.config/texforge/credentials.json");
  CredentialStore store;
  ASSERT_TRUE(store.save(Credentials{"k", "s"}).ok());
  EXPECT_EQ(modeOf(dir_.path() + "/.config/texforge"), 0700u);
  EXPECT_EQ(store.source(), CredentialSource::kFile);
}

TEST_F(CredentialsTest, SourceNames) {
  EXPECT_STREQ(credentialSourceName(CredentialSource::kNone), "none");
  EXPECT_STREQ(credentialSourceName(CredentialSource::kEnvironment), "environment");
  EXPECT_STREQ(credentialSourceName(CredentialSource::kFile), "file");
  EXPECT_STREQ(credentialSourceName(CredentialSource::kExplicit), "explicit");
}

TEST(Credentials, BasicAuthorization) {
  // RFC 7617's example.
  EXPECT_EQ(basicAuthorization(Credentials{"Aladdin", "open sesame"}), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(Credentials, RedactsKeySecretAndToken) {
  const Credentials credentials{"Aladdin", "open sesame"};
  const std::string text = "key=Aladdin secret=open sesame header=" + basicAuthorization(credentials);
  const std::string redacted = redactSecrets(text, credentials);
  EXPECT_EQ(redacted, "key=*** secret=*** header=Basic ***");
  EXPECT_EQ(redactSecrets("nothing here", Credentials{}), "nothing here");
  EXPECT_EQ(redactSecrets("abc", Credentials{"", "b"}), "a***c");
}

TEST(Credentials, RedactsTheUnpaddedTokenToo) {
  const Credentials credentials{"Aladdin", "open sesame"};
  EXPECT_EQ(redactSecrets("t=QWxhZGRpbjpvcGVuIHNlc2FtZQ", credentials), "t=***");
}

TEST(ServerText, AuthorizationValuesAndBearerTokensGoWithoutCredentials) {
  struct Case {
    std::string text, expected;
  } const cases[] = {
      {"echo Authorization: Basic ZW11bGF0b3Ita2V5OnNlY3JldA== done", "echo Authorization: Basic *** done"},
      {"authorization=c2VjcmV0LXRva2Vu&x=1", "authorization=***&x=1"},
      {R"({"Authorization": "Bearer abc def"})", R"({"Authorization": "Bearer ***"})"},
      {"headers: 'authorization': 'Digest u=1, r=2'", "headers: 'authorization': 'Digest ***'"},
      {"sent Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig to us", "sent Bearer *** to us"},
      {"bare basic dXNlcjpwYXNzd29yZA== here", "bare basic *** here"},
      // Prose stays prose.
      {"Basic auth failed: authorization required", "Basic auth failed: authorization required"},
      {"the Authorization header is missing", "the Authorization header is missing"},
  };
  for (const Case& c : cases) EXPECT_EQ(redactServerText(c.text), c.expected) << c.text;
}

TEST(ServerText, UrlQueriesGoAndSignedOnesEvenWithoutAScheme) {
  EXPECT_EQ(redactServerText("GET https://cdn.example.com/a.png?X-Amz-Signature=abc&X-Amz-Expires=60 failed"),
            "GET https://cdn.example.com/a.png?\u2026redacted failed");
  EXPECT_EQ(redactServerText(R"({"url": "https:\/\/cdn.example.com\/a.png?sig=1"})"),
            R"({"url": "https:\/\/cdn.example.com\/a.png?)"
            "\u2026redacted\"}");
  EXPECT_EQ(redactServerText("HTTP://Host/x?a=1"), "HTTP://Host/x?\u2026redacted");
  EXPECT_EQ(redactServerText("cdn.example.com/a.png?Signature=abc&Key-Pair-Id=K"),
            "cdn.example.com/a.png?\u2026redacted");
  EXPECT_EQ(redactServerText("what? a plain question?"), "what? a plain question?");
  EXPECT_EQ(redactServerText("see https://docs.example.com/errors"), "see https://docs.example.com/errors");
}

TEST(ServerText, CredentialsAreRedactedToo) {
  const Credentials credentials{"Aladdin", "open sesame"};
  const std::string token = basicAuthorization(credentials).substr(6);
  const std::string out = redactServerText("key Aladdin, secret open sesame, token " + token, credentials);
  EXPECT_EQ(out, "key ***, secret ***, token ***");
}

TEST(ServerText, RedactingTwiceChangesNothing) {
  const Credentials credentials{"Aladdin", "open sesame"};
  const std::string once =
      redactServerText("Authorization: Basic " + basicAuthorization(credentials).substr(6) +
                           " https://x.example/a?sig=1 Aladdin",
                       credentials);
  EXPECT_EQ(once, "Authorization: Basic *** https://x.example/a?\u2026redacted ***");
  EXPECT_EQ(redactServerText(once, credentials), once);
  EXPECT_EQ(redactServerText(once), once);
  EXPECT_EQ(redactServerText("", credentials), "");
}

TEST(Base64, EncodesRfc4648Vectors) {
  EXPECT_EQ(base64Encode(""), "");
  EXPECT_EQ(base64Encode("f"), "Zg==");
  EXPECT_EQ(base64Encode("fo"), "Zm8=");
  EXPECT_EQ(base64Encode("foo"), "Zm9v");
  EXPECT_EQ(base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64Encode(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(Base64, DecodesAndRejects) {
  EXPECT_EQ(base64Decode("Zm9vYmFy"), std::optional<std::string>("foobar"));
  EXPECT_EQ(base64Decode("Zm9vYg=="), std::optional<std::string>("foob"));
  EXPECT_EQ(base64Decode("Zm9vYg"), std::optional<std::string>("foob"));  // padding optional
  EXPECT_EQ(base64Decode(""), std::optional<std::string>(""));
  EXPECT_FALSE(base64Decode("Zm9v!"));
  EXPECT_FALSE(base64Decode("Z"));
  EXPECT_FALSE(base64Decode("Zm9vY==="));
  EXPECT_FALSE(base64Decode("Zm=9"));
  EXPECT_FALSE(base64Decode("Zh=="));  // non-zero leftover bits
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(char(i));
  EXPECT_EQ(base64Decode(base64Encode(all)), std::optional<std::string>(all));
}

}  // namespace
}  // namespace texforge
