// Parses texforge's command line. Values are checked for form here (numbers, WxH); the model's
// rules are checked by validateParams before anything is sent.
#include "cli_args.h"

#include <cctype>
#include <cstdlib>
#include <optional>

namespace texforge::cli {
namespace {

// main.cpp adds where the usage is (on stderr, or as the --json document's advice).
Error usageError(const std::string& message) {
  return makeError(ErrorCode::kInvalidArgument, message);
}

// Where the verb is: after any leading "--json".
size_t verbIndex(const std::vector<std::string>& args) {
  size_t i = 0;
  while (i < args.size() && args[i] == "--json") ++i;
  return i;
}

std::optional<Command> commandFor(const std::string& verb) {
  if (verb == "--help" || verb == "-h" || verb == "help") return Command::kHelp;
  if (verb == "--version" || verb == "version") return Command::kVersion;
  if (verb == "generate") return Command::kGenerate;
  if (verb == "resume") return Command::kResume;
  if (verb == "jobs") return Command::kJobs;
  if (verb == "resolve") return Command::kResolve;
  if (verb == "batch") return Command::kBatch;
  if (verb == "repair-seams") return Command::kRepairSeams;
  return std::nullopt;
}

bool parseInt(const std::string& text, int* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || v < -1000000 || v > 1000000) return false;
  *out = static_cast<int>(v);
  return true;
}

Error valueError(const std::string& message) {
  return makeError(ErrorCode::kInvalidArgument, message);
}

}  // namespace

Status parseOutputsValue(const std::string& text, GenerationParams* params) {
  if (!parseInt(text, &params->num_outputs)) return valueError("needs a number of images, e.g. 3");
  return Ok{};
}

Status parseSizeValue(const std::string& text, GenerationParams* params, const std::string& what) {
  if (text == "auto") {
    params->width = params->height = 0;
    return Ok{};
  }
  const auto x = text.find_first_of("xX");
  if (x == std::string::npos || !parseInt(text.substr(0, x), &params->width) ||
      !parseInt(text.substr(x + 1), &params->height)) {
    return valueError(what + " needs WxH, e.g. " + what + " 1024x1024, or auto, not \"" + text + "\"");
  }
  // 0x0 would silently mean "auto" to the engine; a side of 0 is a typo, not a choice.
  if (params->width <= 0 || params->height <= 0) {
    return valueError(what + " " + text + ": both sides must be at least " + std::to_string(kMinSide) +
                      " pixels; for an automatic size use " + what + " auto");
  }
  return Ok{};
}

Status parseAlphaValue(const std::string& text, GenerationParams* params) {
  if (text != "model" && text != "matte") {
    return valueError(
        "needs model (the service's own transparency) or matte (a flat colour keyed out by "
        "texforge), not \"" +
        text + "\"");
  }
  params->alpha_method = text;
  return Ok{};
}

Status parseMatteValue(const std::string& text, GenerationParams* params) {
  const bool hex = text.size() == 7 && text[0] == '#' &&
                   text.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
  if (!hex) return valueError("needs a colour as #RRGGBB, e.g. #00FF00, not \"" + text + "\"");
  params->matte_color = text;
  return Ok{};
}

Status parseBoolValue(const std::string& text, bool* out) {
  std::string lower;
  for (char c : text) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "true" || lower == "1" || lower == "yes") {
    *out = true;
  } else if (lower == "false" || lower == "0" || lower == "no") {
    *out = false;
  } else {
    return valueError("needs true or false (also 1/0, yes/no), not \"" + text + "\"");
  }
  return Ok{};
}

const char* usageText() {
  return R"(texforge: generate textures and sprites with Scenario's GPT Image 2, from a terminal or a pipeline.

Usage:
  texforge generate "PROMPT" --project DIR [options]
  texforge generate --project DIR [options] -- "-PROMPT"
                                              everything after -- is the prompt (it may start with -)
  texforge batch FILE --project DIR [--yes] [--retry-failed] [options]
                                              every request of a CSV or JSON file (see Batches)
  texforge resume --project DIR [--json]      finish whatever the project's journal holds
  texforge jobs --project DIR [--json]        list the project's jobs
  texforge resolve ID --resend|--discard --project DIR
                                              decide a request whose answer was lost (state unknown)
  texforge repair-seams ID[:N] --project DIR [--yes] [--quote]
                                              repair the seams of image N (default 1) of job ID with one
                                              inpainting request, priced and confirmed like a batch
  texforge --help | --version [--json]        (also `texforge version`)

Generate options:
  --outputs N             number of images, 1..10 (default 1)
  --size WxH | auto       multiples of 16, at most 3840 per side, 655,360 to 8,294,400 pixels in all
                          (1024x1024, 1536x1024, 1024x640 the smallest 16:10; default auto)
  --quality Q             auto, low, medium, high (default auto)
  --background B          auto, opaque, transparent (default auto)
  --ref FILE|ASSET_ID     a reference image (repeatable, up to 10); local files are uploaded
  --mask FILE             PNG with alpha, same size as the first reference; transparent = area to edit
  --model ID              model id (default model_openai-gpt-image-2)
  --name NAME             the imported file's name without extension (letters, digits, - _ .):
                          NAME.png, then NAME-2.png... for more images (default: from the prompt)
  --seamless              the texture must tile: asked for, and each image's seams are measured
                          (a score under 1.5 tiles cleanly; `repair-seams` fixes one that does not)
  --alpha model|matte     how a transparent background is made: model, the service's own alpha;
                          matte, a flat colour painted by the service and keyed out by texforge
  --matte '#RRGGBB'       the matte colour for --alpha matte (default #FF00FF, a magenta rare in game art)
  --trim                  with a transparent background: imports crop the transparent border
  --max-in-flight N       at most N requests running at Scenario at once (default 4, batch 32; a
                          429 from Scenario lowers it for the run)
  --quote                 print the cost in creative units and exit; nothing is charged
  --timeout SECONDS       stop waiting for a job still running after this long (default 900);
                          `texforge resume` continues it
  --lost-answer-window S  how long a request whose answer was lost is looked for among your
                          Scenario jobs before `resolve --resend` is allowed (default 900)
  --json                  print one machine-readable document on stdout, whatever the outcome
                          (schema texforge-cli/1, docs/cli-json.md); messages stay on stderr

Batches:
  texforge batch FILE --project DIR [--yes] [--retry-failed] [--quote] [generate options]
  FILE is CSV (a header row; RFC 4180 quoting) or JSON (an array of objects, or {"requests": [...]}).
  Columns / keys: prompt (required), name, outputs, size, quality, background, ref (several:
  ';'-separated in CSV, an array in JSON), mask, seamless (true/false), alpha, matte, usage; empty
  cells take the command line's options. Relative files are relative to FILE's folder. Every row is
  checked and priced first; above the project's spending threshold (the viewer's Settings, default
  25 creative units) it asks, or needs --yes when not run from a terminal. Running the same command
  again (after a crash, Ctrl-C or `texforge resume`) waits for the rows already sent and pays only
  for rows never sent; a row whose job failed is reported as failed, and --retry-failed sends it
  again (paid again). --quote prints the prices and sends nothing.

Results are imported into DIR/assets/generated/ with a .texforge.json provenance sidecar.
Credentials: SCENARIO_API_KEY and SCENARIO_API_SECRET (or the file written by the viewer's
Settings). Endpoint: SCENARIO_API_URL (default https://api.cloud.scenario.com/v1).
Exit status:
  0  every requested image was imported (resume: jobs another process is working on are not failures)
  1  a generation failed after its request was sent, or was stopped or discarded
  2  bad arguments or input, refused before anything was paid (sizes, files, mask, unknown job id)
  3  credentials missing or rejected
  4  network or service trouble, or the job outlived --timeout; `texforge resume` continues
  5  a request whose answer was lost (state unknown, see `texforge jobs`)
  130  interrupted; `texforge resume` continues
)";
}

const char* commandName(Command command) {
  switch (command) {
    case Command::kHelp: return "help";
    case Command::kVersion: return "version";
    case Command::kGenerate: return "generate";
    case Command::kResume: return "resume";
    case Command::kJobs: return "jobs";
    case Command::kResolve: return "resolve";
    case Command::kBatch: return "batch";
    case Command::kRepairSeams: return "repair-seams";
  }
  return "help";
}

bool wantsJson(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--") return false;
    if (a == "--json") return true;
  }
  return false;
}

std::string verbOf(const std::vector<std::string>& args) {
  const size_t at = verbIndex(args);
  if (at >= args.size()) return commandName(Command::kHelp);
  const std::optional<Command> command = commandFor(args[at]);
  return command ? commandName(*command) : "";
}

Result<CliArgs> parseArgs(const std::vector<std::string>& args) {
  CliArgs out;
  const size_t at = verbIndex(args);
  out.json = at > 0;
  if (at >= args.size()) return out;
  const std::optional<Command> command = commandFor(args[at]);
  if (!command) return usageError("unknown command \"" + args[at] + "\"");
  out.command = *command;
  if (out.command == Command::kHelp || out.command == Command::kVersion) {
    out.json = wantsJson(args);
    return out;
  }

  bool have_prompt = false;
  bool positional_only = false;  // after "--", a prompt may start with '-'
  for (size_t i = at + 1; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!positional_only && a == "--") {
      positional_only = true;
      continue;
    }
    auto value = [&](std::string* v) -> bool {
      if (i + 1 >= args.size()) return false;
      *v = args[++i];
      return true;
    };
    if (positional_only || a.empty() || a[0] != '-') {
      if (out.command == Command::kGenerate && !have_prompt) {
        out.params.prompt = a;
        have_prompt = true;
      } else if ((out.command == Command::kResolve || out.command == Command::kRepairSeams) &&
                 out.job_id.empty()) {
        out.job_id = a;
      } else if (out.command == Command::kBatch && out.batch_file.empty()) {
        out.batch_file = a;
      } else {
        return usageError("unexpected argument \"" + a + "\"");
      }
      continue;
    }
    std::string v;
    if (a == "--help" || a == "-h") {
      out.command = Command::kHelp;
      out.json = wantsJson(args);
      return out;
    } else if (a == "--json") {
      out.json = true;
    } else if (a == "--resend" || a == "--discard") {
      out.resend = a == "--resend" ? 1 : 0;
    } else if (a == "--quote") {
      out.quote_only = true;
    } else if (a == "--project") {
      if (!value(&out.project_dir)) return usageError("--project needs a folder");
    } else if (a == "--outputs" || a == "-n") {
      if (!value(&v) || !parseOutputsValue(v, &out.params))
        return usageError("--outputs needs a number, e.g. --outputs 3");
    } else if (a == "--size") {
      if (!value(&v)) return usageError("--size needs WxH, e.g. --size 1024x1024, or auto");
      if (Status s = parseSizeValue(v, &out.params, "--size"); !s) return s.error();
    } else if (a == "--name") {
      if (!value(&out.params.name))
        return usageError("--name needs a file name without extension, e.g. mossy_wall");
    } else if (a == "--seamless") {
      out.params.seamless = true;
    } else if (a == "--trim") {
      out.params.trim = true;
    } else if (a == "--alpha") {
      if (!value(&v)) return usageError("--alpha needs model or matte");
      if (Status s = parseAlphaValue(v, &out.params); !s) return usageError("--alpha " + s.error().message);
    } else if (a == "--matte") {
      if (!value(&v)) return usageError("--matte needs a colour as #RRGGBB, e.g. --matte '#00FF00'");
      if (Status s = parseMatteValue(v, &out.params); !s) return usageError("--matte " + s.error().message);
    } else if (a == "--yes" || a == "-y") {
      out.assume_yes = true;
    } else if (a == "--retry-failed") {
      out.retry_failed = true;
    } else if (a == "--max-in-flight") {
      if (!value(&v) || !parseInt(v, &out.max_in_flight) || out.max_in_flight < 1)
        return usageError("--max-in-flight needs a number of requests, at least 1, e.g. 4");
    } else if (a == "--quality") {
      if (!value(&out.params.quality)) return usageError("--quality needs auto, low, medium or high");
    } else if (a == "--background") {
      if (!value(&out.params.background)) return usageError("--background needs auto, opaque or transparent");
    } else if (a == "--ref") {
      if (!value(&v)) return usageError("--ref needs a file or an asset id");
      out.params.reference_images.push_back(imageInputFromArgument(v));
    } else if (a == "--mask") {
      if (!value(&v)) return usageError("--mask needs a PNG file with an alpha channel");
      out.params.mask = imageInputFromArgument(v);
    } else if (a == "--model") {
      if (!value(&out.params.model_id)) return usageError("--model needs a model id");
    } else if (a == "--lost-answer-window") {
      int seconds = 0;
      if (!value(&v) || !parseInt(v, &seconds) || seconds < 0)
        return usageError("--lost-answer-window needs seconds, e.g. 900");
      out.lost_answer_window_s = seconds;
    } else if (a == "--timeout") {
      int seconds = 0;
      if (!value(&v) || !parseInt(v, &seconds) || seconds <= 0)
        return usageError("--timeout needs seconds, e.g. 900");
      out.timeout_s = seconds;
    } else {
      return usageError("unknown option " + a + " (a prompt that starts with '-' goes after --)");
    }
  }
  if (out.project_dir.empty())
    return usageError("--project DIR is required (the folder results are imported into)");
  if (out.command == Command::kGenerate && !have_prompt)
    return usageError("generate needs a prompt in quotes");
  if (out.command == Command::kBatch && out.batch_file.empty())
    return usageError("batch needs a CSV or JSON file of requests");
  if (out.command == Command::kBatch && !out.params.name.empty())
    return usageError("batch takes each request's name from its row (the name column), not --name");
  if (out.command == Command::kRepairSeams) {
    // ID or ID:N, N counted from 1 as `texforge jobs` shows the images.
    const size_t colon = out.job_id.rfind(':');
    if (colon != std::string::npos) {
      int n = 0;
      if (!parseInt(out.job_id.substr(colon + 1), &n) || n < 1)
        return usageError("repair-seams takes ID or ID:N, N the image's number from 1");
      out.output_index = n - 1;
      out.job_id.resize(colon);
    }
    if (out.job_id.empty())
      return usageError("repair-seams needs a job id (see `texforge jobs`), as ID or ID:N");
  }
  if (out.command == Command::kResolve && (out.job_id.empty() || out.resend < 0)) {
    return usageError("resolve needs a job id (see `texforge jobs`) and --resend or --discard");
  }
  return out;
}

}  // namespace texforge::cli
