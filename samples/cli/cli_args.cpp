// Parses texforge's command line. Values are checked for form here (numbers, WxH); the model's
// rules are checked by validateParams before anything is sent.
#include "cli_args.h"

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

}  // namespace

const char* usageText() {
  return R"(texforge: generate textures and sprites with Scenario's GPT Image 2, from a terminal or a pipeline.

Usage:
  texforge generate "PROMPT" --project DIR [options]
  texforge generate --project DIR [options] -- "-PROMPT"
                                              everything after -- is the prompt (it may start with -)
  texforge resume --project DIR [--json]      finish whatever the project's journal holds
  texforge jobs --project DIR [--json]        list the project's jobs
  texforge resolve ID --resend|--discard --project DIR
                                              decide a request whose answer was lost (state unknown)
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
  --quote                 print the cost in creative units and exit; nothing is charged
  --timeout SECONDS       stop waiting for a job still running after this long (default 900);
                          `texforge resume` continues it
  --lost-answer-window S  how long a request whose answer was lost is looked for among your
                          Scenario jobs before `resolve --resend` is allowed (default 900)
  --json                  print one machine-readable document on stdout, whatever the outcome
                          (schema texforge-cli/1, docs/cli-json.md); messages stay on stderr

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
      } else if (out.command == Command::kResolve && out.job_id.empty()) {
        out.job_id = a;
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
      if (!value(&v) || !parseInt(v, &out.params.num_outputs))
        return usageError("--outputs needs a number, e.g. --outputs 3");
    } else if (a == "--size") {
      if (!value(&v)) return usageError("--size needs WxH, e.g. --size 1024x1024, or auto");
      if (v == "auto") {
        out.params.width = out.params.height = 0;
      } else {
        auto x = v.find_first_of("xX");
        if (x == std::string::npos || !parseInt(v.substr(0, x), &out.params.width) ||
            !parseInt(v.substr(x + 1), &out.params.height)) {
          return usageError("--size needs WxH, e.g. --size 1024x1024, not \"" + v + "\"");
        }
        // 0x0 would silently mean "auto" to the engine; a side of 0 is a typo, not a choice.
        if (out.params.width <= 0 || out.params.height <= 0) {
          return usageError("--size " + v + ": both sides must be at least " + std::to_string(kMinSide) +
                            " pixels; for an automatic size use --size auto");
        }
      }
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
  if (out.command == Command::kResolve && (out.job_id.empty() || out.resend < 0)) {
    return usageError("resolve needs a job id (see `texforge jobs`) and --resend or --discard");
  }
  return out;
}

}  // namespace texforge::cli
