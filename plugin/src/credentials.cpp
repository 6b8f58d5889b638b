// The credential store: environment over a user-only JSON file, plus the Basic header and the
// redaction every log line and every server text goes through. The values never appear in an
// error message.
#include "texforge/credentials.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "base64.h"
#include "file_util.h"
#include "platform.h"
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

constexpr const char* kRedacted = "***";
constexpr const char* kRedactedQuery = "?\u2026redacted";

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// The characters of an HTTP auth token (token68, RFC 7235) and of API keys.
bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr("+/=-._~", c) != nullptr;
}

bool isLetter(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) != 0;
}

bool matchesNoCase(const std::string& text, size_t pos, const char* word) {
  for (size_t i = 0; word[i]; ++i) {
    if (pos + i >= text.size() ||
        std::tolower(static_cast<unsigned char>(text[pos + i])) != static_cast<unsigned char>(word[i])) {
      return false;
    }
  }
  return true;
}

bool startsWord(const std::string& text, size_t pos) {
  return pos == 0 || !std::isalnum(static_cast<unsigned char>(text[pos - 1]));
}

size_t tokenEnd(const std::string& text, size_t pos) {
  while (pos < text.size() && isTokenChar(text[pos])) ++pos;
  return pos;
}

size_t skipSpaces(const std::string& text, size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  return pos;
}

// Whether the word after "Basic" or "Bearer" is a credential rather than prose ("Basic auth").
bool looksLikeToken(const std::string& word) {
  if (word.size() < 6) return false;
  bool digit = false, upper = false, lower = false, mark = false;
  for (char c : word) {
    digit = digit || std::isdigit(static_cast<unsigned char>(c));
    upper = upper || std::isupper(static_cast<unsigned char>(c));
    lower = lower || std::islower(static_cast<unsigned char>(c));
    mark = mark || std::strchr("+/=-_~", c) != nullptr;
  }
  return digit || mark || (upper && lower);
}

// "Authorization: Basic xyz", "authorization=xyz", "\"Authorization\": \"Bearer xyz\"": the value
// goes, the scheme's name stays. A quoted value goes up to its closing quote.
void redactAuthorizationHeaders(std::string& text) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (!matchesNoCase(text, pos, "authorization") || !startsWord(text, pos)) continue;
    size_t at = pos + std::strlen("authorization");
    while (at < text.size() && (text[at] == '"' || text[at] == '\'' || text[at] == ' ')) ++at;  // a JSON key
    if (at >= text.size() || (text[at] != ':' && text[at] != '=')) continue;
    at = skipSpaces(text, at + 1);
    char quote = 0;
    if (at < text.size() && (text[at] == '"' || text[at] == '\'')) quote = text[at++];
    at = skipSpaces(text, at);
    size_t value = at;
    size_t first_end = tokenEnd(text, value);
    const bool scheme_first =
        first_end > value && std::all_of(text.begin() + value, text.begin() + first_end, isLetter);
    const size_t after_scheme = skipSpaces(text, first_end);
    if (text.compare(after_scheme, std::strlen(kRedacted), kRedacted) == 0) continue;  // done before
    if (scheme_first && after_scheme > first_end && tokenEnd(text, after_scheme) > after_scheme) {
      value = after_scheme;  // keep the scheme's name, say which kind of value went
    }
    size_t end = tokenEnd(text, value);
    if (quote) {
      const size_t closing = text.find(quote, value);
      end = closing == std::string::npos ? text.size() : closing;
    }
    if (end == value) continue;
    text.replace(value, end - value, kRedacted);
    pos = value + std::strlen(kRedacted) - 1;
  }
}

// "Basic <base64>" and "Bearer <token>" wherever they stand, when the word looks like a credential.
void redactSchemeTokens(std::string& text) {
  for (size_t pos = 0; pos < text.size(); ++pos) {
    size_t scheme_len = 0;
    if (matchesNoCase(text, pos, "basic"))
      scheme_len = 5;
    else if (matchesNoCase(text, pos, "bearer"))
      scheme_len = 6;
    if (scheme_len == 0 || !startsWord(text, pos)) continue;
    const size_t token = skipSpaces(text, pos + scheme_len);
    if (token == pos + scheme_len) continue;
    const size_t end = tokenEnd(text, token);
    if (!looksLikeToken(text.substr(token, end - token))) continue;
    text.replace(token, end - token, kRedacted);
    pos = token + std::strlen(kRedacted) - 1;
  }
}

// Names that make a query look signed even when the URL around it has lost its scheme.
bool hasSignatureLikeParameter(const std::string& query) {
  std::string lower = query;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const char* name : {"signature", "sig=", "x-amz-", "x-goog-", "token", "key-pair-id",
                           "policy=", "credential", "expires=", "auth"}) {
    if (lower.find(name) != std::string::npos) return true;
  }
  return false;
}

// The query of every http(s) URL (also written "https:\/\/" as JSON escapes it), and any other
// query that carries a signature-like parameter, becomes "?…redacted". Works on runs of text
// between spaces and quotes, so a URL's end is where a reader would see it end.
void redactUrlQueries(std::string& text) {
  auto is_boundary = [](char c) {
    return isSpace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
  };
  size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && is_boundary(text[start])) ++start;
    size_t end = start;
    while (end < text.size() && !is_boundary(text[end])) ++end;
    const std::string run = text.substr(start, end - start);
    const size_t query = run.find('?');
    if (query != std::string::npos && run.compare(query, std::string::npos, kRedactedQuery) != 0) {
      std::string lower = run.substr(0, query);
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      const bool url =
          lower.find("http://") != std::string::npos || lower.find("https://") != std::string::npos ||
          lower.find("http:\\/\\/") != std::string::npos || lower.find("https:\\/\\/") != std::string::npos;
      if (url || hasSignatureLikeParameter(run.substr(query))) {
        text.replace(start + query, run.size() - query, kRedactedQuery);
        end = start + query + std::strlen(kRedactedQuery);
      }
    }
    start = end;
  }
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
#ifdef _WIN32
  // Windows keeps a user's settings under %APPDATA% (the roaming profile), not in HOME.
  const std::string appdata = envOrEmpty("APPDATA");
  if (!appdata.empty()) return appdata + "\\texforge\\credentials.json";
#endif
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
  const fs::path dir = platform::fsPath(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      if (dir.has_parent_path()) fs::create_directories(dir.parent_path(), ec);
      if (Status created = platform::createFolder(platform::utf8Path(dir), /*owner_only=*/true); !created)
        return created;
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
  write_options.owner_only = true;  // 0600 from the first byte, whatever the umask
  return writeFileAtomicWith(path, text.data(), text.size(), write_options);
}

Status CredentialStore::clear() const {
  const std::string path = filePath();
  if (path.empty()) return Ok{};
  return platform::removeFile(path);
}

std::string basicAuthorization(const Credentials& credentials) {
  return "Basic " + base64Encode(credentials.api_key + ":" + credentials.api_secret);
}

std::string redactSecrets(std::string text, const Credentials& credentials) {
  std::vector<std::string> secrets;
  if (!credentials.api_key.empty() || !credentials.api_secret.empty()) {
    std::string token = base64Encode(credentials.api_key + ":" + credentials.api_secret);
    secrets.push_back(token);
    while (!token.empty() && token.back() == '=') token.pop_back();  // as some servers echo it
    secrets.push_back(token);
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

std::string redactServerText(std::string text, const Credentials& credentials) {
  text = redactSecrets(std::move(text), credentials);
  redactAuthorizationHeaders(text);
  redactSchemeTokens(text);
  redactUrlQueries(text);
  return text;
}

}  // namespace texforge
