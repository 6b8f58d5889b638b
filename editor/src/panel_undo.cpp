// Undo of an import and "Show in folder": an imported file and its sidecar go to the project's
// trash and can come back; the core journals the output as importable again, then imported again.
#include <chrono>
#include <filesystem>

#include "panel_state.h"
#include "texforge/project_files.h"

namespace texforge::editor {
namespace {

int64_t unixNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The importer's path relative to the project (the folder importer gives it so; another may give
// an absolute one inside the project).
std::string projectRelative(const std::string& project_dir, const std::string& path) {
  const std::filesystem::path p(path);
  if (!p.is_absolute()) return path;
  std::error_code ec;
  const auto root = std::filesystem::absolute(project_dir.empty() ? "." : project_dir, ec);
  return p.lexically_normal().lexically_relative(root.lexically_normal()).generic_string();
}

const OutputSnapshot* findOutput(const Panel::State& s, const OutputRef& ref) {
  const JobSnapshot* job = s.findJob(ref.local_id);
  if (!job || ref.index < 0 || ref.index >= static_cast<int>(job->outputs.size())) return nullptr;
  return &job->outputs[ref.index];
}

}  // namespace

Status Panel::undoImport(const std::string& local_id, int output_index) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "No generator.");
  const auto job = s.generator->job(local_id);
  if (!job || output_index < 0 || output_index >= static_cast<int>(job->outputs.size()) ||
      job->outputs[output_index].state != OutputState::kImported) {
    Error error = makeError(ErrorCode::kInvalidArgument, "That image is not imported.");
    s.setStatus(error.message, true);
    return error;
  }
  const std::string relative =
      projectRelative(s.options.project_dir, job->outputs[output_index].imported_path);
  auto trashed = moveToProjectTrash(s.options.project_dir, relative, unixNowMs());
  if (!trashed) {
    s.setStatus("Cannot undo the import of " + relative + ": " + trashed.error().message, true);
    return trashed.error();
  }
  if (Status forgot = s.generator->forgetImport(local_id, output_index); !forgot) {
    (void)restoreFromProjectTrash(s.options.project_dir, *trashed);  // the journal still says imported
    s.setStatus("Cannot undo the import of " + relative + ": " + forgot.error().message, true);
    return forgot.error();
  }
  s.trashed[{local_id, output_index}] = *trashed;
  ++s.imports_completed;  // asset lists rescan: the file is gone
  s.assets_stale = true;
  s.setStatus("Moved " + relative + " to " + trashed->trash_folder + "; it can be imported again.", false);
  return Ok{};
}

Status Panel::restoreImport(const std::string& local_id, int output_index) {
  State& s = *s_;
  auto it = s.trashed.find({local_id, output_index});
  if (it == s.trashed.end() || !s.generator) {
    Error error = makeError(ErrorCode::kNotFound, "Nothing to restore for that image.");
    s.setStatus(error.message, true);
    return error;
  }
  const TrashedFile trashed = it->second;
  const auto job = s.generator->job(local_id);
  if (job && output_index < static_cast<int>(job->outputs.size()) &&
      job->outputs[output_index].state == OutputState::kImported) {
    Error error = makeError(ErrorCode::kInvalidArgument,
                            "That image was imported again as " + job->outputs[output_index].imported_path +
                                "; the copy in " + trashed.trash_folder + " stays there.");
    s.setStatus(error.message, true);
    return error;
  }
  if (Status restored = restoreFromProjectTrash(s.options.project_dir, trashed); !restored) {
    s.setStatus(restored.error().message, true);
    return restored;
  }
  s.trashed.erase(it);
  ++s.imports_completed;
  s.assets_stale = true;
  if (Status recorded = s.generator->recordImport(local_id, output_index, trashed.relative_path); !recorded) {
    s.setStatus("Restored " + trashed.relative_path +
                    ", but the history could not record it: " + recorded.error().message,
                true);
    return recorded;
  }
  s.setStatus("Restored " + trashed.relative_path, false);
  return Ok{};
}

bool Panel::canRestoreImport(const std::string& local_id, int output_index) const {
  return s_->trashed.count({local_id, output_index}) > 0;
}

Status Panel::showInFolder(const std::string& path) {
  State& s = *s_;
  std::filesystem::path absolute(path);
  if (!absolute.is_absolute()) {
    absolute = std::filesystem::path(s.options.project_dir.empty() ? "." : s.options.project_dir) / absolute;
  }
  std::error_code ec;
  absolute = std::filesystem::absolute(absolute, ec).lexically_normal();
  const std::string target = absolute.string();
  Status shown = s.options.reveal_file ? s.options.reveal_file(target) : revealInFileManager(target);
  if (!shown) s.setStatus("Cannot show " + target + " in its folder: " + shown.error().message, true);
  return shown;
}

void drawImportUndo(Panel& panel, Panel::State& s) {
  int imported = 0, restorable = 0;
  for (const OutputRef& ref : s.last_imports) {
    const OutputSnapshot* out = findOutput(s, ref);
    if (out && out->state == OutputState::kImported) ++imported;
    if (out && out->state == OutputState::kReady && panel.canRestoreImport(ref.local_id, ref.index))
      ++restorable;
  }
  if (imported > 0) {
    if (ImGui::SmallButton("Undo import")) {
      for (const OutputRef& ref : s.last_imports) {
        const OutputSnapshot* out = findOutput(s, ref);
        if (out && out->state == OutputState::kImported) panel.undoImport(ref.local_id, ref.index);
      }
    }
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("Move the imported file%s and sidecar%s to the project's trash (.texforge/trash)",
                        imported > 1 ? "s" : "", imported > 1 ? "s" : "");
    }
  } else if (restorable > 0) {
    if (ImGui::SmallButton("Restore")) {
      for (const OutputRef& ref : s.last_imports) {
        if (panel.canRestoreImport(ref.local_id, ref.index)) panel.restoreImport(ref.local_id, ref.index);
      }
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Move the files back from the project's trash");
  }
}

void drawImportedActions(Panel& panel, Panel::State& s, const JobSnapshot& job, int index) {
  (void)s;
  if (index < 0 || index >= static_cast<int>(job.outputs.size())) return;
  const OutputSnapshot& out = job.outputs[index];
  if (out.state == OutputState::kImported) {
    sameLineIfFits(buttonWidth("Show in folder"));
    if (ImGui::Button("Show in folder")) panel.showInFolder(out.imported_path);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", out.imported_path.c_str());
    sameLineIfFits(buttonWidth("Undo import"));
    if (ImGui::Button("Undo import")) panel.undoImport(job.local_id, index);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Move the file and its sidecar to the project's trash");
  } else if (out.state == OutputState::kReady && panel.canRestoreImport(job.local_id, index)) {
    sameLineIfFits(buttonWidth("Restore"));
    if (ImGui::Button("Restore")) panel.restoreImport(job.local_id, index);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Move the file back from the project's trash");
  }
}

}  // namespace texforge::editor
