#!/usr/bin/env bash
# The end-to-end tour of the local default: issue three certificates, one after a human
# approval, export one and verify it with openssl, show that a second run issues nothing, and
# plan (without writing anything) what a run 70 days from now would do.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
certflow() { node "$here/../../bin/certflow.mjs" "$@" --config "$here/certflow.yaml"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

data="$here/.certflow"
step "Starting from an empty data directory ($data)"
rm -rf "$data"
mkdir -p "$data/legacy"
# A 90-day certificate made by hand elsewhere, five days from expiry: discovery should alert on it.
node --import tsx "$here/make-legacy-certificate.ts" "$data/legacy/legacy.pem"

step "certflow run: discover, plan, decide by policy, issue, alert, publish"
certflow run

step "carol asked for 'payments'; she cannot approve her own request"
if certflow approve payments --as carol; then echo "self-approval was accepted: this is a bug" >&2; exit 1; fi

step "alice approves it"
certflow approve payments --as alice

step "certflow run: the approved request is issued"
certflow run

step "certflow ls"
certflow ls

step "Export 'api' and verify it with openssl"
out="$data/export/api"
certflow export api --out "$out" --force
openssl verify -CAfile "$out/root.pem" -untrusted "$out/chain.pem" "$out/cert.pem"
if [ "$(openssl pkey -in "$out/key.pem" -pubout)" = "$(openssl x509 -in "$out/cert.pem" -noout -pubkey)" ]; then
  echo "key.pem matches cert.pem"
else
  echo "key.pem does not match cert.pem" >&2; exit 1
fi

step "certflow run again: nothing is due, nothing is issued"
certflow run

step "certflow plan --at 70 days from now: what a run would renew then (a dry run: nothing is written)"
later="$(node -e 'console.log(new Date(Date.now() + 70 * 86400000).toISOString())')"
before="$(cd "$data" && find . -type f -not -path './export/*' -print0 | sort -z | xargs -0 sha256sum)"
# Exit 1 means "a person is needed" ('payments' will ask for approval again): expected here.
certflow plan --at "$later" || [ $? -eq 1 ]
after="$(cd "$data" && find . -type f -not -path './export/*' -print0 | sort -z | xargs -0 sha256sum)"
if [ "$before" = "$after" ]; then echo "plan wrote nothing: the data directory is byte-identical"; else echo "plan changed the data directory: this is a bug" >&2; exit 1; fi

step "certflow check: expiry as a monitoring plugin sees it (the hand-made certificate is critical)"
certflow check || true

step "Done. Events published: $(wc -l < "$data/events.jsonl") (one JSON line each in $data/events.jsonl)"
