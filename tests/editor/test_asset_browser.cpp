// The viewer's project asset browser driven by mouse on a headless ImGui context: a click on a
// thumbnail selects it and opens its preview, and the selection lasts (it used to be cleared in the
// frame the click was read, so the preview and its actions were never reachable).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <imgui.h>

#include "asset_browser.h"
#include "editor_test_support.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

TEST(AssetBrowser, AClickOnAThumbnailSelectsItAndTheSelectionLasts) {
  TempDir project;
  const std::filesystem::path folder = std::filesystem::path(project.path()) / "assets" / "generated";
  std::filesystem::create_directories(folder);
  DecodedImage image;
  image.width = image.height = 32;
  image.rgba.assign(32 * 32 * 4, 180);
  auto png = encodePng(image);
  ASSERT_TRUE(png.ok());
  std::ofstream(folder / "crate.png", std::ios::binary)
      .write(reinterpret_cast<const char*>(png->data()), static_cast<std::streamsize>(png->size()));

  ScriptedGenerator generator;
  PanelHarness harness(generator, project.path());
  viewer::AssetBrowser browser(project.path());
  auto drawBrowser = [&] {
    harness.imgui.frame([&] {
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(400, 700));
      ImGui::Begin("Project assets");
      browser.draw(*harness.panel, 0.0);
      ImGui::End();
    });
  };
  drawBrowser();
  ASSERT_EQ(browser.count(), 1u);
  EXPECT_EQ(browser.selected(), "");

  // Find the thumbnail by moving down the left column until a click selects something: the grid
  // starts below the count line, inside the grid's frame.
  bool clicked = false;
  for (float y = 10; y < 300 && !clicked; y += 8) {
    HeadlessImGui::mouseMove(60, y);
    drawBrowser();
    HeadlessImGui::mouseButton(0, true);
    drawBrowser();
    HeadlessImGui::mouseButton(0, false);
    drawBrowser();
    clicked = !browser.selected().empty();
  }
  ASSERT_TRUE(clicked) << "no click on the grid selected the thumbnail";
  EXPECT_EQ(browser.selected(), "assets/generated/crate.png");
  HeadlessImGui::mouseMove(390, 690);  // away from the grid
  for (int i = 0; i < 3; ++i) drawBrowser();
  EXPECT_EQ(browser.selected(), "assets/generated/crate.png") << "the selection did not last";

  // The file goes away: the selection goes with it.
  std::filesystem::remove(folder / "crate.png");
  browser.refreshNow(0.0);
  drawBrowser();
  EXPECT_EQ(browser.selected(), "");
}

// The folder is scanned when something says it may have changed, never by the clock: drawing an
// hour later finds nothing new until the host asks (its window got the focus back) or an import ends.
TEST(AssetBrowser, RescansWhenAskedNotByTheClock) {
  TempDir project;
  DecodedImage image;
  image.width = image.height = 8;
  image.rgba.assign(8 * 8 * 4, 90);
  auto png = encodePng(image);
  ASSERT_TRUE(png.ok());
  const std::string bytes(png->begin(), png->end());
  writeAll(project.file("first.png"), bytes);

  ScriptedGenerator generator;
  PanelHarness harness(generator, project.path());
  viewer::AssetBrowser browser(project.path());
  auto drawBrowser = [&](double now_s) {
    harness.imgui.frame([&] {
      ImGui::Begin("Project assets");
      browser.draw(*harness.panel, now_s);
      ImGui::End();
    });
  };
  drawBrowser(0.0);
  EXPECT_EQ(browser.count(), 1u);
  writeAll(project.file("second.png"), bytes);
  drawBrowser(3600.0);
  EXPECT_EQ(browser.count(), 1u) << "the folder was polled";
  browser.requestRescan();
  drawBrowser(3600.0);
  EXPECT_EQ(browser.count(), 2u);
}

}  // namespace
}  // namespace texforge::test
