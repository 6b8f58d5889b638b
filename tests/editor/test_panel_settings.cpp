// Settings' "Test connection": the endpoint and the credentials typed (not yet applied) are tried
// against the emulator without paying, and the answer says what to fix.
#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

#include "editor_test_support.h"
#include "emulated_engine.h"

namespace texforge::test {
namespace {

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(engine.start()) << engine.error;
    editor::PanelOptions options = panelOptions(*engine.generator, *uploader, engine.project.path());
    options.credential_store = store();
    options.wake = [this] {
      std::lock_guard<std::mutex> lock(mutex);
      woken = true;
      cv.notify_all();
    };
    panel = std::make_unique<editor::Panel>(options);
  }

  // Starts the test and returns what Settings says once its answer came (the wake says so).
  std::string test(const std::string& endpoint, const Credentials& typed) {
    panel->settings().endpoint = endpoint;
    if (!typed.api_key.empty()) {
      EXPECT_TRUE(CredentialStore(store()).save(typed).ok());
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      woken = false;
    }
    panel->testConnection();
    EXPECT_TRUE(panel->connectionTestRunning());
    std::unique_lock<std::mutex> lock(mutex);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [this] { return woken; }));
    lock.unlock();
    panel->update();
    EXPECT_FALSE(panel->connectionTestRunning());
    return panel->settingsMessage();
  }

  CredentialStoreOptions store() const {
    CredentialStoreOptions store;
    store.file_path = engine.project.path() + "/credentials.json";
    store.use_environment = false;
    return store;
  }

  EmulatedEngine engine;
  std::unique_ptr<TextureUploader> uploader = makeNullTextureUploader();
  std::unique_ptr<editor::Panel> panel;
  std::mutex mutex;
  std::condition_variable cv;
  bool woken = false;
};

TEST_F(ConnectionTest, RightCredentialsConnectAndNothingIsPaid) {
  const emulator::EmulatorOptions& server = engine.options.emulator;
  const std::string message = test(engine.server->baseUrl(), Credentials{server.api_key, server.api_secret});
  EXPECT_EQ(message.rfind("Connected: ", 0), 0u) << message;
  EXPECT_NE(message.find("Nothing was paid"), std::string::npos) << message;
  const auto stats = engine.server->stats();
  EXPECT_EQ(stats.generate_posts, 0);
  EXPECT_EQ(stats.jobs_created, 0);
}

TEST_F(ConnectionTest, WrongSecretSaysToCheckTheCredentials) {
  const std::string message = test(engine.server->baseUrl(), Credentials{"emulator-key", "not-the-secret"});
  EXPECT_EQ(message.rfind("Test failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("key"), std::string::npos) << message;
  EXPECT_EQ(message.find("not-the-secret"), std::string::npos) << "a secret is never shown: " << message;
  EXPECT_GE(engine.server->stats().unauthorized, 1);
}

TEST_F(ConnectionTest, PlainHttpToAnotherHostIsRefusedBeforeAnythingIsSent) {
  const std::string message = test("http://api.example.com/v1", Credentials{"k", "s"});
  EXPECT_EQ(message.rfind("Test failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("https"), std::string::npos) << message;
}

TEST_F(ConnectionTest, NoCredentialsAtAllSaysWhatToType) {
  const std::string message = test(engine.server->baseUrl(), Credentials{});
  EXPECT_EQ(message.rfind("Test failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("key"), std::string::npos) << message;
}

}  // namespace
}  // namespace texforge::test
