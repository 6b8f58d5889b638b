// The panel's words for the core's parameter problems: each lands on its field, says what to do,
// and the presets all pass. The rules themselves are tested in tests/unit/test_params.cpp.
#include <gtest/gtest.h>

#include "texforge/editor/form_validation.h"
#include "texforge/editor/presets.h"

namespace texforge::test {
namespace {

using editor::validateForm;

TEST(FormValidation, ValidDefaultsPass) {
  GenerationParams p;
  p.prompt = "a tree";
  EXPECT_TRUE(validateForm(p, nullptr).empty());
}

TEST(FormValidation, EachProblemLandsOnItsField) {
  GenerationParams p;
  p.prompt = "";
  p.width = 1024;
  p.height = 0;
  p.quality = "ultra";
  p.mask = ImageInput{"", "mask.png"};
  auto errors = validateForm(p, nullptr);
  EXPECT_EQ(errors.count("prompt"), 1u);
  EXPECT_EQ(errors.count("size"), 1u);
  EXPECT_EQ(errors.count("quality"), 1u);
  EXPECT_EQ(errors.count("mask"), 1u);
  EXPECT_EQ(errors.count("numOutputs"), 0u);
  EXPECT_EQ(errors["size"], "Set both width and height, or choose Auto.");
}

TEST(FormValidation, SchemaWithoutTransparentBackgroundSaysSo) {
  ModelSchema schema;
  ModelInput background;
  background.name = "background";
  background.type = "string";
  background.allowed_values = {"auto", "opaque"};
  schema.inputs.push_back(background);
  GenerationParams p;
  p.prompt = "sprite";
  p.background = "transparent";
  auto errors = validateForm(p, &schema);
  ASSERT_EQ(errors.count("background"), 1u);
  EXPECT_EQ(errors["background"], "This model does not offer a transparent background; choose auto, opaque.");
}

TEST(FormValidation, SizesAreWordedWithTheSideAndTheSnappedSize) {
  GenerationParams p;
  p.prompt = "x";
  p.width = 1000;
  p.height = 1024;
  EXPECT_EQ(validateForm(p, nullptr)["size"], "Width and height must be multiples of 16 (try 1008 x 1024).");
  p.width = 1024;
  p.height = 4096;
  EXPECT_EQ(validateForm(p, nullptr)["size"], "Height must be between 176 and 3840 pixels (try 960 x 3840).");
}

TEST(FormValidation, APixelCountOutsideTheModelsRangeSaysWhatToPick) {
  GenerationParams p;
  p.prompt = "x";
  p.width = p.height = 512;
  EXPECT_EQ(validateForm(p, nullptr)["size"],
            "512 x 512 is too small for this model: it makes 655,360 to 8,294,400 pixels (1024 x 640 is the "
            "smallest 16:10 size). Try 816 x 816.");
  p.width = p.height = 3840;
  EXPECT_EQ(
      validateForm(p, nullptr)["size"],
      "3840 x 3840 is too large for this model: it makes 655,360 to 8,294,400 pixels (3840 x 2160 is the "
      "largest 16:9 size). Try 2880 x 2880.");
}

// The core and the panel agree: what the core sends with a warning, the panel lets through with
// the same warning, and what the core refuses, the panel blocks.
TEST(FormValidation, ExtremeAspectIsAWarningInBothLayers) {
  GenerationParams p;
  p.prompt = "a long banner";
  p.width = 3840;
  p.height = 256;
  EXPECT_TRUE(validateForm(p, nullptr).empty());
  EXPECT_TRUE(validateParams(p).ok());
  const auto warnings = editor::formWarnings(p, nullptr);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_EQ(warnings[0], "Aspect ratios beyond 3:1 come back padded.");
}

TEST(FormValidation, LocalFileProblemsJoinTheirField) {
  GenerationParams p;
  p.prompt = "x";
  p.reference_images.push_back(ImageInput{"", "/nonexistent/ref.png"});
  editor::FieldErrors errors = validateForm(p, nullptr);
  EXPECT_TRUE(errors.empty());
  editor::addFieldErrors(checkLocalInputs(p), p, &errors);
  ASSERT_EQ(errors.count("referenceImages"), 1u);
  EXPECT_EQ(errors["referenceImages"], "The reference ref.png is gone: pick it again or remove it.");
}

TEST(FormValidation, ElevenReferencesAreTooMany) {
  GenerationParams p;
  p.prompt = "x";
  p.reference_images.assign(11, ImageInput{"asset_1", ""});
  EXPECT_EQ(validateForm(p, nullptr)["referenceImages"], "At most 10 reference images; remove 1.");
}

TEST(Presets, EveryPresetProducesAValidForm) {
  for (const auto& preset : editor::builtinPresets()) {
    GenerationParams p;
    p.prompt = "barrel";
    editor::applyPreset(preset, p);
    EXPECT_TRUE(validateForm(p, nullptr).empty()) << preset.name;
    EXPECT_EQ(p.prompt.rfind("barrel", 0), 0u);
  }
}

TEST(Presets, SwitchingPresetsReplacesTheHintInsteadOfPilingUp) {
  const auto& presets = editor::builtinPresets();
  auto byName = [&](const std::string& name) {
    for (const auto& preset : presets)
      if (preset.name == name) return preset;
    ADD_FAILURE() << "no preset " << name;
    return editor::Preset{};
  };
  GenerationParams p;
  p.prompt = "barrel";
  std::string hint = editor::applyPreset(byName("Texture"), p);
  hint = editor::applyPreset(byName("Sprite"), p, hint);
  hint = editor::applyPreset(byName("Icon"), p, hint);
  EXPECT_EQ(p.prompt, "barrel, " + byName("Icon").prompt_hint);
  EXPECT_EQ(hint, ", " + byName("Icon").prompt_hint);
  // Back to Texture: only its hint remains, and the size follows the preset.
  editor::applyPreset(byName("Texture"), p, hint);
  EXPECT_EQ(p.prompt, "barrel, " + byName("Texture").prompt_hint);
  EXPECT_EQ(p.width, byName("Texture").width);
}

TEST(Presets, AWordThePromptHasIsNotAddedAgain) {
  GenerationParams p;
  p.prompt = "a tileable mossy stone wall";
  editor::Preset texture;
  texture.prompt_hint = "seamless tileable texture, flat even lighting";
  const std::string appended = editor::applyPreset(texture, p);
  EXPECT_EQ(appended, ", seamless texture, flat even lighting");
  EXPECT_EQ(p.prompt.find("tileable"), p.prompt.rfind("tileable")) << p.prompt;  // once
  // A prompt that already says everything gets nothing appended.
  GenerationParams q;
  q.prompt = "Seamless TILEABLE texture with flat even lighting";
  EXPECT_EQ(editor::applyPreset(texture, q), "");
  EXPECT_EQ(q.prompt, "Seamless TILEABLE texture with flat even lighting");
}

TEST(Presets, EverySizeInTheFormIsOneTheModelMakes) {
  for (const auto& size : editor::sizePresets()) {
    GenerationParams p;
    p.prompt = "barrel";
    p.width = size.width;
    p.height = size.height;
    EXPECT_TRUE(checkParams(p).empty()) << size.label;
  }
}

TEST(Presets, EveryBuiltinPresetSizeIsOnTheModelsGrid) {
  for (const auto& preset : editor::builtinPresets()) {
    if (preset.width == 0) continue;  // auto
    EXPECT_EQ(preset.width % 16, 0) << preset.name;
    EXPECT_EQ(preset.height % 16, 0) << preset.name;
    // GPT Image 2 produces at least 655,360 pixels.
    EXPECT_GE(int64_t{preset.width} * preset.height, 655360) << preset.name;
  }
}

}  // namespace
}  // namespace texforge::test
