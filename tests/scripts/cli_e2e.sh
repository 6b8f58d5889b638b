#!/usr/bin/env bash
# The CLI against a separately started texforge-emulator: the README's headless path, wrong
# credentials, invalid input refused before payment, --json, --quote, jobs and resume; exit status 2
# only before payment, server text redacted in everything printed, and --timeout's words. With
# --json every exit path prints exactly one texforge-cli/1 document (docs/cli-json.md) on stdout.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_emulator --job-ms 300

# json_doc FILE RC COMMAND [CODE]: FILE is exactly one texforge-cli/1 document and nothing else (what
# stdout held) for a run that exited RC: schema, version, command, ok, exit_status, the jobs of a job
# command, and on failure the one error shape (with code CODE when given).
VERSION="$(sed -n 's/^project(texforge VERSION \([0-9.]*\).*/\1/p' "$TEXFORGE_SOURCE_DIR/CMakeLists.txt")"
[ -n "$VERSION" ] || fail "no project version in CMakeLists.txt"
json_doc() {
  python3 -c '
import json, sys
path, rc, command, code, version = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
d = json.load(open(path))  # refuses a second document, or any other text around the one
assert d["schema"] == "texforge-cli/1", d.get("schema")
assert d["version"] == version, (d["version"], version)
assert d["command"] == command, d["command"]
assert d["exit_status"] == rc, (d["exit_status"], rc)
assert d["ok"] is (rc == 0), d["ok"]
if rc == 0:
    assert d["error"] is None, d["error"]
else:
    e = d["error"]
    assert sorted(e) == ["advice", "code", "http_status", "message"], e
    assert isinstance(e["http_status"], int) and isinstance(e["advice"], str) and e["message"], e
    assert not code or e["code"] == code, (e["code"], code)
assert isinstance(d["jobs"], list) if command in ("generate", "resume", "jobs", "resolve") else "jobs" not in d
' "$1" "$2" "$3" "${4:-}" "$VERSION" || fail "not one texforge-cli/1 document for exit $2 of $3: $(cat "$1")"
}
# json_true FILE EXPR: the Python expression EXPR holds over the document d in FILE.
json_true() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert eval(sys.argv[2]), sys.argv[2]' "$1" "$2" \
    || fail "$2 does not hold in $(cat "$1")"
}

echo "cli_e2e: --version and version print version.h's version; with --json, a document."
[ "$("$BIN/texforge" --version)" = "texforge $VERSION" ] || fail "--version: $("$BIN/texforge" --version)"
[ "$("$BIN/texforge" version)" = "texforge $VERSION" ] || fail "version: $("$BIN/texforge" version)"
for args in "--version --json" "version --json" "--json --version"; do
  # shellcheck disable=SC2086  # the words are the arguments
  "$BIN/texforge" $args >"$WORK/doc.json" 2>"$WORK/err.txt"
  rc=$?
  [ "$rc" = 0 ] || fail "$args exited $rc"
  json_doc "$WORK/doc.json" 0 version
  [ ! -s "$WORK/err.txt" ] || fail "$args wrote to stderr: $(cat "$WORK/err.txt")"
done
"$BIN/texforge" --help --json >"$WORK/doc.json"
json_doc "$WORK/doc.json" $? help
json_true "$WORK/doc.json" "'texforge resume' in d['usage']"

echo "cli_e2e: Refused arguments and unknown commands: exit 2 and, with --json, one error document."
"$BIN/texforge" frobnicate --json >"$WORK/doc.json" 2>"$WORK/err.txt"
json_doc "$WORK/doc.json" $? "" invalid_argument
json_true "$WORK/doc.json" "'frobnicate' in d['error']['message'] and 'texforge --help' in d['error']['advice']"
grep -q "frobnicate" "$WORK/err.txt" || fail "the refusal should be on stderr too"
"$BIN/texforge" --json generate "x" >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument
json_true "$WORK/doc.json" "'--project' in d['error']['message'] and d['jobs'] == []"
"$BIN/texforge" resolve tf_x --project "$WORK/P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? resolve invalid_argument
"$BIN/texforge" generate --project "$WORK/P" --outputs many --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument

P="$WORK/P"
"$BIN/texforge" generate "a mossy stone wall texture" --project "$P" --outputs 3 >"$WORK/out.txt" 2>"$WORK/err.txt" \
  || fail "generate exited $?: $(cat "$WORK/err.txt")"
pngs=$(ls "$P"/assets/generated/*.png | wc -l)
[ "$pngs" = 3 ] || fail "expected 3 PNGs, found $pngs"
for f in "$P"/assets/generated/*.png; do
  [ -f "$f.texforge.json" ] || fail "missing sidecar for $f"
  python3 - "$f" <<'PY' || fail "not a decodable PNG: $f"
import struct, sys, zlib
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n'
w, h = struct.unpack('>II', data[16:24])
assert (w, h) == (1024, 1024), (w, h)
# walk the chunks and inflate the image data: a truncated or corrupt file fails here
pos, idat = 8, b''
while pos < len(data):
    n, = struct.unpack('>I', data[pos:pos+4]); kind = data[pos+4:pos+8]
    if kind == b'IDAT': idat += data[pos+8:pos+8+n]
    pos += 12 + n
assert len(zlib.decompress(idat)) > w * h
PY
  grep -q '"prompt": "a mossy stone wall texture"' "$f.texforge.json" || fail "sidecar lacks the prompt"
  grep -qi 'emulator-secret\|emulator-key' "$f.texforge.json" && fail "credentials leaked into a sidecar"
done
[ "$(wc -l <"$WORK/out.txt")" = 3 ] || fail "stdout should list the 3 imported files"
[ "$(stat_value generate_posts)" = 1 ] || fail "expected exactly one paid POST"

echo "cli_e2e: Wrong credentials: non-zero, and a message about credentials."
# Wrong credentials: non-zero, and a message about credentials.
SCENARIO_API_SECRET=wrong "$BIN/texforge" generate "x" --project "$P" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 3 ] || fail "wrong credentials should exit 3, got $rc"
grep -qi "key or secret" "$WORK/err.txt" || fail "no credentials message: $(cat "$WORK/err.txt")"
grep -q "wrong" "$WORK/err.txt" && fail "the secret appeared in the error text"
SCENARIO_API_SECRET=wrong "$BIN/texforge" generate "x" --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate credentials
json_true "$WORK/doc.json" "d['exit_status'] == 3 and d['error']['http_status'] == 401"
grep -q "wrong" "$WORK/doc.json" && fail "the secret appeared in the document"

echo "cli_e2e: Missing credentials altogether."
# Missing credentials altogether.
env -u SCENARIO_API_KEY -u SCENARIO_API_SECRET XDG_CONFIG_HOME="$WORK/noconfig" HOME="$WORK/nohome" \
  "$BIN/texforge" generate "x" --project "$P" 2>"$WORK/err.txt"
[ $? = 3 ] || fail "missing credentials should exit 3"
grep -q "SCENARIO_API_KEY" "$WORK/err.txt" || fail "missing-credentials message should name the variables"
env -u SCENARIO_API_KEY -u SCENARIO_API_SECRET XDG_CONFIG_HOME="$WORK/noconfig" HOME="$WORK/nohome" \
  "$BIN/texforge" generate "x" --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate credentials
json_true "$WORK/doc.json" "d['exit_status'] == 3 and 'SCENARIO_API_KEY' in d['error']['message']"

echo "cli_e2e: Invalid size and a mask without alpha are refused before anything is paid."
# Invalid size and a mask without alpha are refused before anything is paid.
"$BIN/texforge" generate "x" --project "$P" --size 1000x1000 2>"$WORK/err.txt"
[ $? = 2 ] || fail "off-grid size should exit 2"
grep -q "1008x1008" "$WORK/err.txt" || fail "size message should suggest a valid size"
"$BIN/texforge" generate "x" --project "$P" --size 1000x1000 --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument
json_true "$WORK/doc.json" "d['exit_status'] == 2 and '1008x1008' in d['error']['message']"
"$BIN/texforge" generate "x" --project "$P" --size 512x512 2>"$WORK/err.txt"
[ $? = 2 ] || fail "a size under the model's pixel minimum should exit 2"
grep -q "816x816" "$WORK/err.txt" || fail "size message should suggest an allowed size: $(cat "$WORK/err.txt")"
python3 - "$WORK/ref.png" "$WORK/mask_noalpha.png" <<'PY'
import struct, sys, zlib
def png(path, w, h, color_type, px):
    raw = b''.join(b'\x00' + px * w for _ in range(h))
    def chunk(k, d): return struct.pack('>I', len(d)) + k + d + struct.pack('>I', zlib.crc32(k + d) & 0xffffffff)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, color_type, 0, 0, 0))
                           + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
png(sys.argv[1], 64, 64, 2, b'\xc0\x20\x20')
png(sys.argv[2], 64, 64, 2, b'\x00\x00\x00')
PY
"$BIN/texforge" generate "edit" --project "$P" --ref "$WORK/ref.png" --mask "$WORK/mask_noalpha.png" 2>"$WORK/err.txt"
[ $? = 2 ] || fail "mask without alpha should exit 2"
grep -q "alpha" "$WORK/err.txt" || fail "mask message should mention alpha: $(cat "$WORK/err.txt")"
"$BIN/texforge" generate "edit" --project "$P" --ref "$WORK/ref.png" --mask "$WORK/mask_noalpha.png" --json \
  >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument
json_true "$WORK/doc.json" "'alpha' in d['error']['message']"
[ "$(stat_value generate_posts)" = 1 ] || fail "refused requests must not reach the paid route"

echo "cli_e2e: --quote prints a cost and starts nothing; --json is machine readable."
# --quote prints a cost and starts nothing; --json is machine readable.
"$BIN/texforge" generate "a crate" --project "$P" --quote --json >"$WORK/quote.json" || fail "quote failed"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['ok'] and d['creativeUnitsCost'] > 0" \
  "$WORK/quote.json" || fail "bad quote json"
json_doc "$WORK/quote.json" 0 generate
json_true "$WORK/quote.json" "d['quote']['creative_units'] == d['creativeUnitsCost'] > 0 and d['jobs'] == []"
[ "$(stat_value jobs_created)" = 1 ] || fail "a quote must not create a job"
"$BIN/texforge" generate "a barrel sprite" --project "$P" --size 1024x640 --background transparent --json \
  >"$WORK/gen.json" 2>/dev/null || fail "json generate failed"
python3 - "$WORK/gen.json" "$P" <<'PY' || fail "bad generate json"
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d['ok'] is True
out = d['jobs'][0]['outputs'][0]
assert out['state'] == 'imported' and out['width'] == 1024, out
assert os.path.exists(os.path.join(sys.argv[2], out['path']))
assert os.path.exists(os.path.join(sys.argv[2], out['sidecar']))
PY
json_doc "$WORK/gen.json" 0 generate

echo "cli_e2e: jobs lists both generations; resume has nothing left to do and says so."
# jobs lists both generations; resume has nothing left to do and says so.
"$BIN/texforge" jobs --project "$P" >"$WORK/jobs.txt" || fail "jobs failed"
grep -q "a mossy stone wall texture" "$WORK/jobs.txt" || fail "jobs should list the first prompt"
"$BIN/texforge" resume --project "$P" 2>"$WORK/err.txt" || fail "resume with nothing to do should succeed"
"$BIN/texforge" resume --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? resume
json_true "$WORK/doc.json" "d['jobs'] == []"
"$BIN/texforge" jobs --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? jobs
json_true "$WORK/doc.json" "len(d['jobs']) == 2 and all(j['state'] == 'imported' for j in d['jobs'])"
[ "$(stat_value generate_posts)" = 2 ] || fail "expected exactly two paid POSTs in total"

echo "cli_e2e: A zero side is refused (it is not 'auto'), before anything is paid."
# A zero side is refused (it is not "auto"), before anything is paid.
for size in 0x0 0x1024; do
  "$BIN/texforge" generate "x" --project "$P" --size "$size" 2>"$WORK/err.txt"
  [ $? = 2 ] || fail "--size $size should exit 2"
  grep -q -- "--size auto" "$WORK/err.txt" || fail "--size $size should point at auto: $(cat "$WORK/err.txt")"
done

echo "cli_e2e: After --, a prompt may start with '-'; the prompt limit counts characters, not bytes."
# After --, a prompt may start with '-'; the prompt limit counts characters, not bytes.
"$BIN/texforge" generate --project "$P" --quote -- "-a dash-first prompt" >/dev/null 2>"$WORK/err.txt" \
  || fail "a prompt after -- was refused: $(cat "$WORK/err.txt")"
long_utf8=$(python3 -c 'print("\u00e9" * 20000)')
"$BIN/texforge" generate "$long_utf8" --project "$P" --quote >/dev/null 2>"$WORK/err.txt" \
  || fail "20000 two-byte characters should be accepted: $(head -c 300 "$WORK/err.txt")"
"$BIN/texforge" generate "$(python3 -c 'print("a" * 32001)')" --project "$P" 2>"$WORK/err.txt"
[ $? = 2 ] || fail "32001 characters should exit 2"
[ "$(stat_value generate_posts)" = 2 ] || fail "refused or quoted requests must not reach the paid route"

fault() { curl -sf -X POST "$EMULATOR_ROOT/_emulator/faults" -d "$1" >/dev/null || fail "cannot arm $1"; }
clear_faults() { curl -sf -X DELETE "$EMULATOR_ROOT/_emulator/faults" >/dev/null; }
TOKEN=$(printf '%s' "emulator-key:emulator-secret" | base64)
no_secrets() {  # no_secrets FILE WHAT: neither the Basic token, the secret nor a signed query in FILE
  ! grep -q -- "$TOKEN" "$1" || fail "$2 printed the Basic token: $(cat "$1")"
  ! grep -q "emulator-secret" "$1" || fail "$2 printed the secret"
  ! grep -q "deadbeef" "$1" || fail "$2 printed a signed URL's query: $(cat "$1")"
}

echo "cli_e2e: A gateway that echoes the request's headers (Authorization included) before payment: exit "
# A gateway that echoes the request's headers (Authorization included) before payment: exit 2, redacted.
fault '{"route": "models", "kind": "echo_headers", "status": 400}'
"$BIN/texforge" generate "echo" --project "$P" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 2 ] || fail "a refused schema request should exit 2, got $rc"
grep -q "Authorization" "$WORK/err.txt" || fail "the echoed headers should still be named: $(cat "$WORK/err.txt")"
no_secrets "$WORK/err.txt" "an echoed 400"
fault '{"route": "models", "kind": "echo_headers", "status": 400}'
"$BIN/texforge" generate "echo" --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument
json_true "$WORK/doc.json" "d['exit_status'] == 2 and d['error']['http_status'] == 400"
no_secrets "$WORK/doc.json" "an echoed 400's document"
clear_faults

echo "cli_e2e: The same refusal after the paid POST went out (while polling) is a failed generation: 1, n"
# The same refusal after the paid POST went out (while polling) is a failed generation: 1, never 2.
fault '{"route": "job", "kind": "echo_headers", "status": 400, "count": -1}'
"$BIN/texforge" generate "polled refusal" --project "$P" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 1 ] || fail "a 400 after the paid POST should exit 1, got $rc: $(cat "$WORK/err.txt")"
no_secrets "$WORK/err.txt" "a 400 while polling"
"$BIN/texforge" generate "polled refusal, json" --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate invalid_argument
json_true "$WORK/doc.json" "d['exit_status'] == 1 and d['error']['message'].startswith(d['jobs'][0]['local_id'] + ': ')"
no_secrets "$WORK/doc.json" "a 400 while polling, in --json"
clear_faults

echo "cli_e2e: A job that fails with a reason echoing a token and a signed URL: redacted on stderr, in jo"
# A job that fails with a reason echoing a token and a signed URL: redacted on stderr, in jobs, in --json.
fault "{\"route\": \"job\", \"kind\": \"job_failure\", \"text\": \"upstream Authorization: Basic $TOKEN fetching https://cdn.example.com/x.png?X-Amz-Signature=deadbeef\"}"
"$BIN/texforge" generate "failing job" --project "$P" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 1 ] || fail "a failed job should exit 1, got $rc"
grep -q "cdn.example.com/x.png?" "$WORK/err.txt" || fail "the failure text should remain: $(cat "$WORK/err.txt")"
grep -q "Authorization: Basic \*\*\* fetching" "$WORK/err.txt" || fail "redacted once, scheme kept: $(cat "$WORK/err.txt")"
no_secrets "$WORK/err.txt" "a failed job"
fault "{\"route\": \"job\", \"kind\": \"job_failure\", \"text\": \"upstream Authorization: Basic $TOKEN fetching https://cdn.example.com/x.png?X-Amz-Signature=deadbeef\"}"
"$BIN/texforge" generate "failing job, json" --project "$P" --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate job_failed
json_true "$WORK/doc.json" "d['exit_status'] == 1 and d['jobs'][0]['error']['code'] == 'job_failed'"
json_true "$WORK/doc.json" "'Authorization: Basic *** fetching' in d['error']['message']"
no_secrets "$WORK/doc.json" "a failed job's document"
"$BIN/texforge" jobs --project "$P" >"$WORK/jobs.txt" || fail "jobs failed"
no_secrets "$WORK/jobs.txt" "texforge jobs"
grep -q "NOTE" "$WORK/jobs.txt" || fail "jobs should have a NOTE column"
"$BIN/texforge" jobs --project "$P" --json >"$WORK/jobs.json" || fail "jobs --json failed"
no_secrets "$WORK/jobs.json" "texforge jobs --json"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert all('held_by' in j for j in d['jobs'])" \
  "$WORK/jobs.json" || fail "jobs --json should carry held_by"
clear_faults

echo "cli_e2e: --timeout: the message says how long this run really waited; resume then collects the imag"
# --timeout: the message says how long this run really waited; resume then collects the images.
curl -sf -X POST "$EMULATOR_ROOT/_emulator/config" -d '{"job_duration_ms": 5000}' >/dev/null || fail "config"
"$BIN/texforge" generate "a slow crate" --project "$P" --timeout 1 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 4 ] || fail "a job past --timeout should exit 4, got $rc: $(cat "$WORK/err.txt")"
grep -Eq "after [0-9]+ s \(--timeout 1\)" "$WORK/err.txt" || fail "no real time waited: $(cat "$WORK/err.txt")"
grep -q "0 minutes" "$WORK/err.txt" && fail "the timeout message rounds to minutes: $(cat "$WORK/err.txt")"
"$BIN/texforge" generate "a slow barrel" --project "$P" --timeout 1 --json >"$WORK/doc.json" 2>/dev/null
json_doc "$WORK/doc.json" $? generate timeout
json_true "$WORK/doc.json" "d['exit_status'] == 4 and '(--timeout 1)' in d['error']['message']"
json_true "$WORK/doc.json" "'texforge resume' in d['error']['advice']"
"$BIN/texforge" jobs --project "$P" >"$WORK/jobs.txt" || fail "jobs failed"
grep -Eq "[0-9]+ s after it was submitted" "$WORK/jobs.txt" || fail "jobs should say the time waited: $(cat "$WORK/jobs.txt")"
posts=$(stat_value generate_posts)
"$BIN/texforge" resume --project "$P" >"$WORK/out.txt" 2>"$WORK/err.txt" \
  || fail "resume after a timeout failed: $(cat "$WORK/err.txt")"
grep -q "a-slow-crate" "$WORK/out.txt" || fail "resume should import the slow job: $(cat "$WORK/out.txt")"
grep -q "a-slow-barrel" "$WORK/out.txt" || fail "resume should import the slow job: $(cat "$WORK/out.txt")"
[ "$(stat_value generate_posts)" = "$posts" ] || fail "resume must not pay again"

echo "cli_e2e: A journal that cannot be read: jobs and resume fail with one error document."
mkdir -p "$WORK/PJ/.texforge" && printf 'not a database, not at all: %01024d' 0 >"$WORK/PJ/.texforge/journal.sqlite"
for verb in jobs resume; do
  "$BIN/texforge" "$verb" --project "$WORK/PJ" --json >"$WORK/doc.json" 2>"$WORK/err.txt"
  rc=$?
  [ "$rc" != 0 ] || fail "$verb on a broken journal should fail"
  json_doc "$WORK/doc.json" "$rc" "$verb"
  json_true "$WORK/doc.json" "'journal' in d['error']['message'] and d['jobs'] == []"
done

echo "cli_e2e: A request lost while being sent: resume reports it (5) after one search, without waiting o"
# A request lost while being sent: resume reports it (5) after one search, without waiting out the
# window; a resend before the window has passed is refused, with when and at what risk.
if [ "${TEXFORGE_TEST_HOOKS:-1}" = 1 ]; then
  P2="$WORK/P2"
  TEXFORGE_FAILPOINT=submit.before_post "$BIN/texforge" generate "a lost crate" --project "$P2" >/dev/null 2>&1
  [ $? = 137 ] || fail "the failpoint should kill generate"
  posts=$(stat_value generate_posts)
  "$BIN/texforge" resume --project "$P2" 2>"$WORK/err.txt"
  rc=$?
  [ "$rc" = 5 ] || fail "resume of a lost request should exit 5, got $rc: $(cat "$WORK/err.txt")"
  grep -q "wait" "$WORK/err.txt" && grep -q "you pay twice" "$WORK/err.txt" \
    || fail "resume should advise waiting and say the risk: $(cat "$WORK/err.txt")"
  id="$("$BIN/texforge" jobs --project "$P2" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['jobs'][0]['local_id'])")"
  "$BIN/texforge" resolve "$id" --resend --project "$P2" 2>"$WORK/err.txt"
  rc=$?
  [ "$rc" = 5 ] || fail "an early resend should be refused with 5, got $rc: $(cat "$WORK/err.txt")"
  grep -q "(local time)" "$WORK/err.txt" || fail "the refusal should say when (local time): $(cat "$WORK/err.txt")"
  grep -q "you pay twice" "$WORK/err.txt" || fail "the refusal should say the risk: $(cat "$WORK/err.txt")"
  "$BIN/texforge" resume --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_doc "$WORK/doc.json" $? resume unknown_submission
  json_true "$WORK/doc.json" "d['exit_status'] == 5 and 'you pay twice' in d['error']['advice']"
  "$BIN/texforge" resolve "$id" --resend --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_doc "$WORK/doc.json" $? resolve
  json_true "$WORK/doc.json" "d['exit_status'] == 5 and '(local time)' in d['error']['advice']"
  json_true "$WORK/doc.json" "d['jobs'][0]['local_id'] == '$id' and d['jobs'][0]['state'] == 'unknown'"
  [ "$(stat_value generate_posts)" = "$posts" ] || fail "nothing may be sent for a lost request on its own"
  "$BIN/texforge" resolve "$id" --discard --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_doc "$WORK/doc.json" $? resolve
  json_true "$WORK/doc.json" "d['jobs'][0]['local_id'] == '$id' and d['jobs'][0]['error']['code'] == 'canceled'"
  "$BIN/texforge" jobs --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_true "$WORK/doc.json" "d['jobs'][0]['state'] == 'failed'"  # the discard was journaled, not undone
  "$BIN/texforge" resolve "$id" --discard --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_doc "$WORK/doc.json" $? resolve invalid_argument
  json_true "$WORK/doc.json" "d['exit_status'] == 2"
  "$BIN/texforge" resolve tf_000000000000 --discard --project "$P2" --json >"$WORK/doc.json" 2>/dev/null
  json_doc "$WORK/doc.json" $? resolve not_found
  json_true "$WORK/doc.json" "d['exit_status'] == 2 and 'tf_000000000000' in d['error']['message']"
  [ "$(stat_value generate_posts)" = "$posts" ] || fail "a discard sends nothing"
else
  # Without the test hooks the variable is inert: the same command simply generates.
  TEXFORGE_FAILPOINT=submit.before_post "$BIN/texforge" generate "an unhooked crate" --project "$WORK/P3" \
    >/dev/null 2>"$WORK/err.txt" || fail "a build without test hooks must ignore TEXFORGE_FAILPOINT: $(cat "$WORK/err.txt")"
fi
echo "cli_e2e: Ctrl-C while a job runs: exit 130 and one document with the job, to resume later."
curl -sf -X POST "$EMULATOR_ROOT/_emulator/config" -d '{"job_duration_ms": 600000}' >/dev/null || fail "config"
posts=$(stat_value generate_posts)
"$BIN/texforge" generate "an interrupted crate" --project "$WORK/P4" --json >"$WORK/doc.json" 2>"$WORK/err.txt" &
cli_pid=$!
for _ in $(seq 1 200); do  # until the paid POST went out (bounded: 20 s)
  [ "$(stat_value generate_posts)" != "$posts" ] && break
  sleep 0.1
done
[ "$(stat_value generate_posts)" != "$posts" ] || fail "generate never sent its request: $(cat "$WORK/err.txt")"
kill -INT "$cli_pid"
wait "$cli_pid"
rc=$?
[ "$rc" = 130 ] || fail "an interrupted generate should exit 130, got $rc: $(cat "$WORK/err.txt")"
json_doc "$WORK/doc.json" 130 generate stopped
json_true "$WORK/doc.json" "d['jobs'][0]['prompt'] == 'an interrupted crate' and 'texforge resume' in d['error']['advice']"
echo "cli_e2e: all checks passed"
