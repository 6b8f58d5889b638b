// The default AssetImporter: copies a cached result into a project folder under a readable name
// and writes the provenance sidecar next to it, never replacing a file and never leaving the project.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <utility>

#include <nlohmann/json.hpp>

#include "failpoint.h"
#include "file_util.h"
#include "output_finish.h"
#include "params_json.h"
#include "platform.h"
#include "texforge/asset_importer.h"
#include "texforge/project_files.h"

namespace texforge {
namespace {

using nlohmann::json;

constexpr int kSidecarVersion = 2;  // 1: model and prompt at the top, ids as strings
constexpr int kMaxNameAttempts = 10000;
constexpr size_t kShortIdLength = 8;
constexpr size_t kMaxSidecarBytes = 4u << 20;
constexpr const char* kSidecarSuffix = ".texforge.json";

std::string utcNowIso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  platform::utcFromTime(now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// [a-z0-9] only, at most kShortIdLength: ids come from the service and end up in a file name.
std::string shortId(const std::string& id) {
  std::string rest = id.rfind("asset_", 0) == 0 ? id.substr(6) : id;
  std::string out;
  for (char c : rest) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalnum(u)) out.push_back(static_cast<char>(std::tolower(u)));
    if (out.size() == kShortIdLength) break;
  }
  return out;
}

// Whether checkParams accepts the chosen name: the rule lives there, the importer only relies on it.
bool nameAccepted(const GenerationParams& params) {
  for (const ParamProblem& p : checkParams(params)) {
    if (p.field == ParamField::kName && p.blocking) return false;
  }
  return true;
}

// The file name without extension for the attempt-th try (1 first). A chosen name is "name" for
// the first output and "name-2", "name-3"... for the next; when that is taken, the asset's short
// id follows ("name-ab12cd34", then "-2"...), so it never lands on another output's own name.
// Without a name: a slug of the prompt plus the short id, then "-2"... A name checkParams refuses
// (an importer called without submit()'s checks) is slugified, never used as a path.
std::string fileStem(const ImportRequest& request, int attempt) {
  std::string id = shortId(request.asset_id);
  if (id.empty()) id = shortId(request.local_id);
  const std::string& name = request.params.name;
  std::string stem = name.empty() ? std::string() : nameAccepted(request.params) ? name : slugify(name);
  if (stem.empty()) {
    stem = slugify(request.params.prompt) + (id.empty() ? "" : "-" + id);
    return stem + (attempt == 1 ? "" : "-" + std::to_string(attempt));
  }
  if (request.output_index > 0) stem += "-" + std::to_string(request.output_index + 1);
  if (attempt == 1) return stem;
  return stem + "-" + (id.empty() ? std::string("copy") : id) +
         (attempt == 2 ? "" : "-" + std::to_string(attempt - 1));
}

bool pathExists(const std::string& path) {
  return platform::entryKind(path) != platform::EntryKind::kMissing;  // unsure counts as taken
}

// The request as it was paid for: uploaded references and mask appear by their asset ids, since
// local paths are machine-specific (and URLs expire and sign, so they never appear).
GenerationParams resolvedParams(const ImportRequest& request) {
  GenerationParams p = request.params;
  if (!request.reference_asset_ids.empty()) {
    p.reference_images.clear();
    for (const std::string& id : request.reference_asset_ids)
      p.reference_images.push_back(ImageInput{id, {}});
  }
  p.reference_images.erase(std::remove_if(p.reference_images.begin(), p.reference_images.end(),
                                          [](const ImageInput& in) { return !in.isAsset(); }),
                           p.reference_images.end());
  if (!request.mask_asset_id.empty()) p.mask = ImageInput{request.mask_asset_id, {}};
  if (p.mask && !p.mask->isAsset()) p.mask.reset();
  return p;
}

// trimmed: the rectangle a sprite import kept (GenerationParams::trim), or null.
json sidecarJson(const ImportRequest& request, const std::string& file_name, ImageFormat format, int width,
                 int height, const json& trimmed) {
  json doc = json::object();
  doc["texforge_sidecar"] = kSidecarVersion;
  doc["parameters"] = paramsJson(resolvedParams(request));
  doc["local_id"] = request.local_id;
  doc["job_id"] = request.job_id;
  doc["asset_id"] = request.asset_id;
  doc["output_index"] = request.output_index;
  doc["output_count"] = request.output_count;
  doc["cost"] = request.cost < 0 ? json(nullptr) : json(request.cost);
  doc["created_at"] = request.created_at;
  doc["imported_at"] = utcNowIso8601();
  doc["file"] = file_name;
  doc["width"] = width;
  doc["height"] = height;
  doc["format"] = imageFormatName(format);
  // How the pixels differ from what the service sent, and how the alpha was made.
  if (json finish = finishJson(request.finish); !finish.is_null()) doc["finish"] = std::move(finish);
  if (!trimmed.is_null()) doc["trimmed"] = trimmed;
  return doc;
}

class FolderImporter final : public AssetImporter {
 public:
  explicit FolderImporter(FolderImporterOptions options) : options_(std::move(options)) {}

  Result<ImportedAsset> importAsset(const ImportRequest& request) override {
    try {
      return importChecked(request);
    } catch (const std::exception& e) {  // nothing throws across the public API
      return makeError(ErrorCode::kInternal, std::string("import failed: ") + e.what());
    }
  }

 private:
  Result<ImportedAsset> importChecked(const ImportRequest& request) {
    const std::string project = request.project_dir.empty() ? std::string(".") : request.project_dir;

    // The folder is an option a user can type, so it gets the same containment check as a file.
    std::string folder_rel;
    if (!options_.folder.empty() && options_.folder != ".") {
      const std::optional<std::string> normalized = normalizeRelativePath(options_.folder);
      if (!normalized) {
        return makeError(ErrorCode::kInvalidArgument, "import folder \"" + options_.folder +
                                                          "\" must be a relative path inside the project");
      }
      Result<std::string> checked = safeProjectPath(project, *normalized);
      if (!checked) return checked.error();
      folder_rel = *normalized;
    }

    Result<std::string> bytes = readFile(request.source_file);
    if (!bytes) return bytes.error();
    const auto* data = reinterpret_cast<const uint8_t*>(bytes->data());

    // The bytes decide the extension: a JPEG saved as .png would confuse every engine.
    ImageFormat format = sniffImageFormat(data, bytes->size());
    if (format == ImageFormat::kUnknown) {
      return makeError(ErrorCode::kDecode,
                       "cannot import " + request.source_file + ": not a PNG, JPEG or WebP image");
    }
    int width = request.width;
    int height = request.height;
    if (width <= 0 || height <= 0) {
      Result<ImageInfo> info = probeImage(data, bytes->size());
      if (!info) return info.error();
      width = info->width;
      height = info->height;
    }

    // A sprite keeps only its pixels and one transparent pixel around them, when asked.
    json trimmed = nullptr;
    if (request.params.trim) {
      if (auto cut = trimTransparentBorder(*bytes)) {
        trimmed = {{"x", cut->rect.x},
                   {"y", cut->rect.y},
                   {"width", cut->rect.width},
                   {"height", cut->rect.height},
                   {"fromWidth", cut->from_width},
                   {"fromHeight", cut->from_height}};
        *bytes = std::move(cut->png);
        format = ImageFormat::kPng;
        width = cut->rect.width;
        height = cut->rect.height;
      }
    }

    const std::string extension = imageFormatExtension(format);
    for (int attempt = 1; attempt <= kMaxNameAttempts; ++attempt) {
      const std::string name = fileStem(request, attempt) + extension;
      const std::string rel = folder_rel.empty() ? name : folder_rel + "/" + name;
      Result<std::string> path = safeProjectPath(project, rel);
      if (!path) return path.error();
      const std::string sidecar_path = *path + kSidecarSuffix;
      if (pathExists(*path)) {
        // A run killed after writing this asset but before journaling it: finish that import
        // instead of writing a second copy, so every image arrives exactly once.
        if (auto earlier = adoptEarlierImport(request, *path, sidecar_path, *bytes, name, rel, format, width,
                                              height, trimmed)) {
          return *earlier;
        }
        continue;
      }
      // An orphaned sidecar also takes the name: it would otherwise describe the wrong image.
      if (pathExists(sidecar_path)) continue;

      AtomicWriteOptions write_options;
      write_options.no_overwrite = true;
      bool existed = false;
      write_options.existed = &existed;
      Status image_written = writeFileAtomicWith(*path, bytes->data(), bytes->size(), write_options);
      if (!image_written) {
        if (existed) continue;  // another importer took the name between the check and the write
        return image_written.error();
      }

      std::string sidecar_text;
      try {
        // Invalid UTF-8 in a prompt is replaced rather than failing the import.
        sidecar_text = sidecarJson(request, name, format, width, height, trimmed)
                           .dump(2, ' ', false, json::error_handler_t::replace) +
                       "\n";
      } catch (const json::exception& e) {
        (void)platform::removeFile(*path);
        return makeError(ErrorCode::kInternal, std::string("cannot build the sidecar: ") + e.what());
      }
      failpoint("import.after_image");
      bool sidecar_existed = false;
      write_options.existed = &sidecar_existed;
      Status sidecar_written =
          writeFileAtomicWith(sidecar_path, sidecar_text.data(), sidecar_text.size(), write_options);
      if (!sidecar_written) {
        // Another importer adopted this image and wrote its sidecar first: the image is theirs now
        // as well as ours, and removing it would lose it for both.
        if (sidecar_existed && describesThisAsset(sidecar_path, request))
          return ImportedAsset{rel, rel + kSidecarSuffix};
        // Without its sidecar the image loses its provenance; remove it so a retry starts clean.
        (void)platform::removeFile(*path);
        return sidecar_written.error();
      }
      return ImportedAsset{rel, rel + kSidecarSuffix};
    }
    return makeError(ErrorCode::kIo,
                     "cannot import: too many files named " + fileStem(request, 2) + "-N" + extension);
  }

  // The same asset of the same request already at path: with its sidecar it is returned as is;
  // without one (killed in between) the sidecar is written now. Anything else: nullopt.
  std::optional<Result<ImportedAsset>> adoptEarlierImport(const ImportRequest& request,
                                                          const std::string& path,
                                                          const std::string& sidecar_path,
                                                          const std::string& bytes, const std::string& name,
                                                          const std::string& rel, ImageFormat format,
                                                          int width, int height, const json& trimmed) {
    if (request.asset_id.empty()) return std::nullopt;
    if (pathExists(sidecar_path)) {
      if (!describesThisAsset(sidecar_path, request)) return std::nullopt;
      return Result<ImportedAsset>(ImportedAsset{rel, rel + kSidecarSuffix});
    }
    Result<std::string> existing = readFile(path, bytes.size() + 1);
    if (!existing || *existing != bytes) return std::nullopt;
    const std::string sidecar_text = sidecarJson(request, name, format, width, height, trimmed)
                                         .dump(2, ' ', false, json::error_handler_t::replace) +
                                     "\n";
    AtomicWriteOptions write_options;
    write_options.no_overwrite = true;
    Status written =
        writeFileAtomicWith(sidecar_path, sidecar_text.data(), sidecar_text.size(), write_options);
    if (!written) return Result<ImportedAsset>(written.error());
    return Result<ImportedAsset>(ImportedAsset{rel, rel + kSidecarSuffix});
  }

  // The sidecar at path was written for this request's asset (same asset and local job).
  static bool describesThisAsset(const std::string& sidecar_path, const ImportRequest& request) {
    if (request.asset_id.empty()) return false;
    Result<std::string> text = readFile(sidecar_path, 1u << 20);
    if (!text) return false;
    const json doc = json::parse(*text, nullptr, false);
    return doc.is_object() && doc.value("asset_id", "") == request.asset_id &&
           doc.value("local_id", "") == request.local_id;
  }

  FolderImporterOptions options_;
};

}  // namespace

std::unique_ptr<AssetImporter> makeFolderImporter(FolderImporterOptions options) {
  return std::make_unique<FolderImporter>(std::move(options));
}

std::string slugify(const std::string& text, size_t max_len) {
  std::string out;
  bool pending_dash = false;
  for (char c : text) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80 && std::isalnum(u)) {
      if (pending_dash && !out.empty()) out.push_back('-');
      pending_dash = false;
      out.push_back(static_cast<char>(std::tolower(u)));
      if (out.size() >= max_len) break;
    } else {
      pending_dash = true;  // any run of other bytes, UTF-8 included, separates words
    }
  }
  if (out.size() > max_len) out.resize(max_len);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) return "image";
  return out;
}

Result<GenerationParams> readSidecarParams(const std::string& sidecar_path) {
  Result<std::string> text = readFile(sidecar_path, kMaxSidecarBytes);
  if (!text) return text.error();
  const json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("texforge_sidecar") || !doc["texforge_sidecar"].is_number_integer()) {
    return makeError(ErrorCode::kInvalidArgument, sidecar_path + " is not a texforge sidecar");
  }
  if (doc["texforge_sidecar"].get<int64_t>() > kSidecarVersion) {
    return makeError(ErrorCode::kInvalidArgument,
                     sidecar_path + " was written by a newer texforge; update to read it");
  }
  GenerationParams params;
  const auto p = doc.find("parameters");
  if (doc["texforge_sidecar"].get<int64_t>() >= 2) {
    if (p != doc.end()) paramsFromJsonValue(*p, &params);
    return params;
  }
  // Version 1: model and prompt at the top; references and mask as bare asset id strings, which
  // the shared reader takes too. Missing or mistyped fields keep their defaults.
  GenerationParams top;
  paramsFromJsonValue(json{{"modelId", doc.value("model", json())}, {"prompt", doc.value("prompt", json())}},
                      &top);
  if (p != doc.end()) paramsFromJsonValue(*p, &params);
  params.model_id = top.model_id;
  params.prompt = top.prompt;
  return params;
}

}  // namespace texforge
