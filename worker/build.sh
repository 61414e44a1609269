#!/bin/sh
# Builds the worker into build/ (index.js + index_bg.wasm, what wrangler.toml's `main` names) from tools the
# project already installs: cargo, wasm-bindgen (the CLI pinned with the crate), and esbuild and wasm-opt from
# node_modules (`npm ci`). Nothing is downloaded and no other build tool is compiled.
#
#   cargo build (wasm32, release) -> wasm-bindgen --target module -> wasm-opt -O -> esbuild bundles shim.js
set -eu
cd "$(dirname "$0")"
# The e2e tests and the benchmark build once and start wrangler with MTA_STS_WORKER_PREBUILT=1.
if [ "${MTA_STS_WORKER_PREBUILT:-0}" = 1 ] && [ -f build/index.js ]; then
    exit 0
fi
bin="$(pwd)/node_modules/.bin"
[ -x "${bin}/esbuild" ] && [ -x "${bin}/wasm-opt" ] || sh setup.sh
wasm_bindgen_version=$(sed -n 's/^WASM_BINDGEN_VERSION=\([0-9.]*\).*/\1/p' setup.sh)
wasm-bindgen --version 2>/dev/null | grep -q "${wasm_bindgen_version}" || sh setup.sh

# Size over speed for the edge bundle; only this build sees these (the workspace profile stays as is).
CARGO_PROFILE_RELEASE_OPT_LEVEL=s CARGO_PROFILE_RELEASE_LTO=true CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
    CARGO_PROFILE_RELEASE_PANIC=abort \
    cargo build -p mta-sts-worker --lib --release --target wasm32-unknown-unknown --locked
target_dir=$(cargo metadata --format-version 1 --no-deps --locked | node -e \
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')

# Built beside build/ and swapped in at the end, so that `wrangler dev` never loads half a build.
out=build.tmp
rm -rf "${out}"
mkdir -p "${out}"
# The `module` target imports the wasm as a source-phase import; the reset and abort flags are what
# shim.js's recovery after a panic relies on.
wasm-bindgen "${target_dir}/wasm32-unknown-unknown/release/mta_sts_worker.wasm" --out-dir "${out}" \
    --target module --out-name index --no-typescript \
    --experimental-reset-state-function --force-enable-abort-handler
# The wasm features workerd runs; an explicit list, so that newer binaryen encodings are never emitted.
# --debuginfo keeps the name section: a panic's stack trace in the edge's logs names the functions.
"${bin}/wasm-opt" "${out}/index_bg.wasm" -o "${out}/index_bg.opt.wasm" -O --debuginfo \
    --enable-mutable-globals --enable-sign-ext --enable-nontrapping-float-to-int --enable-bulk-memory \
    --enable-multivalue --enable-reference-types --enable-exception-handling
mv "${out}/index_bg.opt.wasm" "${out}/index_bg.wasm"
cp shim.js "${out}/shim.js"
# One ES module with the glue, its snippets and the shim; the wasm stays a separate module.
(cd "${out}" && "${bin}/esbuild" --bundle ./shim.js --format=esm --minify --external:./index_bg.wasm \
    '--external:cloudflare:*' --outfile=worker.js --log-level=warning)
# workerd (as wrangler bundles it) takes a plain import of a .wasm file as the compiled module.
sed 's/import source /import /' "${out}/worker.js" >"${out}/index.js.new"
rm -rf "${out}/shim.js" "${out}/worker.js" "${out}/snippets" "${out}/index.js"
mv "${out}/index.js.new" "${out}/index.js"
echo '*' >"${out}/.gitignore"
rm -rf build
mv "${out}" build
