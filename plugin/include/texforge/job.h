// A job as the host sees it: plain data, copied out of the engine (snapshots), safe to keep.
// The name functions are pure; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "texforge/error.h"
#include "texforge/export.h"
#include "texforge/image.h"
#include "texforge/params.h"

namespace texforge {

// submitting -> submitted -> running -> downloading -> ready -> imported;
// side exits failed, stopped (the user stopped waiting), unknown (the paid POST's answer was lost).
enum class JobState {
  kSubmitting,
  kSubmitted,
  kRunning,
  kDownloading,
  kReady,
  kImported,
  kFailed,
  kStopped,
  kUnknown
};
TEXFORGE_CORE_API const char* jobStateName(JobState state);  // "submitting", ...
TEXFORGE_CORE_API bool isJobActive(JobState state);          // submitting, submitted, running, downloading

enum class OutputState { kPending, kDownloading, kReady, kImported, kFailed };
TEXFORGE_CORE_API const char* outputStateName(OutputState state);

// What texforge did to an output when it arrived (GenerationParams::seamless, alpha_method,
// repair_of), journaled and written to the sidecar.
struct TEXFORGE_CORE_API OutputFinish {
  // The wrap-around seam score (image_ops.h measureSeams; under kSeamlessScore reads as seamless),
  // -1 when not measured. For a seam repair, seam_before is the repaired output's score.
  double seam = -1;
  double seam_before = -1;
  // With a transparent background asked: "model" (the service's alpha, found transparent), "matte"
  // (keyed out from the requested matte colour), "border" (the service sent opaque pixels; keyed out
  // from the flat colour along the border), "opaque" (the service sent opaque pixels and no flat
  // border was found: the image is not transparent). Empty when transparency was not asked.
  std::string alpha;
  double transparent_fraction = 0;  // pixels with alpha under 250, 0..1, after keying
  // Set when texforge changed the pixels (keyed, shifted back): the service's original bytes, kept
  // beside the finished PNG that cache_path names.
  std::string original_path;
  bool operator==(const OutputFinish& o) const {
    return seam == o.seam && seam_before == o.seam_before && alpha == o.alpha &&
           transparent_fraction == o.transparent_fraction && original_path == o.original_path;
  }
};

struct TEXFORGE_CORE_API OutputSnapshot {
  int index = 0;
  OutputState state = OutputState::kPending;
  std::string asset_id;
  std::string cache_path;  // the original bytes under .texforge/cache/, once downloaded
  ImageFormat format = ImageFormat::kUnknown;
  int width = 0;
  int height = 0;
  std::string imported_path;  // relative to the project, once imported
  std::optional<Error> error;
  std::shared_ptr<const DecodedImage> image;  // decoded pixels, when decoded in this session
  OutputFinish finish;                        // what texforge measured and changed on arrival
};

struct TEXFORGE_CORE_API JobSnapshot {
  std::string local_id;  // texforge's id, known from submit()
  std::string job_id;    // Scenario's id, once the POST answered
  GenerationParams params;
  JobState state = JobState::kSubmitting;
  std::string server_status;  // the last status string the server sent
  double progress = 0.0;      // 0..1
  int64_t created_at_ms = 0;  // unix time of submit()
  int64_t updated_at_ms = 0;
  int64_t finished_at_ms = 0;  // 0 while active
  double cost = -1.0;          // creative units, -1 unknown
  std::optional<Error> error;
  // State unknown and the search among the account's recent jobs ended without finding it: only
  // the user can tell whether to pay again (Generator::resolveUnknown).
  bool needs_decision = false;
  // unknown: resolveUnknown(resend=true) is refused before this time (unix ms), while a late job may
  // still show up among the account's jobs. 0 when there is no such wait.
  int64_t resend_allowed_at_ms = 0;
  // Empty while this engine may act on the job. Otherwise, in words, who holds it: another process
  // working on it ("texforge-cli, pid 4242 on ws-3, is working on it"), or another endpoint or
  // account it was created on. Such a job is shown read-only: nothing here polls, fails, resolves
  // or discards it. A job another process held is taken over when that process is gone.
  std::string held_by;
  bool other_account = false;  // held_by names another endpoint or API key: never taken over here
  std::string endpoint;        // the API root the job was created against
  std::vector<OutputSnapshot> outputs;
  int readyCount() const;  // outputs ready or imported
};

// Whether Generator::resumeJob can bring the job's images in: stopped, or failed for a reason that
// is not the service's verdict (network, endpoint, credentials, a deadline) while the service may
// hold the job or its images; and not held elsewhere.
TEXFORGE_CORE_API bool canResume(const JobSnapshot& job);

struct TEXFORGE_CORE_API GeneratorEvent {
  enum class Kind { kJobChanged, kOutputReady, kOutputFailed, kJobFinished };
  Kind kind = Kind::kJobChanged;
  std::string local_id;
  int output_index = -1;  // for output events
};

}  // namespace texforge
