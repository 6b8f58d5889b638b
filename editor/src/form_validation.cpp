// The artist's words for the core's parameter problems. The rules themselves live in the core
// (checkParams, checkLocalInputs); nothing here restates a limit.
#include "texforge/editor/form_validation.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>

namespace texforge::editor {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

std::string fileName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

std::string between(const char* what, const ParamProblem& p, const char* unit) {
  return std::string(what) + " must be between " + number(p.limit_min) + " and " + number(p.limit_max) + unit;
}

// 655360 as "655,360".
std::string grouped(double v) {
  std::string digits = std::to_string(static_cast<int64_t>(v)), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// "1008x1024" as "1008 x 1024".
std::string spaced(std::string size) {
  if (auto x = size.find('x'); x != std::string::npos) size.replace(x, 1, " x ");
  return size;
}

}  // namespace

std::string describeProblem(const ParamProblem& p, const GenerationParams& params) {
  // The host's own fields are set by the engine, not the artist: the core's message names them.
  if (p.field == ParamField::kUsage || p.field == ParamField::kHostMetadata) return p.message;
  const bool mask = p.field == ParamField::kMask;
  switch (p.kind) {
    case ProblemKind::kMissing:
      if (p.field == ParamField::kPrompt) return "Describe what you want: the prompt is required.";
      if (p.field == ParamField::kSize) return "Set both width and height, or choose Auto.";
      return "Choose a model.";
    case ProblemKind::kTooLong:
      return "The prompt is " + std::to_string(params.prompt.size()) +
             " characters; the model takes at most " + number(p.limit_max) + ".";
    case ProblemKind::kOutOfRange:
      if (p.field == ParamField::kNumOutputs) return between("Outputs", p, ".");
      return between(params.width < p.limit_min || params.width > p.limit_max ? "Width" : "Height", p,
                     " pixels") +
             (p.suggestion.empty() ? "." : " (try " + spaced(p.suggestion) + ").");
    case ProblemKind::kPixelCount: {
      const bool small = static_cast<double>(params.width) * params.height < p.limit_min;
      return spaced(std::to_string(params.width) + "x" + std::to_string(params.height)) + " is too " +
             (small ? "small" : "large") + " for this model: it makes " + grouped(p.limit_min) + " to " +
             grouped(p.limit_max) + " pixels (" +
             (small ? "1024 x 640 is the smallest 16:10 size" : "3840 x 2160 is the largest 16:9 size") +
             "). Try " + spaced(p.suggestion) + ".";
    }
    case ProblemKind::kOffGrid:
      return "Width and height must be multiples of " + number(p.limit_step) + " (try " +
             spaced(p.suggestion) + ").";
    case ProblemKind::kExtremeAspect: return "Aspect ratios beyond 3:1 come back padded.";
    case ProblemKind::kNotOffered:
      if (p.field == ParamField::kBackground && params.background == "transparent") {
        return "This model does not offer a transparent background; choose " + joined(p.allowed) + ".";
      }
      return std::string(p.field == ParamField::kQuality ? "Quality" : "Background") +
             " must be one of: " + joined(p.allowed) + ".";
    case ProblemKind::kTooMany:
      return "At most " + number(p.limit_max) + " reference images; remove " +
             std::to_string(params.reference_images.size() - static_cast<size_t>(p.limit_max)) + ".";
    case ProblemKind::kEmptyInput: return "A reference has neither a file nor an asset id.";
    case ProblemKind::kNeedsReference: return "A mask needs a reference image to edit: add one first.";
    case ProblemKind::kFileMissing:
      return std::string(mask ? "The mask file " : "The reference ") + fileName(p.path) +
             " is gone: pick it again or remove it.";
    case ProblemKind::kUnreadable:
      return fileName(p.path) + " is not a PNG, JPEG or WebP image texforge can read: pick another file.";
    case ProblemKind::kTooLarge:
      return fileName(p.path) + " is larger than " + number(p.limit_max / 1e6) +
             " MB, the upload limit: resize or recompress it.";
    case ProblemKind::kMaskNoAlpha:
      return "The mask has no transparency: paint it in the mask painter, or save it as a PNG with alpha "
             "(transparent = the area to change).";
    case ProblemKind::kMaskSizeMismatch:
      return "The mask must be the size of the first reference (" + spaced(p.suggestion) +
             "): paint it again on that image.";
  }
  return p.message;
}

void addFieldErrors(const std::vector<ParamProblem>& problems, const GenerationParams& params,
                    FieldErrors* errors) {
  for (const ParamProblem& p : problems) {
    if (p.blocking) errors->emplace(paramFieldName(p.field), describeProblem(p, params));
  }
}

FieldErrors validateForm(const GenerationParams& params, const ModelSchema* schema) {
  FieldErrors errors;
  addFieldErrors(checkParams(params, schema), params, &errors);
  return errors;
}

std::vector<std::string> formWarnings(const GenerationParams& params, const ModelSchema* schema) {
  std::vector<std::string> out;
  for (const ParamProblem& p : checkParams(params, schema)) {
    if (!p.blocking) out.push_back(describeProblem(p, params));
  }
  if (params.width > 0 && params.height > 0 &&
      static_cast<int64_t>(params.width) * params.height > 2048 * 2048) {
    out.push_back("Very large sizes take several minutes and cost more.");
  }
  return out;
}

}  // namespace texforge::editor
