#!/usr/bin/env bash
# Runs the README's curl walkthrough as written against a real `pcsim serve`
# on a free loopback port: the block between the walkthrough markers, with
# the documented address replaced by the server's.
# Usage: readme_walkthrough.sh PCSIM README
set -euo pipefail
pcsim="$1"
readme="$2"
work="$(mktemp -d)"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

"$pcsim" serve --port 0 > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 1 100); do
  grep -q "pcsim listening on" "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url="$(grep -o 'http://[0-9.]*:[0-9]*' "$work/serve.out" | head -1)"
[[ -n "$url" ]] || { echo "the server did not start: $(cat "$work/serve.err")"; exit 1; }

sed -n '/<!-- walkthrough:start -->/,/<!-- walkthrough:end -->/p' "$readme" |
  sed -n '/^```sh$/,/^```$/p' | grep -v '^```' | sed "s#http://127.0.0.1:8080#$url#g" > "$work/walkthrough.sh"
[[ -s "$work/walkthrough.sh" ]] || { echo "no walkthrough block in $readme"; exit 1; }

bash -euo pipefail "$work/walkthrough.sh" > "$work/output.txt"
# The walkthrough polls a running Graph export, then ends with the rows of
# the first invoice's billed reconciliation export.
grep -q 'running$' "$work/output.txt" || { echo "the export was not running at first:"; head -c 2000 "$work/output.txt"; exit 1; }
grep -q '"InvoiceNumber":"G000000001"' "$work/output.txt" || { echo "unexpected output:"; tail -c 2000 "$work/output.txt"; exit 1; }
grep -q '"ChargeType":"new"' "$work/output.txt"
grep -q '"UnitPrice":37.8,' "$work/output.txt"
grep -q '"Total":378,' "$work/output.txt"
echo "walkthrough ran: $(wc -l < "$work/walkthrough.sh") lines"
