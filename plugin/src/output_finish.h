// The finishing step between decode and ready: what GenerationParams::seamless, alpha_method and
// repair_of ask of an output's pixels (shift a repair back, key out a matte, check the alpha, score
// the seam), and the JSON form of its record (OutputFinish) for the journal and the sidecar.
// Internal to the core; pure functions, any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "texforge/image.h"
#include "texforge/image_ops.h"
#include "texforge/job.h"
#include "texforge/params.h"

namespace texforge {

// Whether an output of a job with these parameters goes through finishOutput at all.
bool needsFinishing(const GenerationParams& params);
// Whether an output's record says it was finished already (a cached file decoded again).
bool isFinished(const OutputFinish& finish);

struct FinishedOutput {
  DecodedImage image;
  OutputFinish finish;
  bool changed = false;  // the pixels differ from the service's: the PNG must be written
};
// seam_before: the repaired output's score for a repair (-1 when unknown).
FinishedOutput finishOutput(DecodedImage image, const GenerationParams& params, double seam_before);

// The text the service gets as the prompt: the user's, plus what seamless and a matte ask of the model.
std::string promptToSend(const GenerationParams& params);
// The background the service gets: "opaque" when texforge keys out a matte itself.
std::string backgroundToSend(const GenerationParams& params);
bool usesMatte(const GenerationParams& params);
MatteColor matteColorOf(const GenerationParams& params);  // kDefaultMatte when unset or unreadable

nlohmann::json finishJson(const OutputFinish& finish);  // null when nothing was done
std::string finishToJson(const OutputFinish& finish);   // "" when nothing was done
OutputFinish finishFromJson(const std::string& text);   // defaults for "" or anything malformed

// A sprite import's trim (GenerationParams::trim): the PNG bytes cropped to the pixels with alpha,
// one transparent pixel kept around them. nullopt when there is nothing to trim (no alpha, already
// tight, not decodable).
struct TrimmedImage {
  std::string png;
  PixelRect rect;  // in the untrimmed image
  int from_width = 0, from_height = 0;
};
std::optional<TrimmedImage> trimTransparentBorder(const std::string& bytes, const DecodeLimits& limits = {});

}  // namespace texforge
