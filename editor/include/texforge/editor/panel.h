// The texforge editor panel: generate form, references and mask, price, jobs, gallery, history and
// settings, drawn with one call per frame inside the host's ImGui frame. View state only; jobs and
// results live in the core's Generator and are read as snapshots.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "texforge/credentials.h"
#include "texforge/editor/export.h"
#include "texforge/editor/mask_canvas.h"
#include "texforge/editor/presets.h"
#include "texforge/editor/texture_cache.h"
#include "texforge/generator.h"
#include "texforge/texture_uploader.h"

namespace texforge::editor {

// Per-project editor settings, kept in <project>/.texforge/editor.json (no secrets in it).
struct TEXFORGE_EDITOR_API PanelSettings {
  std::string endpoint;                            // empty: $SCENARIO_API_URL, else the Scenario cloud
  std::string import_folder = "assets/generated";  // relative to the project
  // Creative units; above it Generate asks first (<=0: only when the price is unknown, which always asks).
  double spending_threshold = 25.0;
  int max_jobs_in_flight = 4;  // Generate waits when this many jobs are running
};
TEXFORGE_EDITOR_API Result<PanelSettings> loadPanelSettings(
    const std::string& project_dir);  // defaults when absent
TEXFORGE_EDITOR_API Status savePanelSettings(const std::string& project_dir, const PanelSettings& settings);

struct TEXFORGE_EDITOR_API PanelOptions {
  Generator* generator = nullptr;  // required, not owned; replace with setGenerator()
  // Required, not owned; must outlive the panel. Its textures may become ready() on a later frame:
  // until then the panel draws the placeholder it draws while decoding. The panel never calls
  // endFrame(): the host does, once per frame after it submitted the frame that drew the panel.
  TextureUploader* uploader = nullptr;
  std::string project_dir = ".";
  // The presets the form offers, e.g. the engine's own asset kinds; empty: builtinPresets().
  std::vector<Preset> presets;
  PanelSettings settings;
  TextureCacheOptions textures;  // textures.wake defaults to wake below
  // Called from a worker thread when the panel has something for the next frame (a texture finished
  // decoding), so an idle host draws again; a GLFW host passes glfwPostEmptyEvent. Give the same
  // function to GeneratorOptions::wake: the Generator wakes the host for its own news.
  std::function<void()> wake;
  double quote_debounce_s = 0.6;  // a quote is asked this long after the form stops changing
  bool pump_generator = true;     // draw() calls generator->pump() first; false if the host pumps
  // Whose panel session (form and gallery, brought back at the next start) this is: a file name
  // under <project>/.texforge/sessions/. Empty: $USER (or %USERNAME%).
  std::string session_name;
  bool demo_mode = false;  // shown in Settings; credentials are the emulator's
  CredentialStoreOptions credential_store;
  // Called when the user applies settings that need a new Generator (endpoint, import folder,
  // credentials). The host rebuilds it and calls setGenerator(). UI thread.
  std::function<void(const PanelSettings&)> on_settings_applied;
  std::function<double()> clock;  // seconds, monotonic; default steady_clock (tests may inject)
  // The monitor's content scale (2 on a 192 dpi screen): thumbnails, previews and the panel's fixed
  // widths grow with it. The host loads its fonts and calls applyDarkTheme() at the same scale.
  float ui_scale = 1.0f;
  // "Show in folder": opens the system's file manager at a file. Empty: revealInFileManager (the
  // core's, which starts the OS tool detached). Hosts may route it to their engine; tests record. UI thread.
  std::function<Status(const std::string& absolute_path)> reveal_file;
};

// Where a named widget landed in the last frame the panel drew, in ImGui's screen coordinates (the
// host's display, as io.DisplaySize measures it). visible_* is the part its window showed (clipped);
// it equals the item's rect when nothing of the widget was cut off. For hosts' layout checks.
struct TEXFORGE_EDITOR_API WidgetRect {
  float min_x = 0, min_y = 0, max_x = 0, max_y = 0;
  float visible_min_x = 0, visible_min_y = 0, visible_max_x = 0, visible_max_y = 0;
};

enum class PanelTab { kGenerate, kHistory, kSettings };

enum class GenerateOutcome {
  kSubmitted,          // a job was queued
  kInvalid,            // the form has errors (see fieldErrors())
  kNeedsConfirmation,  // the price is above the spending threshold or unknown: confirmGenerate() decides
  kBusy,               // max_jobs_in_flight reached
  kFailed,             // submit() refused (see statusMessage())
};

class TEXFORGE_EDITOR_API Panel {
 public:
  explicit Panel(PanelOptions options);
  ~Panel();
  Panel(const Panel&) = delete;
  Panel& operator=(const Panel&) = delete;

  // Draws the panel as an ImGui window (inside the host's frame). Pumps the generator when
  // pump_generator is set, uploads textures within the budget. UI thread.
  void draw(const char* window_title = "texforge");
  // The same contents without Begin/End, for hosts that place it inside their own window.
  void drawContents();
  // Work without drawing (pump, quotes, uploads); draw() calls it. For headless tests and hosts.
  void update();
  // How long a host may sleep after this frame if no input or wake comes: 0 when it should draw
  // again at once (uploads left over), the time to the next change nobody announces (a debounced
  // quote, the clock of a running job), or infinity when nothing changes by itself. UI thread.
  double secondsUntilRedraw() const;

  void setGenerator(Generator* generator);  // waits for texture loaders that use the old one
  Generator* generator() const;
  const std::string& projectDir() const;

  // --- Programmatic control: the same effects as the widgets (tests and scripted hosts). ---
  GenerationParams& params();                  // the form
  void loadParams(const GenerationParams& p);  // e.g. from a sidecar (readSidecarParams)
  const std::vector<Preset>& presets() const;  // what the form offers: PanelOptions::presets or the built-in
  bool applyPresetByName(const std::string& name);  // one of presets(), case-insensitive; false if none
  std::map<std::string, std::string> fieldErrors() const;  // field -> message, as shown
  const ModelSchema* schema() const;                       // null until fetched
  std::optional<Quote> currentQuote() const;               // the quote for the form as it is now
  std::string generateButtonLabel() const;                 // what the Generate button reads, with the price
  const std::string& quoteError() const;  // why there is no price (shown under the button), or empty
  // Submits the form, or asks first (kNeedsConfirmation) when the price is above the threshold or
  // unknown: the quote failed (service error, offline) or has not arrived yet.
  GenerateOutcome pressGenerate();
  bool confirmationPending() const;
  const std::string& confirmationMessage() const;  // what the spending confirmation says, while pending
  GenerateOutcome confirmGenerate(bool go_ahead);
  // "One job per line": each non-empty line of the prompt becomes a request with the form's other
  // settings, priced as one request times their number and confirmed together.
  void setPromptPerLine(bool on);
  bool promptPerLine() const;
  std::vector<GenerationParams> requestsToSend() const;  // what Generate would submit now
  // "Repair seams...": prepares the inpainting request that repairs a result's seams
  // (Generator::seamRepairRequest), prices it, and once the price is in, submits it or asks first
  // like Generate. Ok when the request is being priced; the status line says how it went. UI thread.
  Status repairSeams(const std::string& local_id, int output_index);
  // The repair of a result (a job whose GenerationParams::repair_of names it) with an image, newest
  // first; nullopt when it has none. The preview shows it instead while showRepaired(true).
  std::optional<std::pair<std::string, int>> repairOf(const std::string& local_id, int output_index) const;
  void showRepaired(bool on);
  // The preview's view options: tiled 3x3 ("Tile 3x3"), on the checkerboard ("Checker").
  void setPreviewView(bool tiled, bool checker);
  // Imports run on the core's import thread: these queue and return at once, the gallery shows the
  // output as importing, and the status line reports the outcome when it arrives inside update().
  // importOutput: Ok when queued (or already queued or imported); kInvalidArgument when not ready.
  Status importOutput(const std::string& local_id, int output_index);
  int importAll();  // queues every ready output of the session not yet imported
                    // or queued; returns how many it queued
  bool importPending(const std::string& local_id, int output_index) const;  // queued, no answer yet
  size_t importsPending() const;      // imports queued and not yet answered
  uint64_t importsCompleted() const;  // successful imports (undos, restores) so far: a host's asset list
                                      // rescans when it changes
  // Undo import (panel_undo.cpp): moves an imported output's file and sidecar to
  // <project>/.texforge/trash/<time>/ under the same relative path and makes the output importable
  // again; restoreImport moves them back (refused while a file stands at the original place).
  // Both say how it went in the status line. UI thread.
  Status undoImport(const std::string& local_id, int output_index);
  Status restoreImport(const std::string& local_id, int output_index);
  bool canRestoreImport(const std::string& local_id, int output_index) const;  // undone, not restored
  // "Show in folder": PanelOptions::reveal_file with the absolute path of path (relative to the
  // project, or absolute); the status line says when it failed. UI thread.
  Status showInFolder(const std::string& path);
  void useAsReference(const std::string& local_id, int output_index);
  void rerun(const std::string& local_id);  // fills the form with the job's parameters
  void copyPrompt(const std::string& local_id);
  void stopWaiting(const std::string& local_id);
  // The buttons of a job row; each says how it went in the status line and leaves the snapshots
  // as drawn (the rows call them while iterating). Jobs held elsewhere (held_by) offer none.
  // Resume (a stopped job, or a failed one where canResume()): waits for it again, so its images
  // arrive when it finishes; it joins this session's jobs list.
  Status resumeJob(const std::string& local_id);
  // Check again (state unknown): looks for it among the account's recent jobs now.
  Status recheckJob(const std::string& local_id);
  // Resend / Discard (state unknown): resend=true sends it again (paid twice if the first did
  // start; refused before resend_allowed_at_ms), false discards it.
  Status resolveJob(const std::string& local_id, bool resend);
  void addReference(const std::string& path_or_asset_id);
  void removeReference(size_t index);
  void moveReference(size_t from, size_t to);
  // Files dropped on the panel (the host forwards its window's drops): PNG, JPEG and WebP files
  // become references, or load into the mask while the mask painter is open; anything else is
  // refused and the status line says what was taken and why the rest was not. Returns how many
  // were taken. UI thread.
  int dropFiles(const std::vector<std::string>& paths);
  std::vector<std::string> sessionJobIds() const;  // jobs submitted in this session, newest first
  void setHistoryFilter(const std::string& text);
  std::vector<std::string> historyMatches() const;  // local ids matching the filter, newest first
  void selectTab(PanelTab tab);
  void selectOutput(const std::string& local_id, int output_index);  // opens the large preview
  // Side by side with the selected result in the preview (Ctrl+click in the gallery); an invalid
  // index ends it. compareWithBefore: the result beside the first reference of its job, the image
  // an inpainting or an edit started from ("Before / after"); false ends it.
  void compareWith(const std::string& local_id, int output_index);
  void compareWithBefore(bool on);
  // The results the gallery shows, in its order (this session's and the last one's, newest job
  // first, less those discarded).
  std::vector<std::pair<std::string, int>> galleryOutputs() const;
  // Takes a result out of the gallery (the Delete key on the selected one). Nothing is deleted: it
  // stays in History and its cache, and an imported asset stays in the project.
  void discardOutput(const std::string& local_id, int output_index);
  // History's "Delete": the job leaves the project's history (Generator::removeJob); its imported
  // assets stay. The status line says why when it is refused (a job still running, say).
  Status deleteJob(const std::string& local_id);
  bool openMaskPainter();  // as "Paint mask...": over the first reference; false when it is not a file
  MaskCanvas& mask();
  Status applyMask();                        // saves the painted mask and sets it on the form
  void clearMask();                          // as "Clear mask": the form sends no mask
  const std::string& statusMessage() const;  // the last message shown to the user
  PanelSettings& settings();
  // Settings' "Test connection": reads the model's schema from the endpoint field (empty: the
  // default) with the credentials typed in Settings, else the saved ones; nothing is paid. Runs off
  // the UI thread; settingsMessage() says how it went once update() has seen the answer.
  void testConnection();
  bool connectionTestRunning() const;
  const std::string& settingsMessage() const;
  TextureCache& textures();
  // The content scale (PanelOptions::ui_scale); a host calls it when the window moves to a monitor
  // with another scale, after it rebuilt its fonts and theme. UI thread.
  void setUiScale(float scale);
  float uiScale() const;
  // The named widgets of the last frame drawn: "generate" (the button with its price), "mask.use",
  // "mask.close", "mask.canvas" and "mask.image" (the mask at its zoom, which may reach past the canvas)
  // while the mask painter is open, "mask.thumbnail" while the form has a mask, "history.prompt" (the first
  // row's prompt) on the History tab; "gallery.first" and "gallery.last" (thumbnails) and
  // "preview.copy_prompt" (the preview's last action) while results show. Empty before the first frame.
  std::map<std::string, WidgetRect> layout() const;

  struct State;  // the view state, private to editor/src (declared here so its parts can share it)

 private:
  std::unique_ptr<State> s_;
};

// A friendly, actionable sentence for an error (401: "check your API key in Settings"). The advice is
// the panel's own: it never relies on the core's message naming a command or a place in a UI.
TEXFORGE_EDITOR_API std::string describeError(const Error& error);

// What a job row says under its progress bar, in artist words: the decision a lost request needs
// (needs_decision), else what its error means; empty when there is nothing to say.
TEXFORGE_EDITOR_API std::string describeJobProblem(const JobSnapshot& job);

// Why a job is read-only here (JobSnapshot::held_by: another program works on it, or it belongs to
// another endpoint or account), in artist words; empty when this panel may act on it.
TEXFORGE_EDITOR_API std::string describeJobHolder(const JobSnapshot& job);

// The images line of a job row: "2 / 4 images", with ", 1 failed" when some could not be had.
TEXFORGE_EDITOR_API std::string describeOutputs(const JobSnapshot& job);

// What texforge found on arrival, in artist words: "Seam 3.1: visible when tiled", "Alpha: keyed
// out from the #FF00FF matte", "Not transparent: the service sent opaque pixels"; empty when nothing
// was measured. warning: set when the result is not what was asked (visible seam, no alpha).
TEXFORGE_EDITOR_API std::string describeFinish(const OutputFinish& finish, bool* warning = nullptr);

// Why one output has no image, for its preview and tooltip; empty unless it failed.
TEXFORGE_EDITOR_API std::string describeOutputProblem(const OutputSnapshot& output);

// Until when, and why, Resend stays disabled for an unknown job (a late job may still show up among
// the account's jobs); empty once it may be resent. now_ms: unix time.
TEXFORGE_EDITOR_API std::string describeResendWait(const JobSnapshot& job, int64_t now_ms);

// Applies the panel's dark theme to the current ImGui context; scale multiplies its spacing and
// sizes. It starts from ImGui's default style, so a host calls it again when its scale changes.
// Fonts stay the host's: it loads them at that scale, or on Dear ImGui 1.92 may set
// ImGuiStyle::FontScaleDpi after this call instead.
TEXFORGE_EDITOR_API void applyDarkTheme(float scale = 1.0f);

}  // namespace texforge::editor
