// Small encoding and hashing helpers for the emulator: base64 for Basic auth and data URLs, and the
// keyed hash that signs CDN URLs so a client cannot alter or extend them.
#pragma once

#include <cstdint>
#include <string>

namespace texforge::emulator::detail {

std::string base64Encode(const std::string& bytes);
// False on characters outside the (standard or URL-safe) alphabet; padding is optional.
bool base64Decode(const std::string& text, std::string* bytes);

// FNV-1a over bytes, continuing from `state`; not cryptographic, only deterministic and well mixed.
uint64_t fnv1a(const std::string& bytes, uint64_t state = 0xcbf29ce484222325ull);
uint64_t mix64(uint64_t value);  // a finaliser that spreads every input bit over the output
std::string hex64(uint64_t value);

// Signs and checks CDN URLs the way CloudFront-style signed URLs look (Expires, Policy, Signature,
// Key-Pair-Id). The secret is random per emulator, so URLs never outlive the process that issued them.
class UrlSigner {
 public:
  explicit UrlSigner(uint64_t secret) : secret_(secret) {}
  // The query string (without '?') for `path` valid until `expires` (unix seconds).
  std::string query(const std::string& path, int64_t expires) const;
  std::string signature(const std::string& path, int64_t expires, const std::string& policy) const;
  static std::string policy(const std::string& path, int64_t expires);

 private:
  uint64_t secret_;
};

}  // namespace texforge::emulator::detail
