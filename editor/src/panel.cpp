// Panel: lifecycle, the per-frame update (pump, schema, debounced quote, texture uploads) and the
// programmatic actions that the widgets and the tests share.
#include "texforge/editor/panel.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <limits>

#include <imgui.h>

#include "panel_state.h"
#include "texforge/editor/presets.h"

namespace texforge::editor {
namespace {

double unixMs() {
  return static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count());
}

std::string lower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

}  // namespace

double Panel::State::now() const {
  if (options.clock) return options.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const JobSnapshot* Panel::State::findJob(const std::string& local_id) const {
  for (const auto& job : jobs) {
    if (job.local_id == local_id) return &job;
  }
  return nullptr;
}

void Panel::State::setStatus(std::string text, bool error) {
  status = std::move(text);
  status_is_error = error;
  status_job.clear();
}

Panel::Panel(PanelOptions options) : s_(new State) {
  s_->options = std::move(options);
  s_->generator = s_->options.generator;
  TextureCacheOptions textures = s_->options.textures;
  if (!textures.wake) textures.wake = s_->options.wake;
  s_->textures = std::make_unique<TextureCache>(s_->options.uploader, std::move(textures));
  s_->assets = std::make_unique<ProjectAssets>(s_->options.project_dir);
  s_->start_time_ms = unixMs() - 1000.0;  // clock skew margin between here and the journal's stamps
  s_->params.width = 1024;
  s_->params.height = 1024;
  loadPanelSession(*s_);
}

Panel::~Panel() {
  savePanelSession(*s_);
  if (s_->mask_overlay) s_->options.uploader->destroy(s_->mask_overlay);
  if (s_->mask_overlay_next) s_->options.uploader->destroy(s_->mask_overlay_next);
}

void Panel::setGenerator(Generator* generator) {
  s_->textures->clear();
  s_->importing.clear();  // the old Generator's answers will not come
  s_->import_tally = ImportTally{};
  s_->generator = generator;
  s_->schema.reset();
  s_->schema_requested = false;
  s_->quote.reset();
  s_->quote_key.clear();
  s_->pending_quote_key.clear();
  s_->jobs.clear();
}

Generator* Panel::generator() const {
  return s_->generator;
}
const std::string& Panel::projectDir() const {
  return s_->options.project_dir;
}

void Panel::update() {
  State& s = *s_;
  collectConnectionTest(s);
  if (!s.generator) return;
  if (s.options.pump_generator) {
    for (const GeneratorEvent& event : s.generator->pump()) {
      if (event.kind == GeneratorEvent::Kind::kOutputReady && !s.selected.valid() &&
          s.session_ids.count(event.local_id)) {
        s.selected = OutputRef{event.local_id, event.output_index};  // first result opens the preview
      }
    }
  }
  s.jobs = s.generator->jobs();
  for (const auto& job : s.jobs) {
    if (job.created_at_ms >= s.start_time_ms) s.session_ids.insert(job.local_id);
    // "Submitted: ... on the way" speaks of one job: once it has ended, the job row says the rest.
    if (job.local_id == s.status_job && !isJobActive(job.state)) {
      s.setStatus("", false);
      s.status_job.clear();
    }
  }
  if (s.session_ids.size() + s.discarded.size() + s.trashed.size() != s.saved_counts) {
    s.saved_counts = s.session_ids.size() + s.discarded.size() + s.trashed.size();
    savePanelSession(s);
  }

  if (!s.schema_requested) {
    s.schema_requested = true;
    auto on_schema = [](State& state, Result<ModelSchema> schema) {
      if (schema) {
        state.schema = std::move(*schema);
        state.schema_error.clear();
      } else {
        state.schema_error = describeError(schema.error());
      }
    };
    s.generator->fetchSchema(s.params.model_id, whileSameGenerator(s, on_schema));
  }

  // Debounced quote: ask once the form has been still for quote_debounce_s. The local files are
  // read again only when the form changes, not every frame.
  const std::string key = paramsToJson(s.params);
  const double now = s.now();
  if (key != s.changed_key) {
    s.changed_key = key;
    s.changed_at = now;
    s.local_problems = checkLocalInputs(s.params);
  }
  s.field_errors = fieldErrors();
  if (s.field_errors.empty() && key != s.quote_key && key != s.pending_quote_key &&
      now - s.changed_at >= s.options.quote_debounce_s) {
    s.pending_quote_key = key;
    auto on_quote = [key](State& state, Result<Quote> quote) {
      if (state.pending_quote_key == key) state.pending_quote_key.clear();
      state.quote_key = key;
      if (quote) {
        state.quote = *quote;
        state.quote_error.clear();
      } else {
        state.quote.reset();
        state.quote_error = describeError(quote.error());
      }
    };
    s.generator->quote(s.params, whileSameGenerator(s, on_quote));
  }
  s.textures->beginFrame();
}

double Panel::secondsUntilRedraw() const {
  const State& s = *s_;
  const TextureCacheStats textures = s.textures->stats();
  if (textures.pending_uploads > 0 || textures.not_ready > 0) return 0.0;  // decoders wake for the rest
  if (s.generator && !s.schema_requested) return 0.0;
  constexpr double kLate = 0.005;  // a host's timer may fire a little early: it would draw twice
  double wait = std::numeric_limits<double>::infinity();
  // The quote is asked once the form has been still for quote_debounce_s; a form changed since the
  // last update() starts that wait in the next one.
  const std::string key = paramsToJson(s.params);
  if (key != s.changed_key) return 0.0;
  if (s.field_errors.empty() && key != s.quote_key && key != s.pending_quote_key)
    wait = std::max(0.0, s.changed_at + s.options.quote_debounce_s - s.now()) + kLate;
  // Job rows count seconds: a running job's elapsed time, an unknown one's wait before Resend.
  const double now_ms = unixMs();
  auto untilNextSecond = [](double ms) {
    return (1000.0 - std::fmod(std::max(ms, 0.0), 1000.0)) / 1000.0 + kLate;
  };
  for (const auto& job : s.jobs) {
    if (isJobActive(job.state)) wait = std::min(wait, untilNextSecond(now_ms - job.created_at_ms));
    if (job.state == JobState::kUnknown && job.resend_allowed_at_ms > now_ms)
      wait = std::min(wait, untilNextSecond(job.resend_allowed_at_ms - now_ms));
  }
  return wait;
}

void Panel::draw(const char* window_title) {
  ImGui::SetNextWindowSize(ImVec2(1100, 760), ImGuiCond_FirstUseEver);
  if (ImGui::Begin(window_title)) {
    drawContents();
  } else {
    update();
  }
  ImGui::End();
}

void Panel::drawContents() {
  update();
  State& s = *s_;
  if (ImGui::BeginTabBar("texforge_tabs")) {
    const bool switching = s.tab_switch_requested;
    s.tab_switch_requested = false;
    auto flags = [&](PanelTab tab) {
      return switching && s.tab == tab ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
    };
    if (ImGui::BeginTabItem("Generate", nullptr, flags(PanelTab::kGenerate))) {
      if (!switching) s.tab = PanelTab::kGenerate;
      const float form_width = std::min(400.0f * uiScale(), ImGui::GetContentRegionAvail().x * 0.42f);
      // The fields scroll; Generate with its price and the status line stay in view below them, in
      // the height they took last frame.
      ImGui::BeginChild("form", ImVec2(form_width, 0), true,
                        ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
      ImGui::BeginChild("fields", ImVec2(0, -s.generate_bar_height), false);
      drawForm(*this, s);
      ImGui::EndChild();
      const float bar_top = ImGui::GetCursorPosY();
      drawGenerateBar(*this, s);
      const float bar_height = ImGui::GetCursorPosY() - bar_top;
      if (bar_height != s.generate_bar_height && s.options.wake)
        s.options.wake();  // one more frame to settle
      s.generate_bar_height = bar_height;
      ImGui::EndChild();
      ImGui::SameLine();
      ImGui::BeginChild("results", ImVec2(0, 0), false);
      drawJobs(*this, s);
      drawGallery(*this, s);
      ImGui::EndChild();
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("History", nullptr, flags(PanelTab::kHistory))) {
      if (!switching) s.tab = PanelTab::kHistory;
      drawHistory(*this, s);
      ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("Settings", nullptr, flags(PanelTab::kSettings))) {
      if (!switching) s.tab = PanelTab::kSettings;
      drawSettings(*this, s);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  drawMaskPainter(*this, s);
}

GenerationParams& Panel::params() {
  return s_->params;
}

void Panel::loadParams(const GenerationParams& p) {
  s_->params = p;
  s_->preset_hint.clear();  // a loaded prompt is the artist's: no preset text to take out of it
  s_->size_choice = -1;
  const auto& sizes = sizePresets();
  for (size_t i = 0; i < sizes.size(); ++i) {
    if (sizes[i].width == p.width && sizes[i].height == p.height) s_->size_choice = static_cast<int>(i);
  }
}

const std::vector<Preset>& Panel::presets() const {
  return s_->options.presets.empty() ? builtinPresets() : s_->options.presets;
}

bool Panel::applyPresetByName(const std::string& name) {
  for (const auto& preset : presets()) {
    if (lower(preset.name) == lower(name)) {
      GenerationParams p = s_->params;
      std::string appended = applyPreset(preset, p, s_->preset_hint);  // replaces the last preset's hint
      loadParams(p);
      s_->preset_hint = std::move(appended);
      return true;
    }
  }
  return false;
}

std::map<std::string, std::string> Panel::fieldErrors() const {
  FieldErrors errors = validateForm(s_->params, s_->schema ? &*s_->schema : nullptr);
  addFieldErrors(s_->local_problems, s_->params, &errors);
  return errors;
}

const ModelSchema* Panel::schema() const {
  return s_->schema ? &*s_->schema : nullptr;
}

std::optional<Quote> Panel::currentQuote() const {
  if (s_->quote_key != paramsToJson(s_->params)) return std::nullopt;
  return s_->quote;
}

std::string Panel::generateButtonLabel() const {
  const State& s = *s_;
  const size_t requests = requestsToSend().size();
  std::string label =
      s.params.num_outputs > 1 ? "Generate " + std::to_string(s.params.num_outputs) + " images" : "Generate";
  if (requests > 1)
    label = "Generate " + std::to_string(requests) + " jobs x " + std::to_string(s.params.num_outputs);
  if (!fieldErrors().empty()) return label;
  if (auto quote = currentQuote())
    return label + "  -  " + formatCost(quote->creative_units * double(std::max<size_t>(requests, 1)));
  if (!s.pending_quote_key.empty() || s.changed_key != s.quote_key) return label + "  -  pricing...";
  return label;
}

const std::string& Panel::quoteError() const {
  return s_->quote_error;
}

GenerateOutcome Panel::pressGenerate() {
  State& s = *s_;
  if (!s.generator) return GenerateOutcome::kFailed;
  s.local_problems = checkLocalInputs(s.params);  // the files may have changed since the last edit
  s.field_errors = fieldErrors();
  if (!s.field_errors.empty()) {
    s.setStatus("Fix the highlighted fields first.", true);
    return GenerateOutcome::kInvalid;
  }
  int active = 0;
  for (const auto& job : s.jobs) active += isJobActive(job.state) ? 1 : 0;
  if (s.options.settings.max_jobs_in_flight > 0 && active >= s.options.settings.max_jobs_in_flight) {
    s.setStatus(std::to_string(active) + " jobs are running (limit " +
                    std::to_string(s.options.settings.max_jobs_in_flight) +
                    " in Settings). Wait for one to finish.",
                true);
    return GenerateOutcome::kBusy;
  }
  std::vector<GenerationParams> batch = requestsToSend();
  if (batch.empty()) {
    s.setStatus("Write a prompt on at least one line.", true);
    return GenerateOutcome::kInvalid;
  }
  return askToSpend(*this, s, std::move(batch), currentQuote(), s.quote_error, "this generation");
}

// Submits a batch at once when its price is known and under the threshold; otherwise the spending
// confirmation asks (an unknown price asks whatever the threshold: nothing says it is below it).
// quote: the price of one request of the batch (they differ only in their prompt).
GenerateOutcome askToSpend(Panel& panel, Panel::State& s, std::vector<GenerationParams> batch,
                           const std::optional<Quote>& quote, const std::string& quote_error,
                           const std::string& what) {
  const double threshold = s.options.settings.spending_threshold;
  const double total = quote ? quote->creative_units * double(batch.size()) : 0.0;
  const std::string jobs = batch.size() > 1 ? " (" + std::to_string(batch.size()) + " jobs)" : "";
  s.confirm_batch = std::move(batch);
  if (!quote) {
    s.confirm_message = "The price of " + what + jobs + " is unknown: " +
                        (quote_error.empty() ? std::string("it has not arrived yet.") : quote_error) +
                        "\nIt is charged at Scenario's price when it runs.";
  } else if (threshold > 0 && total > threshold) {
    std::string subject = what;
    subject[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(subject[0])));
    s.confirm_message = subject + jobs + " costs " + formatCost(total) +
                        ".\nYour confirmation threshold is " + formatCost(threshold) + " (Settings).";
  } else {
    return panel.confirmGenerate(true);
  }
  s.confirm_open = true;
  return GenerateOutcome::kNeedsConfirmation;
}

void Panel::setPromptPerLine(bool on) {
  s_->prompt_per_line = on;
}

bool Panel::promptPerLine() const {
  return s_->prompt_per_line;
}

std::vector<GenerationParams> Panel::requestsToSend() const {
  const State& s = *s_;
  if (!s.prompt_per_line) return {s.params};
  std::vector<GenerationParams> out;
  size_t start = 0;
  while (start <= s.params.prompt.size()) {
    size_t end = s.params.prompt.find('\n', start);
    if (end == std::string::npos) end = s.params.prompt.size();
    std::string line = s.params.prompt.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != std::string::npos) {
      GenerationParams one = s.params;
      one.prompt = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
      // Named results of a batch stay apart: name, name-2, name-3... per line.
      if (!one.name.empty() && !out.empty()) one.name += "-" + std::to_string(out.size() + 1);
      out.push_back(std::move(one));
    }
    start = end + 1;
  }
  return out;
}

bool Panel::confirmationPending() const {
  return s_->confirm_open;
}

const std::string& Panel::confirmationMessage() const {
  return s_->confirm_message;
}

GenerateOutcome Panel::confirmGenerate(bool go_ahead) {
  State& s = *s_;
  s.confirm_open = false;
  s.confirm_message.clear();
  if (!go_ahead) {
    s.setStatus("Not generated.", false);
    return GenerateOutcome::kFailed;
  }
  if (!s.generator) return GenerateOutcome::kFailed;
  std::vector<GenerationParams> batch = std::move(s.confirm_batch);
  s.confirm_batch.clear();
  int images = 0;
  std::string last_id;
  for (size_t i = 0; i < batch.size(); ++i) {
    auto id = s.generator->submit(batch[i]);
    // What was submitted before a refusal stays submitted; the status says where it stopped.
    const std::string where =
        batch.size() > 1 ? " (request " + std::to_string(i + 1) + " of " + std::to_string(batch.size()) + ")"
                         : "";
    if (!id && id.error().code == ErrorCode::kUnknownSubmission) {
      s.setStatus(
          "The same request was sent before and its answer was lost, so it may have started (and "
          "been charged). Settle that one first: texforge is looking for it, or its job row offers "
          "Resend and Discard." +
              where,
          true);
      return i > 0 ? GenerateOutcome::kSubmitted : GenerateOutcome::kFailed;
    }
    if (!id) {
      s.setStatus(describeError(id.error()) + where, true);
      return i > 0 ? GenerateOutcome::kSubmitted : GenerateOutcome::kFailed;
    }
    s.session_ids.insert(*id);
    last_id = *id;
    images += batch[i].num_outputs;
  }
  s.jobs = s.generator->jobs();  // the new jobs show (and are listed) at once
  s.setStatus("Submitted: " + std::to_string(images) + " image(s) on the way" +
                  (batch.size() > 1 ? " in " + std::to_string(batch.size()) + " jobs." : "."),
              false);
  s.status_job = last_id;  // the line goes when that job ends
  s.tab = PanelTab::kGenerate;
  return GenerateOutcome::kSubmitted;
}

void Panel::useAsReference(const std::string& local_id, int output_index) {
  State& s = *s_;
  const JobSnapshot* job = s.findJob(local_id);
  if (!job || output_index < 0 || output_index >= static_cast<int>(job->outputs.size())) return;
  const OutputSnapshot& out = job->outputs[output_index];
  if (out.state == OutputState::kFailed) {
    // Its file (if any) is not a picture anyone saw: sent, it would fail or mislead the model.
    s.setStatus("A failed image cannot be a reference: " + describeOutputProblem(out), true);
    return;
  }
  ImageInput input;
  if (!out.cache_path.empty()) {
    input.local_path = out.cache_path;
  } else if (!out.asset_id.empty()) {
    input.asset_id = out.asset_id;
  } else {
    s.setStatus("This result has not been downloaded yet.", true);
    return;
  }
  if (s.params.reference_images.size() >= 10) {
    s.setStatus("The model takes at most 10 references; remove one first.", true);
    return;
  }
  s.params.reference_images.push_back(input);
  s.setStatus("Added as reference " + std::to_string(s.params.reference_images.size()) + ".", false);
  selectTab(PanelTab::kGenerate);
}

void Panel::rerun(const std::string& local_id) {
  const JobSnapshot* job = s_->findJob(local_id);
  if (!job) return;
  loadParams(job->params);
  s_->setStatus("The form now holds that generation's settings.", false);
  selectTab(PanelTab::kGenerate);
}

void Panel::copyPrompt(const std::string& local_id) {
  const JobSnapshot* job = s_->findJob(local_id);
  if (!job) return;
  if (ImGui::GetCurrentContext()) ImGui::SetClipboardText(job->params.prompt.c_str());
  s_->setStatus("Prompt copied.", false);
}

void Panel::stopWaiting(const std::string& local_id) {
  if (!s_->generator) return;
  s_->generator->stopWaiting(local_id);
  s_->setStatus(
      "Stopped waiting. The credits are spent; Resume (in Jobs or History) waits for it again and brings "
      "its images in when it finishes.",
      false);
}

Status Panel::resumeJob(const std::string& local_id) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "No generator.");
  Status resumed = s.generator->resumeJob(local_id);
  if (!resumed) {
    const bool refused = resumed.error().code == ErrorCode::kInvalidArgument;
    s.setStatus(refused ? "This job cannot be resumed: it is running, finished for good, or another program "
                          "works on it."
                        : describeError(resumed.error()),
                true);
    return resumed;
  }
  s.session_ids.insert(local_id);  // it runs again, in this session's list
  s.setStatus("Waiting for it again: its images arrive here when it finishes. Nothing is paid twice.", false);
  return Ok{};
}

Status Panel::recheckJob(const std::string& local_id) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "No generator.");
  Status rechecked = s.generator->recheckUnknown(local_id);
  if (!rechecked) {
    const bool decided = rechecked.error().code == ErrorCode::kInvalidArgument;
    s.setStatus(decided ? "This request no longer waits for a decision." : describeError(rechecked.error()),
                true);
    return rechecked;
  }
  s.setStatus(
      "Looking for it among your recent Scenario jobs again. If it is there, its images come in and nothing "
      "is paid twice.",
      false);
  return Ok{};
}

Status Panel::resolveJob(const std::string& local_id, bool resend) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "No generator.");
  const JobSnapshot* job = s.findJob(local_id);
  const std::string wait = resend && job ? describeResendWait(*job, static_cast<int64_t>(unixMs())) : "";
  Status resolved = s.generator->resolveUnknown(local_id, resend);
  if (!resolved) {
    // kInvalidArgument: not unknown any more, held elsewhere, or too early to resend.
    const bool refused = resolved.error().code == ErrorCode::kInvalidArgument;
    s.setStatus(!refused        ? describeError(resolved.error())
                : !wait.empty() ? wait
                                : "This request no longer waits for a decision.",
                true);
    return resolved;
  }
  if (resend) s.session_ids.insert(local_id);  // it runs again now, in this session's list
  // s.jobs is left as drawn: the buttons call this while the jobs list iterates it.
  s.setStatus(resend ? "Sent again. If the first request did start after all, you pay twice."
                     : "Discarded: it will not be sent again.",
              false);
  return Ok{};
}

void Panel::addReference(const std::string& path_or_asset_id) {
  if (path_or_asset_id.empty()) return;
  if (s_->params.reference_images.size() >= 10) {
    s_->setStatus("The model takes at most 10 references.", true);
    return;
  }
  s_->params.reference_images.push_back(imageInputFromArgument(path_or_asset_id));
}

void Panel::removeReference(size_t index) {
  auto& refs = s_->params.reference_images;
  if (index >= refs.size()) return;
  refs.erase(refs.begin() + static_cast<long>(index));
  if (refs.empty()) s_->params.mask.reset();  // a mask without its reference means nothing
}

void Panel::moveReference(size_t from, size_t to) {
  auto& refs = s_->params.reference_images;
  if (from >= refs.size() || to >= refs.size() || from == to) return;
  ImageInput moved = refs[from];
  refs.erase(refs.begin() + static_cast<long>(from));
  refs.insert(refs.begin() + static_cast<long>(to), moved);
}

std::vector<std::string> Panel::sessionJobIds() const {
  std::vector<std::string> ids;
  for (const auto& job : s_->jobs) {
    if (s_->session_ids.count(job.local_id)) ids.push_back(job.local_id);
  }
  return ids;
}

void Panel::setHistoryFilter(const std::string& text) {
  s_->history_filter = text;
}

std::vector<std::string> Panel::historyMatches() const {
  std::vector<std::string> ids;
  const std::string needle = lower(s_->history_filter);
  for (const auto& job : s_->jobs) {
    if (needle.empty() || lower(job.params.prompt).find(needle) != std::string::npos)
      ids.push_back(job.local_id);
  }
  return ids;
}

void Panel::selectTab(PanelTab tab) {
  s_->tab = tab;
  s_->tab_switch_requested = true;
}

void Panel::selectOutput(const std::string& local_id, int output_index) {
  s_->selected = OutputRef{local_id, output_index};
  s_->fit = true;
  s_->pan_x = s_->pan_y = 0;
  s_->compare = OutputRef{};
  s_->compare_before = false;
}

void Panel::compareWith(const std::string& local_id, int output_index) {
  s_->compare = OutputRef{local_id, output_index};
  s_->compare_before = false;
}

void Panel::compareWithBefore(bool on) {
  s_->compare_before = on;
  if (on) s_->compare = OutputRef{};
}

bool Panel::openMaskPainter() {
  const auto& references = s_->params.reference_images;
  if (references.empty() || references[0].local_path.empty()) return false;
  s_->mask_open = true;
  return true;
}

MaskCanvas& Panel::mask() {
  return s_->mask;
}

Status Panel::applyMask() {
  auto path = saveMaskPng(s_->mask, s_->options.project_dir);
  if (!path) {
    s_->setStatus(describeError(path.error()), true);
    return path.error();
  }
  ImageInput mask;
  mask.local_path = *path;
  s_->params.mask = mask;
  s_->setStatus("Mask saved; only the painted area will change.", false);
  return Ok{};
}

const std::string& Panel::statusMessage() const {
  return s_->status;
}
PanelSettings& Panel::settings() {
  return s_->options.settings;
}
TextureCache& Panel::textures() {
  return *s_->textures;
}

}  // namespace texforge::editor
