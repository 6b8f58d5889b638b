// Form validation without a schema (built-in rules) and with one (the schema's limits win), and
// the grid snapping the size fields use.
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
  EXPECT_NE(errors["background"].find("transparent"), std::string::npos);
}

TEST(FormValidation, ElevenReferencesAreTooMany) {
  GenerationParams p;
  p.prompt = "x";
  p.reference_images.assign(11, ImageInput{"asset_1", ""});
  EXPECT_EQ(validateForm(p, nullptr).count("referenceImages"), 1u);
}

TEST(FormValidation, SnapToGrid) {
  EXPECT_EQ(editor::snapToGrid(1000, 16, 16, 3840), 1008);
  EXPECT_EQ(editor::snapToGrid(5, 16, 16, 3840), 16);
  EXPECT_EQ(editor::snapToGrid(5000, 16, 16, 3840), 3840);
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

}  // namespace
}  // namespace texforge::test
