// The generate form: presets, prompt, outputs, size (presets or custom on the model's grid),
// quality, background, references and mask, and the Generate button carrying the price.
#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "imgui_compat.h"
#include "panel_state.h"
#include "texforge/editor/presets.h"
#include "texforge/image_ops.h"

namespace texforge::editor {
namespace {

const ImVec4 kAccent(0.93f, 0.55f, 0.22f, 1.0f);

void sectionTitle(const char* text) {
  ImGui::Spacing();
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.62f, 0.64f, 0.70f, 1.0f));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
}

bool comboFromList(const char* label, std::string& value, const std::vector<std::string>& values) {
  bool changed = false;
  if (ImGui::BeginCombo(label, value.c_str())) {
    for (const auto& v : values) {
      if (ImGui::Selectable(v.c_str(), v == value)) {
        value = v;
        changed = true;
      }
    }
    ImGui::EndCombo();
  }
  return changed;
}

void drawConfirmModal(Panel& panel, Panel::State& s) {
  // The keys that asked for it (Ctrl+Enter) must not answer it in the same frame.
  const bool opening = s.confirm_open && !ImGui::IsPopupOpen("Confirm spending");
  if (opening) ImGui::OpenPopup("Confirm spending");
  if (ImGui::BeginPopupModal("Confirm spending", nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32.0f);
    ImGui::TextUnformatted(panel.confirmationMessage().c_str());
    ImGui::PopTextWrapPos();
    ImGui::Spacing();
    ImGui::PushStyleColor(ImGuiCol_Button, kAccent);
    // Enter answers yes and Escape no, as in the host's own dialogs.
    const bool enter =
        !opening && (compat::keyPressed(ImGuiKey_Enter) || compat::keyPressed(compat::kKeypadEnter));
    const bool escape = !opening && compat::keyPressed(ImGuiKey_Escape);
    if (ImGui::Button("Generate anyway", ImVec2(160 * uiScale(s), 0)) || enter) {
      panel.confirmGenerate(true);
      ImGui::CloseCurrentPopup();
    }
    ImGui::PopStyleColor();
    ImGui::SameLine();
    if ((ImGui::Button("Cancel", ImVec2(100 * uiScale(s), 0)) || escape) && !enter) {
      panel.confirmGenerate(false);
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

// Background, and for a transparent one how the alpha is made and whether imports trim the border.
void drawBackground(Panel::State& s, GenerationParams& p, const ParamLimits& limits) {
  std::vector<std::string> backgrounds = limits.backgrounds;
  // A matte makes transparency whatever the model offers: the choice stays in the list.
  if (std::find(backgrounds.begin(), backgrounds.end(), "transparent") == backgrounds.end())
    backgrounds.push_back("transparent");
  comboFromList("Background", p.background, backgrounds);
  helpMarker(
      "Transparent gives sprites and UI pieces an alpha channel, checked when they arrive. \"Model\" "
      "uses the model's own transparency; \"Matte\" asks for a flat colour and keys it out here, "
      "at no extra cost, so the result always has real alpha.");
  fieldError(s, "background");
  if (p.background != "transparent") return;
  const bool matte = p.alpha_method == "matte";
  ImGui::Indent();
  if (ImGui::RadioButton("Model's alpha", !matte)) p.alpha_method = "model";
  ImGui::SameLine();
  if (ImGui::RadioButton("Key out a matte", matte)) p.alpha_method = "matte";
  if (matte) {
    auto parsed = parseMatteColor(p.matte_color.empty() ? kDefaultMatte : p.matte_color);
    MatteColor colour = parsed ? *parsed : MatteColor{};
    float rgb[3] = {colour.r / 255.0f, colour.g / 255.0f, colour.b / 255.0f};
    if (ImGui::ColorEdit3("Matte", rgb, ImGuiColorEditFlags_NoInputs)) {
      colour.r = static_cast<uint8_t>(std::lround(rgb[0] * 255));
      colour.g = static_cast<uint8_t>(std::lround(rgb[1] * 255));
      colour.b = static_cast<uint8_t>(std::lround(rgb[2] * 255));
      p.matte_color = colour.hex();
    }
    ImGui::SameLine();
    ImGui::TextDisabled("%s, keyed out here: no extra cost", colour.hex().c_str());
  }
  fieldError(s, "alphaMethod");
  ImGui::Checkbox("Trim transparent border on import", &p.trim);
  ImGui::Unindent();
}

}  // namespace

void drawForm(Panel& panel, Panel::State& s) {
  GenerationParams& p = s.params;
  const ModelSchema* schema = s.schema ? &*s.schema : nullptr;

  ImGui::TextUnformatted("GPT Image 2");
  ImGui::SameLine();
  if (schema) {
    ImGui::TextDisabled("schema loaded");
  } else if (!s.schema_error.empty()) {
    ImGui::TextDisabled("(built-in rules)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", s.schema_error.c_str());
  } else {
    ImGui::TextDisabled("loading schema...");
  }

  sectionTitle("PRESET");
  const std::vector<Preset>& presets = panel.presets();
  for (size_t i = 0; i < presets.size(); ++i) {
    // The buttons wrap onto more lines where the form is narrow (small windows, large scales).
    if (i > 0) sameLineIfFits(buttonWidth(presets[i].name.c_str()));
    ImGui::PushID(static_cast<int>(i));  // a host's presets may share a name
    if (ImGui::SmallButton(presets[i].name.c_str())) panel.applyPresetByName(presets[i].name);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", presets[i].description.c_str());
    ImGui::PopID();
  }

  sectionTitle("PROMPT");
  inputTextWrapped("##prompt", &p.prompt, &s.prompt_wrap, ImVec2(-1, ImGui::GetTextLineHeight() * 6));
  const ParamLimits limits = paramLimits(schema);
  ImGui::TextDisabled("%zu / %d characters", p.prompt.size(), limits.max_prompt_chars);
  sameLineIfFits(ImGui::GetFrameHeight() + buttonWidth("One job per line"));
  bool per_line = panel.promptPerLine();
  if (ImGui::Checkbox("One job per line", &per_line)) panel.setPromptPerLine(per_line);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "Each line of the prompt is a request of its own with these settings: a set of "
        "assets in one go, priced and confirmed together.");
  }
  fieldError(s, "prompt");

  sectionTitle("OUTPUT");
  ImGui::PushItemWidth(-110);
  ImGui::SliderInt("Images", &p.num_outputs, limits.min_outputs, limits.max_outputs);
  fieldError(s, "numOutputs");

  const auto& sizes = sizePresets();
  const char* size_label = s.size_choice >= 0 && s.size_choice < static_cast<int>(sizes.size())
                               ? sizes[s.size_choice].label
                               : "Custom";
  if (ImGui::BeginCombo("Size", size_label)) {
    for (size_t i = 0; i < sizes.size(); ++i) {
      if (ImGui::Selectable(sizes[i].label, s.size_choice == static_cast<int>(i))) {
        s.size_choice = static_cast<int>(i);
        p.width = sizes[i].width;
        p.height = sizes[i].height;
      }
    }
    if (ImGui::Selectable("Custom", s.size_choice < 0)) {
      s.size_choice = -1;
      if (p.width == 0) p.width = p.height = 1024;
    }
    ImGui::EndCombo();
  }
  if (s.size_choice < 0) {
    const int step = limits.size_step;
    ImGui::InputInt("Width", &p.width, step, step * 8);
    if (ImGui::IsItemDeactivatedAfterEdit())
      p.width = snapToGrid(p.width, step, limits.min_width, limits.max_width);
    ImGui::InputInt("Height", &p.height, step, step * 8);
    if (ImGui::IsItemDeactivatedAfterEdit()) {
      p.height = snapToGrid(p.height, step, limits.min_height, limits.max_height);
    }
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("sides %d-%d px in multiples of %d; %.2f to %.2f megapixels in all", limits.min_width,
                        limits.max_width, step, limits.min_pixels / 1e6, limits.max_pixels / 1e6);
    ImGui::PopTextWrapPos();
  }
  fieldError(s, "size");
  for (const auto& warning : formWarnings(p, schema))
    ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.4f, 1), "%s", warning.c_str());

  comboFromList("Quality", p.quality, limits.qualities);
  fieldError(s, "quality");
  drawBackground(s, p, limits);
  ImGui::PopItemWidth();

  ImGui::Checkbox("Seamless", &p.seamless);
  if (ImGui::IsItemHovered()) {
    ImGui::SetTooltip(
        "Asks for a tileable texture and measures the seam of each result; a visible "
        "seam can be repaired with one inpainting request.");
  }
  ImGui::PushItemWidth(-110);
  inputTextWithHint("File name", "from the prompt", &p.name);
  ImGui::PopItemWidth();
  fieldError(s, "name");

  drawReferences(panel, s);
}

void drawGenerateBar(Panel& panel, Panel::State& s) {
  ImGui::Spacing();
  ImGui::Separator();
  ImGui::Spacing();
  const bool invalid = !s.field_errors.empty();
  // The price moves under the action when the form is too narrow for both on one line; the ###
  // keeps the button's id while its price changes.
  std::string label = panel.generateButtonLabel();
  const ImVec2 padding = ImGui::GetStyle().FramePadding;
  if (const size_t dash = label.find("  -  ");
      dash != std::string::npos &&
      ImGui::CalcTextSize(label.c_str()).x + padding.x * 2 > ImGui::GetContentRegionAvail().x)
    label.replace(dash, 5, "\n");
  const float button_height =
      std::max(38 * uiScale(s), ImGui::CalcTextSize(label.c_str()).y + padding.y * 2 + 8 * uiScale(s));
  label += "###generate";
  ImGui::BeginDisabled(invalid);
  ImGui::PushStyleColor(ImGuiCol_Button, kAccent);
  ImGui::PushStyleColor(ImGuiCol_ButtonHovered, ImVec4(1.0f, 0.64f, 0.32f, 1.0f));
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(0.1f, 0.08f, 0.06f, 1.0f));
  // Ctrl+Enter generates from anywhere in the panel, the prompt box included (ImGui lets it go).
  const bool shortcut = ImGui::GetIO().KeyCtrl && !invalid && !s.confirm_open &&
                        (compat::keyPressed(ImGuiKey_Enter) || compat::keyPressed(compat::kKeypadEnter)) &&
                        ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows);
  if (ImGui::Button(label.c_str(), ImVec2(-1, button_height)) || shortcut) panel.pressGenerate();
  noteLayout(s, "generate");
  {  // its text, centred as ImGui draws it: a host's check that the price fits inside the button
    const ImVec2 text = ImGui::CalcTextSize(label.c_str(), nullptr, true);
    const ImVec2 min = ImGui::GetItemRectMin(), max = ImGui::GetItemRectMax();
    const ImVec2 mid((min.x + max.x - text.x) * 0.5f, (min.y + max.y - text.y) * 0.5f);
    noteLayout(s, "generate.label", mid, ImVec2(mid.x + text.x, mid.y + text.y));
  }
  ImGui::PopStyleColor(3);
  ImGui::EndDisabled();
  if (!s.quote_error.empty() && !invalid) {
    ImGui::TextColored(ImVec4(0.95f, 0.8f, 0.4f, 1), "Price unavailable: %s", s.quote_error.c_str());
  }
  fieldError(s, "form");
  if (!s.status.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    if (s.status_is_error) {
      ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.42f, 1.0f), "%s", s.status.c_str());
    } else {
      ImGui::TextDisabled("%s", s.status.c_str());
    }
    ImGui::PopTextWrapPos();
  }
  drawImportUndo(panel, s);
  drawConfirmModal(panel, s);
}

}  // namespace texforge::editor
