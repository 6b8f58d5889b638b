// Scene: registry and file watching, texture swaps, and the grid layout.
#include "scene.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "texforge/project_files.h"

namespace texforge::custom_engine {
namespace {

// How the engine samples each usage: colour is sRGB everywhere; sprites, icons and UI art are
// blended premultiplied; UI art is drawn at its size, so it gets no mip chain.
TextureDesc descFor(const std::string& usage, const std::string& debug_name) {
  TextureDesc desc;
  desc.srgb = true;
  desc.premultiplied = usage == "sprite" || usage == "icon" || usage == "ui";
  desc.mipmaps = usage != "ui";
  desc.debug_name = debug_name;
  return desc;
}

}  // namespace

Scene::Scene(AssetRegistry& registry, TextureUploader& uploader, std::string project_dir, Log log,
             int watch_every_frames)
    : registry_(registry),
      uploader_(uploader),
      project_dir_(std::move(project_dir)),
      log_(std::move(log)),
      watch_every_(std::max(1, watch_every_frames)) {
  DecodedImage white;
  white.width = white.height = 1;
  white.rgba = {255, 255, 255, 255};
  TextureDesc desc;
  desc.srgb = false;
  desc.debug_name = "scene: backdrop";
  backdrop_ = uploader_.create(white, desc);
}

Scene::~Scene() {
  for (Entry& e : entries_) {
    if (e.shown) uploader_.destroy(e.shown);
    if (e.incoming) uploader_.destroy(e.incoming);
  }
  if (backdrop_) uploader_.destroy(backdrop_);
}

Scene::FileStamp Scene::stampOf(const std::string& path) const {
  FileStamp stamp;
  auto full = safeProjectPath(project_dir_, path);
  if (!full) return stamp;
  std::error_code ec;
  const auto size = std::filesystem::file_size(*full, ec);
  if (ec) return stamp;
  const auto time = std::filesystem::last_write_time(*full, ec);
  if (ec) return stamp;
  stamp.exists = true;
  stamp.size = size;
  stamp.mtime = static_cast<int64_t>(time.time_since_epoch().count());
  return stamp;
}

void Scene::load(Entry& e, std::shared_ptr<const DecodedImage> pixels, const std::string& why) {
  const FileStamp stamp = stampOf(e.path);  // before reading: a later change is seen next time
  if (!pixels) {
    auto full = safeProjectPath(project_dir_, e.path);
    auto bytes = full ? readFile(*full) : Result<std::string>(full.error());
    auto decoded = bytes ? decodeImage(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size())
                         : Result<DecodedImage>(bytes.error());
    if (!decoded) {
      stats_.load_failures++;
      e.failed = stamp;  // retried once the file changes again (a tool may still be writing it)
      log_("scene: cannot load " + e.path + ": " + decoded.error().message);
      return;
    }
    pixels = std::make_shared<DecodedImage>(std::move(*decoded));
  }
  const std::string debug_name = "scene: " + e.name + " v" + std::to_string(e.version);
  const TextureHandle texture = uploader_.create(*pixels, descFor(e.usage, debug_name));
  if (!texture) {
    stats_.load_failures++;
    e.failed = stamp;
    log_("scene: the uploader refused " + e.path);
    return;
  }
  if (e.incoming) uploader_.destroy(e.incoming);  // superseded before it was ever shown
  e.incoming = texture;
  e.why = why;
  e.stamp = stamp;
  e.failed = FileStamp{};
  stats_.loads++;
  log_("scene: loading " + e.name + " (" + why + ", " + std::to_string(pixels->width) + "x" +
       std::to_string(pixels->height) + ") into texture #" + std::to_string(texture.id));
}

void Scene::syncRegistry() {
  const uint64_t revision = registry_.revision();
  if (revision == seen_revision_) return;
  seen_revision_ = revision;
  for (const AssetRecord& record : registry_.list()) {
    auto it =
        std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.path == record.path; });
    if (it == entries_.end()) {
      Entry e;
      e.path = record.path;
      e.name = record.name;
      e.usage = record.usage;
      e.version = record.version;
      entries_.push_back(std::move(e));
      load(entries_.back(), registry_.takePixels(record.path), "new");
    } else if (record.version > it->version) {
      it->version = record.version;
      it->usage = record.usage;
      stats_.reimports++;
      load(*it, registry_.takePixels(record.path), "re-imported");
    }
  }
}

void Scene::watchFiles() {
  for (Entry& e : entries_) {
    const FileStamp now = stampOf(e.path);
    if (!now.exists || now == e.stamp || now == e.failed) continue;
    stats_.file_changes++;
    load(e, nullptr, "file changed");
  }
}

void Scene::promoteReady() {
  for (Entry& e : entries_) {
    if (!e.incoming || !uploader_.ready(e.incoming)) continue;
    if (e.shown) {
      uploader_.destroy(e.shown);  // deferred by the uploader while frames in flight may read it
      stats_.hot_reloads++;
      log_("hot-reload: " + e.name + " (" + e.why + "): texture #" + std::to_string(e.shown.id) + " -> #" +
           std::to_string(e.incoming.id));
    } else {
      log_("scene: " + e.name + " shown (texture #" + std::to_string(e.incoming.id) + ")");
    }
    e.shown = e.incoming;
    e.incoming = {};
  }
}

void Scene::update(uint64_t frame) {
  syncRegistry();
  if (frame % watch_every_ == 0) watchFiles();
  promoteReady();
}

size_t Scene::shownCount() const {
  return static_cast<size_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return bool(e.shown); }));
}

bool Scene::settled() const {
  if (registry_.revision() != seen_revision_) return false;
  return std::all_of(entries_.begin(), entries_.end(), [](const Entry& e) { return e.shown && !e.incoming; });
}

std::vector<QuadDraw> Scene::layout(float x, float y, float width, float height) const {
  std::vector<QuadDraw> quads;
  const int n = static_cast<int>(entries_.size());
  if (n == 0 || width <= 0 || height <= 0) return quads;
  const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(n))));
  const int rows = (n + columns - 1) / columns;
  const float cell = std::min(width / columns, height / rows);
  const float pad = std::max(4.0f, cell * 0.04f);
  const float left = x + (width - cell * columns) / 2, top = y + (height - cell * rows) / 2;  // centred
  for (int i = 0; i < n; ++i) {
    const Entry& e = entries_[i];
    const float cx = left + (i % columns) * cell, cy = top + (i / columns) * cell;
    QuadDraw backdrop{backdrop_, cx + pad, cy + pad, cx + cell - pad, cy + cell - pad, 0xff3a3530u};
    quads.push_back(backdrop);
    if (!e.shown) continue;  // loading: the backdrop stands in
    const float inner = cell - 4 * pad;
    const float w = static_cast<float>(uploader_.width(e.shown)),
                h = static_cast<float>(uploader_.height(e.shown));
    if (w <= 0 || h <= 0) continue;
    const float fit = std::min(inner / w, inner / h);
    const float qx = cx + (cell - w * fit) / 2, qy = cy + (cell - h * fit) / 2;
    quads.push_back(QuadDraw{e.shown, qx, qy, qx + w * fit, qy + h * fit, 0xffffffffu});
  }
  return quads;
}

}  // namespace texforge::custom_engine
