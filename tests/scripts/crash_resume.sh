#!/usr/bin/env bash
# Kills `texforge generate` with SIGKILL at every stage of a job (failpoints), then runs
# `texforge resume`: every image must arrive exactly once and each request be paid exactly once.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
start_emulator --job-ms 2500  # long enough that the first poll (after 1 s) sees the job running

stages=(submit.before_post submit.answer_lost submit.job_id_known poll.running download.received download.cached
        import.before_write import.after_image import.before_journal)
n=0
for stage in "${stages[@]}"; do
  n=$((n + 1))
  P="$WORK/project-$stage"
  prompt="crash test at $stage"
  TEXFORGE_FAILPOINT="$stage" "$BIN/texforge" generate "$prompt" --project "$P" --outputs 2 --size 1024x640 \
    >"$WORK/gen.out" 2>"$WORK/gen.err"
  rc=$?
  [ "$rc" = 137 ] || fail "$stage: expected death by SIGKILL (137), got $rc: $(cat "$WORK/gen.err")"
  grep -q "failpoint $stage reached" "$WORK/gen.err" || fail "$stage: the failpoint did not fire"

  "$BIN/texforge" resume --project "$P" --lost-answer-window 0 >"$WORK/resume.out" 2>"$WORK/resume.err"
  rc=$?
  if [ "$stage" = submit.before_post ]; then
    # The POST never left, so the service has no such job: texforge must not resend on its own.
    [ "$rc" = 5 ] || fail "$stage: resume should report an unresolved request (5), got $rc: $(cat "$WORK/resume.err")"
    [ "$(stat_value generate_posts)" = $((n - 1)) ] || fail "$stage: resume sent the request without asking"
    id="$("$BIN/texforge" jobs --project "$P" --json | python3 -c "import json,sys; print(json.load(sys.stdin)['jobs'][0]['local_id'])")"
    "$BIN/texforge" resolve "$id" --resend --lost-answer-window 0 --project "$P" >"$WORK/resume.out" 2>"$WORK/resume.err"
    rc=$?
  fi
  [ "$rc" = 0 ] || fail "$stage: resume exited $rc: $(cat "$WORK/resume.err")"

  # A second resume has nothing left to do.
  "$BIN/texforge" resume --project "$P" >/dev/null 2>&1 || fail "$stage: second resume failed"
  images=$(find "$P/assets/generated" -name '*.png' | wc -l)
  sidecars=$(find "$P/assets/generated" -name '*.png.texforge.json' | wc -l)
  [ "$images" = 2 ] || fail "$stage: expected exactly 2 images, found $images"
  [ "$sidecars" = 2 ] || fail "$stage: expected exactly 2 sidecars, found $sidecars"
  assets=$(cat "$P"/assets/generated/*.texforge.json | python3 -c "
import json, sys
docs = sys.stdin.read().replace('}\n{', '}\x00{').split('\x00')
print(len({json.loads(d)['asset_id'] for d in docs}))")
  [ "$assets" = 2 ] || fail "$stage: the two images should be two different assets"
  posts=$(stat_value generate_posts)
  [ "$posts" = "$n" ] || fail "$stage: expected $n paid POSTs in total so far, the emulator saw $posts"
  echo "crash at $stage: resumed, 2 images, 1 paid POST"
done
curl -sf "$EMULATOR_ROOT/_emulator/stats" | python3 -c "
import json, sys
per_body = json.load(sys.stdin)['generate_posts_per_body']
assert all(v == 1 for v in per_body.values()), per_body
print('every request body was paid exactly once:', len(per_body), 'bodies')" || fail "a body was paid twice"
echo "crash_resume: ${#stages[@]} stages passed"
