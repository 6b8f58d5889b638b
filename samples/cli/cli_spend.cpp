// The CLI's spending confirmation: the threshold is read from the project's editor settings, so
// the viewer and the command line ask at the same amount.
#include "cli_spend.h"

#include <cctype>

#include <nlohmann/json.hpp>

#include "texforge/project_files.h"

namespace texforge::cli {
namespace {

constexpr double kDefaultSpendingThreshold = 25.0;  // PanelSettings::spending_threshold's default

std::string units(double cost) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", cost);
  return text;
}

}  // namespace

double spendingThreshold(const std::string& project_dir) {
  auto text = readFile(project_dir + "/.texforge/editor.json", 1u << 20);
  if (!text) return kDefaultSpendingThreshold;
  const nlohmann::json settings = nlohmann::json::parse(*text, nullptr, false);
  if (!settings.is_object()) return kDefaultSpendingThreshold;
  const auto it = settings.find("spending_threshold");
  return it != settings.end() && it->is_number() ? it->get<double>() : kDefaultSpendingThreshold;
}

SpendVerdict spendVerdict(double total, double threshold, bool assume_yes, bool interactive) {
  if (assume_yes || threshold <= 0 || total <= threshold) return SpendVerdict::kGo;
  return interactive ? SpendVerdict::kAsk : SpendVerdict::kRefuse;
}

bool askToSpend(double total, double threshold, int requests, std::FILE* in) {
  std::fprintf(stderr, "Spend %s creative units on %d request%s (above the threshold of %s)? [y/N] ",
               units(total).c_str(), requests, requests == 1 ? "" : "s", units(threshold).c_str());
  std::fflush(stderr);
  char answer[16] = {};
  if (!std::fgets(answer, sizeof answer, in)) return false;
  std::string word;
  for (char c : answer) {
    if (c == '\0' || c == '\n' || c == '\r') break;
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return word == "y" || word == "yes";
}

}  // namespace texforge::cli
