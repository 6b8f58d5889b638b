// A seam repair's request: the output shifted so its seams meet in the middle, and the mask over
// that cross, written to the cache as the reference and mask of one inpainting request. The result
// is shifted back on arrival (output_finish.cpp).
#include <filesystem>

#include "generator_impl.h"
#include "texforge/image_ops.h"

namespace texforge {
namespace {

Status writePng(const std::string& path, const DecodedImage& image) {
  auto png = encodePng(image);
  if (!png) return png.error();
  return writeFileAtomic(path, png->data(), png->size(), false);
}

}  // namespace

Result<GenerationParams> GeneratorImpl::seamRepairRequest(const std::string& local_id, int output_index) {
  auto r = record(local_id);
  if (!r || output_index < 0 || output_index >= static_cast<int>(r->snap.outputs.size()))
    return makeError(ErrorCode::kNotFound, "no such output");
  const OutputState state = r->snap.outputs[output_index].state;
  if (state != OutputState::kReady && state != OutputState::kImported) {
    return makeError(ErrorCode::kInvalidArgument, "image " + std::to_string(output_index + 1) +
                                                      " is not downloaded yet; repair it once it is");
  }
  auto pixels = loadOutputImage(local_id, output_index);
  if (!pixels) return pixels.error();
  const std::string stem =
      (std::filesystem::path(cacheDir()) / (local_id + "-" + std::to_string(output_index) + "-repair"))
          .string();
  const std::string reference = stem + "-shifted.png", mask = stem + "-mask.png";
  if (Status s = writePng(reference, shiftSeamsToCentre(*pixels)); !s) return s.error();
  if (Status s = writePng(mask, seamRepairMask(pixels->width, pixels->height)); !s) return s.error();

  GenerationParams p = r->snap.params;  // the same look: prompt, quality, background, host fields
  p.reference_images = {ImageInput{{}, reference}};
  p.mask = ImageInput{{}, mask};
  p.num_outputs = 1;
  p.width = pixels->width;
  p.height = pixels->height;
  p.seamless = true;
  p.repair_of = local_id + ":" + std::to_string(output_index);
  if (!p.name.empty()) p.name += "-seamless";
  return p;
}

}  // namespace texforge
