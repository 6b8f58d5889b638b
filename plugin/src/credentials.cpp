// The credential store: environment over a user-only JSON file, plus the Basic header and the
// redaction every log line goes through. The values never appear in an error message.
#include "texforge/credentials.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base64.h"
#include "file_util.h"
#include "texforge/project_files.h"

namespace texforge {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxCredentialFileBytes = 64 * 1024;

std::string envOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

Credentials fromEnvironment() {
  return Credentials{envOrEmpty("SCENARIO_API_KEY"), envOrEmpty("SCENARIO_API_SECRET")};
}

// A file that does not parse, or lacks a field, counts as no credentials: load() never fails.
Credentials fromFile(const std::string& path) {
  if (path.empty()) return {};
  Result<std::string> text = readFile(path, kMaxCredentialFileBytes);
  if (!text) return {};
  const nlohmann::json doc = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return {};
  const auto key = doc.find("api_key");
  const auto secret = doc.find("api_secret");
  if (key == doc.end() || secret == doc.end() || !key->is_string() || !secret->is_string()) return {};
  return Credentials{key->get<std::string>(), secret->get<std::string>()};
}

// Where load() finds credentials, and what it found.
std::pair<Credentials, CredentialSource> resolve(const CredentialStoreOptions& options,
                                                 const std::string& file) {
  if (options.use_environment) {
    Credentials env = fromEnvironment();
    if (!env.empty()) return {std::move(env), CredentialSource::kEnvironment};
  }
  Credentials stored = fromFile(file);
  if (!stored.empty()) return {std::move(stored), CredentialSource::kFile};
  return {Credentials{}, CredentialSource::kNone};
}

}  // namespace

const char* credentialSourceName(CredentialSource source) {
  switch (source) {
    case CredentialSource::kEnvironment: return "environment";
    case CredentialSource::kFile: return "file";
    case CredentialSource::kExplicit: return "explicit";
    case CredentialSource::kNone: break;
  }
  return "none";
}

CredentialStore::CredentialStore(CredentialStoreOptions options) : options_(std::move(options)) {}

std::string CredentialStore::filePath() const {
  if (!options_.file_path.empty()) return options_.file_path;
  const std::string xdg = envOrEmpty("XDG_CONFIG_HOME");
  // The XDG spec says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  if (!xdg.empty() && xdg[0] == '/') return xdg + "/texforge/credentials.json";
  const std::string home = envOrEmpty("HOME");
  if (!home.empty()) return home + "/.config/texforge/credentials.json";
  return {};
}

Credentials CredentialStore::load() const {
  return resolve(options_, filePath()).first;
}

CredentialSource CredentialStore::source() const {
  return resolve(options_, filePath()).second;
}

Status CredentialStore::save(const Credentials& credentials) const {
  const std::string path = filePath();
  if (path.empty()) {
    return makeError(ErrorCode::kIo, "cannot save credentials: neither XDG_CONFIG_HOME nor HOME is set");
  }
  if (credentials.empty()) {
    return makeError(ErrorCode::kInvalidArgument,
                     "cannot save credentials: the API key and secret are both needed");
  }
  // Only a folder we create is made user-only; an existing one (say ~/.config) is the user's choice.
  const fs::path dir = fs::path(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
      if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return makeError(ErrorCode::kIo, "cannot create " + dir.string() + ": " + std::strerror(errno));
      }
      ::chmod(dir.c_str(), 0700);  // the umask may have taken bits away, never added; be explicit
    }
  }
  std::string text;
  try {
    const nlohmann::json doc = {{"api_key", credentials.api_key}, {"api_secret", credentials.api_secret}};
    text = doc.dump(2) + "\n";
  } catch (const nlohmann::json::exception&) {
    // dump() throws on invalid UTF-8; the message must not echo the values.
    return makeError(ErrorCode::kInvalidArgument,
                     "cannot save credentials: the key or secret is not valid UTF-8");
  }
  AtomicWriteOptions write_options;
  write_options.mode = 0600;
  Status written = writeFileAtomicWith(path, text.data(), text.size(), write_options);
  if (!written) return written;
  ::chmod(path.c_str(), 0600);  // umask can only remove bits, but an odd one could remove owner bits
  return Ok{};
}

Status CredentialStore::clear() const {
  const std::string path = filePath();
  if (path.empty()) return Ok{};
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return makeError(ErrorCode::kIo, "cannot remove " + path + ": " + std::strerror(errno));
  }
  return Ok{};
}

std::string basicAuthorization(const Credentials& credentials) {
  return "Basic " + base64Encode(credentials.api_key + ":" + credentials.api_secret);
}

std::string redactSecrets(std::string text, const Credentials& credentials) {
  std::vector<std::string> secrets;
  if (!credentials.api_key.empty() || !credentials.api_secret.empty()) {
    secrets.push_back(base64Encode(credentials.api_key + ":" + credentials.api_secret));
  }
  if (!credentials.api_key.empty()) secrets.push_back(credentials.api_key);
  if (!credentials.api_secret.empty()) secrets.push_back(credentials.api_secret);
  // Longest first, so a short key that happens to occur inside the token does not break its match.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : secrets) {
    size_t pos = 0;
    while ((pos = text.find(secret, pos)) != std::string::npos) {
      text.replace(pos, secret.size(), "***");
      pos += 3;
    }
  }
  return text;
}

}  // namespace texforge
