// References and mask in the form: thumbnails with reorder and remove, adding from a file path, the
// file browser, files the host drops or the project's assets, and the way into the mask painter.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <imgui.h>

#include "panel_state.h"
#include "texforge/editor/imgui_texture.h"
#include "texforge/image.h"

namespace texforge::editor {
namespace {

// A reference thumbnail's side at the host's content scale.
float thumbSide(const Panel::State& s) {
  return 64.0f * uiScale(s);
}

// Why path cannot be a reference or mask, or empty: the bytes decide (a renamed file is caught
// here, not at upload time), read no further than the signature.
std::string whyNotAnImage(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return "not found";
  if (std::filesystem::is_directory(status)) return "a folder";
  uint8_t head[16] = {};
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return "unreadable";
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (sniffImageFormat(head, static_cast<size_t>(in.gcount())) == ImageFormat::kUnknown)
    return "not a PNG, JPEG or WebP image";
  return "";
}

// Adds image files as references, or loads the first into the mask canvas; one status line
// for the lot. Returns how many were taken.
int takeImageFiles(Panel::State& s, const std::vector<std::string>& paths, bool into_mask) {
  int taken = 0;
  std::string refused;  // "name (why), ..."
  std::string mask_from;
  for (const std::string& path : paths) {
    std::string why = whyNotAnImage(path);
    if (why.empty() && into_mask && !mask_from.empty()) why = "the mask takes one image";
    if (why.empty() && !into_mask && s.params.reference_images.size() >= static_cast<size_t>(kMaxReferences))
      why = "the model takes at most " + std::to_string(kMaxReferences) + " references";
    if (why.empty() && into_mask) {
      auto image = loadImageFile(path);
      Status loaded = image ? s.mask.loadFromImage(*image) : Status(image.error());
      if (loaded) {
        mask_from = std::filesystem::path(path).filename().string();
      } else {
        why = describeError(loaded.error());
      }
    } else if (why.empty()) {
      ImageInput input;
      input.local_path = path;
      s.params.reference_images.push_back(input);
    }
    if (!why.empty()) {
      refused +=
          (refused.empty() ? "" : ", ") + std::filesystem::path(path).filename().string() + " (" + why + ")";
    } else {
      ++taken;
    }
  }
  std::string message;
  if (!mask_from.empty()) {
    message = "Mask loaded from " + mask_from + ": \"Use this mask\" keeps it.";
  } else if (taken > 0) {
    message = taken == 1 ? "Added as reference " + std::to_string(s.params.reference_images.size()) + "."
                         : "Added " + std::to_string(taken) + " references.";
  }
  if (!refused.empty()) {
    message += (message.empty() ? "" : " ") + std::string("Not added: ") + refused +
               ". References and masks are PNG, JPEG or WebP files.";
  }
  if (!message.empty()) s.setStatus(message, !refused.empty());
  return taken;
}

void drawThumb(Panel::State& s, const ImageInput& input) {
  const float thumb = thumbSide(s);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + thumb, pos.y + thumb);
  drawCheckerboard(pos, end, 8.0f);
  if (!input.local_path.empty()) {
    TextureView view = fileTexture(s, input.local_path, true);
    if (view.state == TextureState::kReady && view.width > 0) {
      const float scale = thumb / static_cast<float>(std::max(view.width, view.height));
      const float w = view.width * scale, h = view.height * scale;
      ImGui::GetWindowDrawList()->AddImage(toImTextureId(view.handle),
                                           ImVec2(pos.x + (thumb - w) / 2, pos.y + (thumb - h) / 2),
                                           ImVec2(pos.x + (thumb + w) / 2, pos.y + (thumb + h) / 2));
    } else if (view.state == TextureState::kFailed) {
      ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + 6, pos.y + 24), IM_COL32(255, 120, 110, 255),
                                          "unreadable");
    }
  } else {
    ImGui::GetWindowDrawList()->AddText(ImVec2(pos.x + 6, pos.y + 24), IM_COL32(200, 200, 200, 255), "asset");
  }
  ImGui::Dummy(ImVec2(thumb, thumb));
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s", input.isAsset() ? input.asset_id.c_str() : input.local_path.c_str());
  }
}

// The mask file as the painter shows it: red where the model may change (transparent in the file).
TextureView maskOverlayTexture(Panel::State& s, const std::string& path) {
  TextureDesc desc;
  desc.srgb = false;  // data: its alpha is the painted amount
  desc.debug_name = "texforge mask thumbnail " + path;
  auto load = [path]() -> Result<DecodedImage> {
    auto image = loadImageFile(path);
    if (!image) return image.error();
    for (size_t i = 0; i + 3 < image->rgba.size(); i += 4) {
      uint8_t* px = &image->rgba[i];
      const int painted = 255 - px[3];
      px[0] = 255;
      px[1] = 60;
      px[2] = 90;
      px[3] = static_cast<uint8_t>(painted * 0.8f);
    }
    image->has_alpha = true;
    return image;
  };
  return s.textures->get("mask-overlay:" + path, load, true, desc);
}

// The mask's thumbnail: the first reference (when there is one) with the painted area in red.
void drawMaskThumb(Panel::State& s, const ImageInput& mask, const std::string& reference) {
  const float thumb = thumbSide(s);
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + thumb, pos.y + thumb);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  drawCheckerboard(pos, end, 8.0f);
  TextureView overlay;
  if (!mask.local_path.empty()) overlay = maskOverlayTexture(s, mask.local_path);
  if (overlay.state == TextureState::kReady && overlay.width > 0) {
    const float scale = thumb / static_cast<float>(std::max(overlay.width, overlay.height));
    const float w = overlay.width * scale, h = overlay.height * scale;
    const ImVec2 min(pos.x + (thumb - w) / 2, pos.y + (thumb - h) / 2);
    const ImVec2 max(pos.x + (thumb + w) / 2, pos.y + (thumb + h) / 2);
    if (!reference.empty()) {
      TextureView ref = fileTexture(s, reference, true);
      if (ref.state == TextureState::kReady) draw->AddImage(toImTextureId(ref.handle), min, max);
    }
    draw->AddImage(toImTextureId(overlay.handle), min, max);
  } else if (overlay.state == TextureState::kFailed) {
    draw->AddText(ImVec2(pos.x + 6, pos.y + 24), IM_COL32(255, 120, 110, 255), "unreadable");
  } else if (mask.isAsset()) {
    draw->AddText(ImVec2(pos.x + 6, pos.y + 24), IM_COL32(200, 200, 200, 255), "asset");
  }
  ImGui::Dummy(ImVec2(thumb, thumb));
  noteLayout(s, "mask.thumbnail");
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip("%s", mask.isAsset() ? mask.asset_id.c_str() : mask.local_path.c_str());
  }
}
}  // namespace

void drawReferences(Panel& panel, Panel::State& s) {
  GenerationParams& p = s.params;
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::Text("REFERENCES  %zu / 10", p.reference_images.size());
  ImGui::PopStyleColor();

  int remove = -1, move_from = -1, move_to = -1;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float thumb = thumbSide(s);
  const int per_row = std::max(1, static_cast<int>(avail / (thumb + 12)));
  for (size_t i = 0; i < p.reference_images.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    if (i % per_row != 0) ImGui::SameLine();
    ImGui::BeginGroup();
    drawThumb(s, p.reference_images[i]);
    if (ImGui::SmallButton("<") && i > 0) {
      move_from = static_cast<int>(i);
      move_to = static_cast<int>(i) - 1;
    }
    ImGui::SameLine(0, 2);
    if (ImGui::SmallButton(">") && i + 1 < p.reference_images.size()) {
      move_from = static_cast<int>(i);
      move_to = static_cast<int>(i) + 1;
    }
    ImGui::SameLine(0, 2);
    if (ImGui::SmallButton("x")) remove = static_cast<int>(i);
    ImGui::EndGroup();
    ImGui::PopID();
  }
  if (remove >= 0) panel.removeReference(static_cast<size_t>(remove));
  if (move_from >= 0) panel.moveReference(static_cast<size_t>(move_from), static_cast<size_t>(move_to));
  fieldError(s, "referenceImages");

  const ImGuiStyle& style = ImGui::GetStyle();
  const float buttons = buttonWidth("Add") + buttonWidth("Browse...") + 2 * style.ItemSpacing.x;
  ImGui::SetNextItemWidth(-buttons);
  const bool entered = inputTextWithHint("##refpath", "file path or asset_id", &s.new_reference_path,
                                         ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  if ((ImGui::Button("Add") || entered) && !s.new_reference_path.empty()) {
    panel.addReference(s.new_reference_path);
    s.new_reference_path.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button("Browse...")) {
    if (s.reference_browser.isOpen()) {
      s.reference_browser.close();
    } else {
      const std::string& last = s.reference_browser.directory();  // where it was last closed
      s.reference_browser.open(last.empty() ? panel.projectDir() : last, panel.projectDir());
    }
  }
  if (s.reference_browser.isOpen()) {
    const std::string picked = s.reference_browser.draw(8);
    if (!picked.empty()) takeImageFiles(s, {picked}, false);
  }
  ImGui::SetNextItemWidth(-1);
  if (ImGui::BeginCombo("##fromproject", "Add from project assets...")) {
    s.assets->refresh(s.now(), 2.0, s.assets_stale);
    s.assets_stale = false;
    if (s.assets->assets().empty()) ImGui::TextDisabled("No images in the project yet.");
    for (const auto& asset : s.assets->assets()) {
      if (ImGui::Selectable(asset.relative_path.c_str())) panel.addReference(asset.absolute_path);
    }
    ImGui::EndCombo();
  }

  // Mask.
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::TextUnformatted("MASK");
  ImGui::PopStyleColor();
  const bool can_paint = !p.reference_images.empty() && !p.reference_images[0].local_path.empty();
  const char* no_paint_tip =
      "Add a reference image file first: the mask is painted over the first reference.";
  if (p.mask) {
    drawMaskThumb(s, *p.mask, can_paint ? p.reference_images[0].local_path : std::string());
    ImGui::SameLine();
    ImGui::BeginGroup();
    const std::string name =
        p.mask->isAsset() ? p.mask->asset_id : std::filesystem::path(p.mask->local_path).filename().string();
    ImGui::TextUnformatted(name.c_str());
    ImGui::BeginDisabled(!can_paint);
    if (ImGui::Button("Edit")) panel.openMaskPainter();
    ImGui::EndDisabled();
    if (!can_paint && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s", no_paint_tip);
    ImGui::SameLine();
    if (ImGui::Button("Clear mask")) panel.clearMask();
    ImGui::EndGroup();
  } else {
    ImGui::BeginDisabled(!can_paint);
    if (ImGui::Button("Paint mask...")) panel.openMaskPainter();
    ImGui::EndDisabled();
    if (!can_paint && ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s", no_paint_tip);
  }
  fieldError(s, "mask");
}

void Panel::clearMask() {
  if (!s_->params.mask) return;
  s_->params.mask.reset();  // the canvas keeps its paint: Paint mask... starts from it again
  s_->setStatus("Mask cleared: the model may change the whole image.", false);
}

int Panel::dropFiles(const std::vector<std::string>& paths) {
  State& s = *s_;
  const bool into_mask = s.mask_open;
  const int taken = takeImageFiles(s, paths, into_mask);
  if (taken > 0 && !into_mask) selectTab(PanelTab::kGenerate);  // where the references are shown
  return taken;
}

}  // namespace texforge::editor
