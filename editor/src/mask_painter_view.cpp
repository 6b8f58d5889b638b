// The mask painter window: the first reference with the painted area in red on top; brush and
// eraser with size and softness, undo/redo, clear, invert, load from file, then "Use this mask".
#include <algorithm>

#include <imgui.h>

#include "panel_state.h"
#include "texforge/editor/imgui_texture.h"

namespace texforge::editor {
namespace {

constexpr int kOverlayMaxSide = 512;

// The overlay is data, not colour: its alpha is the painted amount, sampled as it is.
TextureDesc overlayDesc() {
  TextureDesc desc;
  desc.srgb = false;
  desc.debug_name = "texforge mask overlay";
  return desc;
}

// Uploads the overlay when the mask changed; the new one replaces the drawn one once it is ready()
// (at once on an immediate renderer). A newer stroke supersedes one still waiting.
void refreshOverlay(Panel::State& s) {
  TextureUploader& uploader = *s.options.uploader;
  if (!s.mask.empty() && s.mask.revision() != s.mask_overlay_revision) {
    if (s.mask_overlay_next) uploader.destroy(s.mask_overlay_next);
    s.mask_overlay_next = uploader.create(s.mask.toOverlay(kOverlayMaxSide, 0.55f), overlayDesc());
    s.mask_overlay_revision = s.mask.revision();
  }
  if (s.mask_overlay_next && uploader.ready(s.mask_overlay_next)) {
    if (s.mask_overlay) uploader.destroy(s.mask_overlay);
    s.mask_overlay = s.mask_overlay_next;
    s.mask_overlay_next = {};
  }
}

// Toolbar items flow onto the next line when the window is too narrow for them: call before an
// item of the given width, except the first of the toolbar.
void sameLineIfFits(float next_width) {
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next_width <= right) ImGui::SameLine();
}

float buttonWidth(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + ImGui::GetStyle().FramePadding.x * 2;
}

// A labelled slider or field: the frame plus the gap and its visible label.
float labelledWidth(float frame_width, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return frame_width + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

float radioWidth(const char* label) {
  return labelledWidth(ImGui::GetFrameHeight(), label);
}

}  // namespace

void drawMaskPainter(Panel& panel, Panel::State& s) {
  if (!s.mask_open) return;
  const GenerationParams& p = s.params;
  if (p.reference_images.empty() || p.reference_images[0].local_path.empty()) {
    s.mask_open = false;
    return;
  }
  const std::string& reference = p.reference_images[0].local_path;
  TextureView ref = fileTexture(s, reference, false);
  if (ref.state == TextureState::kReady &&
      (s.mask_reference != reference || s.mask.width() != ref.width || s.mask.height() != ref.height)) {
    s.mask.reset(ref.width, ref.height);  // the API wants the mask the size of the first reference
    s.mask_reference = reference;
  }

  // Never larger than the host's window, so the buttons under the canvas stay on screen; the canvas
  // shrinks to what is left.
  const float scale = uiScale(s);
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  const ImVec2 room = viewport->WorkSize;
  ImGui::SetNextWindowSize(
      ImVec2(std::min(760 * scale, room.x * 0.92f), std::min(680 * scale, room.y * 0.92f)),
      ImGuiCond_Appearing);
  ImGui::SetNextWindowPos(ImVec2(viewport->WorkPos.x + room.x * 0.5f, viewport->WorkPos.y + room.y * 0.5f),
                          ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(std::min(240 * scale, room.x), std::min(200 * scale, room.y)),
                                      room);
  if (!ImGui::Begin("Mask painter", &s.mask_open)) {
    ImGui::End();
    return;
  }
  if (ref.state == TextureState::kFailed) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.42f, 1), "Cannot read the reference: %s", ref.error.c_str());
    ImGui::End();
    return;
  }
  if (ref.state != TextureState::kReady) {
    ImGui::TextDisabled("Loading the reference...");
    ImGui::End();
    return;
  }

  // Toolbar.
  const float size_width = 140 * scale, softness_width = 110 * scale, path_width = 180 * scale;
  if (ImGui::RadioButton("Brush", !s.eraser)) s.eraser = false;
  sameLineIfFits(radioWidth("Eraser"));
  if (ImGui::RadioButton("Eraser", s.eraser)) s.eraser = true;
  sameLineIfFits(labelledWidth(size_width, "Size"));
  ImGui::SetNextItemWidth(size_width);
  ImGui::SliderFloat("Size", &s.brush_size, 2.0f, 512.0f, "%.0f px", ImGuiSliderFlags_Logarithmic);
  sameLineIfFits(labelledWidth(softness_width, "Softness"));
  ImGui::SetNextItemWidth(softness_width);
  ImGui::SliderFloat("Softness", &s.brush_softness, 0.0f, 1.0f, "%.2f");
  ImGui::BeginDisabled(!s.mask.canUndo());
  if (ImGui::Button("Undo")) s.mask.undo();
  ImGui::EndDisabled();
  sameLineIfFits(buttonWidth("Redo"));
  ImGui::BeginDisabled(!s.mask.canRedo());
  if (ImGui::Button("Redo")) s.mask.redo();
  ImGui::EndDisabled();
  sameLineIfFits(buttonWidth("Clear"));
  if (ImGui::Button("Clear")) s.mask.clear();
  sameLineIfFits(buttonWidth("Invert"));
  if (ImGui::Button("Invert")) s.mask.invert();
  sameLineIfFits(path_width);
  ImGui::SetNextItemWidth(path_width);
  inputTextWithHint("##maskfile", "mask PNG path", &s.mask_load_path);
  sameLineIfFits(buttonWidth("Load"));
  if (ImGui::Button("Load")) {
    auto image = loadImageFile(s.mask_load_path);
    Status loaded = image ? s.mask.loadFromImage(*image) : Status(image.error());
    s.setStatus(loaded ? "Mask loaded." : describeError(loaded.error()), !loaded);
  }
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled(
      "Paint the area the model may change (shown in red). %d x %d px, like the first reference.", ref.width,
      ref.height);
  ImGui::PopTextWrapPos();

  // Canvas.
  refreshOverlay(s);
  // The footer below the canvas: spacing, then one row of buttons.
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float footer = style.ItemSpacing.y * 3 + ImGui::GetFrameHeight();
  const float fit = std::max(0.0f, std::min(avail.x / ref.width, (avail.y - footer) / ref.height));
  const ImVec2 size(ref.width * fit, ref.height * fit);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 end(origin.x + size.x, origin.y + size.y);
  drawCheckerboard(origin, end);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddImage(toImTextureId(ref.handle), origin, end);
  if (s.mask_overlay && s.options.uploader->ready(s.mask_overlay))
    draw->AddImage(toImTextureId(s.mask_overlay), origin, end);
  ImGui::InvisibleButton("canvas", ImVec2(std::max(size.x, 1.0f), std::max(size.y, 1.0f)));
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const float to_pixels = fit > 0 ? 1.0f / fit : 0.0f;  // a window too small for any canvas paints nothing
  const float mx = (mouse.x - origin.x) * to_pixels, my = (mouse.y - origin.y) * to_pixels;
  noteLayout(s, "mask.canvas");
  if (fit > 0 && ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    s.mask.strokeTo(mx, my, s.brush_size * 0.5f, s.brush_softness, s.eraser);
  } else if (ImGui::IsItemDeactivated()) {
    s.mask.endStroke();
  }
  if (ImGui::IsItemHovered()) {
    draw->AddCircle(mouse, s.brush_size * 0.5f * fit, IM_COL32(255, 255, 255, 200), 48, 1.5f);
  }

  ImGui::Spacing();
  ImGui::BeginDisabled(!s.mask.hasPaint());
  if (ImGui::Button("Use this mask", ImVec2(std::max(160 * scale, buttonWidth("Use this mask")), 0))) {
    if (panel.applyMask()) s.mask_open = false;
  }
  noteLayout(s, "mask.use");
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Close")) s.mask_open = false;
  noteLayout(s, "mask.close");
  ImGui::End();
}

}  // namespace texforge::editor
