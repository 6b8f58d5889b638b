#!/usr/bin/env bash
# texforge-emulator serving HTTPS with a self-signed certificate made here: `texforge generate` refuses
# it by default (nothing paid) and succeeds once TEXFORGE_CA_FILE names that certificate.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
command -v openssl >/dev/null || fail "the openssl command is needed (apt-get install openssl)"

TLS="$WORK/tls"
mkdir -p "$TLS"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" -keyout "$TLS/key.pem" -out "$TLS/cert.pem" \
  >"$TLS/openssl.log" 2>&1 || fail "openssl could not make a certificate: $(cat "$TLS/openssl.log")"
EMULATOR_CA="$TLS/cert.pem"
start_emulator --job-ms 200 --cert "$TLS/cert.pem" --key-file "$TLS/key.pem"
case "$EMULATOR_URL" in https://*) ;; *) fail "the emulator should serve https, it says $EMULATOR_URL" ;; esac

# Default trust store only: the handshake fails, the CLI says why, and no request reaches the service.
env -u TEXFORGE_CA_FILE "$BIN/texforge" generate "a crate over https" --project "$WORK/refused" \
  >"$WORK/out.txt" 2>"$WORK/err.txt"
rc=$?
[ "$rc" != 0 ] || fail "an unverifiable certificate must be refused"
grep -qi "certificate" "$WORK/err.txt" || fail "the error should be about the certificate: $(cat "$WORK/err.txt")"
[ "$(stat_value generate_posts)" = 0 ] || fail "nothing may be paid over an unverified connection"
ls "$WORK/refused/assets/generated/"*.png >/dev/null 2>&1 && fail "no image should arrive when refused"

# The certificate as the CA: the whole flow works, downloads included.
TEXFORGE_CA_FILE="$TLS/cert.pem" "$BIN/texforge" generate "a crate over https" --project "$WORK/trusted" \
  --outputs 2 >"$WORK/out.txt" 2>"$WORK/err.txt" || fail "generate with TEXFORGE_CA_FILE failed: $(cat "$WORK/err.txt")"
pngs=$(ls "$WORK/trusted/assets/generated/"*.png | wc -l)
[ "$pngs" = 2 ] || fail "expected 2 PNGs, found $pngs"
[ "$(stat_value generate_posts)" = 1 ] || fail "expected exactly one paid POST"
[ "$(stat_value cdn_requests)" = 2 ] || fail "expected the 2 downloads over https"
echo "https_e2e: refused by default (exit $rc), accepted with TEXFORGE_CA_FILE"
