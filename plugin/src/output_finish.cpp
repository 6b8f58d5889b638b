// Finishing an output: a seam repair is shifted back, a matte keyed out, an opaque answer to a
// transparent request keyed from its flat border where it has one (and named opaque where not), and
// the seam of a tileable texture scored. Also the prompt additions that ask the model for these.
#include "output_finish.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace texforge {
namespace {

using nlohmann::json;

constexpr const char* kSeamlessAsk =
    " Seamless tileable texture: the left edge continues into the right edge and the top edge into "
    "the bottom edge, with no visible border.";

// How far a border pixel may be from the border's typical colour and still count as flat, and how
// much of the border must be flat before it is keyed as a background.
constexpr double kFlatBorderDistance = 24;
constexpr double kFlatBorderShare = 0.9;

double distance(const uint8_t* px, const MatteColor& c) {
  const double dr = px[0] - c.r, dg = px[1] - c.g, db = px[2] - c.b;
  return std::sqrt(dr * dr + dg * dg + db * db);
}

// The colour of a flat background, read from the image's outermost rows and columns; nullopt
// when the border is not one flat colour (a full-bleed picture, not a subject on a background).
std::optional<MatteColor> flatBorderColor(const DecodedImage& image) {
  const int w = image.width, h = image.height;
  if (w < 4 || h < 4) return std::nullopt;
  std::vector<const uint8_t*> border;
  border.reserve(size_t(2) * (w + h));
  for (int x = 0; x < w; ++x) {
    border.push_back(&image.rgba[size_t(x) * 4]);
    border.push_back(&image.rgba[(size_t(h - 1) * w + x) * 4]);
  }
  for (int y = 1; y + 1 < h; ++y) {
    border.push_back(&image.rgba[size_t(y) * w * 4]);
    border.push_back(&image.rgba[(size_t(y) * w + w - 1) * 4]);
  }
  // The per-channel median resists a subject that touches the border here and there.
  MatteColor median;
  std::array<uint8_t*, 3> channels = {&median.r, &median.g, &median.b};
  std::vector<uint8_t> values(border.size());
  for (int c = 0; c < 3; ++c) {
    for (size_t i = 0; i < border.size(); ++i) values[i] = border[i][c];
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    *channels[c] = values[values.size() / 2];
  }
  const auto flat = std::count_if(border.begin(), border.end(), [&](const uint8_t* px) {
    return distance(px, median) <= kFlatBorderDistance;
  });
  if (double(flat) < kFlatBorderShare * double(border.size())) return std::nullopt;
  return median;
}

void finishAlpha(DecodedImage& image, const GenerationParams& params, FinishedOutput& out) {
  if (usesMatte(params)) {
    image = keyOutMatte(image, matteColorOf(params));
    out.finish.alpha = "matte";
    out.changed = true;
  } else if (inspectAlpha(image).kind == AlphaKind::kTransparent) {
    out.finish.alpha = "model";
  } else if (auto border = flatBorderColor(image)) {
    // Asked for transparency and sent opaque pixels: a subject on a flat colour is keyed out, so
    // a sprite still arrives with real alpha.
    image = keyOutMatte(image, *border);
    out.finish.alpha = "border";
    out.changed = true;
  } else {
    out.finish.alpha = "opaque";
  }
  out.finish.transparent_fraction = inspectAlpha(image).transparent_fraction;
}

}  // namespace

bool usesMatte(const GenerationParams& params) {
  return params.background == "transparent" && params.alpha_method == "matte";
}

MatteColor matteColorOf(const GenerationParams& params) {
  if (auto parsed = parseMatteColor(params.matte_color.empty() ? kDefaultMatte : params.matte_color))
    return *parsed;
  return *parseMatteColor(kDefaultMatte);
}

std::string promptToSend(const GenerationParams& params) {
  std::string prompt = params.prompt;
  if (params.seamless) prompt += kSeamlessAsk;
  if (usesMatte(params)) {
    prompt += " Isolated subject on a flat, uniform " + matteColorOf(params).hex() +
              " background with no shadows or gradients.";
  }
  return prompt;
}

std::string backgroundToSend(const GenerationParams& params) {
  if (usesMatte(params)) return "opaque";
  return params.background.empty() ? "auto" : params.background;
}

bool needsFinishing(const GenerationParams& params) {
  return params.seamless || !params.repair_of.empty() || params.background == "transparent";
}

bool isFinished(const OutputFinish& finish) {
  return finish.seam >= 0 || !finish.alpha.empty() || !finish.original_path.empty();
}

FinishedOutput finishOutput(DecodedImage image, const GenerationParams& params, double seam_before) {
  FinishedOutput out;
  if (!params.repair_of.empty()) {
    image = shiftSeamsBack(image);
    out.finish.seam_before = seam_before;
    out.changed = true;
  }
  if (params.background == "transparent") finishAlpha(image, params, out);
  if (params.seamless || !params.repair_of.empty()) out.finish.seam = measureSeams(image).score;
  out.image = std::move(image);
  return out;
}

json finishJson(const OutputFinish& f) {
  if (!isFinished(f)) return nullptr;
  json j = json::object();
  if (f.seam >= 0) j["seamScore"] = std::round(f.seam * 1000) / 1000;
  if (f.seam_before >= 0) j["seamScoreBefore"] = std::round(f.seam_before * 1000) / 1000;
  if (!f.alpha.empty()) {
    j["alpha"] = f.alpha;
    j["transparentFraction"] = std::round(f.transparent_fraction * 1000) / 1000;
  }
  if (!f.original_path.empty()) j["original"] = f.original_path;
  return j;
}

std::string finishToJson(const OutputFinish& finish) {
  const json j = finishJson(finish);
  return j.is_null() ? std::string() : j.dump(-1, ' ', false, json::error_handler_t::replace);
}

OutputFinish finishFromJson(const std::string& text) {
  OutputFinish f;
  if (text.empty()) return f;
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return f;
  auto number = [&](const char* key, double& to) {
    if (auto it = j.find(key); it != j.end() && it->is_number()) to = it->get<double>();
  };
  auto text_of = [&](const char* key, std::string& to) {
    if (auto it = j.find(key); it != j.end() && it->is_string()) to = it->get<std::string>();
  };
  number("seamScore", f.seam);
  number("seamScoreBefore", f.seam_before);
  number("transparentFraction", f.transparent_fraction);
  text_of("alpha", f.alpha);
  text_of("original", f.original_path);
  return f;
}

std::optional<TrimmedImage> trimTransparentBorder(const std::string& bytes, const DecodeLimits& limits) {
  auto decoded = decodeImage(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), limits);
  if (!decoded || !decoded->has_alpha) return std::nullopt;
  const PixelRect rect = opaqueBounds(*decoded, 0, 1);
  if (rect.width == decoded->width && rect.height == decoded->height) return std::nullopt;
  auto png = encodePng(cropImage(*decoded, rect));
  if (!png) return std::nullopt;
  TrimmedImage out;
  out.png.assign(png->begin(), png->end());
  out.rect = rect;
  out.from_width = decoded->width;
  out.from_height = decoded->height;
  return out;
}

}  // namespace texforge
