#!/usr/bin/env bash
# `texforge batch` against texforge-emulator: a 12-row CSV is refused without --yes (nothing paid),
# then killed with SIGKILL right after its first paid POST (failpoint submit.job_id_known, one
# request in flight so nothing else is on the wire), then run again to the end with one job made to
# fail (the emulator's job_failure fault, count 1: the first job created after it is armed fails,
# whichever row it is). Each row is paid exactly once, 11 are imported under their names, the
# summary says 11 done / 1 failed and the exit status is 1; --retry-failed pays for that row only.
# A 3-row JSON batch exits 0.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_emulator --job-ms 300

fault() { curl -sf -X POST "$EMULATOR_ROOT/_emulator/faults" -d "$1" >/dev/null || fail "cannot arm $1"; }
per_prompt() {  # per_prompt EXPR: the Python expression EXPR holds over p, generate_posts_per_prompt
  curl -sf "$EMULATOR_ROOT/_emulator/stats" |
    python3 -c "import json,sys; p=json.load(sys.stdin)['generate_posts_per_prompt']; assert $1, p" \
    || fail "paid requests per prompt: $1 does not hold"
}

P="$WORK/P"
CSV="$WORK/rows.csv"
{
  echo 'prompt,name,outputs,size,quality'
  for i in $(seq -w 1 12); do
    # Quoted fields with a comma and a doubled quote, as spreadsheets write them.
    echo "\"batch row $i, a \"\"game-ready\"\" stone texture\",r$i,1,1024x640,medium"
  done
} >"$CSV"

echo "cli_batch: an unknown column is refused before anything is paid, naming it."
printf 'prompt,colour\na crate,red\n' >"$WORK/bad.csv"
"$BIN/texforge" batch "$WORK/bad.csv" --project "$P" --yes </dev/null >/dev/null 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 2 ] || fail "an unknown column should exit 2, got $rc: $(cat "$WORK/err.txt")"
grep -q '"colour"' "$WORK/err.txt" || fail "the refusal should name the column: $(cat "$WORK/err.txt")"
printf 'prompt,size\na crate,1024x1024\na barrel,1000x1000\n' >"$WORK/bad.csv"
"$BIN/texforge" batch "$WORK/bad.csv" --project "$P" --yes </dev/null >/dev/null 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 2 ] || fail "a bad size in row 2 should exit 2, got $rc: $(cat "$WORK/err.txt")"
grep -q 'row 2 (line 3), column size' "$WORK/err.txt" || fail "the refusal should name row and column: $(cat "$WORK/err.txt")"

echo "cli_batch: above the spending threshold and not at a terminal, it needs --yes."
"$BIN/texforge" batch "$CSV" --project "$P" </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 2 ] || fail "an unconfirmed batch should exit 2, got $rc: $(cat "$WORK/err.txt")"
grep -q -- "--yes" "$WORK/err.txt" || fail "the refusal should advise --yes: $(cat "$WORK/err.txt")"
grep -q "^total: " "$WORK/out.txt" || fail "the total price should come first: $(cat "$WORK/out.txt")"
"$BIN/texforge" batch "$CSV" --project "$P" --quote </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt" \
  || fail "--quote failed: $(cat "$WORK/err.txt")"
[ "$(stat_value generate_posts)" = 0 ] || fail "nothing may be paid before confirmation"

echo "cli_batch: killed right after its first paid request."
TEXFORGE_FAILPOINT=submit.job_id_known "$BIN/texforge" batch "$CSV" --project "$P" --yes --max-in-flight 1 \
  </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 137 ] || fail "expected death by SIGKILL (137), got $rc: $(cat "$WORK/err.txt")"
grep -q "failpoint submit.job_id_known reached" "$WORK/err.txt" || fail "the failpoint did not fire"
[ "$(stat_value generate_posts)" = 1 ] || fail "exactly one request should have been paid before the kill"

echo "cli_batch: run again with one job made to fail: waits for the journaled rows, pays for none twice."
fault '{"route": "job", "kind": "job_failure", "text": "rejected by the safety system (test)"}'
"$BIN/texforge" batch "$CSV" --project "$P" --yes </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 1 ] || fail "one failed row should exit 1, got $rc: $(cat "$WORK/out.txt" "$WORK/err.txt")"
grep -q "^batch: 11 done, 1 failed, 11 images" "$WORK/out.txt" || fail "summary: $(cat "$WORK/out.txt")"
[ "$(grep -c '^\[[0-9]*/12\] ' "$WORK/out.txt")" = 12 ] || fail "one line per row: $(cat "$WORK/out.txt")"
grep -q "sent earlier" "$WORK/out.txt" || fail "the journaled rows should be listed as sent earlier"
grep -Eq '^\[[0-9]+/12\] r[0-9]+: failed: .*rejected by the safety system' "$WORK/out.txt" \
  || fail "the failed row's line: $(cat "$WORK/out.txt")"
per_prompt "len(p) == 12 and all(v == 1 for v in p.values())"
[ "$(stat_value generate_posts)" = 12 ] || fail "expected 12 paid requests in all"
imported=0
missing=""
for i in $(seq -w 1 12); do
  if [ -f "$P/assets/generated/r$i.png" ]; then
    [ -f "$P/assets/generated/r$i.png.texforge.json" ] || fail "r$i.png has no sidecar"
    imported=$((imported + 1))
  else
    missing="r$i"
  fi
done
[ "$imported" = 11 ] || fail "expected 11 rows imported under their names, found $imported: $(ls "$P/assets/generated")"
[ "$(find "$P/assets/generated" -name '*.png' | wc -l)" = 11 ] || fail "extra files: $(ls "$P/assets/generated")"
grep -q "\] $missing: failed" "$WORK/out.txt" || fail "$missing is missing but not reported as failed"

echo "cli_batch: the same command again pays nothing and still reports the failed row (--json)."
"$BIN/texforge" batch "$CSV" --project "$P" --json </dev/null >"$WORK/doc.json" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 1 ] || fail "the rerun should still exit 1, got $rc: $(cat "$WORK/err.txt")"
python3 - "$WORK/doc.json" <<'PY' || fail "bad batch document: $(cat "$WORK/doc.json")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "texforge-cli/1" and d["command"] == "batch" and d["exit_status"] == 1, d
assert len(d["jobs"]) == 12, len(d["jobs"])
states = sorted(j["state"] for j in d["jobs"])
assert states.count("imported") == 11 and states.count("failed") == 1, states
assert d["error"]["code"] == "job_failed", d["error"]
PY
[ "$(stat_value generate_posts)" = 12 ] || fail "a rerun must not pay again"

echo "cli_batch: --retry-failed pays for the failed row only."
"$BIN/texforge" batch "$CSV" --project "$P" --yes --retry-failed </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 0 ] || fail "the retried batch should exit 0, got $rc: $(cat "$WORK/out.txt" "$WORK/err.txt")"
grep -q "^batch: 12 done, 0 failed" "$WORK/out.txt" || fail "summary after the retry: $(cat "$WORK/out.txt")"
[ -f "$P/assets/generated/$missing.png" ] || fail "the retried row should be imported as $missing.png"
per_prompt "len(p) == 12 and sorted(p.values()) == [1] * 11 + [2]"

echo "cli_batch: a 3-row JSON batch succeeds."
cat >"$WORK/few.json" <<'EOF'
{"requests": [
  {"prompt": "a wooden crate sprite", "name": "crate", "size": "1024x640", "quality": "low"},
  {"prompt": "a barrel sprite", "name": "barrel", "outputs": 2, "size": "1024x640", "quality": "low"},
  {"prompt": "a torch icon", "size": "1024x640", "quality": "low", "seamless": false}
]}
EOF
"$BIN/texforge" batch "$WORK/few.json" --project "$WORK/PJ" --yes </dev/null >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 0 ] || fail "the JSON batch should exit 0, got $rc: $(cat "$WORK/out.txt" "$WORK/err.txt")"
for f in crate.png barrel.png barrel-2.png; do
  [ -f "$WORK/PJ/assets/generated/$f" ] || fail "missing $f: $(ls "$WORK/PJ/assets/generated")"
done
[ "$(find "$WORK/PJ/assets/generated" -name '*.png' | wc -l)" = 4 ] || fail "expected 4 images"
grep -q "^batch: 3 done, 0 failed, 4 images" "$WORK/out.txt" || fail "summary: $(cat "$WORK/out.txt")"
echo "cli_batch: all checks passed"
