// Validation of POST /v1/generate/custom bodies against the GPT Image 2 schema, and the emulator's
// price list. The rules mirror api/scenario-api.md; each rejection names the offending field.
#include "emulator_request.h"

#include <cmath>

namespace texforge::emulator::detail {

using nlohmann::json;

namespace {

const char* const kQualities[] = {"auto", "low", "medium", "high"};

int codePoints(const std::string& text) {
  int n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

// Integral JSON numbers only: 2 and 2.0 pass, 2.5, "2" and true do not.
bool readInt(const json& value, int64_t* out) {
  if (value.is_number_integer()) {
    *out = value.get<int64_t>();
    return true;
  }
  if (value.is_number_float()) {
    double d = value.get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 1e15) {
      *out = int64_t(d);
      return true;
    }
  }
  return false;
}

std::vector<std::string> backgrounds(bool transparent_supported) {
  std::vector<std::string> out = {"auto", "opaque"};
  if (transparent_supported) out.push_back("transparent");
  return out;
}

double round2(double v) {
  return std::round(v * 100.0) / 100.0;
}

double qualityUnits(const std::string& quality) {
  if (quality == "low") return 1.0;
  if (quality == "high") return 16.0;
  return 4.0;  // medium, and auto which the model treats as medium
}

}  // namespace

json modelSchema(bool transparent_supported) {
  json inputs = json::array();
  inputs.push_back({{"name", "prompt"},
                    {"type", "string"},
                    {"required", true},
                    {"maxLength", kMaxPromptLength},
                    {"description", "Text description of desired generation or edit."}});
  inputs.push_back({{"name", "referenceImages"},
                    {"type", "file_array"},
                    {"required", false},
                    {"max", kMaxReferences},
                    {"description", "Reference images for editing."}});
  inputs.push_back({{"name", "mask"},
                    {"type", "file"},
                    {"required", false},
                    {"description",
                     "Mask image for inpainting; same format and size as the first reference, "
                     "with alpha (transparent = area to edit)."}});
  inputs.push_back({{"name", "numOutputs"},
                    {"type", "number"},
                    {"required", false},
                    {"min", 1},
                    {"max", 10},
                    {"step", 1},
                    {"default", 1}});
  inputs.push_back({{"name", "width"},
                    {"type", "number"},
                    {"required", false},
                    {"min", kMinSide},
                    {"max", kMaxSide},
                    {"step", 16}});
  inputs.push_back({{"name", "height"},
                    {"type", "number"},
                    {"required", false},
                    {"min", kMinSide},
                    {"max", kMaxSide},
                    {"step", 16}});
  inputs.push_back({{"name", "quality"},
                    {"type", "string"},
                    {"required", false},
                    {"allowedValues", {"auto", "low", "medium", "high"}},
                    {"default", "auto"}});
  inputs.push_back({{"name", "background"},
                    {"type", "string"},
                    {"required", false},
                    {"allowedValues", backgrounds(transparent_supported)},
                    {"default", "auto"}});
  return {{"model",
           {{"id", kModelId},
            {"name", "GPT Image 2"},
            {"type", "custom"},
            {"status", "trained"},
            {"inputs", inputs}}}};
}

std::string parseGenerateBody(const json& body, const std::function<bool(const std::string&)>& known_asset,
                              bool transparent_supported, GenerateRequest* out) {
  *out = GenerateRequest{};
  if (!body.is_object()) return "Body must be a JSON object";
  for (auto it = body.begin(); it != body.end(); ++it) {
    static const char* const kKnown[] = {"prompt", "referenceImages", "mask",    "numOutputs",
                                         "width",  "height",          "quality", "background"};
    bool known = false;
    for (const char* name : kKnown) known = known || it.key() == name;
    if (!known) return "Unknown parameter: " + it.key();
  }

  if (!body.contains("prompt")) return "prompt is required";
  if (!body["prompt"].is_string()) return "prompt must be a string";
  out->prompt = body["prompt"].get<std::string>();
  if (out->prompt.empty()) return "prompt must not be empty";
  if (codePoints(out->prompt) > kMaxPromptLength) {
    return "prompt is longer than maxLength " + std::to_string(kMaxPromptLength);
  }

  if (body.contains("referenceImages")) {
    const json& refs = body["referenceImages"];
    if (refs.is_array()) {
      if (refs.size() > size_t(kMaxReferences)) {
        return "referenceImages accepts at most " + std::to_string(kMaxReferences) + " images";
      }
      for (const json& ref : refs) {
        if (!ref.is_string()) return "referenceImages must contain asset ids";
        std::string id = ref.get<std::string>();
        if (!known_asset(id)) return "referenceImages: unknown asset " + id;
        out->reference_ids.push_back(id);
      }
    } else if (!refs.is_string()) {
      return "referenceImages must be an array of asset ids";
    }
    // A bare string is silently ignored: the real service does exactly that.
  }

  if (body.contains("mask")) {
    if (!body["mask"].is_string()) return "mask must be an asset id";
    out->mask_id = body["mask"].get<std::string>();
    if (!known_asset(out->mask_id)) return "mask: unknown asset " + out->mask_id;
    if (out->reference_ids.empty()) return "mask requires referenceImages";
  }

  if (body.contains("numOutputs")) {
    int64_t n = 0;
    if (!readInt(body["numOutputs"], &n)) return "numOutputs must be an integer";
    if (n < 1 || n > 10) return "numOutputs must be between 1 and 10";
    out->num_outputs = int(n);
  }

  bool has_width = body.contains("width"), has_height = body.contains("height");
  if (has_width != has_height)
    return has_width ? "height is required with width" : "width is required with height";
  if (has_width) {
    for (const char* name : {"width", "height"}) {
      int64_t v = 0;
      if (!readInt(body[name], &v)) return std::string(name) + " must be an integer";
      // A short side below kMinSide is refused below for its pixel count, the clearer reason.
      if (v < 1 || v > kMaxSide) {
        return std::string(name) + " must be between " + std::to_string(kMinSide) + " and " +
               std::to_string(kMaxSide);
      }
      (std::string(name) == "width" ? out->width : out->height) = int(v);
    }
    const int64_t pixels = int64_t(out->width) * out->height;
    if (pixels < kMinPixels || pixels > kMaxPixels) {
      return "width x height must be " + std::to_string(kMinPixels) + " to " + std::to_string(kMaxPixels) +
             " pixels, " + std::to_string(out->width) + "x" + std::to_string(out->height) + " is " +
             std::to_string(pixels) + " (1024x640 is the smallest 16:10 size, 3840x2160 the largest 16:9)";
    }
  }

  if (body.contains("quality")) {
    const json& q = body["quality"];
    bool ok = false;
    if (q.is_string()) {
      for (const char* allowed : kQualities) ok = ok || q.get<std::string>() == allowed;
    }
    if (!ok) return "quality must be one of auto, low, medium, high";
    out->quality = q.get<std::string>();
  }

  if (body.contains("background")) {
    const json& b = body["background"];
    std::vector<std::string> allowed = backgrounds(transparent_supported);
    bool ok = false;
    if (b.is_string()) {
      for (const std::string& a : allowed) ok = ok || b.get<std::string>() == a;
    }
    if (!ok) {
      std::string list;
      for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
      return "background must be one of " + list;
    }
    out->background = b.get<std::string>();
  }
  return "";
}

int snapSide(int side) {
  int snapped = (side + 8) / 16 * 16;
  return snapped < kMinSide ? kMinSide : (snapped > kMaxSide ? kMaxSide : snapped);
}

double creativeUnits(const GenerateRequest& request) {
  double area = 1.0;
  if (request.width > 0) {
    area = double(snapSide(request.width)) * snapSide(request.height) / (double(kAutoSide) * kAutoSide);
  }
  double per_image = round2(qualityUnits(request.quality) * (area < 0.25 ? 0.25 : area));
  return round2(per_image * request.num_outputs + 0.5 * double(request.reference_ids.size()));
}

json costDetails(const GenerateRequest& request) {
  return {{"modelId", kModelId},
          {"quality", request.quality},
          {"width", request.width > 0 ? snapSide(request.width) : kAutoSide},
          {"height", request.height > 0 ? snapSide(request.height) : kAutoSide},
          {"numOutputs", request.num_outputs},
          {"referenceImages", request.reference_ids.size()},
          {"unitsPerImage", round2(qualityUnits(request.quality))}};
}

}  // namespace texforge::emulator::detail
