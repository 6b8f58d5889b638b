// The mask painter window: the first reference with the painted area in red on top, zoomed and
// panned; brush and eraser with size and softness, undo/redo, clear, invert, load from file, then
// "Use this mask".
#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "imgui_compat.h"
#include "mask_view.h"
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

// A labelled slider or field: the frame plus the gap and its visible label.
float labelledWidth(float frame_width, const char* label) {
  const float text = ImGui::CalcTextSize(label, nullptr, true).x;
  return frame_width + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

float radioWidth(const char* label) {
  return labelledWidth(ImGui::GetFrameHeight(), label);
}

enum class ZoomRequest { kNone, kFit, kActualSize, kIn, kOut };

// The shortcuts typed while the painter has focus and no text field takes the keys: F fits, 1 is
// 1:1, + (or =) and - step. Read as characters, which every ImGui version queues the same way.
ZoomRequest typedZoomRequest() {
  const ImGuiIO& io = ImGui::GetIO();
  if (io.WantTextInput || ImGui::IsAnyItemActive() || !ImGui::IsWindowFocused()) return ZoomRequest::kNone;
  ZoomRequest request = ZoomRequest::kNone;
  for (int i = 0; i < io.InputQueueCharacters.Size; ++i) {
    switch (io.InputQueueCharacters[i]) {
      case 'f':
      case 'F': request = ZoomRequest::kFit; break;
      case '1': request = ZoomRequest::kActualSize; break;
      case '+':
      case '=': request = ZoomRequest::kIn; break;
      case '-': request = ZoomRequest::kOut; break;
      default: break;
    }
  }
  return request;
}

// Fit follows the canvas's size until the artist zooms or pans; buttons and keys zoom around the
// canvas's centre, the wheel around the cursor (both in canvas coordinates).
void applyZoom(MaskView& view, ZoomRequest request, float wheel, const ImVec2& cursor, int w, int h,
               const ImVec2& size) {
  const ImVec2 centre(size.x * 0.5f, size.y * 0.5f);
  if (request == ZoomRequest::kFit) view.fit = true;
  if (view.fit) {
    fitMaskView(view, w, h, size);
  } else {
    clampMaskView(view, w, h, size);  // the window may have shrunk
  }
  if (request == ZoomRequest::kActualSize) zoomMaskView(view, 1.0f, centre, w, h, size);
  if (request == ZoomRequest::kIn || request == ZoomRequest::kOut)
    zoomMaskView(view, nextMaskZoomStep(view.zoom, request == ZoomRequest::kIn ? 1 : -1), centre, w, h, size);
  if (wheel != 0.0f) zoomMaskView(view, view.zoom * std::pow(1.25f, wheel), cursor, w, h, size);
}

// The canvas takes all the room above the footer; the mask is drawn in it at the view's zoom and
// offset, clipped. Wheel zooms around the cursor, middle drag or Space + left drag pans, left drag
// paints through the same mapping the drawing uses.
void drawCanvas(Panel::State& s, const TextureView& ref, ZoomRequest request) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float footer = style.ItemSpacing.y * 3 + ImGui::GetFrameHeight();  // spacing, one row of buttons
  const ImVec2 size(std::max(avail.x, 1.0f), std::max(avail.y - footer, 1.0f));
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 end(origin.x + size.x, origin.y + size.y);
  ImGui::InvisibleButton("canvas", size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonMiddle);
  noteLayout(s, "mask.canvas");
  const bool hovered = ImGui::IsItemHovered();
  const bool space = compat::keyDown(ImGuiKey_Space);
  const ImVec2 mouse = io.MousePos;

  MaskView& view = s.mask_view;
  const int w = ref.width, h = ref.height;
  if (request == ZoomRequest::kNone) request = typedZoomRequest();
  const float wheel = hovered ? io.MouseWheel : 0.0f;
  applyZoom(view, request, wheel, ImVec2(mouse.x - origin.x, mouse.y - origin.y), w, h, size);

  if (ImGui::IsItemActivated()) s.mask_panning = ImGui::IsMouseDown(ImGuiMouseButton_Middle) || space;
  if (ImGui::IsItemActive() && s.mask_panning) {
    if (io.MouseDelta.x != 0.0f || io.MouseDelta.y != 0.0f) {
      view.offset_x += io.MouseDelta.x;
      view.offset_y += io.MouseDelta.y;
      view.fit = false;
      clampMaskView(view, w, h, size);
    }
  } else if (ImGui::IsItemActive() && view.zoom > 0 && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const ImVec2 at = screenToMask(view, origin, mouse);
    s.mask.strokeTo(at.x, at.y, s.brush_size * 0.5f, s.brush_softness, s.eraser);
  }
  if (ImGui::IsItemDeactivated()) {
    s.mask.endStroke();
    s.mask_panning = false;
  }
  if (hovered && (space || s.mask_panning)) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);

  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled(origin, end, IM_COL32(28, 28, 32, 255));
  draw->PushClipRect(origin, end, true);
  const ImVec2 image_min = maskToScreen(view, origin, ImVec2(0, 0));
  const ImVec2 image_max = maskToScreen(view, origin, ImVec2(static_cast<float>(w), static_cast<float>(h)));
  // The checkerboard only where the mask shows: zoomed in, the whole mask is far larger than the screen.
  const ImVec2 shown_min(std::max(image_min.x, origin.x), std::max(image_min.y, origin.y));
  const ImVec2 shown_max(std::min(image_max.x, end.x), std::min(image_max.y, end.y));
  if (shown_min.x < shown_max.x && shown_min.y < shown_max.y) drawCheckerboard(shown_min, shown_max);
  draw->AddImage(toImTextureId(ref.handle), image_min, image_max);
  if (s.mask_overlay && s.options.uploader->ready(s.mask_overlay))
    draw->AddImage(toImTextureId(s.mask_overlay), image_min, image_max);
  noteLayout(s, "mask.image", image_min, image_max);
  if (hovered && !space && !s.mask_panning)
    draw->AddCircle(mouse, s.brush_size * 0.5f * view.zoom, IM_COL32(255, 255, 255, 200), 48, 1.5f);
  // The zoom, in the canvas's bottom-right corner.
  char zoom_text[16];
  std::snprintf(zoom_text, sizeof zoom_text, "%.0f%%", view.zoom * 100.0f);
  const ImVec2 text = ImGui::CalcTextSize(zoom_text);
  const ImVec2 pad = style.FramePadding;
  const ImVec2 box_min(end.x - text.x - pad.x * 2, end.y - text.y - pad.y * 2);
  draw->AddRectFilled(box_min, end, IM_COL32(20, 20, 24, 200));
  draw->AddText(ImVec2(box_min.x + pad.x, box_min.y + pad.y), IM_COL32(220, 220, 225, 255), zoom_text);
  draw->PopClipRect();
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
    s.mask_view.fit = true;
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
  // The wheel zooms the canvas rather than scrolling the window.
  if (!ImGui::Begin("Mask painter", &s.mask_open, ImGuiWindowFlags_NoScrollWithMouse)) {
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
  // Zoom: applied by the canvas, which knows its size. Shortcuts F, 1, + and - do the same.
  ZoomRequest requested_zoom = ZoomRequest::kNone;
  sameLineIfFits(buttonWidth("Fit"));
  if (ImGui::Button("Fit")) requested_zoom = ZoomRequest::kFit;
  sameLineIfFits(buttonWidth("1:1"));
  if (ImGui::Button("1:1")) requested_zoom = ZoomRequest::kActualSize;
  sameLineIfFits(buttonWidth("-"));
  if (ImGui::Button("-")) requested_zoom = ZoomRequest::kOut;
  sameLineIfFits(buttonWidth("+"));
  if (ImGui::Button("+")) requested_zoom = ZoomRequest::kIn;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextDisabled(
      "Paint the area the model may change (shown in red). %d x %d px, like the first reference. Wheel: "
      "zoom; middle drag or Space+drag: pan.",
      ref.width, ref.height);
  ImGui::PopTextWrapPos();

  // Canvas.
  refreshOverlay(s);
  drawCanvas(s, ref, requested_zoom);

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
