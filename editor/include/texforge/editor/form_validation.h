// Field-by-field checks of the generate form against the model's schema, so each problem is shown
// next to the field it belongs to before anything is sent (or paid).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "texforge/api.h"
#include "texforge/params.h"

namespace texforge::editor {

// Field names used as keys: "prompt", "numOutputs", "size", "quality", "background",
// "referenceImages", "mask", "form" (problems that belong to no single field).
using FieldErrors = std::map<std::string, std::string>;

// schema may be null (the built-in rules of GPT Image 2 apply). Pure; any thread.
FieldErrors validateForm(const GenerationParams& params, const ModelSchema* schema);

// Soft warnings that do not block (off-grid or extreme aspect sizes come back resized or padded).
std::vector<std::string> formWarnings(const GenerationParams& params, const ModelSchema* schema);

// Rounds v to the nearest multiple of step inside [lo, hi].
int snapToGrid(int v, int step, int lo, int hi);

// Limits of one numeric input: the schema's when it has them, else the given defaults.
struct NumericLimits {
  double min = 0;
  double max = 0;
  double step = 1;
};
NumericLimits numericLimits(const ModelSchema* schema, const std::string& input, NumericLimits fallback);

// The allowed values of an enum input: the schema's when present, else fallback.
std::vector<std::string> allowedValues(const ModelSchema* schema, const std::string& input,
                                       std::vector<std::string> fallback);

}  // namespace texforge::editor
