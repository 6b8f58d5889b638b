// Where the Scenario API key and secret come from: the environment over a user-only file in the
// user's config directory. Never stored in the project; never written to logs, journals or sidecars.
#pragma once

#include <string>

#include "texforge/error.h"
#include "texforge/export.h"

namespace texforge {

struct TEXFORGE_CORE_API Credentials {
  std::string api_key;
  std::string api_secret;
  bool empty() const { return api_key.empty() || api_secret.empty(); }
};

enum class CredentialSource { kNone, kEnvironment, kFile, kExplicit };
TEXFORGE_CORE_API const char* credentialSourceName(
    CredentialSource source);  // "none", "environment", "file", "explicit"

struct TEXFORGE_CORE_API CredentialStoreOptions {
  // File to read/write; empty means $XDG_CONFIG_HOME/texforge/credentials.json,
  // else $HOME/.config/texforge/credentials.json (on Windows %APPDATA%\texforge\credentials.json).
  std::string file_path;
  bool use_environment = true;  // SCENARIO_API_KEY / SCENARIO_API_SECRET
};

class TEXFORGE_CORE_API CredentialStore {
 public:
  explicit CredentialStore(CredentialStoreOptions options = {});

  // Environment first, then the file. Empty credentials with source kNone when neither has them.
  Credentials load() const;
  CredentialSource source() const;  // where load() found them
  std::string filePath() const;     // the file this store uses

  // Writes the file with mode 0600 (directory 0700), atomically. Never logs the values.
  Status save(const Credentials& credentials) const;
  Status clear() const;  // removes the file

 private:
  CredentialStoreOptions options_;
};

// "Basic base64(key:secret)", the value of the Authorization header.
TEXFORGE_CORE_API std::string basicAuthorization(const Credentials& credentials);

// Replaces every occurrence of the key, the secret and their Basic token in text with "***".
TEXFORGE_CORE_API std::string redactSecrets(std::string text, const Credentials& credentials);

// Text a server sent (error bodies, reasons, statuses), made safe to show, log or journal: the
// value of an Authorization header, "Basic ..." and "Bearer ..." tokens become "***", the query of
// every http(s) URL (where signed URLs keep their signature) becomes "?…redacted", and, when
// credentials are given (they may be empty), their values and Basic token as redactSecrets does.
TEXFORGE_CORE_API std::string redactServerText(std::string text, const Credentials& credentials = {});

}  // namespace texforge
