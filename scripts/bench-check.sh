#!/usr/bin/env bash
# Bulk speed of `mta-sts check`: 2,000 fixture domains with --json --concurrency 64 against local
# fixture servers (DoH + HTTPS policy host on loopback, certificates from a test CA), then `serve`
# under 200 concurrent connections. Prints domains/s, peak memory, requests/s and p99 latency.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-2000}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p mta-sts-cli --bin mta-sts --example fixture_servers --example load >&2
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'exec 3>&-; kill "$fixtures" 2>/dev/null || true; kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

mkfifo "$work/hold"
"$bin/examples/fixture_servers" <"$work/hold" >"$work/flags" &
fixtures=$!
exec 3>"$work/hold"   # the fixture servers run until this closes
until [ -s "$work/flags" ]; do sleep 0.1; done
read -r -a flags <"$work/flags"

for i in $(seq -w 1 "$N"); do echo "d$i.bench.test"; done >"$work/domains"

/usr/bin/time -v "$bin/mta-sts" check --json --concurrency 64 "${flags[@]}" --file "$work/domains" \
    >"$work/reports.jsonl" 2>"$work/time" || true
seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time")
peak_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time")
valid=$(grep -c '"valid":true' "$work/reports.jsonl" || true)
echo "check: $N domains in ${seconds}s = $(awk -v n="$N" -v s="$seconds" 'BEGIN {printf "%.0f", n/s}') domains/s," \
     "peak RSS $((peak_kb / 1024)) MB, $valid valid"

"$bin/mta-sts" serve --listen 127.0.0.1:0 --rate-limit 1000000000 "${flags[@]}" 2>"$work/serve.log" &
server=$!
until grep -q 'listening on' "$work/serve.log" 2>/dev/null; do sleep 0.1; done
addr=$(sed -n 's/.*listening on http:\/\///p' "$work/serve.log" | head -1)
"$bin/examples/load" "$addr" 200 "${REQUESTS:-10000}"
