// The panel's file browser: what a folder lists (folders, then PNG/JPEG/WebP images; hidden and other
// files left out), going in and up, folders that cannot be listed, names no ImGui call may misread,
// and picking with the mouse, alone and from the references' Browse... button.
#include <cstring>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>  // child windows and item ids, to aim the mouse

#include "editor_test_support.h"
#include "file_browser.h"
#include "scripted_generator.h"

namespace texforge::test {
namespace {

namespace fs = std::filesystem;

void touch(const fs::path& path, const std::string& bytes = "x") {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::vector<std::string> names(const editor::FileBrowser& browser) {
  std::vector<std::string> out;
  for (const auto& entry : browser.entries()) out.push_back(entry.name + (entry.folder ? "/" : ""));
  return out;
}

ImGuiWindow* childWindow(const char* part) {
  for (ImGuiWindow* window : GImGui->Windows) {
    if (std::strstr(window->Name, part) && window->Active) return window;
  }
  return nullptr;
}

// A double-click at (x, y), each press and release a frame of draw.
void doubleClick(const std::function<void()>& draw, float x, float y) {
  HeadlessImGui::mouseMove(x, y);
  draw();
  for (int i = 0; i < 2; ++i) {
    HeadlessImGui::mouseButton(0, true);
    draw();
    HeadlessImGui::mouseButton(0, false);
    draw();
  }
}

TEST(FileBrowser, ListsFoldersThenImagesAndLeavesTheRestOut) {
  TempDir dir;
  const fs::path root(dir.path());
  fs::create_directories(root / "textures");
  fs::create_directories(root / ".git");
  for (const char* name : {"b.png", "A.JPG", "c.webp", "d.jpeg", "notes.txt", "model.fbx", ".hidden.png"})
    touch(root / name);

  editor::FileBrowser browser;
  browser.open(dir.path(), dir.path());
  EXPECT_TRUE(browser.isOpen());
  EXPECT_EQ(browser.message(), "");
  EXPECT_EQ(names(browser), (std::vector<std::string>{"textures/", "A.JPG", "b.png", "c.webp", "d.jpeg"}));
  EXPECT_TRUE(fs::equivalent(browser.directory(), root));
  EXPECT_TRUE(fs::equivalent(browser.pathOf("b.png"), root / "b.png"));
}

TEST(FileBrowser, GoesIntoFoldersAndBackUp) {
  TempDir dir;
  const fs::path root(dir.path());
  fs::create_directories(root / "textures" / "stone");
  touch(root / "textures" / "wall.png");
  touch(root / "top.png");

  editor::FileBrowser browser;
  browser.open(dir.path() + "/", dir.path());  // a trailing slash names the same folder
  EXPECT_FALSE(browser.enter("top.png"));      // a file is no folder
  EXPECT_FALSE(browser.enter("missing"));
  ASSERT_TRUE(browser.enter("textures"));
  EXPECT_TRUE(fs::equivalent(browser.directory(), root / "textures"));
  EXPECT_EQ(names(browser), (std::vector<std::string>{"stone/", "wall.png"}));
  ASSERT_TRUE(browser.up());
  EXPECT_TRUE(fs::equivalent(browser.directory(), root));
  EXPECT_EQ(names(browser), (std::vector<std::string>{"textures/", "top.png"}));

  browser.open("/", dir.path());
  EXPECT_FALSE(browser.up()) << "the root has no parent";
}

TEST(FileBrowser, AFolderThatCannotBeListedSaysWhyAndStaysOpen) {
  TempDir dir;
  touch(fs::path(dir.path()) / "plain.png");
  editor::FileBrowser browser;
  for (const std::string& bad : {dir.file("missing"), dir.file("plain.png")}) {
    browser.open(bad, dir.path());
    EXPECT_TRUE(browser.isOpen());
    EXPECT_TRUE(browser.entries().empty());
    EXPECT_NE(browser.message(), "") << bad;
    HeadlessImGui imgui;
    imgui.frame([&] {
      ImGui::Begin("browser");
      EXPECT_EQ(browser.draw(8), "");
      ImGui::End();
    });
    ASSERT_TRUE(browser.up());  // the way out still works
    EXPECT_TRUE(fs::equivalent(browser.directory(), dir.path()));
    EXPECT_EQ(browser.message(), "");
  }
}

TEST(FileBrowser, OddNamesAreListedAndDrawnAsTheyAre) {
  TempDir dir;
  const std::vector<std::string> odd = {"100%d %s %n.png", "a##b.png", "###.png", "new\nline.png",
                                        "\xff\xfe bytes.png"};
  for (const std::string& name : odd) touch(fs::path(dir.path()) / name);
  editor::FileBrowser browser;
  browser.open(dir.path(), dir.path());
  ASSERT_EQ(browser.entries().size(), odd.size()) << browser.message();
  for (const auto& entry : browser.entries()) {
    EXPECT_TRUE(fs::exists(browser.pathOf(entry.name))) << entry.name;  // the bytes are kept
  }
  HeadlessImGui imgui;
  for (int i = 0; i < 3; ++i) {
    imgui.frame([&] {
      ImGui::Begin("browser");
      browser.draw(8);
      ImGui::End();
    });
  }
}

TEST(FileBrowser, ADoubleClickOpensAFolderThenPicksAnImage) {
  TempDir dir;
  const fs::path root(dir.path());
  fs::create_directories(root / "textures");
  touch(root / "textures" / "wall.png");
  editor::FileBrowser browser;
  browser.open(dir.path(), dir.path());
  HeadlessImGui imgui;
  std::string picked;
  auto draw = [&] {
    imgui.frame([&] {
      ImGui::SetNextWindowPos(ImVec2(0, 0));
      ImGui::SetNextWindowSize(ImVec2(500, 400));
      ImGui::Begin("browser");
      const std::string path = browser.draw(10);
      if (!path.empty()) picked = path;
      ImGui::End();
    });
  };
  draw();
  ImGuiWindow* list = childWindow("/##entries");
  ASSERT_NE(list, nullptr);
  const ImVec2 first_row(list->ContentRegionRect.Min.x + 20, list->ContentRegionRect.Min.y + 4);

  doubleClick(draw, first_row.x, first_row.y);  // textures/
  EXPECT_TRUE(fs::equivalent(browser.directory(), root / "textures"));
  EXPECT_EQ(picked, "");
  for (int i = 0; i < 30; ++i) draw();  // half a second: the next two clicks are a double-click of their own
  doubleClick(draw, first_row.x, first_row.y);  // wall.png
  ASSERT_NE(picked, "");
  EXPECT_TRUE(fs::equivalent(picked, root / "textures" / "wall.png"));
}

TEST(FileBrowser, BrowseInTheFormPicksAReference) {
  TempDir project;
  auto png = encodePng(solidImage(16, 16, 120));
  ASSERT_TRUE(png.ok());
  writeAll(project.file("wall.png"), std::string(png->begin(), png->end()));
  ScriptedGenerator generator;
  PanelHarness harness(generator, project.path());
  auto draw = [&] { harness.frame(); };
  draw();

  // The Browse... button sits at the right end of the line under the references: found by its id
  // along the right edge of the form's windows (the form scrolls inside a child of its own).
  bool opened = false;
  std::vector<ImGuiWindow*> forms;  // copied: drawing may add windows (a tooltip) to the list
  for (ImGuiWindow* window : GImGui->Windows) {
    if (window->Active && std::strstr(window->Name, "/form_")) forms.push_back(window);
  }
  for (ImGuiWindow* window : forms) {
    if (opened) break;
    const ImGuiID browse = window->GetID("Browse...");
    const ImRect area = window->InnerClipRect;
    for (float y = area.Min.y + 2; y < area.Max.y && !opened; y += 3) {
      HeadlessImGui::mouseMove(area.Max.x - 12, y);
      draw();
      if (HeadlessImGui::hoveredId() != browse) continue;
      HeadlessImGui::mouseButton(0, true);
      draw();
      HeadlessImGui::mouseButton(0, false);
      draw();
      opened = childWindow("/##entries") != nullptr;
    }
  }
  ASSERT_TRUE(opened) << "Browse... did not open the file browser";

  ImGuiWindow* list = childWindow("/##entries");
  doubleClick(draw, list->ContentRegionRect.Min.x + 20, list->ContentRegionRect.Min.y + 4);
  const auto& references = harness.panel->params().reference_images;
  ASSERT_EQ(references.size(), 1u) << harness.panel->statusMessage();
  EXPECT_TRUE(fs::equivalent(references[0].local_path, project.file("wall.png")));
  EXPECT_NE(harness.panel->statusMessage().find("reference 1"), std::string::npos)
      << harness.panel->statusMessage();
}

}  // namespace
}  // namespace texforge::test
