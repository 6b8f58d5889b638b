// The parameters of one generation request and every rule about them: the model's limits, the
// checks before anything is paid, and the one JSON form that journal, sidecar and panel share.
// Plain data and pure functions (checkLocalInputs reads files); any thread.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/export.h"

namespace texforge {

inline constexpr const char* kDefaultModelId = "model_openai-gpt-image-2";

// GPT Image 2's limits. A model schema from GET /models/{id} overrides them where it has a value.
inline constexpr int kMaxPromptChars = 32000;  // Unicode code points of the UTF-8 prompt, not bytes
inline constexpr int kMinOutputs = 1;
inline constexpr int kMaxOutputs = 10;
inline constexpr int kMaxReferences = 10;
inline constexpr int kMaxSide = 3840;  // the long edge
inline constexpr int kSizeStep = 16;
inline constexpr int kMinPixels = 655'360;    // width x height; 1024x640 is the smallest 16:10 size
inline constexpr int kMaxPixels = 8'294'400;  // 3840x2160
// The shortest side any allowed size can have (kMinPixels over the longest side, up to the grid).
inline constexpr int kMinSide =
    ((kMinPixels + kMaxSide - 1) / kMaxSide + kSizeStep - 1) / kSizeStep * kSizeStep;
inline constexpr double kMaxAspect = 3.0;  // beyond 1:3..3:1 the service pads the image
// Local references and masks up to kMaxUploadBytes go inline (POST /assets, base64 in JSON: the
// gateway caps request bodies around here); larger ones, up to kMaxLargeUploadBytes, through the
// multipart upload (POST /uploads, then a PUT per part). The larger limit is DecodeLimits::max_bytes.
inline constexpr size_t kMaxUploadBytes = 3'500'000;
inline constexpr size_t kMaxLargeUploadBytes = size_t{64} << 20;
inline constexpr const char* kQualities[] = {"auto", "low", "medium", "high"};
inline constexpr const char* kBackgrounds[] = {"auto", "opaque", "transparent"};

// A reference or mask: either an asset id already on Scenario ("asset_...") or a local file that
// the engine uploads with POST /assets before the paid POST.
struct TEXFORGE_CORE_API ImageInput {
  std::string asset_id;    // set when the image is already an asset
  std::string local_path;  // set when the image is a local file to upload
  bool isAsset() const { return !asset_id.empty(); }
  bool empty() const { return asset_id.empty() && local_path.empty(); }
  bool operator==(const ImageInput& o) const { return asset_id == o.asset_id && local_path == o.local_path; }
  bool operator!=(const ImageInput& o) const { return !(*this == o); }
};

// "ASSET_ID" if it looks like one (asset_...), else a local path.
TEXFORGE_CORE_API ImageInput imageInputFromArgument(const std::string& text);

struct TEXFORGE_CORE_API GenerationParams {
  std::string model_id = kDefaultModelId;
  std::string prompt;
  std::vector<ImageInput> reference_images;  // at most kMaxReferences
  std::optional<ImageInput> mask;            // PNG with alpha, same size as the first reference
  int num_outputs = 1;                       // kMinOutputs..kMaxOutputs
  int width = 0;  // 0 and 0 mean "auto"; else up to kMaxSide, step kSizeStep, kMinPixels..kMaxPixels in all
  int height = 0;
  std::string quality = "auto";     // one of kQualities
  std::string background = "auto";  // one of kBackgrounds
  // The host's own, never sent to the service: journaled with the job and handed to the importer
  // (ImportRequest::usage, host_metadata), e.g. the engine's target folder or material slot.
  std::string usage;                                 // texture, sprite, icon, ui, or empty
  std::map<std::string, std::string> host_metadata;  // at most 64 entries, keys and values UTF-8
  // The imported file's name without extension ("mossy_wall"): letters, digits, '-', '_' and '.',
  // no path; empty: a slug of the prompt. Outputs after the first get "-2", "-3"...
  std::string name;
  // texforge's own finishing, journaled with the job and written to the sidecar.
  // seamless: the result must tile; the prompt asks for it and each output's seam score is measured.
  bool seamless = false;
  // How a transparent background is obtained (background "transparent"): "model", the service's
  // alpha, checked on arrival; "matte", the service paints a flat matte_color background (sent as
  // opaque) and texforge keys it out. Empty means "model".
  std::string alpha_method;
  std::string matte_color;  // "#RRGGBB"; empty: kDefaultMatte (image_ops.h)
  // A seam repair of another job's output ("local_id:index"): the reference is that output shifted
  // by half its size, the mask covers the centred seams, and the result is shifted back on arrival.
  std::string repair_of;
  // A sprite's import crops the transparent border (one transparent pixel kept); the sidecar records
  // the rectangle. Only images with alpha are trimmed.
  bool trim = false;
  bool operator==(const GenerationParams& o) const;
  bool operator!=(const GenerationParams& o) const { return !(*this == o); }
};

// One input of a model as GET /models/{id} describes it.
struct TEXFORGE_CORE_API ModelInput {
  std::string name;
  std::string type;  // string, number, boolean, file, file_array
  bool required = false;
  std::optional<double> min, max, step;
  std::optional<int> max_length;
  std::vector<std::string> allowed_values;
  std::string default_value;  // as text
};

struct TEXFORGE_CORE_API ModelSchema {
  std::string id;
  std::string name;
  std::vector<ModelInput> inputs;
  const ModelInput* input(const std::string& name) const;
};

// The limits in force: the schema's where it has them, the constants above otherwise.
struct TEXFORGE_CORE_API ParamLimits {
  int max_prompt_chars = kMaxPromptChars;
  int min_outputs = kMinOutputs;
  int max_outputs = kMaxOutputs;
  int min_width = kMinSide, max_width = kMaxSide;
  int min_height = kMinSide, max_height = kMaxSide;
  int size_step = kSizeStep;
  int min_pixels = kMinPixels, max_pixels = kMaxPixels;  // width x height; the schema has no say
  int max_references = kMaxReferences;
  std::vector<std::string> qualities;    // never empty
  std::vector<std::string> backgrounds;  // never empty
};
TEXFORGE_CORE_API ParamLimits paramLimits(const ModelSchema* schema);  // schema may be null

// Rounds v to the nearest multiple of step inside [lo, hi].
TEXFORGE_CORE_API int snapToGrid(int v, int step, int lo, int hi);

// Which part of the request a problem belongs to; paramFieldName gives the API's key ("prompt",
// "numOutputs", "size" for width and height, "quality", "background", "referenceImages", "mask", "model").
enum class ParamField {
  kModel,
  kPrompt,
  kNumOutputs,
  kSize,
  kQuality,
  kBackground,
  kReferenceImages,
  kMask,
  kUsage,         // the host's usage (never sent)
  kHostMetadata,  // the host's metadata (never sent)
  kAlpha,         // alpha_method and matte_color (texforge's own)
  kName,          // the imported file's name (texforge's own)
};
TEXFORGE_CORE_API const char* paramFieldName(ParamField field);

enum class ProblemKind {
  kMissing,           // required and not given (prompt blank, model empty, one side of the size)
  kTooLong,           // prompt longer than limit_max characters (code points)
  kOutOfRange,        // a number outside limit_min..limit_max; for a side, suggestion holds a size that fits
  kPixelCount,        // width x height outside limit_min..limit_max pixels; suggestion holds the nearest
                      // allowed size of about the same shape
  kOffGrid,           // width or height not a multiple of limit_step; suggestion holds the snapped size
  kExtremeAspect,     // aspect beyond 1:3..3:1: accepted, the service pads (not blocking)
  kNotOffered,        // value not among allowed
  kTooMany,           // more references than limit_max
  kEmptyInput,        // a reference with neither a file nor an asset id
  kNeedsReference,    // a mask without a reference image to edit
  kFileMissing,       // a local reference or mask does not exist (path holds it)
  kUnreadable,        // it cannot be read, or is not a PNG, JPEG or WebP image
  kTooLarge,          // it is over kMaxLargeUploadBytes (the multipart upload's limit)
  kMaskNoAlpha,       // the mask is not a PNG with an alpha channel
  kMaskSizeMismatch,  // mask and first reference differ in size (suggestion holds both sizes)
};

struct TEXFORGE_CORE_API ParamProblem {
  ParamField field = ParamField::kPrompt;
  ProblemKind kind = ProblemKind::kMissing;
  bool blocking = true;  // false: a warning; the request may still be sent
  double limit_min = 0;  // the limits that were broken, where they apply
  double limit_max = 0;
  double limit_step = 0;
  std::vector<std::string> allowed;  // kNotOffered
  std::string path;                  // the local file, for the file problems
  std::string suggestion;  // "1008x1024" for the size problems; the reference's "WxH" for kMaskSizeMismatch
  std::string message;     // what is wrong, in plain words, naming the field
};

// Every problem of params against the model's rules (the schema's when given), and of the host's
// fields (usage; host_metadata: at most 64 entries, keys 1..128 bytes, values at most 4096 bytes),
// which ParamField has no entry for: those come as kModel, their message naming "usage" or
// "hostMetadata". No I/O.
TEXFORGE_CORE_API std::vector<ParamProblem> checkParams(const GenerationParams& params,
                                                        const ModelSchema* schema = nullptr);

// Problems of the local files: references and mask exist, are readable images under the upload
// limit; the mask is a PNG with alpha and the size of the first local reference. Reads the files.
TEXFORGE_CORE_API std::vector<ParamProblem> checkLocalInputs(const GenerationParams& params);

// The first blocking problem as an Error (kNotFound for a missing file, else kInvalidArgument).
TEXFORGE_CORE_API Status firstBlocking(const std::vector<ParamProblem>& problems);

// checkParams, then firstBlocking. The rules every front end and submit() apply.
TEXFORGE_CORE_API Status validateParams(const GenerationParams& params, const ModelSchema* schema = nullptr);

// The one text form of params (journal, sidecar "parameters", identity and quote keys):
// {"modelId", "prompt", "numOutputs", "width", "height", "quality", "background",
//  "referenceImages": [{"assetId"|"file"}], "mask": {"assetId"|"file"}}, plus "usage" and
// "hostMetadata": {key: value} when they are set.
TEXFORGE_CORE_API std::string paramsToJson(const GenerationParams& params);
// Missing or mistyped fields keep their defaults. false when text is not a JSON object.
TEXFORGE_CORE_API bool paramsFromJson(const std::string& text, GenerationParams* params);

}  // namespace texforge
