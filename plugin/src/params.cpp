// Small helpers around GenerationParams.
// The CLI and the panel accept "asset_..." ids and local files in the same place.
#include "texforge/params.h"

namespace texforge {

ImageInput imageInputFromArgument(const std::string& text) {
  ImageInput input;
  const bool looks_like_asset = text.rfind("asset_", 0) == 0 && text.find('/') == std::string::npos &&
                                text.find('.') == std::string::npos;
  if (looks_like_asset) {
    input.asset_id = text;
  } else {
    input.local_path = text;
  }
  return input;
}

}  // namespace texforge
