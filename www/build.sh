#!/bin/sh
# Builds the web app into dist/ with Trunk (release: `profile.web`, then wasm-opt -Oz), offline: Trunk
# downloads nothing; it takes wasm-bindgen (same version as Cargo.lock) and binaryen's wasm-opt (from
# worker/node_modules, `sh worker/setup.sh`) from PATH. Extra arguments go to each `trunk build`.
#
# One bundle per page: index.html (the check) -> dist/; www/generate.html, www/preflight.html and
# www/embed.html, www/rules.html -> dist/<page>.html plus their bundles (wrangler serves /generate from generate.html, and
# so on).
set -eu
cd "$(dirname "$0")/.."
TRUNK_VERSION=0.21.14   # trunk 0.22 needs a newer rustc
if ! trunk --version 2>/dev/null | grep -q "${TRUNK_VERSION}"; then
    cargo install trunk --version "${TRUNK_VERSION}" --locked
fi
[ -x worker/node_modules/.bin/wasm-opt ] || sh worker/setup.sh
PATH="$(pwd)/worker/node_modules/.bin:${PATH}"
export PATH
trunk build --release --offline "$@"
for page in generate preflight embed rules; do
    trunk build --release --offline "$@" --dist "target/trunk-${page}" "www/${page}.html"
    cp "target/trunk-${page}/mta-sts-${page}.js" "target/trunk-${page}/mta-sts-${page}_bg.wasm" dist/
    cp "target/trunk-${page}/index.html" "dist/${page}.html"
done
