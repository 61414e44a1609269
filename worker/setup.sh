#!/bin/sh
# Installs what building and running the worker needs, from the registries only; quick when all is there.
set -eu
cd "$(dirname "$0")"
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen in Cargo.lock

rustup target add wasm32-unknown-unknown
if ! wasm-bindgen --version 2>/dev/null | grep -q "${WASM_BINDGEN_VERSION}"; then
    # No --locked: the CLI's own lockfile names a crate version the registry lacks.
    cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}"
fi
command -v node >/dev/null || { echo "Node.js (20 or newer) is needed for wrangler: apt-get install nodejs npm" >&2; exit 1; }
# wrangler (workerd), esbuild and binaryen's wasm-opt, exactly as package-lock.json pins them.
if [ ! -x node_modules/.bin/wrangler ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
