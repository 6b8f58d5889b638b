// The parameters of one generation request, as the user chose them. Plain data, copyable, safe to
// keep in journals and sidecars (no credentials, no signed URLs).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace texforge {

inline constexpr const char* kDefaultModelId = "model_openai-gpt-image-2";

// A reference or mask: either an asset id already on Scenario ("asset_...") or a local file that
// the engine uploads with POST /assets before the paid POST.
struct ImageInput {
  std::string asset_id;    // set when the image is already an asset
  std::string local_path;  // set when the image is a local file to upload
  bool isAsset() const { return !asset_id.empty(); }
  bool empty() const { return asset_id.empty() && local_path.empty(); }
};

// "ASSET_ID" if it looks like one (asset_...), else a local path.
ImageInput imageInputFromArgument(const std::string& text);

struct GenerationParams {
  std::string model_id = kDefaultModelId;
  std::string prompt;
  std::vector<ImageInput> reference_images;  // at most 10
  std::optional<ImageInput> mask;            // PNG with alpha, same size as the first reference
  int num_outputs = 1;                       // 1..10
  int width = 0;                             // 0 and 0 mean "auto"; else 16..3840, step 16
  int height = 0;
  std::string quality = "auto";              // auto, low, medium, high
  std::string background = "auto";          // auto, opaque, transparent
};

}  // namespace texforge
