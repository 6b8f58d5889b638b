#!/usr/bin/env bash
# The CLI's game-ready options against texforge-emulator (visible seams, transparency ignored):
# `generate --seamless` measures the seam, `repair-seams` repairs it with one paid request (priced,
# refused without --yes above the threshold, unknown ids refused before paying) and keeps both
# images; `--alpha matte --trim` imports a sprite with real alpha, cropped, its sidecar saying how.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

start_emulator --job-ms 200 --visible-seams --ignore-transparency
P="$WORK/project"
TF="$BIN/texforge"

field() {  # field FILE EXPR: a Python expression over the --json document d
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

"$TF" generate "mossy cobblestones" --project "$P" --seamless --size 1024x1024 --json >"$WORK/gen.json" ||
  fail "generate --seamless failed: $(cat "$WORK/gen.json")"
ID="$(field "$WORK/gen.json" 'd["jobs"][0]["local_id"]')"
BEFORE="$(field "$WORK/gen.json" 'd["jobs"][0]["outputs"][0]["seam_score"]')"
python3 -c "import sys; sys.exit(0 if float('$BEFORE') > 2 else 1)" || fail "seam score $BEFORE is not a visible seam"

# Unknown ids and images are refused before anything is paid.
set +e
"$TF" repair-seams tf_nosuchjob --project "$P" --yes >/dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown job did not exit 2"
"$TF" repair-seams "$ID:3" --project "$P" --yes >/dev/null 2>&1
[ $? -eq 2 ] || fail "an image the job does not have did not exit 2"
# Above the threshold, nobody at a terminal, no --yes: refused, nothing paid.
mkdir -p "$P/.texforge" && echo '{"spending_threshold": 0.01}' >"$P/.texforge/editor.json"
"$TF" repair-seams "$ID" --project "$P" </dev/null >/dev/null 2>"$WORK/refused.txt"
[ $? -eq 2 ] || fail "a repair above the threshold without --yes was not refused"
set -e
grep -q -- "--yes" "$WORK/refused.txt" || fail "the refusal does not name --yes: $(cat "$WORK/refused.txt")"
PAID="$(stat_value generate_posts)"
[ "$PAID" = 1 ] || fail "$PAID paid requests before the repair (want 1)"

"$TF" repair-seams "$ID:1" --project "$P" --quote >"$WORK/quote.txt" || fail "repair-seams --quote failed"
grep -q "creative units" "$WORK/quote.txt" || fail "no price: $(cat "$WORK/quote.txt")"
"$TF" repair-seams "$ID:1" --project "$P" --yes --json >"$WORK/repair.json" ||
  fail "repair-seams failed: $(cat "$WORK/repair.json")"
AFTER="$(field "$WORK/repair.json" 'd["jobs"][0]["outputs"][0]["seam_score"]')"
python3 -c "import sys; sys.exit(0 if float('$AFTER') < 1.5 else 1)" || fail "seam score $AFTER after the repair"
[ "$(field "$WORK/repair.json" 'round(d["jobs"][0]["outputs"][0]["seam_score_before"], 3)')" = \
  "$(python3 -c "print(round(float('$BEFORE'), 3))")" ] || fail "the repair does not name the score it started from"
[ "$(stat_value generate_posts)" = 2 ] || fail "the repair was not exactly one paid request"
PNGS="$(find "$P/assets/generated" -name '*.png' | wc -l)"
[ "$PNGS" = 2 ] || fail "$PNGS images imported (want the original and the repair)"

# A sprite keyed from a matte and trimmed: real alpha whatever the service did with transparency.
"$TF" generate "a red potion sprite" --project "$P" --background transparent --alpha matte --trim \
  --name potion --size 1024x1024 --json >"$WORK/sprite.json" || fail "matte sprite failed: $(cat "$WORK/sprite.json")"
[ "$(field "$WORK/sprite.json" 'd["jobs"][0]["outputs"][0]["alpha"]')" = matte ] || fail "alpha not keyed"
SIDECAR="$P/assets/generated/potion.png.texforge.json"
[ -f "$SIDECAR" ] || fail "no potion.png sidecar"
python3 - "$SIDECAR" "$P/assets/generated/potion.png" <<'PY' || fail "sprite sidecar or pixels wrong"
import json, struct, sys, zlib
side = json.load(open(sys.argv[1]))
assert side["finish"]["alpha"] == "matte", side
trim = side["trimmed"]
assert trim["width"] < trim["fromWidth"] and side["width"] == trim["width"], side
png = open(sys.argv[2], "rb").read()
w, h, depth, colour = struct.unpack(">IIBB", png[16:26])
assert (w, h) == (trim["width"], trim["height"]) and colour == 6, (w, h, colour)  # RGBA
PY
echo "PASS cli_seams: seam $BEFORE -> $AFTER, one paid repair, a trimmed matte sprite"
