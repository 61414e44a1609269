#!/bin/sh
# Builds the worker into build/ with worker-build, from local tools only: wasm-bindgen from cargo,
# esbuild and wasm-opt from node_modules (`npm ci`). worker-build would otherwise download them.
set -eu
cd "$(dirname "$0")"
# The e2e tests and the benchmark build once and start wrangler with MTA_STS_WORKER_PREBUILT=1.
if [ "${MTA_STS_WORKER_PREBUILT:-0}" = 1 ] && [ -f build/index.js ]; then
    exit 0
fi
bin="$(pwd)/node_modules/.bin"
WASM_BINDGEN_BIN="${WASM_BINDGEN_BIN:-$(command -v wasm-bindgen)}"
ESBUILD_BIN="${ESBUILD_BIN:-$bin/esbuild}"
WASM_OPT_BIN="${WASM_OPT_BIN:-$bin/wasm-opt}"
export WASM_BINDGEN_BIN ESBUILD_BIN WASM_OPT_BIN
# Size over speed for the edge bundle; only this build sees these (the workspace profile stays as is).
export CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_PANIC=abort
exec worker-build --release
