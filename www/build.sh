#!/bin/sh
# Builds the web app into dist/ with Trunk (release: `profile.web`, then wasm-opt -Oz), offline: Trunk
# downloads nothing; it takes wasm-bindgen (same version as Cargo.lock) and binaryen's wasm-opt (from
# worker/node_modules, `sh worker/setup.sh`) from PATH. Extra arguments go to `trunk build`.
set -eu
cd "$(dirname "$0")/.."
TRUNK_VERSION=0.21.14   # trunk 0.22 needs a newer rustc
if ! trunk --version 2>/dev/null | grep -q "${TRUNK_VERSION}"; then
    cargo install trunk --version "${TRUNK_VERSION}" --locked
fi
[ -x worker/node_modules/.bin/wasm-opt ] || sh worker/setup.sh
PATH="$(pwd)/worker/node_modules/.bin:${PATH}"
export PATH
exec trunk build --release --offline "$@"
