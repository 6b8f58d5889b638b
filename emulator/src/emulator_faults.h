// Fault injection for the emulator: the table of armed faults (matching, probability, counts) and the
// broken answers they produce: 429s, 404s, HTML 502s, echoed headers, malformed JSON, dropped and
// truncated connections.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "texforge/emulator/emulator.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace texforge::emulator::detail {

bool routeFromName(const std::string& name, Route* out);
bool faultKindFromName(const std::string& name, FaultKind* out);
// Reads {route, kind, count, probability, latency_ms, retry_after_s, text, status}; false with a
// reason for an unknown field, a wrong type or a number out of range (it names the field and range).
bool faultFromJson(const nlohmann::json& body, Fault* out, std::string* error);
// Reads body[name], when present, as an integer in [min, max] (max >= 0) into *out; false with
// "NAME must be an integer between MIN and MAX" otherwise. For the control routes.
bool readBoundedInt(const nlohmann::json& body, const char* name, int64_t min, int64_t max, int* out,
                    std::string* error);

// Not thread-safe: the emulator calls it under its own lock.
class FaultTable {
 public:
  explicit FaultTable(uint64_t seed) : rng_(seed) {}
  void add(const Fault& fault) { faults_.push_back(fault); }
  void clear() { faults_.clear(); }

  // Faults of `kinds` armed for `route` that fire now, in the order they were added: every firing
  // delay (kLatency, kLateAnswer), plus at most one fault of another kind. Each firing uses up one of its
  // count and is tallied in `injected` under faultKindName.
  std::vector<Fault> fire(Route route, std::initializer_list<FaultKind> kinds,
                          std::map<std::string, int>* injected);

 private:
  std::vector<Fault> faults_;
  std::mt19937_64 rng_;
};

// Answers for faults that replace the whole response.
void answerTooManyRequests(const Fault& fault, httplib::Response& res);
void answerParallelLimit(const Fault& fault, httplib::Response& res);
void answerServerErrorHtml(httplib::Response& res);
void answerMalformedJson(httplib::Response& res);
void answerNotFound(Route route, httplib::Response& res);  // the route's own 404 text
// fault.status (default 400) with the request line and headers of `req` in the JSON reason.
void answerEchoHeaders(const Fault& fault, const httplib::Request& req, httplib::Response& res);

// Breaks the connection of `req` without sending a byte of the answer (the socket is shut down under
// cpp-httplib, which then fails to write and closes it).
void dropConnection(const httplib::Request& req, httplib::Response& res);
// Keeps status and headers, announces the full Content-Length, sends half the body, then closes.
void truncateBody(httplib::Response& res);

}  // namespace texforge::emulator::detail
