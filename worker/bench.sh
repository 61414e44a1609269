#!/bin/sh
# The worker's figures for the README: bundle size (gzip) and the median latency of /api/observe over
# 50 requests with every upstream delayed by 200 ms, in workerd against the local DoH fixture server.
set -eu
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --no-audit --no-fund
sh build.sh
exec cargo run --release --locked -p mta-sts-testkit --bin bench-worker
