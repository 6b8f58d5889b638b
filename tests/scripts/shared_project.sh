#!/usr/bin/env bash
# Several texforge processes on ONE project at once, against one texforge-emulator: the job leases in
# the journal must keep every request paid exactly once and every image imported exactly once.
#   1. resume while generate's reference upload is held     2. resume while its paid POST is held
#   3. resumes while its CDN downloads are held              4. generate killed (SIGKILL) during its POST,
#   5. a storm: 6 generate + 2 resume started together         resume takes the dead owner's job over
#   6. a fifth generate while four other processes' paid POSTs are in flight (more than one engine's cap)
# Paid requests are counted per prompt (every intended request has its own prompt): counting per body
# would miss a double payment, since a re-uploaded reference changes the body. Images are counted per
# asset: files and sidecars in assets/generated/, distinct asset ids, the journal says imported.
# Synchronisation polls conditions (emulator stats, process exits) with bounded waits, never sleeps.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_emulator --job-ms 400

HOLD_MS=5000  # how long a fault holds the upload, the POST's answer or a download
CHILDREN=()   # background texforge processes, killed if the script ends early
kill_children() {
  local pid
  for pid in "${CHILDREN[@]}"; do kill -9 "$pid" 2>/dev/null; done
  for pid in "${CHILDREN[@]}"; do wait "$pid" 2>/dev/null; done
  CHILDREN=()
}
trap 'kill_children; cleanup' EXIT

fault() { curl -sf -X POST "$EMULATOR_ROOT/_emulator/faults" -d "$1" >/dev/null || fail "cannot arm $1"; }
clear_faults() { curl -sf -X DELETE "$EMULATOR_ROOT/_emulator/faults" >/dev/null || fail "cannot clear faults"; }
stats_json() { curl -sf "$EMULATOR_ROOT/_emulator/stats"; }
# route_count ROUTE: requests the emulator has seen on ROUTE (counted as they arrive, before any hold).
route_count() {
  stats_json | python3 -c "import json,sys; print(json.load(sys.stdin)['requests_per_route'].get(sys.argv[1], 0))" "$1"
}
# posts_for PROMPT: paid POSTs received with that prompt (counted once the job exists, before a late answer).
posts_for() {
  stats_json |
    python3 -c "import json,sys; print(json.load(sys.stdin)['generate_posts_per_prompt'].get(sys.argv[1], 0))" "$1"
}
now_s() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now_s)"; }

# wait_until WHAT CMD...: polls CMD (every 50 ms, at most 60 s) until it succeeds.
wait_until() {
  local what="$1"
  shift
  local deadline=$((SECONDS + 60))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || fail "timed out after 60 s waiting until $what"
    sleep 0.05
  done
}
at_least() { [ "$("$1" "$2")" -ge "$3" ]; }  # at_least route_count upload 1

# launch NAME ARGS...: starts `texforge ARGS...` in the background with its output in $WORK/NAME.{out,err};
# its pid is in LAUNCHED.
launch() {
  local name="$1"
  shift
  "$BIN/texforge" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  LAUNCHED=$!
  CHILDREN+=("$LAUNCHED")
}
# finish PID NAME [PROJECT]: waits (at most 60 s) for a launched process and sets RC to its exit
# status; one still running then is killed, and the project's jobs are shown.
finish() {
  local pid="$1" name="$2" project="${3:-}" deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      kill -9 "$pid" 2>/dev/null
      [ -n "$project" ] && "$BIN/texforge" jobs --project "$project" >&2
      fail "$name still running after 60 s: $(tail -n 3 "$WORK/$name.err")"
    fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null
  RC=$?
}
# expect_ok PID NAME [PROJECT]: finish, and the process must have exited 0.
expect_ok() {
  finish "$@"
  [ "$RC" = 0 ] || fail "$2 exited $RC: $(tail -n 8 "$WORK/$2.err")"
}

# check_project CASE DIR PROMPT=OUTPUTS...: exactly one paid POST per prompt, and exactly the expected
# images in DIR, each asset once, with a sidecar pointing at it, all journaled as imported.
# Prints the figures for the summary line.
check_project() {
  local case_name="$1" dir="$2"
  shift 2
  stats_json >"$WORK/stats.json" || fail "$case_name: cannot read the emulator's stats"
  "$BIN/texforge" jobs --project "$dir" --json >"$WORK/jobs.json" 2>"$WORK/jobs.err" ||
    fail "$case_name: texforge jobs failed: $(cat "$WORK/jobs.err")"
  python3 - "$case_name" "$dir" "$WORK/stats.json" "$WORK/jobs.json" "$@" <<'PY'
import json, os, re, sys
case, project, stats_path, jobs_path = sys.argv[1:5]
expected = {}
for spec in sys.argv[5:]:
    prompt, n = spec.rsplit('=', 1)
    expected[prompt] = int(n)
problems = []
stats = json.load(open(stats_path))
per_prompt = stats['generate_posts_per_prompt']
for prompt in expected:
    if per_prompt.get(prompt, 0) != 1:
        problems.append('"%s" was paid %d times, expected once' % (prompt, per_prompt.get(prompt, 0)))

folder = os.path.join(project, 'assets', 'generated')
names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
images = [n for n in names if n.endswith('.png')]
sidecars = [n for n in names if n.endswith('.png.texforge.json')]
for n in names:
    if n not in images and n not in sidecars:
        problems.append('unexpected file %s in assets/generated' % n)
for n in images:
    if re.search(r'-[0-9a-f]{8}-[0-9]+\.png$', n):
        problems.append('a second copy of an image: %s' % n)
    if n + '.texforge.json' not in sidecars:
        problems.append('image without a sidecar: %s' % n)
asset_of_file = {}
images_per_prompt = {}
for n in sidecars:
    doc = json.load(open(os.path.join(folder, n)))
    if doc.get('file') != n[:-len('.texforge.json')] or not os.path.isfile(os.path.join(folder, doc.get('file', ''))):
        problems.append('sidecar %s points to a missing or other file: %r' % (n, doc.get('file')))
    if doc['asset_id'] in asset_of_file.values():
        problems.append('asset %s imported twice (again as %s)' % (doc['asset_id'], n))
    asset_of_file[n[:-len('.texforge.json')]] = doc['asset_id']
    prompt = doc['parameters']['prompt']
    images_per_prompt[prompt] = images_per_prompt.get(prompt, 0) + 1
for prompt, n in expected.items():
    if images_per_prompt.get(prompt, 0) != n:
        problems.append('"%s": %d images in the project, expected %d' % (prompt, images_per_prompt.get(prompt, 0), n))
for prompt in images_per_prompt:
    if prompt not in expected:
        problems.append('images of an unexpected prompt "%s"' % prompt)
if len(images) != sum(expected.values()):
    problems.append('%d images in the project, expected %d' % (len(images), sum(expected.values())))

jobs = json.load(open(jobs_path))['jobs']
for prompt, n in expected.items():
    mine = [j for j in jobs if j['prompt'] == prompt]
    if len(mine) != 1:
        problems.append('"%s": %d jobs in the journal, expected 1' % (prompt, len(mine)))
        continue
    j = mine[0]
    if j['state'] != 'imported' or j['held_by'] or j['error']:
        problems.append('"%s": journal says %s (held_by %r, error %r)' % (prompt, j['state'], j['held_by'], j['error']))
    if len(j['outputs']) != n:
        problems.append('"%s": %d outputs in the journal, expected %d' % (prompt, len(j['outputs']), n))
    for o in j['outputs']:
        name = os.path.basename(o['path'])
        if o['state'] != 'imported':
            problems.append('"%s" output %d: journal says %s' % (prompt, o['index'], o['state']))
        elif asset_of_file.get(name) != o['asset_id']:
            problems.append('"%s" output %d: journal names %s for %s, whose sidecar says %s'
                            % (prompt, o['index'], o['path'], o['asset_id'], asset_of_file.get(name)))
if len(jobs) != len(expected):
    problems.append('%d jobs in the journal, expected %d' % (len(jobs), len(expected)))
if problems:
    print('FAIL: %s:\n  %s' % (case, '\n  '.join(problems)), file=sys.stderr)
    sys.exit(1)
print('%d paid POST(s) for %d prompt(s), exactly 1 each; %d image(s), each asset once'
      % (sum(per_prompt[p] for p in expected), len(expected), len(images)))
PY
}

make_png() {  # make_png FILE: a small opaque RGB PNG
  python3 - "$1" <<'PY'
import struct, sys, zlib
w = h = 64
raw = b''.join(b'\x00' + b'\x30\xa0\x50' * w for _ in range(h))
def chunk(k, d): return struct.pack('>I', len(d)) + k + d + struct.pack('>I', zlib.crc32(k + d) & 0xffffffff)
open(sys.argv[1], 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                              + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
PY
}
# held_note NAME: what a resume said about the job it found held by another process.
held_note() { grep -q "is working on it" "$WORK/$1.err" && echo "reported it held elsewhere" || echo "exited 0"; }

# --- 1. A resume while generate's reference upload is held --------------------------------------
t0=$(now_s)
P="$WORK/p1"
prompt="shared 1: a brick wall with a reference"
make_png "$WORK/ref.png"
uploads_before=$(route_count upload)
fault "{\"route\": \"upload\", \"kind\": \"latency\", \"latency_ms\": $HOLD_MS}"
launch gen1 generate "$prompt" --project "$P" --ref "$WORK/ref.png" --size 1024x640 --outputs 2
gen=$LAUNCHED
wait_until "the emulator holds the upload" at_least route_count upload $((uploads_before + 1))
launch res1 resume --project "$P"
expect_ok "$LAUNCHED" res1
kill -0 "$gen" 2>/dev/null || fail "case 1: generate ended before resume did, the upload was not held meanwhile"
[ "$(posts_for "$prompt")" = 0 ] || fail "case 1: resume paid for the job while generate's upload was held"
note=$(held_note res1)
expect_ok "$gen" gen1 "$P"
clear_faults
uploads=$(($(route_count upload) - uploads_before))
[ "$uploads" = 1 ] || fail "case 1: the reference was uploaded $uploads times (resume must leave it to generate)"
figures=$(check_project "case 1" "$P" "$prompt=2") || exit 1
echo "case 1 (resume while the upload is held): $figures; 1 upload; resume $note; $(elapsed "$t0") s"

# --- 2. A resume while the paid POST's answer is held ---------------------------------------------
t0=$(now_s)
P="$WORK/p2"
prompt="shared 2: a mossy stone during the paid request"
fault "{\"route\": \"generate\", \"kind\": \"late_answer\", \"latency_ms\": $HOLD_MS}"
launch gen2 generate "$prompt" --project "$P" --size 1024x640 --outputs 2
gen=$LAUNCHED
wait_until "the paid POST has created its job (its answer is held)" at_least posts_for "$prompt" 1
launch res2 resume --project "$P"
expect_ok "$LAUNCHED" res2
kill -0 "$gen" 2>/dev/null || fail "case 2: generate ended before resume did, the answer was not held meanwhile"
note=$(held_note res2)
expect_ok "$gen" gen2 "$P"
clear_faults
figures=$(check_project "case 2" "$P" "$prompt=2") || exit 1
echo "case 2 (resume while the paid POST's answer is held): $figures; resume $note; $(elapsed "$t0") s"

# --- 3. Two resumes while the downloads are held ----------------------------------------------------
# Only the first download is held: the other output can be ready (and importable by anyone) meanwhile.
t0=$(now_s)
P="$WORK/p3"
prompt="shared 3: a wooden crate while downloading"
cdn_before=$(route_count cdn)
fault "{\"route\": \"cdn\", \"kind\": \"latency\", \"latency_ms\": $HOLD_MS, \"count\": 1}"
launch gen3 generate "$prompt" --project "$P" --size 1024x640 --outputs 2
gen=$LAUNCHED
wait_until "the emulator holds a download" at_least route_count cdn $((cdn_before + 1))
launch res3a resume --project "$P"
ra=$LAUNCHED
launch res3b resume --project "$P"
expect_ok "$ra" res3a
expect_ok "$LAUNCHED" res3b
kill -0 "$gen" 2>/dev/null || fail "case 3: generate ended before the resumes did, the download was not held meanwhile"
note=$(held_note res3a)
expect_ok "$gen" gen3 "$P"
clear_faults
figures=$(check_project "case 3" "$P" "$prompt=2") || exit 1
echo "case 3 (two resumes while a download is held): $figures; $(($(route_count cdn) - cdn_before)) downloads; resume $note; $(elapsed "$t0") s"

# --- 4. The owner dies (SIGKILL) while its paid POST's answer is held; resume takes over --------------
t0=$(now_s)
P="$WORK/p4"
prompt="shared 4: a barrel whose owner died"
fault "{\"route\": \"generate\", \"kind\": \"late_answer\", \"latency_ms\": $HOLD_MS}"
launch gen4 generate "$prompt" --project "$P" --size 1024x640 --outputs 2
gen=$LAUNCHED
wait_until "the paid POST has created its job (its answer is held)" at_least posts_for "$prompt" 1
disown "$gen"  # bash would print "Killed"; it still reaps the process
kill -9 "$gen"
gone() { ! kill -0 "$1" 2>/dev/null; }  # also reaped: a zombie would still answer kill(pid, 0)
wait_until "the killed generate is gone" gone "$gen"
launch res4 resume --project "$P"
expect_ok "$LAUNCHED" res4 "$P"
clear_faults
figures=$(check_project "case 4" "$P" "$prompt=2") || exit 1
echo "case 4 (owner killed during the paid POST, resume took over): $figures; $(elapsed "$t0") s"

# --- 5. A storm: 6 generate and 2 resume started together on one project ---------------------------
t0=$(now_s)
P="$WORK/p5"
specs=()
pids=()
for i in 1 2 3 4 5 6; do
  outputs=$((1 + i % 2))
  prompt="shared 5: storm asset number $i"
  specs+=("$prompt=$outputs")
  launch "gen5-$i" generate "$prompt" --project "$P" --size 1024x640 --outputs "$outputs"
  pids+=("$LAUNCHED:gen5-$i")
done
for i in 1 2; do
  launch "res5-$i" resume --project "$P"
  pids+=("$LAUNCHED:res5-$i")
done
for entry in "${pids[@]}"; do expect_ok "${entry%%:*}" "${entry#*:}" "$P"; done
# Nothing is left for a later resume either.
"$BIN/texforge" resume --project "$P" >"$WORK/res5-after.out" 2>"$WORK/res5-after.err" ||
  fail "case 5: a resume afterwards failed: $(cat "$WORK/res5-after.err")"
figures=$(check_project "case 5" "$P" "${specs[@]}") || exit 1
echo "case 5 (storm: 6 generate + 2 resume at once): $figures; $(elapsed "$t0") s"

# --- 6. More generate processes than an engine's jobs in flight (4): the fifth waits, then goes ------
# Four paid POSTs of other processes are held in flight when the fifth generate starts; once they are
# answered and finished, the fifth must send its own (exactly once) rather than wait for ever.
t0=$(now_s)
P="$WORK/p6"
specs=()
pids=()
fault "{\"route\": \"generate\", \"kind\": \"late_answer\", \"latency_ms\": 3000, \"count\": 4}"
for i in 1 2 3 4; do
  prompt="shared 6: in flight elsewhere $i"
  specs+=("$prompt=1")
  launch "gen6-$i" generate "$prompt" --project "$P" --size 1024x640
  pids+=("$LAUNCHED:gen6-$i")
done
for i in 1 2 3 4; do
  wait_until "the paid POST $i of 4 is held" at_least posts_for "shared 6: in flight elsewhere $i" 1
done
prompt="shared 6: the fifth"
specs+=("$prompt=1")
launch gen6-5 generate "$prompt" --project "$P" --size 1024x640
pids+=("$LAUNCHED:gen6-5")
for entry in "${pids[@]}"; do expect_ok "${entry%%:*}" "${entry#*:}" "$P"; done
clear_faults
figures=$(check_project "case 6" "$P" "${specs[@]}") || exit 1
echo "case 6 (a fifth generate while 4 others' POSTs are in flight): $figures; $(elapsed "$t0") s"
CHILDREN=()

# --- The checks themselves catch a double payment and a second copy ---------------------------------
# Another generate of case 2's prompt is a second paid POST for it: check_project must refuse that.
"$BIN/texforge" generate "shared 2: a mossy stone during the paid request" --project "$WORK/p2-again" \
  --size 1024x640 >/dev/null 2>&1 || fail "self-check: the second generate failed"
check_project "self-check" "$WORK/p2" "shared 2: a mossy stone during the paid request=2" >/dev/null 2>&1 &&
  fail "self-check: a request paid twice was not noticed"
# A "-2" copy of an image with its sidecar (the same asset imported twice) must be refused too.
first=$(find "$WORK/p1/assets/generated" -name "*.png" | sort | head -n 1)
cp "$first" "${first%.png}-2.png"
sed "s/\"file\": \"$(basename "$first")\"/\"file\": \"$(basename "${first%.png}-2.png")\"/" "$first.texforge.json" \
  >"${first%.png}-2.png.texforge.json"
check_project "self-check" "$WORK/p1" "shared 1: a brick wall with a reference=2" >/dev/null 2>&1 &&
  fail "self-check: an image imported twice was not noticed"
echo "shared_project: all cases passed; the checks catch a double payment and a second copy"
