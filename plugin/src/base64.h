// Base64 (RFC 4648, standard alphabet) for the Basic authorization header and data URLs.
// Internal to the core; plain functions, callable on any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace texforge {

// Encodes bytes with '=' padding and no line breaks.
std::string base64Encode(const void* data, size_t size);
inline std::string base64Encode(std::string_view bytes) {
  return base64Encode(bytes.data(), bytes.size());
}

// Decodes standard base64; padding is optional, whitespace is not allowed. nullopt on any
// character outside the alphabet, misplaced '=', or an impossible length.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace texforge
