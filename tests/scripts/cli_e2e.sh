#!/usr/bin/env bash
# The CLI against a separately started texforge-emulator: the README's headless path, wrong
# credentials, invalid input refused before payment, --json, --quote, jobs and resume.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_emulator --job-ms 300

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

# Wrong credentials: non-zero, and a message about credentials.
SCENARIO_API_SECRET=wrong "$BIN/texforge" generate "x" --project "$P" 2>"$WORK/err.txt"
rc=$?
[ "$rc" = 3 ] || fail "wrong credentials should exit 3, got $rc"
grep -qi "key or secret" "$WORK/err.txt" || fail "no credentials message: $(cat "$WORK/err.txt")"
grep -q "wrong" "$WORK/err.txt" && fail "the secret appeared in the error text"

# Missing credentials altogether.
env -u SCENARIO_API_KEY -u SCENARIO_API_SECRET XDG_CONFIG_HOME="$WORK/noconfig" HOME="$WORK/nohome" \
  "$BIN/texforge" generate "x" --project "$P" 2>"$WORK/err.txt"
[ $? = 3 ] || fail "missing credentials should exit 3"
grep -q "SCENARIO_API_KEY" "$WORK/err.txt" || fail "missing-credentials message should name the variables"

# Invalid size and a mask without alpha are refused before anything is paid.
"$BIN/texforge" generate "x" --project "$P" --size 1000x1000 2>"$WORK/err.txt"
[ $? = 2 ] || fail "off-grid size should exit 2"
grep -q "1008x1008" "$WORK/err.txt" || fail "size message should suggest a valid size"
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
[ "$(stat_value generate_posts)" = 1 ] || fail "refused requests must not reach the paid route"

# --quote prints a cost and starts nothing; --json is machine readable.
"$BIN/texforge" generate "a crate" --project "$P" --quote --json >"$WORK/quote.json" || fail "quote failed"
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['ok'] and d['creativeUnitsCost'] > 0" \
  "$WORK/quote.json" || fail "bad quote json"
[ "$(stat_value jobs_created)" = 1 ] || fail "a quote must not create a job"
"$BIN/texforge" generate "a barrel sprite" --project "$P" --size 256x256 --background transparent --json \
  >"$WORK/gen.json" 2>/dev/null || fail "json generate failed"
python3 - "$WORK/gen.json" "$P" <<'PY' || fail "bad generate json"
import json, os, sys
d = json.load(open(sys.argv[1]))
assert d['ok'] is True
out = d['jobs'][0]['outputs'][0]
assert out['state'] == 'imported' and out['width'] == 256, out
assert os.path.exists(os.path.join(sys.argv[2], out['path']))
PY

# jobs lists both generations; resume has nothing left to do and says so.
"$BIN/texforge" jobs --project "$P" >"$WORK/jobs.txt" || fail "jobs failed"
grep -q "a mossy stone wall texture" "$WORK/jobs.txt" || fail "jobs should list the first prompt"
"$BIN/texforge" resume --project "$P" 2>"$WORK/err.txt" || fail "resume with nothing to do should succeed"
[ "$(stat_value generate_posts)" = 2 ] || fail "expected exactly two paid POSTs in total"
echo "cli_e2e: all checks passed"
