// texforge-emulator: runs the Scenario API emulator as a program, for manual testing, scripts and the
// demo mode of other tools. Prints one "listening" line, then serves until SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "texforge/emulator/emulator.h"

namespace {

void printUsage(FILE* out) {
  std::fprintf(out,
               "usage: texforge-emulator [--port P] [--host H] [--key K --secret S]\n"
               "                         [--format png|jpeg|webp] [--job-ms N] [--url-ttl S]\n"
               "                         [--cert FILE --key-file FILE] [--visible-seams]\n"
               "                         [--ignore-transparency] [--compress] [--verbose]\n"
               "\n"
               "A local stand-in for the Scenario REST API (GPT Image 2) with fault injection.\n"
               "  --port P         port to listen on (default 0: any free port)\n"
               "  --host H         address to bind (default 127.0.0.1)\n"
               "  --key, --secret  accepted credentials (default: SCENARIO_API_KEY / SCENARIO_API_SECRET,\n"
               "                   else emulator-key / emulator-secret)\n"
               "  --format F       image format of results (default png)\n"
               "  --job-ms N       how long a job takes, in milliseconds (default 2000)\n"
               "  --url-ttl S      lifetime of signed CDN URLs, in seconds (default 3600)\n"
               "  --cert, --key-file  PEM certificate and key: serve HTTPS\n"
               "  --visible-seams  generated pictures do not tile (a strong step at each wrap-around join)\n"
               "  --ignore-transparency  accept background \"transparent\" but answer opaque pictures\n"
               "  --compress       compress JSON answers when the client accepts it (default: plain)\n"
               "  --verbose        log each request (method, path, status) on stderr\n"
               "Control routes (no auth): GET /_emulator/stats, POST /_emulator/reset,\n"
               "POST|DELETE /_emulator/faults, POST /_emulator/config.\n");
}

bool parseInt(const char* text, int* out) {
  char* end = nullptr;
  long v = std::strtol(text, &end, 10);
  if (!*text || *end != '\0' || v < 0 || v > 1000000000L) return false;
  *out = int(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  texforge::emulator::EmulatorOptions options;
  options.job_duration_ms = 2000;
  if (const char* key = std::getenv("SCENARIO_API_KEY"); key && *key) options.api_key = key;
  if (const char* secret = std::getenv("SCENARIO_API_SECRET"); secret && *secret) options.api_secret = secret;

  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      printUsage(stdout);
      return 0;
    }
    if (arg == "--verbose") {
      options.quiet = false;
      continue;
    }
    if (arg == "--visible-seams") {
      options.visible_seams = true;
      continue;
    }
    if (arg == "--ignore-transparency") {
      options.ignore_transparency = true;
      continue;
    }
    if (arg == "--compress") {
      options.compress_json = true;
      continue;
    }
    if (i + 1 >= argc) {
      std::fprintf(stderr, "texforge-emulator: %s needs a value\n", arg.c_str());
      printUsage(stderr);
      return 2;
    }
    const char* value = argv[++i];
    bool ok = true;
    if (arg == "--port")
      ok = parseInt(value, &options.port) && options.port <= 65535;
    else if (arg == "--host")
      options.host = value;
    else if (arg == "--key")
      options.api_key = value;
    else if (arg == "--secret")
      options.api_secret = value;
    else if (arg == "--format") {
      options.output_format = value;
      ok = options.output_format == "png" || options.output_format == "jpeg" ||
           options.output_format == "webp";
    } else if (arg == "--job-ms")
      ok = parseInt(value, &options.job_duration_ms);
    else if (arg == "--url-ttl")
      ok = parseInt(value, &options.url_ttl_s);
    else if (arg == "--cert")
      options.cert_file = value;
    else if (arg == "--key-file")
      options.key_file = value;
    else {
      std::fprintf(stderr, "texforge-emulator: unknown option %s\n", arg.c_str());
      printUsage(stderr);
      return 2;
    }
    if (!ok) {
      std::fprintf(stderr, "texforge-emulator: bad value for %s\n", arg.c_str());
      return 2;
    }
  }
  if (options.cert_file.empty() != options.key_file.empty()) {
    std::fprintf(stderr, "texforge-emulator: --cert and --key-file go together\n");
    return 2;
  }

  // Block the stop signals before any server thread exists, so only sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  texforge::emulator::Emulator emulator(options);
  if (!emulator.start()) {
    std::fprintf(stderr, "texforge-emulator: %s\n", emulator.error().c_str());
    return 1;
  }
  std::printf("texforge-emulator listening on %s\n", emulator.baseUrl().c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&stop_signals, &received);
  emulator.stop();
  return 0;
}
