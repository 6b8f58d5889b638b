// The panel's private view state, shared by the files that draw its parts (form, jobs, gallery,
// history, settings, mask). Only view state: text being typed, selections, open tabs, pending quote.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <imgui.h>

#include "file_browser.h"
#include "mask_view.h"
#include "prompt_wrap.h"
#include "texforge/connection.h"
#include "texforge/editor/form_validation.h"
#include "texforge/editor/panel.h"
#include "texforge/editor/project_assets.h"
#include "texforge/project_files.h"

namespace texforge::editor {

struct OutputRef {
  std::string local_id;
  int index = -1;
  bool valid() const { return index >= 0 && !local_id.empty(); }
};

// What the imports queued since the queue was last empty came to, for one status line per batch.
struct ImportTally {
  int done = 0;
  int failed = 0;
  std::string last_path;    // the file of the last success (a single import names it)
  std::string first_error;  // the first failure, in artist words
};

struct Panel::State {
  PanelOptions options;
  std::shared_ptr<char> alive = std::make_shared<char>();  // callbacks check it: the panel may die first
  Generator* generator = nullptr;
  std::unique_ptr<TextureCache> textures;
  SoftWrap prompt_wrap;      // the prompt box as it shows the prompt, wrapped at its width
  double start_time_ms = 0;  // unix ms: jobs created after it belong to this session
  std::set<std::string> session_ids;
  // The panel session (panel_session.cpp): results the gallery no longer shows, and what was saved.
  std::set<std::pair<std::string, int>> discarded;
  std::string saved_session;
  size_t saved_counts = 0;    // session_ids + discarded when last saved
  std::string session_error;  // why the session could not be saved, once

  // Snapshots, refreshed once per update().
  std::vector<JobSnapshot> jobs;

  // Form.
  GenerationParams params;
  std::string preset_hint;  // what the last preset appended to the prompt; the next preset takes it out
  std::optional<ModelSchema> schema;
  bool schema_requested = false;
  std::string schema_error;
  FieldErrors field_errors;
  std::vector<ParamProblem> local_problems;  // checkLocalInputs of the form, redone when it changes
  int size_choice = 1;                       // index in sizePresets(), or -1 for custom
  std::string new_reference_path;
  std::unique_ptr<ProjectAssets> assets;  // for the reference picker
  FileBrowser reference_browser;          // Browse...: picks reference files, from the project folder on

  // Price.
  std::string quote_key;  // form the current quote is for
  std::optional<Quote> quote;
  std::string quote_error;
  std::string pending_quote_key;  // asked, waiting for the answer
  std::string changed_key;        // last form seen, and when it changed
  double changed_at = 0;
  bool confirm_open = false;
  std::vector<GenerationParams> confirm_batch;  // what Generate (or a seam repair) would submit
  std::string confirm_message;   // why it asks: the price against the threshold, or that it is unknown
  bool prompt_per_line = false;  // each non-empty line of the prompt is a request of its own
  // A seam repair being priced (Panel::repairSeams): asked once its quote arrives.
  std::optional<GenerationParams> repair_pending;

  // Gallery and preview.
  OutputRef selected;
  float zoom = 1.0f;
  float pan_x = 0, pan_y = 0;
  bool fit = true;
  bool tiled = false;
  // Side by side in the preview: another result (Ctrl+click a thumbnail), or the image an edit
  // started from (its first reference) when compare_before.
  OutputRef compare;
  bool compare_before = false;
  bool checker = true;
  bool show_repaired = true;  // the preview shows a repaired output's repair when it has one

  // Imports queued on the core's import thread, by (local_id, index): the gallery shows them as
  // importing until their callback arrives inside pump().
  std::set<std::pair<std::string, int>> importing;
  ImportTally import_tally;
  uint64_t imports_completed = 0;  // successful answers; asset lists rescan when it moves
  bool assets_stale = false;       // the reference picker's list misses an import
  // Undo import (panel_undo.cpp): the last import that succeeded, which the status line offers to
  // undo, and the outputs whose files are in the trash, which Restore brings back.
  std::vector<OutputRef> last_imports;  // the last batch's successes
  std::map<std::pair<std::string, int>, TrashedFile> trashed;

  // History.
  std::string history_filter;
  OutputRef history_selected;

  // Settings.
  std::string key_input, secret_input;
  std::string settings_message;
  // Test connection: the answer, filled by its thread; empty while it runs.
  struct ConnectionTest {
    std::mutex mutex;
    std::optional<Result<ConnectionCheck>> answer;
  };
  std::shared_ptr<ConnectionTest> connection_test;

  // Mask painter.
  MaskCanvas mask;
  bool mask_open = false;
  std::string mask_reference;  // path the canvas was sized from
  float brush_size = 48.0f;
  float brush_softness = 0.5f;
  bool eraser = false;
  std::string mask_load_path;
  // The red overlay: the one drawn, and a newer one kept aside until the uploader has it ready(), so
  // painting on a renderer that uploads on a later frame shows the last stroke rather than nothing.
  TextureHandle mask_overlay;
  TextureHandle mask_overlay_next;
  uint64_t mask_overlay_revision = ~0ull;
  MaskView mask_view;         // the canvas's zoom and pan
  bool mask_panning = false;  // this drag on the canvas pans (middle button or Space) rather than paints

  float generate_bar_height = 120;  // what the Generate bar under the form's fields took last frame
  // Named widgets as laid out, with the ImGui frame that drew them (see Panel::layout()).
  std::map<std::string, std::pair<int, WidgetRect>> layout;

  PanelTab tab = PanelTab::kGenerate;
  bool tab_switch_requested = false;
  std::string status;      // last message for the status line
  std::string status_job;  // the job the status speaks of: it is cleared when that job ends
  bool status_is_error = false;

  double now() const;
  const JobSnapshot* findJob(const std::string& local_id) const;
  void setStatus(std::string text, bool error);
  bool isImporting(const std::string& local_id, int index) const {
    return importing.count({local_id, index}) > 0;
  }
};

// Wraps fn(State&, answer) as a Generator callback that runs only while the panel lives and still
// talks to the Generator it asked: answers arrive inside pump(), maybe after the panel died or
// setGenerator() replaced that Generator (its answers are then dropped). UI thread.
template <typename Fn>
auto whileSameGenerator(Panel::State& s, Fn fn) {
  return [state = &s, asked = s.generator, alive = std::weak_ptr<char>(s.alive),
          fn = std::move(fn)](auto&& answer) mutable {
    if (alive.expired() || state->generator != asked) return;
    fn(*state, std::forward<decltype(answer)>(answer));
  };
}

// Submits batch when its price (quote: of one request) is known and under the spending threshold,
// else opens the confirmation; what names it there ("generation", "seam repair"). panel.cpp.
GenerateOutcome askToSpend(Panel& panel, Panel::State& s, std::vector<GenerationParams> batch,
                           const std::optional<Quote>& quote, const std::string& quote_error,
                           const std::string& what);

// Drawing of each part (one file each). All run on the UI thread inside the panel's window.
void drawForm(Panel& panel, Panel::State& s);         // the fields, scrolling
void drawGenerateBar(Panel& panel, Panel::State& s);  // Generate with its price, and the status line
void drawReferences(Panel& panel, Panel::State& s);
void drawJobs(Panel& panel, Panel::State& s);
// A job's buttons (Resume; Check again, Resend, Discard), or the line saying who holds it.
void drawJobActions(Panel& panel, const JobSnapshot& job);
void drawGallery(Panel& panel, Panel::State& s);
void drawPreview(Panel& panel, Panel::State& s, const OutputRef& ref, float height);
void drawHistory(Panel& panel, Panel::State& s);
void drawSettings(Panel& panel, Panel::State& s);
void collectConnectionTest(Panel::State& s);
// One result as the gallery shows it; job points into State::jobs (valid until they are replaced).
struct GalleryEntry {
  const JobSnapshot* job;
  int index;
};
std::vector<GalleryEntry> galleryEntries(const Panel::State& s);  // Panel::galleryOutputs' order
void loadPanelSession(Panel::State& s);  // the form and the gallery as the last session left them
void savePanelSession(
    Panel::State& s);  // when they changed  // Test connection's answer, once it came, into settings_message
void drawMaskPainter(Panel& panel, Panel::State& s);
// Undo import and Show in folder (panel_undo.cpp). drawImportUndo: on the status line, "Undo import"
// for the last import, "Restore" once undone. drawImportedActions: in a preview, "Show in folder"
// and "Undo import" for an imported output, "Restore" for an undone one; nothing otherwise.
void drawImportUndo(Panel& panel, Panel::State& s);
void drawImportedActions(Panel& panel, Panel::State& s, const JobSnapshot& job, int index);
// In a preview (panel_finish.cpp): the seam score and alpha in words, "Repair seams..." for a
// texture, and the Original / Repaired switch once a repair arrived. Returns the output to show:
// the repair when it is switched on, else ref.
OutputRef drawFinishLine(Panel& panel, Panel::State& s, const JobSnapshot& job, int index);

// Small shared widgets.
// Text fields editing a std::string, the panel's own: imgui_stdlib is not part of every host's ImGui.
bool inputText(const char* label, std::string* text, ImGuiInputTextFlags flags = 0);
bool inputTextWithHint(const char* label, const char* hint, std::string* text, ImGuiInputTextFlags flags = 0);
bool inputTextMultiline(const char* label, std::string* text, const ImVec2& size = ImVec2(0, 0),
                        ImGuiInputTextFlags flags = 0);
void drawCheckerboard(const ImVec2& min, const ImVec2& max, float cell = 12.0f);
// Rows of items that flow onto the next line where the window is narrow: call before an item
// next_width wide, except the first; it stays on the line of the last item when it fits there.
void sameLineIfFits(float next_width);
float buttonWidth(const char* label);  // a button reading label (text after ## not shown)
// Records where a named widget went (Panel::layout()): the last item, or the rect given.
void noteLayout(Panel::State& s, const char* name);
void noteLayout(Panel::State& s, const char* name, const ImVec2& min, const ImVec2& max);
float uiScale(const Panel::State& s);                       // PanelOptions::ui_scale, at least 0.5
bool fieldError(const Panel::State& s, const char* field);  // draws the message under a field
void helpMarker(const char* text);
TextureView fileTexture(Panel::State& s, const std::string& path, bool thumbnail);
TextureView outputTexture(Panel::State& s, const JobSnapshot& job, int index, bool thumbnail);
std::string formatElapsed(double seconds);
std::string formatCost(double cu);
std::string describeImportError(const Error& error, const std::string& import_folder);

}  // namespace texforge::editor
