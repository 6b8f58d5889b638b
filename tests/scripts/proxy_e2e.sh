#!/usr/bin/env bash
# Proxies from the standard environment variables, proven on loopback with a counting proxy
# (forward_proxy.py): http_proxy for plain http, https_proxy as a CONNECT tunnel, no_proxy bypassing.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
# Hermetic: whatever proxy the machine running the tests has must not take part.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY TEXFORGE_CA_FILE

PROXY_PID=""
trap '[ -n "$PROXY_PID" ] && kill "$PROXY_PID" 2>/dev/null; cleanup' EXIT
COUNTS="$WORK/proxy.json"
python3 "$(dirname "$0")/forward_proxy.py" "$COUNTS" >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PROXY=""
for _ in $(seq 1 200); do
  PROXY="$(sed -n 's/^proxy listening on //p' "$WORK/proxy.log")"
  [ -n "$PROXY" ] && break
  kill -0 "$PROXY_PID" 2>/dev/null || fail "proxy exited: $(cat "$WORK/proxy.log")"
  sleep 0.1
done
[ -n "$PROXY" ] || fail "proxy did not start"
proxied() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$COUNTS" "$1"; }
requests() {  # every request the emulator answered so far
  curl -sf ${EMULATOR_CA:+--cacert "$EMULATOR_CA"} "$EMULATOR_ROOT/_emulator/stats" |
    python3 -c "import json,sys; print(sum(json.load(sys.stdin)['requests_per_route'].values()))"
}

# 1. http_proxy, plain http to the loopback emulator: every request goes through the proxy. The
#    Authorization header crosses it in the clear on plain http, but only on API calls, never the CDN's.
start_emulator --job-ms 200
http_proxy="$PROXY" "$BIN/texforge" generate "through a proxy" --project "$WORK/p1" --outputs 2 \
  >/dev/null 2>"$WORK/err.txt" || fail "generate through http_proxy failed: $(cat "$WORK/err.txt")"
total=$(requests)
cdn=$(stat_value cdn_requests)
[ "$cdn" = 2 ] || fail "expected 2 downloads, got $cdn"
[ "$(proxied forwarded)" = "$total" ] || fail "proxy forwarded $(proxied forwarded) of $total requests"
[ "$(proxied authorization_seen)" = $((total - cdn)) ] || fail "Authorization should be on the $((total - cdn)) API calls only"
[ "$(stat_value cdn_authorization_headers)" = 0 ] || fail "the CDN saw an Authorization header"

# 2. no_proxy naming the host (or its range) bypasses the proxy; HTTP_PROXY in capitals is ignored
#    for plain http by libcurl on purpose (httpoxy), so it is not used either.
before=$(proxied forwarded)
http_proxy="$PROXY" no_proxy="127.0.0.1" "$BIN/texforge" generate "around the proxy" --project "$WORK/p2" \
  >/dev/null 2>"$WORK/err.txt" || fail "generate with no_proxy failed: $(cat "$WORK/err.txt")"
http_proxy="$PROXY" NO_PROXY="127.0.0.0/8" "$BIN/texforge" generate "around it by range" --project "$WORK/p3" \
  >/dev/null 2>"$WORK/err.txt" || fail "generate with NO_PROXY range failed: $(cat "$WORK/err.txt")"
HTTP_PROXY="$PROXY" "$BIN/texforge" generate "capitals ignored" --project "$WORK/p4" \
  >/dev/null 2>"$WORK/err.txt" || fail "generate with HTTP_PROXY failed: $(cat "$WORK/err.txt")"
[ "$(proxied forwarded)" = "$before" ] || fail "no_proxy/NO_PROXY/HTTP_PROXY runs went through the proxy"

# 3. https_proxy with the HTTPS emulator: one CONNECT tunnel per connection, TLS end to end, so the
#    proxy never sees a request (or a credential) in the clear; certificate checks are unchanged.
kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
EMULATOR_PID=""
command -v openssl >/dev/null || fail "the openssl command is needed (apt-get install openssl)"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" >/dev/null 2>&1 ||
  fail "openssl could not make a certificate"
EMULATOR_CA="$WORK/cert.pem"
start_emulator --job-ms 200 --cert "$WORK/cert.pem" --key-file "$WORK/key.pem"
forwarded=$(proxied forwarded)
seen=$(proxied authorization_seen)
https_proxy="$PROXY" TEXFORGE_CA_FILE="$WORK/cert.pem" "$BIN/texforge" generate "through a tunnel" \
  --project "$WORK/p5" --outputs 2 >/dev/null 2>"$WORK/err.txt" ||
  fail "generate through https_proxy failed: $(cat "$WORK/err.txt")"
[ "$(proxied connect)" -ge 1 ] || fail "no CONNECT tunnel was opened"
[ "$(proxied forwarded)" = "$forwarded" ] || fail "https requests must be tunnelled, not forwarded"
[ "$(proxied authorization_seen)" = "$seen" ] || fail "the proxy saw a credential"
[ "$(stat_value generate_posts)" = 1 ] || fail "expected one paid POST through the tunnel"
tunnels=$(proxied connect)
https_proxy="$PROXY" "$BIN/texforge" generate "tunnel without the CA" --project "$WORK/p6" >/dev/null 2>"$WORK/err.txt" &&
  fail "the proxy must not change certificate checking"
grep -qi certificate "$WORK/err.txt" || fail "expected a certificate error: $(cat "$WORK/err.txt")"
echo "proxy_e2e: http_proxy forwarded $total requests, no_proxy bypassed, https_proxy tunnelled $tunnels connections"
