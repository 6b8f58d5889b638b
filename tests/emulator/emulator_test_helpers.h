// A GoogleTest fixture that runs the emulator in-process on an ephemeral port and talks to it with a
// real HTTP client (cpp-httplib), plus small image helpers (stb) for building references and masks.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <stb/stb_image.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_support.h"
#include "texforge/emulator/emulator.h"

namespace texforge::emulator::testing {

using nlohmann::json;

constexpr char kModel[] = "model_openai-gpt-image-2";
constexpr char kGeneratePath[] = "/v1/generate/custom/model_openai-gpt-image-2";

struct Reply {
  bool transport_ok = false;  // false: the connection broke, no complete answer
  httplib::Error error = httplib::Error::Success;
  int status = 0;
  std::string raw;
  json body;  // discarded when raw is not JSON
  httplib::Headers headers;
};

struct Rgba {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;
  const uint8_t* at(int x, int y) const { return &pixels[(size_t(y) * width + x) * 4]; }
};

inline Reply toReply(const httplib::Result& result) {
  Reply r;
  r.error = result.error();
  if (!result) return r;
  r.transport_ok = true;
  r.status = result->status;
  r.raw = result->body;
  r.headers = result->headers;
  r.body = json::parse(r.raw, nullptr, false);
  return r;
}

inline std::string encodePng(const Rgba& image) {
  std::string out;
  stbi_write_png_to_func(
      [](void* context, void* data, int size) {
        static_cast<std::string*>(context)->append(static_cast<const char*>(data), size_t(size));
      },
      &out, image.width, image.height, 4, image.pixels.data(), image.width * 4);
  return out;
}

inline bool decodeRgba(const std::string& bytes, Rgba* out) {
  int comp = 0;
  uint8_t* data = stbi_load_from_memory(reinterpret_cast<const stbi_uc*>(bytes.data()), int(bytes.size()),
                                        &out->width, &out->height, &comp, 4);
  if (!data) return false;
  out->pixels.assign(data, data + size_t(out->width) * out->height * 4);
  stbi_image_free(data);
  return true;
}

inline std::string base64(const std::string& bytes) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    if (rest == 2) v |= uint8_t(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

inline Fault fault(Route route, FaultKind kind, int count = 1) {
  Fault f;
  f.route = route;
  f.kind = kind;
  f.count = count;
  return f;
}

// Splits "http://127.0.0.1:PORT/cdn/x.png?query" into the path-and-query part.
inline std::string pathOf(const std::string& url) {
  size_t scheme = url.find("://");
  size_t slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  return slash == std::string::npos ? "/" : url.substr(slash);
}

class EmulatorTest : public ::testing::Test {
 protected:
  static EmulatorOptions defaultOptions() {
    EmulatorOptions options;
    options.job_duration_ms = 200;
    return options;
  }

  void SetUp() override { startWith(defaultOptions()); }

  void startWith(const EmulatorOptions& options) {
    emulator_.reset();
    emulator_ = std::make_unique<Emulator>(options);
    ASSERT_TRUE(emulator_->start()) << emulator_->error();
    ASSERT_GT(emulator_->port(), 0);
  }

  httplib::Client client(bool auth = true) const {
    httplib::Client c("127.0.0.1", emulator_->port());
    if (auth) c.set_basic_auth("emulator-key", "emulator-secret");
    c.set_connection_timeout(5);
    c.set_read_timeout(20);
    return c;
  }

  Reply get(const std::string& path, bool auth = true) { return toReply(client(auth).Get(path.c_str())); }
  Reply post(const std::string& path, const json& body, bool auth = true) {
    return postRaw(path, body.dump(), auth);
  }
  Reply postRaw(const std::string& path, const std::string& body, bool auth = true) {
    return toReply(client(auth).Post(path.c_str(), body, "application/json"));
  }

  // Submits a generate body that must be accepted; returns the job id ("" after a test failure).
  std::string submit(const json& body) {
    Reply r = post(kGeneratePath, body);
    EXPECT_EQ(r.status, 200) << r.raw;
    if (r.status != 200 || !r.body.is_object()) return "";
    return r.body["job"].value("jobId", "");
  }

  // Polls the job until it ends (success or failure); returns the last job object. Between polls
  // it waits for the emulator to move the job on to the status after the one last seen, so each
  // status is polled about once.
  json waitForJob(const std::string& job_id, std::vector<std::string>* statuses = nullptr) {
    json job;
    std::string status;
    bool ended = test::waitUntil(
        [&] {
          Reply r = get("/v1/jobs/" + job_id);
          if (r.status != 200 || !r.body.is_object()) return false;
          job = r.body["job"];
          status = job.value("status", "");
          if (statuses && (statuses->empty() || statuses->back() != status)) statuses->push_back(status);
          return status == "success" || status == "failure";
        },
        [&] { emulator_->waitForJobStatus(job_id, statusAfter(status), std::chrono::seconds(30)); },
        std::chrono::seconds(30));
    EXPECT_TRUE(ended) << "job " << job_id << " never ended; last: " << job.dump();
    return job;
  }

  // The status the emulator reports next after `status`; the end for one it does not know (a fault's).
  static std::string statusAfter(const std::string& status) {
    const std::vector<std::string> order = {"queued", "warming-up", "in-progress", "finalizing"};
    auto it = std::find(order.begin(), order.end(), status);
    return it == order.end() || it + 1 == order.end() ? "success" : *(it + 1);
  }

  // Generates and waits; returns the asset ids of a successful job.
  std::vector<std::string> generateAssets(const json& body) {
    std::string id = submit(body);
    if (id.empty()) return {};
    json job = waitForJob(id);
    EXPECT_EQ(job.value("status", ""), "success") << job.dump();
    return job["metadata"].value("assetIds", std::vector<std::string>{});
  }

  std::string upload(const std::string& bytes, const std::string& mime = "image/png") {
    Reply r =
        post("/v1/assets", {{"image", "data:" + mime + ";base64," + base64(bytes)}, {"name", "ref.png"}});
    EXPECT_EQ(r.status, 200) << r.raw;
    if (r.status != 200 || !r.body.is_object()) return "";
    return r.body["asset"].value("id", "");
  }

  json asset(const std::string& asset_id) {
    Reply r = get("/v1/assets/" + asset_id);
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.is_object() ? r.body["asset"] : json();
  }

  // Downloads an asset's bytes through its signed URL, without credentials.
  std::string download(const std::string& asset_id) {
    json a = asset(asset_id);
    Reply r = get(pathOf(a.value("url", "")), false);
    EXPECT_EQ(r.status, 200) << r.raw.substr(0, 200);
    return r.raw;
  }

  std::unique_ptr<Emulator> emulator_;
};

}  // namespace texforge::emulator::testing
