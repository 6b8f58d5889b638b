// Helpers shared by the test binaries: temporary project folders and waiting on a condition with
// a deadline (never a bare sleep).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace texforge::test {

// A fresh empty folder under the system temp dir, removed when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& relative) const { return path_ + "/" + relative; }

 private:
  std::string path_;
};

// Calls step() until done() is true or the deadline passes; returns done(). step typically waits
// for activity on the engine (it must block on something, not spin).
bool waitUntil(const std::function<bool()>& done, const std::function<void()>& step,
               std::chrono::milliseconds deadline = std::chrono::seconds(60));

std::string readAll(const std::string& path);
void writeAll(const std::string& path, const std::string& bytes);

// Sets (value non-null) or unsets an environment variable for one test and puts the old value back.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value);
  ~ScopedEnv();
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

}  // namespace texforge::test
