#!/usr/bin/env bash
# Runs the README's "Audit a book" block as written, in a scratch folder,
# with `pcsim` the built binary and the documented port replaced by a free
# one; then checks what it wrote.
# Usage: audit_walkthrough.sh PCSIM README SOURCE_DIR
set -euo pipefail
pcsim="$1"
readme="$2"
source_dir="$3"
work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
sed -n '/<!-- audit-walkthrough:start -->/,/<!-- audit-walkthrough:end -->/p' "$readme" |
  sed -n '/^```sh$/,/^```$/p' | grep -v '^```' |
  sed "s#8080#$port#g; s#clients/examples#$source_dir/clients/examples#g" > "$work/walkthrough.sh"
[[ -s "$work/walkthrough.sh" ]] || { echo "no audit walkthrough in $readme"; exit 1; }
mkdir -p "$work/bin"
ln -s "$pcsim" "$work/bin/pcsim"
(cd "$work" && PATH="$work/bin:$PATH" bash -euo pipefail walkthrough.sh > output.txt 2> errors.txt) ||
  { echo "the walkthrough failed:"; cat "$work/errors.txt"; tail -20 "$work/output.txt"; exit 1; }
grep -q '^CustomerId,CustomerName,SubscriptionId' "$work/output.txt"
[[ -f "$work/audit/report.html" && -d "$work/audit/what-if/late-est" && -d "$work/audit/what-if/dearer" ]]
grep -q '<svg' "$work/audit/report.html"
# The pulled book holds every subscription of the loaded one.
[[ $(grep -o '"offerId"' "$work/book.jsonl" | wc -l) -eq $(grep -o '"offerId"' "$source_dir/clients/examples/audit/book.jsonl" | wc -l) ]] ||
  { echo "the pulled book differs in size"; exit 1; }
echo "audit walkthrough ran: $(wc -l < "$work/walkthrough.sh") lines"
