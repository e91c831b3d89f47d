#!/usr/bin/env bash
# pcsim audit in N processes, one shard each, then pcsim merge: the merged
# folder equals the single run's, file for file and byte for byte. Then bad
# input: exit 2, the book's file:line, and no output folder.
# Usage: audit_shards.sh PCSIM BOOK
set -euo pipefail
pcsim="$1"
book="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
what_if=(--what-if "late-est:est.enforcementDate=2026-09-01" --what-if "dearer:price:*@2026-06-01=+5%")

"$pcsim" audit "$book" --to 2028-03-01 --out "$work/single" "${what_if[@]}" --subscription-months > /dev/null
n=3
pids=()
for i in $(seq 0 $((n - 1))); do
  "$pcsim" audit "$book" --to 2028-03-01 --out "$work/shard$i" --shard "$i/$n" "${what_if[@]}" --subscription-months > /dev/null &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
"$pcsim" merge "$work/shard0" "$work/shard1" "$work/shard2" --out "$work/merged" > /dev/null
diff -r "$work/single" "$work/merged"
files=$(find "$work/single" -type f | wc -l)
[[ "$files" -eq 12 ]] || { echo "expected 12 files, found $files"; exit 1; }
grep -q '<svg' "$work/single/report.html"
grep -q ',EST,' "$work/single/subscriptions.csv" || { echo "no subscription goes into EST"; exit 1; }

# A missing shard is refused.
set +e
"$pcsim" merge "$work/shard0" "$work/shard2" --out "$work/partial" 2> "$work/err"
code=$?
set -e
[[ $code -eq 2 && ! -e "$work/partial" ]] || { echo "merge of 2 of 3 shards: exit $code"; exit 1; }
grep -q "every shard 0..2 is needed" "$work/err"

# A bad book: negative seats on line 3.
sed '3s/"quantity":[0-9]*/"quantity":-4/' "$book" > "$work/bad.jsonl"
set +e
"$pcsim" audit "$work/bad.jsonl" --to 2028-03-01 --out "$work/bad" 2> "$work/err"
code=$?
set -e
[[ $code -eq 2 ]] || { echo "a bad book exits $code"; exit 1; }
[[ ! -e "$work/bad" && ! -e "$work/bad.partial" ]] || { echo "a bad book left output"; exit 1; }
grep -q "bad.jsonl:3: subscription .*: quantity -4 is outside" "$work/err" || { cat "$work/err"; exit 1; }
echo "audit shards: $n processes merged into the single run's $files files"
