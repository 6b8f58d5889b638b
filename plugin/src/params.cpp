// Every rule about GenerationParams in one place: limits (schema over built-in), the checks made
// before anything is paid, and the JSON form that journal, sidecar and the panel's keys share.
#include "texforge/params.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "output_finish.h"
#include "params_json.h"
#include "texforge/image.h"
#include "texforge/project_files.h"

namespace texforge {
namespace {

using nlohmann::json;

constexpr size_t kMaxInputFileBytes = kMaxLargeUploadBytes;  // one that grew past it since it was sized

// GenerationParams::usage and host_metadata (params.h).
constexpr const char* kUsages[] = {"texture", "sprite", "icon", "ui"};
constexpr size_t kMaxHostMetadataEntries = 64;
constexpr size_t kMaxHostMetadataKeyBytes = 128;
constexpr size_t kMaxHostMetadataValueBytes = 4096;
constexpr size_t kMaxOutputNameBytes = 100;  // GenerationParams::name, without the extension

int toInt(double v) {
  if (std::isnan(v)) return 0;
  return static_cast<int>(std::clamp(v, static_cast<double>(INT_MIN), static_cast<double>(INT_MAX)));
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// Characters as the model counts them: Unicode code points, so every byte of UTF-8 but its
// continuation bytes (10xxxxxx). A byte that is not UTF-8 counts as one.
size_t codePoints(const std::string& text) {
  return static_cast<size_t>(std::count_if(
      text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string sizeText(int w, int h) {
  return std::to_string(w) + "x" + std::to_string(h);
}

ParamProblem problem(ParamField field, ProblemKind kind, std::string message) {
  ParamProblem p;
  p.field = field;
  p.kind = kind;
  p.message = std::string(paramFieldName(field)) + ": " + std::move(message);
  return p;
}

ParamProblem rangeProblem(ParamField field, ProblemKind kind, double lo, double hi, std::string message) {
  ParamProblem p = problem(field, kind, std::move(message));
  p.limit_min = lo;
  p.limit_max = hi;
  return p;
}

// A problem with one of the host's fields; the message names the field ("usage: ...").
ParamProblem hostProblem(ParamField field, ProblemKind kind, std::string message) {
  ParamProblem p;
  p.field = field;
  p.kind = kind;
  p.message = std::move(message);
  return p;
}

// 655360 as "655,360".
std::string grouped(int64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// The allowed size nearest to w x h (both positive) and of about its shape: scaled into the pixel
// range and under the side limits, then put on the grid, rounding away from the limit it broke.
std::string nearestAllowedSize(int w, int h, const ParamLimits& limits) {
  const int step = std::max(limits.size_step, 1);
  const double pixels = static_cast<double>(w) * h;
  double scale = 1.0;
  if (pixels < limits.min_pixels) scale = std::sqrt(limits.min_pixels / pixels);
  if (pixels > limits.max_pixels) scale = std::sqrt(limits.max_pixels / pixels);
  scale = std::min(
      {scale, static_cast<double>(limits.max_width) / w, static_cast<double>(limits.max_height) / h});
  enum class Round { kNearest, kUp, kDown };
  int sw = 0, sh = 0;
  auto fit = [&](Round round) {
    auto side = [&](int v, int lo, int hi) {
      const double steps = v * scale / step;
      const double n = round == Round::kUp     ? std::ceil(steps - 1e-6)
                       : round == Round::kDown ? std::floor(steps + 1e-6)
                                               : std::round(steps);
      return std::clamp(toInt(n) * step, lo, hi);
    };
    sw = side(w, limits.min_width, limits.max_width);
    sh = side(h, limits.min_height, limits.max_height);
  };
  auto area = [&] { return static_cast<int64_t>(sw) * sh; };
  fit(scale > 1 ? Round::kUp : scale < 1 ? Round::kDown : Round::kNearest);
  if (area() < limits.min_pixels) fit(Round::kUp);
  if (area() > limits.max_pixels) fit(Round::kDown);
  if (area() < limits.min_pixels) {
    // Too long a shape to reach the pixel minimum under the side limit: widen the short side.
    int& short_side = sw < sh ? sw : sh;
    const int other = sw < sh ? sh : sw;
    const int hi = sw < sh ? limits.max_width : limits.max_height;
    short_side = std::min(hi, ((limits.min_pixels + other - 1) / other + step - 1) / step * step);
  }
  return sizeText(sw, sh);
}

void checkSize(const GenerationParams& params, const ParamLimits& limits, std::vector<ParamProblem>& out) {
  if (params.width == 0 && params.height == 0) return;  // automatic size
  if (params.width <= 0 || params.height <= 0) {
    out.push_back(problem(ParamField::kSize, ProblemKind::kMissing,
                          "give both width and height, or neither for automatic size"));
    return;
  }
  const std::string size = sizeText(params.width, params.height);
  struct Side {
    const char* name;
    int value, lo, hi;
  };
  const Side sides[] = {{"width", params.width, limits.min_width, limits.max_width},
                        {"height", params.height, limits.min_height, limits.max_height}};
  auto sideProblem = [&](const Side& side) {
    ParamProblem p = rangeProblem(ParamField::kSize, ProblemKind::kOutOfRange, side.lo, side.hi, "");
    p.suggestion = nearestAllowedSize(params.width, params.height, limits);
    p.message = "size: " + std::string(side.name) + " " + std::to_string(side.value) + " is outside " +
                std::to_string(side.lo) + ".." + std::to_string(side.hi) + "; try " + p.suggestion;
    out.push_back(std::move(p));
  };
  // The long edge first, then the pixel count, the reason a short side is too short.
  for (const Side& side : sides) {
    if (side.value > side.hi) return sideProblem(side);
  }
  const int64_t pixels = static_cast<int64_t>(params.width) * params.height;
  if (pixels < limits.min_pixels || pixels > limits.max_pixels) {
    const bool few = pixels < limits.min_pixels;
    ParamProblem p =
        rangeProblem(ParamField::kSize, ProblemKind::kPixelCount, limits.min_pixels, limits.max_pixels, "");
    p.suggestion = nearestAllowedSize(params.width, params.height, limits);
    p.message = "size: " + size + " has " + grouped(pixels) + " pixels, " + (few ? "fewer" : "more") +
                " than the model's " + grouped(few ? limits.min_pixels : limits.max_pixels) +
                (few ? " (1024x640 is the smallest 16:10 size)" : " (3840x2160 is the largest 16:9 size)") +
                "; try " + p.suggestion;
    out.push_back(std::move(p));
    return;
  }
  for (const Side& side : sides) {
    if (side.value < side.lo) return sideProblem(side);
  }
  const int step = limits.size_step;
  if (params.width % step != 0 || params.height % step != 0) {
    ParamProblem p = problem(ParamField::kSize, ProblemKind::kOffGrid, "");
    p.limit_step = step;
    p.suggestion = nearestAllowedSize(params.width, params.height, limits);
    p.message = "size: " + size + " is not a multiple of " + std::to_string(step) + "; try " + p.suggestion;
    out.push_back(std::move(p));
    return;
  }
  const double aspect = static_cast<double>(params.width) / params.height;
  if (aspect > kMaxAspect || aspect < 1.0 / kMaxAspect) {
    ParamProblem p = problem(ParamField::kSize, ProblemKind::kExtremeAspect,
                             "aspect ratio " + size + " is beyond 1:3..3:1; the service pads the image");
    p.blocking = false;
    out.push_back(std::move(p));
  }
}

void checkChoice(ParamField field, const std::string& value, const std::vector<std::string>& allowed,
                 std::vector<ParamProblem>& out) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
  ParamProblem p =
      problem(field, ProblemKind::kNotOffered,
              "\"" + value + "\" is not offered by this model; choose one of " + joined(allowed));
  p.allowed = allowed;
  out.push_back(std::move(p));
}

// The background and how its alpha is made: a matte is sent as an opaque request, so only the
// model's own transparency needs the schema's word; a transparent request the model cannot honour
// is refused before anything is paid, naming the matte that can.
void checkBackground(const GenerationParams& params, const ParamLimits& limits,
                     std::vector<ParamProblem>& out) {
  const std::string& method = params.alpha_method;
  if (!method.empty() && method != "model" && method != "matte") {
    ParamProblem p =
        problem(ParamField::kAlpha, ProblemKind::kNotOffered,
                "alpha method \"" + method + "\" is not one texforge knows; choose model or matte");
    p.allowed = {"model", "matte"};
    out.push_back(std::move(p));
  }
  if (!params.matte_color.empty()) {
    if (auto parsed = parseMatteColor(params.matte_color); !parsed)
      out.push_back(problem(ParamField::kAlpha, ProblemKind::kNotOffered, parsed.error().message));
  }
  const auto& offered = limits.backgrounds;
  const bool transparent_offered = std::find(offered.begin(), offered.end(), "transparent") != offered.end();
  if (params.background == "transparent" && !usesMatte(params) && !transparent_offered) {
    ParamProblem p =
        problem(ParamField::kBackground, ProblemKind::kNotOffered,
                "this model does not offer a transparent background; choose the matte alpha "
                "method (the model paints a flat colour that texforge keys out, at no extra cost)");
    p.allowed = offered;
    out.push_back(std::move(p));
    return;
  }
  if (params.background == "transparent") return;  // a matte is sent as opaque; model: checked above
  checkChoice(ParamField::kBackground, params.background, offered, out);
}

// Reads one local input for checkLocalInputs; a problem, or the header of a readable image.
std::optional<ImageInfo> probeLocalFile(ParamField field, const std::string& path,
                                        std::vector<ParamProblem>& out) {
  const char* what = field == ParamField::kMask ? "the mask " : "the reference image ";
  // Sized before it is read: a file over the multipart upload's limit is refused as too large, not
  // read whole only to be refused.
  std::error_code size_error;
  const uintmax_t size = std::filesystem::file_size(path, size_error);
  if (!size_error && size > kMaxLargeUploadBytes) {
    ParamProblem p =
        problem(field, ProblemKind::kTooLarge,
                what + path + " is " + std::to_string(size / 1'000'000) +
                    " MB; references and masks are limited to " + std::to_string(kMaxLargeUploadBytes >> 20) +
                    " MiB: scale it down or save it as JPEG or WebP");
    p.path = path;
    p.limit_max = static_cast<double>(kMaxLargeUploadBytes);
    out.push_back(std::move(p));
    return std::nullopt;
  }
  auto bytes = readFile(path, kMaxInputFileBytes);
  if (!bytes) {
    const bool missing = bytes.error().code == ErrorCode::kNotFound;
    ParamProblem p =
        problem(field, missing ? ProblemKind::kFileMissing : ProblemKind::kUnreadable,
                what + path + (missing ? " does not exist" : " cannot be read: " + bytes.error().message));
    p.path = path;
    out.push_back(std::move(p));
    return std::nullopt;
  }
  auto info = probeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  if (!info) {
    ParamProblem p =
        problem(field, ProblemKind::kUnreadable, what + path + " is not a readable PNG, JPEG or WebP image");
    p.path = path;
    out.push_back(std::move(p));
    return std::nullopt;
  }
  return *info;
}

json inputJson(const ImageInput& in) {
  json j = json::object();
  if (!in.asset_id.empty()) j["assetId"] = in.asset_id;
  if (!in.local_path.empty()) j["file"] = in.local_path;
  return j;
}

ImageInput inputFromJson(const json& v) {
  ImageInput in;
  if (v.is_object()) {
    if (auto a = v.find("assetId"); a != v.end() && a->is_string()) in.asset_id = a->get<std::string>();
    if (auto f = v.find("file"); f != v.end() && f->is_string()) in.local_path = f->get<std::string>();
  } else if (v.is_string()) {
    in = imageInputFromArgument(v.get<std::string>());
  }
  return in;
}

void readString(const json& object, const char* key, std::string& out) {
  const auto it = object.find(key);
  if (it != object.end() && it->is_string()) out = it->get<std::string>();
}

void readInt(const json& object, const char* key, int& out) {
  const auto it = object.find(key);
  if (it != object.end() && it->is_number_integer()) {
    const int64_t v = it->get<int64_t>();
    if (v >= INT32_MIN && v <= INT32_MAX) out = static_cast<int>(v);
  }
}

// A key or value as a message shows it: quoted, cut after 40 bytes (never inside a UTF-8 sequence).
std::string quoted(const std::string& text) {
  constexpr size_t kShown = 40;
  if (text.size() <= kShown) return "\"" + text + "\"";
  size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "\"" + text.substr(0, cut) + "...\"";
}

// The imported file's name becomes a path component on every platform, so only a portable,
// inert set of characters: no separators, no "..", no hidden or reserved leading dot.
void checkOutputName(const std::string& name, std::vector<ParamProblem>& out) {
  if (name.empty()) return;  // a slug of the prompt
  if (name.size() > kMaxOutputNameBytes) {
    ParamProblem p =
        hostProblem(ParamField::kName, ProblemKind::kTooLong,
                    "name: " + quoted(name) + " is " + std::to_string(name.size()) + " bytes, at most " +
                        std::to_string(kMaxOutputNameBytes) + "; choose a shorter file name");
    p.limit_max = kMaxOutputNameBytes;
    out.push_back(std::move(p));
    return;
  }
  const bool portable = std::all_of(name.begin(), name.end(), [](char c) {
    const unsigned char u = static_cast<unsigned char>(c);
    return (u < 0x80 && std::isalnum(u)) || c == '-' || c == '_' || c == '.';
  });
  if (!portable || name[0] == '.' || name.find("..") != std::string::npos) {
    out.push_back(hostProblem(ParamField::kName, ProblemKind::kNotOffered,
                              "name: " + quoted(name) +
                                  " is not a safe file name; use only letters, digits, '-', '_' and "
                                  "'.', not starting with '.' and without \"..\" or a folder "
                                  "(e.g. mossy_wall); the extension is added"));
  }
}

// The host's own fields (usage, host_metadata): never sent to the service, so the model's schema
// has no say; the limits keep journal rows and sidecars small.
void checkHostFields(const GenerationParams& params, std::vector<ParamProblem>& out) {
  const std::vector<std::string> usages(std::begin(kUsages), std::end(kUsages));
  if (!params.usage.empty() && std::find(usages.begin(), usages.end(), params.usage) == usages.end()) {
    ParamProblem p =
        hostProblem(ParamField::kUsage, ProblemKind::kNotOffered,
                    "usage: " + quoted(params.usage) + " is not a usage texforge knows; choose one of " +
                        joined(usages) + ", or leave it empty");
    p.allowed = usages;
    out.push_back(std::move(p));
  }
  const auto& metadata = params.host_metadata;
  if (metadata.size() > kMaxHostMetadataEntries) {
    ParamProblem p = hostProblem(ParamField::kHostMetadata, ProblemKind::kTooMany,
                                 "hostMetadata: " + std::to_string(metadata.size()) + " entries, at most " +
                                     std::to_string(kMaxHostMetadataEntries) + "; remove " +
                                     std::to_string(metadata.size() - kMaxHostMetadataEntries));
    p.limit_max = kMaxHostMetadataEntries;
    out.push_back(std::move(p));
  }
  bool empty_key = false, long_key = false, long_value = false;
  for (const auto& [key, value] : metadata) {
    if (key.empty() && !empty_key) {
      empty_key = true;
      out.push_back(hostProblem(ParamField::kHostMetadata, ProblemKind::kMissing,
                                "hostMetadata: an entry has an empty key; give every "
                                "entry a name"));
    }
    if (key.size() > kMaxHostMetadataKeyBytes && !long_key) {
      long_key = true;
      ParamProblem p =
          hostProblem(ParamField::kHostMetadata, ProblemKind::kTooLong,
                      "hostMetadata: the key " + quoted(key) + " is " + std::to_string(key.size()) +
                          " bytes, at most " + std::to_string(kMaxHostMetadataKeyBytes));
      p.limit_max = kMaxHostMetadataKeyBytes;
      out.push_back(std::move(p));
    }
    if (value.size() > kMaxHostMetadataValueBytes && !long_value) {
      long_value = true;
      ParamProblem p =
          hostProblem(ParamField::kHostMetadata, ProblemKind::kTooLong,
                      "hostMetadata: the value of " + quoted(key) + " is " + std::to_string(value.size()) +
                          " bytes, at most " + std::to_string(kMaxHostMetadataValueBytes));
      p.limit_max = kMaxHostMetadataValueBytes;
      out.push_back(std::move(p));
    }
  }
  checkOutputName(params.name, out);
}

}  // namespace

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

bool GenerationParams::operator==(const GenerationParams& o) const {
  return model_id == o.model_id && prompt == o.prompt && reference_images == o.reference_images &&
         mask == o.mask && num_outputs == o.num_outputs && width == o.width && height == o.height &&
         quality == o.quality && background == o.background && usage == o.usage &&
         host_metadata == o.host_metadata && seamless == o.seamless && alpha_method == o.alpha_method &&
         matte_color == o.matte_color && repair_of == o.repair_of && name == o.name && trim == o.trim;
}

const ModelInput* ModelSchema::input(const std::string& input_name) const {
  for (const auto& in : inputs) {
    if (in.name == input_name) return &in;
  }
  return nullptr;
}

ParamLimits paramLimits(const ModelSchema* schema) {
  ParamLimits limits;
  limits.qualities.assign(std::begin(kQualities), std::end(kQualities));
  limits.backgrounds.assign(std::begin(kBackgrounds), std::end(kBackgrounds));
  if (!schema) return limits;
  auto range = [&](const char* name, int& lo, int& hi) {
    const ModelInput* in = schema->input(name);
    if (!in) return;
    if (in->min) lo = toInt(*in->min);
    if (in->max) hi = toInt(*in->max);
  };
  if (const ModelInput* in = schema->input("prompt"); in && in->max_length)
    limits.max_prompt_chars = *in->max_length;
  range("numOutputs", limits.min_outputs, limits.max_outputs);
  range("width", limits.min_width, limits.max_width);
  range("height", limits.min_height, limits.max_height);
  if (const ModelInput* in = schema->input("width"); in && in->step && *in->step >= 1) {
    limits.size_step = toInt(*in->step);
  }
  if (const ModelInput* in = schema->input("quality"); in && !in->allowed_values.empty()) {
    limits.qualities = in->allowed_values;
  }
  if (const ModelInput* in = schema->input("background"); in && !in->allowed_values.empty()) {
    limits.backgrounds = in->allowed_values;
  }
  return limits;
}

int snapToGrid(int v, int step, int lo, int hi) {
  if (step <= 0) step = 1;
  int snapped = static_cast<int>(std::lround(static_cast<double>(v) / step)) * step;
  if (snapped < lo) snapped = ((lo + step - 1) / step) * step;
  if (snapped > hi) snapped = (hi / step) * step;
  return snapped;
}

const char* paramFieldName(ParamField field) {
  switch (field) {
    case ParamField::kModel: return "model";
    case ParamField::kPrompt: return "prompt";
    case ParamField::kNumOutputs: return "numOutputs";
    case ParamField::kSize: return "size";
    case ParamField::kQuality: return "quality";
    case ParamField::kBackground: return "background";
    case ParamField::kReferenceImages: return "referenceImages";
    case ParamField::kMask: return "mask";
    case ParamField::kUsage: return "usage";
    case ParamField::kHostMetadata: return "hostMetadata";
    case ParamField::kAlpha: return "alphaMethod";
    case ParamField::kName: return "name";
  }
  return "form";
}

std::vector<ParamProblem> checkParams(const GenerationParams& params, const ModelSchema* schema) {
  std::vector<ParamProblem> out;
  const ParamLimits limits = paramLimits(schema);
  if (params.model_id.empty())
    out.push_back(problem(ParamField::kModel, ProblemKind::kMissing, "no model id given"));
  if (params.prompt.find_first_not_of(" \t\r\n") == std::string::npos) {
    out.push_back(problem(ParamField::kPrompt, ProblemKind::kMissing, "write a prompt describing the image"));
  } else if (const size_t chars = codePoints(params.prompt);
             chars > static_cast<size_t>(std::max(limits.max_prompt_chars, 0))) {
    out.push_back(rangeProblem(ParamField::kPrompt, ProblemKind::kTooLong, 0, limits.max_prompt_chars,
                               std::to_string(chars) + " characters, the model takes at most " +
                                   std::to_string(limits.max_prompt_chars) + "; shorten it"));
  }
  if (params.num_outputs < limits.min_outputs || params.num_outputs > limits.max_outputs) {
    out.push_back(rangeProblem(
        ParamField::kNumOutputs, ProblemKind::kOutOfRange, limits.min_outputs, limits.max_outputs,
        std::to_string(params.num_outputs) + " is out of range; choose " +
            std::to_string(limits.min_outputs) + " to " + std::to_string(limits.max_outputs)));
  }
  checkSize(params, limits, out);
  checkChoice(ParamField::kQuality, params.quality, limits.qualities, out);
  checkBackground(params, limits, out);
  const int refs = static_cast<int>(params.reference_images.size());
  if (refs > limits.max_references) {
    out.push_back(rangeProblem(ParamField::kReferenceImages, ProblemKind::kTooMany, 0, limits.max_references,
                               "at most " + std::to_string(limits.max_references) +
                                   " reference images; remove " +
                                   std::to_string(refs - limits.max_references)));
  }
  if (std::any_of(params.reference_images.begin(), params.reference_images.end(),
                  [](const ImageInput& in) { return in.empty(); })) {
    out.push_back(problem(ParamField::kReferenceImages, ProblemKind::kEmptyInput,
                          "a reference image has neither a file nor an asset id"));
  }
  if (params.mask && !params.mask->empty() && params.reference_images.empty()) {
    out.push_back(problem(ParamField::kMask, ProblemKind::kNeedsReference,
                          "a mask needs a reference image to edit; add the image the mask belongs to"));
  }
  checkHostFields(params, out);
  return out;
}

std::vector<ParamProblem> checkLocalInputs(const GenerationParams& params) {
  std::vector<ParamProblem> out;
  std::optional<ImageInfo> first_reference;
  for (size_t i = 0; i < params.reference_images.size(); ++i) {
    const ImageInput& ref = params.reference_images[i];
    if (ref.isAsset() || ref.local_path.empty()) continue;
    auto info = probeLocalFile(ParamField::kReferenceImages, ref.local_path, out);
    if (i == 0) first_reference = info;
  }
  if (!params.mask || params.mask->isAsset() || params.mask->local_path.empty()) return out;
  const std::string& path = params.mask->local_path;
  auto mask = probeLocalFile(ParamField::kMask, path, out);
  if (!mask) return out;
  if (mask->format != ImageFormat::kPng || !mask->has_alpha) {
    ParamProblem p = problem(ParamField::kMask, ProblemKind::kMaskNoAlpha,
                             "the mask " + path +
                                 " has no alpha channel; it must be a PNG with transparency "
                                 "(transparent pixels mark the area to change)");
    p.path = path;
    out.push_back(std::move(p));
  }
  if (first_reference && (first_reference->width != mask->width || first_reference->height != mask->height)) {
    ParamProblem p = problem(
        ParamField::kMask, ProblemKind::kMaskSizeMismatch,
        "the mask is " + sizeText(mask->width, mask->height) + " but the first reference is " +
            sizeText(first_reference->width, first_reference->height) + "; they must be the same size");
    p.path = path;
    p.suggestion = sizeText(first_reference->width, first_reference->height);
    out.push_back(std::move(p));
  }
  return out;
}

Status firstBlocking(const std::vector<ParamProblem>& problems) {
  for (const ParamProblem& p : problems) {
    if (!p.blocking) continue;
    const ErrorCode code =
        p.kind == ProblemKind::kFileMissing ? ErrorCode::kNotFound : ErrorCode::kInvalidArgument;
    return makeError(code, p.message);
  }
  return Ok{};
}

Status validateParams(const GenerationParams& params, const ModelSchema* schema) {
  return firstBlocking(checkParams(params, schema));
}

json paramsJson(const GenerationParams& p) {
  json refs = json::array();
  for (const auto& r : p.reference_images) refs.push_back(inputJson(r));
  json j = {{"modelId", p.model_id},      {"prompt", p.prompt},     {"numOutputs", p.num_outputs},
            {"width", p.width},           {"height", p.height},     {"quality", p.quality},
            {"background", p.background}, {"referenceImages", refs}};
  if (p.mask && !p.mask->empty()) j["mask"] = inputJson(*p.mask);
  // The host's own fields, only when set: a request without them keeps the text it always had.
  if (!p.usage.empty()) j["usage"] = p.usage;
  if (!p.host_metadata.empty()) {
    json metadata = json::object();
    for (const auto& [key, value] : p.host_metadata) metadata[key] = value;
    j["hostMetadata"] = std::move(metadata);
  }
  if (!p.name.empty()) j["name"] = p.name;
  if (p.seamless) j["seamless"] = true;
  if (!p.alpha_method.empty()) j["alphaMethod"] = p.alpha_method;
  if (!p.matte_color.empty()) j["matteColor"] = p.matte_color;
  if (!p.repair_of.empty()) j["repairOf"] = p.repair_of;
  if (p.trim) j["trim"] = true;
  return j;
}

void paramsFromJsonValue(const json& j, GenerationParams* p) {
  if (!j.is_object()) return;
  readString(j, "modelId", p->model_id);
  readString(j, "prompt", p->prompt);
  readInt(j, "numOutputs", p->num_outputs);
  readInt(j, "width", p->width);
  readInt(j, "height", p->height);
  readString(j, "quality", p->quality);
  readString(j, "background", p->background);
  if (auto r = j.find("referenceImages"); r != j.end() && r->is_array()) {
    p->reference_images.clear();
    for (const auto& v : *r) p->reference_images.push_back(inputFromJson(v));
  }
  if (auto m = j.find("mask"); m != j.end() && !m->is_null()) {
    ImageInput mask = inputFromJson(*m);
    if (mask.empty())
      p->mask.reset();
    else
      p->mask = std::move(mask);
  }
  readString(j, "usage", p->usage);
  if (auto m = j.find("hostMetadata"); m != j.end() && m->is_object()) {
    p->host_metadata.clear();
    for (auto it = m->begin(); it != m->end(); ++it) {
      if (it.value().is_string()) p->host_metadata[it.key()] = it.value().get<std::string>();
    }
  }
  if (auto s = j.find("seamless"); s != j.end() && s->is_boolean()) p->seamless = s->get<bool>();
  readString(j, "name", p->name);
  readString(j, "alphaMethod", p->alpha_method);
  readString(j, "matteColor", p->matte_color);
  readString(j, "repairOf", p->repair_of);
  if (auto t = j.find("trim"); t != j.end() && t->is_boolean()) p->trim = t->get<bool>();
}

std::string paramsToJson(const GenerationParams& params) {
  return paramsJson(params).dump(-1, ' ', false, json::error_handler_t::replace);
}

bool paramsFromJson(const std::string& text, GenerationParams* params) {
  const json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return false;
  paramsFromJsonValue(j, params);
  return true;
}

}  // namespace texforge
