// The GPT Image 2 model as the emulator knows it: its input schema, validation of a generate body
// (with the real server's quirks) and the deterministic creative-unit price of a request.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace texforge::emulator::detail {

constexpr char kModelId[] = "model_openai-gpt-image-2";
constexpr int kMaxPromptLength = 32000;
constexpr int kMaxReferences = 10;
constexpr int kMaxSide = 3840;
constexpr int kMinPixels = 655360;   // width x height, as asked
constexpr int kMaxPixels = 8294400;  // 3840x2160
constexpr int kMinSide = 176;        // the shortest side that can reach kMinPixels under kMaxSide
constexpr int kAutoSide = 1024;

struct GenerateRequest {
  std::string prompt;
  std::vector<std::string> reference_ids;  // a bare string sent here is dropped, as the server does
  std::string mask_id;
  int num_outputs = 1;
  int width = 0;  // as asked; 0 = auto
  int height = 0;
  std::string quality = "auto";
  std::string background = "auto";
};

// The model schema answered by GET /v1/models/{id}.
nlohmann::json modelSchema(bool transparent_supported);

// Empty when the body is valid, else the reason for a 400 (it names the field).
std::string parseGenerateBody(const nlohmann::json& body,
                              const std::function<bool(const std::string&)>& known_asset,
                              bool transparent_supported, GenerateRequest* out);

// Output side for an asked side: off-grid values are snapped to the 16-pixel grid.
int snapSide(int side);

double creativeUnits(const GenerateRequest& request);
nlohmann::json costDetails(const GenerateRequest& request);

}  // namespace texforge::emulator::detail
