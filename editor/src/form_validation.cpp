// Per-field validation of the generate form: the schema's limits when known, GPT Image 2's rules
// otherwise, worded for an artist ("Width must be a multiple of 16").
#include "texforge/editor/form_validation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace texforge::editor {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

bool contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

}  // namespace

NumericLimits numericLimits(const ModelSchema* schema, const std::string& input, NumericLimits fallback) {
  const ModelInput* in = schema ? schema->input(input) : nullptr;
  if (!in) return fallback;
  NumericLimits out = fallback;
  if (in->min) out.min = *in->min;
  if (in->max) out.max = *in->max;
  if (in->step && *in->step > 0) out.step = *in->step;
  return out;
}

std::vector<std::string> allowedValues(const ModelSchema* schema, const std::string& input,
                                       std::vector<std::string> fallback) {
  const ModelInput* in = schema ? schema->input(input) : nullptr;
  if (in && !in->allowed_values.empty()) return in->allowed_values;
  return fallback;
}

int snapToGrid(int v, int step, int lo, int hi) {
  if (step <= 0) step = 1;
  int snapped = static_cast<int>(std::lround(static_cast<double>(v) / step)) * step;
  if (snapped < lo) snapped = ((lo + step - 1) / step) * step;
  if (snapped > hi) snapped = (hi / step) * step;
  return snapped;
}

FieldErrors validateForm(const GenerationParams& params, const ModelSchema* schema) {
  FieldErrors errors;
  const ModelInput* prompt_in = schema ? schema->input("prompt") : nullptr;
  const int max_prompt = prompt_in && prompt_in->max_length ? *prompt_in->max_length : 32000;
  bool blank = std::all_of(params.prompt.begin(), params.prompt.end(),
                           [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; });
  if (blank) {
    errors["prompt"] = "Describe what you want: the prompt is required.";
  } else if (static_cast<int>(params.prompt.size()) > max_prompt) {
    errors["prompt"] = "The prompt is " + std::to_string(params.prompt.size()) + " characters; the model takes at most " +
                       std::to_string(max_prompt) + ".";
  }

  const NumericLimits outputs = numericLimits(schema, "numOutputs", {1, 10, 1});
  if (params.num_outputs < outputs.min || params.num_outputs > outputs.max) {
    errors["numOutputs"] = "Outputs must be between " + number(outputs.min) + " and " + number(outputs.max) + ".";
  }

  const NumericLimits width = numericLimits(schema, "width", {16, 3840, 16});
  const NumericLimits height = numericLimits(schema, "height", {16, 3840, 16});
  const bool auto_size = params.width == 0 && params.height == 0;
  if (!auto_size) {
    if (params.width == 0 || params.height == 0) {
      errors["size"] = "Set both width and height, or choose Auto.";
    } else if (params.width < width.min || params.width > width.max) {
      errors["size"] = "Width must be between " + number(width.min) + " and " + number(width.max) + " pixels.";
    } else if (params.height < height.min || params.height > height.max) {
      errors["size"] = "Height must be between " + number(height.min) + " and " + number(height.max) + " pixels.";
    } else if (std::fmod(params.width, width.step) != 0 || std::fmod(params.height, height.step) != 0) {
      errors["size"] = "Width and height must be multiples of " + number(width.step) + " (try " +
                       std::to_string(snapToGrid(params.width, static_cast<int>(width.step), static_cast<int>(width.min),
                                                 static_cast<int>(width.max))) +
                       " x " +
                       std::to_string(snapToGrid(params.height, static_cast<int>(height.step),
                                                 static_cast<int>(height.min), static_cast<int>(height.max))) +
                       ").";
    }
  }

  const auto qualities = allowedValues(schema, "quality", {"auto", "low", "medium", "high"});
  if (!contains(qualities, params.quality)) {
    errors["quality"] = "Quality must be one of: " + joined(qualities) + ".";
  }
  const auto backgrounds = allowedValues(schema, "background", {"auto", "opaque", "transparent"});
  if (!contains(backgrounds, params.background)) {
    errors["background"] = params.background == "transparent"
                               ? "This model does not offer a transparent background; choose " + joined(backgrounds) + "."
                               : "Background must be one of: " + joined(backgrounds) + ".";
  }

  if (params.reference_images.size() > 10) {
    errors["referenceImages"] = "At most 10 reference images; remove " +
                                std::to_string(params.reference_images.size() - 10) + ".";
  }
  for (const auto& ref : params.reference_images) {
    if (ref.empty()) errors["referenceImages"] = "A reference has neither a file nor an asset id.";
  }
  if (params.mask && !params.mask->empty() && params.reference_images.empty()) {
    errors["mask"] = "A mask needs a reference image to edit: add one first.";
  }
  return errors;
}

std::vector<std::string> formWarnings(const GenerationParams& params, const ModelSchema*) {
  std::vector<std::string> out;
  if (params.width > 0 && params.height > 0) {
    const double aspect = static_cast<double>(params.width) / params.height;
    if (aspect > 3.0 || aspect < 1.0 / 3.0) {
      out.push_back("Aspect ratios beyond 3:1 come back padded.");
    }
    if (static_cast<int64_t>(params.width) * params.height > 2048 * 2048) {
      out.push_back("Very large sizes take several minutes and cost more.");
    }
  }
  return out;
}

}  // namespace texforge::editor
