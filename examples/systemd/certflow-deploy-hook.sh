#!/usr/bin/env bash
# Deploy hook: export certificate ID into DIR and run RELOAD, only when the certificate there
# changed (a new revision). Safe to run after every `certflow run`: the export is atomic per file
# (temporary name, then rename) and an unchanged certificate reloads nothing.
#
#   certflow-deploy-hook.sh <certificate-id> <dir> "<reload command>"
set -euo pipefail
id="$1" dir="$2" reload="$3"
fingerprint() { [ -f "$1/cert.pem" ] && openssl x509 -in "$1/cert.pem" -noout -fingerprint -sha256 || true; }
before="$(fingerprint "$dir")"
certflow export "$id" --out "$dir" --force >/dev/null
after="$(fingerprint "$dir")"
if [ "$before" != "$after" ]; then
  echo "certflow: $id changed (${after#*=}); running: $reload"
  sh -c "$reload"
fi
