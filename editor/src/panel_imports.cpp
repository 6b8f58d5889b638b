// The panel's import queue: imports run on the core's import thread, the answers arrive inside
// pump(), and one status line per batch tallies them (progress while queued, then the outcome).
#include <string>

#include "panel_state.h"

namespace texforge::editor {
namespace {

// One status line per batch: progress while imports are queued, the outcome once the queue is empty.
void reportImports(Panel::State& s) {
  ImportTally& t = s.import_tally;
  const std::string& folder = s.options.settings.import_folder;
  const int total = t.done + t.failed + static_cast<int>(s.importing.size());
  if (!s.importing.empty()) {
    s.setStatus("Importing into " + folder + "... " + std::to_string(t.done + t.failed) + " of " +
                    std::to_string(total) + " done.",
                false);
    return;
  }
  if (t.failed > 0) {
    s.setStatus(
        std::string(t.done ? "Imported " + std::to_string(t.done) + " of " + std::to_string(total) + ". "
                           : "") +
            t.first_error,
        true);
  } else if (t.done == 1) {
    s.setStatus("Imported " + t.last_path, false);
  } else if (t.done > 1) {
    s.setStatus("Imported " + std::to_string(t.done) + " images into " + folder, false);
  }
  t = ImportTally{};
}

// Queues one import. An answer from a Generator the panel no longer talks to is dropped:
// setGenerator() forgot the queue.
void queueImport(Panel::State& s, const std::string& local_id, int index) {
  if (s.importing.empty()) s.last_imports.clear();  // a new batch: Undo import offers only its files
  s.importing.insert({local_id, index});
  auto on_imported = [local_id, index](Panel::State& state, Result<ImportedAsset> imported) {
    if (!state.importing.erase({local_id, index})) return;
    ImportTally& t = state.import_tally;
    if (imported) {
      ++t.done;
      t.last_path = imported->path;
      ++state.imports_completed;
      state.last_imports.push_back(OutputRef{local_id, index});
      state.assets_stale = true;
    } else {
      ++t.failed;
      const std::string& folder = state.options.settings.import_folder;
      if (t.first_error.empty()) t.first_error = describeImportError(imported.error(), folder);
    }
    reportImports(state);
  };
  s.generator->importOutputAsync(local_id, index, whileSameGenerator(s, on_imported));
}

}  // namespace

Status Panel::importOutput(const std::string& local_id, int output_index) {
  State& s = *s_;
  if (!s.generator) return makeError(ErrorCode::kInvalidArgument, "No generator.");
  if (s.isImporting(local_id, output_index)) return Ok{};
  // Ask the core, not last frame's snapshot: the output may have become ready since.
  const auto job = s.generator->job(local_id);
  if (!job || output_index < 0 || output_index >= static_cast<int>(job->outputs.size())) {
    Error error =
        makeError(ErrorCode::kNotFound, "no output " + std::to_string(output_index) + " in " + local_id);
    s.setStatus(describeImportError(error, s.options.settings.import_folder), true);
    return error;
  }
  const OutputSnapshot& out = job->outputs[output_index];
  if (out.state == OutputState::kImported) {
    s.setStatus("Already in the project: " + out.imported_path, false);
    return Ok{};
  }
  if (out.state != OutputState::kReady) {
    Error error = makeError(ErrorCode::kInvalidArgument, "output not ready");
    s.setStatus(describeImportError(error, s.options.settings.import_folder), true);
    return error;
  }
  queueImport(s, local_id, output_index);
  reportImports(s);
  return Ok{};
}

int Panel::importAll() {
  State& s = *s_;
  if (!s.generator) return 0;
  s.jobs = s.generator->jobs();
  int queued = 0;
  for (const auto& job : s.jobs) {
    if (!s.session_ids.count(job.local_id)) continue;
    for (const auto& out : job.outputs) {
      if (out.state != OutputState::kReady || s.isImporting(job.local_id, out.index)) continue;
      if (s.discarded.count({job.local_id, out.index})) continue;  // taken out of the gallery
      queueImport(s, job.local_id, out.index);
      ++queued;
    }
  }
  if (queued > 0 || !s.importing.empty()) {
    reportImports(s);
  } else {
    s.setStatus("Nothing new to import.", false);
  }
  return queued;
}

bool Panel::importPending(const std::string& local_id, int output_index) const {
  return s_->isImporting(local_id, output_index);
}

size_t Panel::importsPending() const {
  return s_->importing.size();
}
uint64_t Panel::importsCompleted() const {
  return s_->imports_completed;
}

}  // namespace texforge::editor
