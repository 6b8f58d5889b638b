// The JSON value behind paramsToJson, for the core's own writers that embed it in a larger
// document (the journal row, the sidecar's "parameters"). Internal to the core.
#pragma once

#include <nlohmann/json.hpp>

#include "texforge/params.h"

namespace texforge {

nlohmann::json paramsJson(const GenerationParams& params);
// Missing or mistyped fields keep their defaults; anything but an object leaves params as given.
void paramsFromJsonValue(const nlohmann::json& value, GenerationParams* params);

}  // namespace texforge
