// Base64, FNV-1a and the keyed hash behind the emulator's signed CDN URLs. Kept apart from the routes
// so the signing scheme can be read (and changed) in one place.
#include "emulator_signing.h"

#include <cstdio>

namespace texforge::emulator::detail {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

std::string base64Encode(const std::string& bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t v = uint8_t(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t v = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

bool base64Decode(const std::string& text, std::string* bytes) {
  bytes->clear();
  bytes->reserve(text.size() / 4 * 3);
  uint32_t acc = 0;
  int bits = 0;
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '=') --end;
  if (text.size() - end > 2) return false;
  for (size_t i = 0; i < end; ++i) {
    int v = base64Value(text[i]);
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes->push_back(char((acc >> bits) & 0xff));
    }
  }
  // Six leftover bits cannot come from any byte sequence.
  return bits != 6;
}

uint64_t fnv1a(const std::string& bytes, uint64_t state) {
  for (unsigned char c : bytes) {
    state ^= c;
    state *= 0x100000001b3ull;
  }
  return state;
}

uint64_t mix64(uint64_t value) {
  value ^= value >> 30;
  value *= 0xbf58476d1ce4e5b9ull;
  value ^= value >> 27;
  value *= 0x94d049bb133111ebull;
  value ^= value >> 31;
  return value;
}

std::string hex64(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string UrlSigner::policy(const std::string& path, int64_t expires) {
  std::string statement = "{\"Statement\":[{\"Resource\":\"" + path +
                          "\",\"Condition\":{\"DateLessThan\":{\"AWS:EpochTime\":" + std::to_string(expires) +
                          "}}}]}";
  std::string encoded = base64Encode(statement);
  // URL-safe alphabet without padding, so the value needs no percent-encoding in a query.
  std::string out;
  for (char c : encoded) {
    if (c == '+')
      out += '-';
    else if (c == '/')
      out += '_';
    else if (c != '=')
      out += c;
  }
  return out;
}

std::string UrlSigner::signature(const std::string& path, int64_t expires, const std::string& policy) const {
  // Two differently keyed passes give 128 bits, enough that guessing a signature is hopeless here.
  std::string message = path + "\n" + std::to_string(expires) + "\n" + policy + "\nEMULATOR";
  uint64_t a = mix64(fnv1a(message, fnv1a(hex64(secret_))));
  uint64_t b = mix64(fnv1a(message, fnv1a(hex64(mix64(secret_ ^ 0x5bd1e995u)))) ^ a);
  return hex64(a) + hex64(b);
}

std::string UrlSigner::query(const std::string& path, int64_t expires) const {
  std::string pol = policy(path, expires);
  return "Expires=" + std::to_string(expires) + "&Policy=" + pol +
         "&Signature=" + signature(path, expires, pol) + "&Key-Pair-Id=EMULATOR";
}

}  // namespace texforge::emulator::detail
