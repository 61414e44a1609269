#!/bin/sh
# Builds the web app into dist/, which wrangler serves as static assets. One bundle per page:
#   index.html          -> dist/index.html      + mta-sts-web.js, mta-sts-web_bg.wasm (the check)
#   www/<page>.html     -> dist/<page>.html     + mta-sts-<page>.js, mta-sts-<page>_bg.wasm
#                          (generate, preflight, embed, rules, reports, history; wrangler serves /generate from
#                          generate.html…)
# plus www/style.css and www/static/ (boot.js loads each page's bundle; _headers sets the CSP).
#
# The tools are the ones the project installs anyway (`sh worker/setup.sh`): wasm-bindgen (the version of
# Cargo.lock), and binaryen's wasm-opt and esbuild from worker/node_modules. Nothing is downloaded and no other build
# tool is compiled. The HTML files are served as they are. Extra arguments go to `cargo build`
# (`.ci/run` passes --locked).
set -eu
cd "$(dirname "$0")/.."
[ -x worker/node_modules/.bin/wasm-opt ] && [ -x worker/node_modules/.bin/esbuild ] && command -v wasm-bindgen >/dev/null ||
    sh worker/setup.sh
PATH="$(pwd)/worker/node_modules/.bin:${PATH}"
export PATH

# `profile.web` (Cargo.toml): opt-level z, LTO, one codegen unit, panic=abort. All seven bins in one build,
# so the shared crates compile once.
cargo build -p mta-sts-web --bins --target wasm32-unknown-unknown --profile web "$@"
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
wasm_dir="${target_dir}/wasm32-unknown-unknown/web"

# esbuild (from worker/node_modules) minifies the wasm-bindgen glue, boot.js and style.css in place: about
# 2.5 KB less per page, gzipped. embed.js, which other sites include, keeps its comments.
minify() {
    esbuild "$1" --minify --log-level=warning --outfile="$1.min"
    mv "$1.min" "$1"
}

out=target/dist.partial
rm -rf "${out}"
mkdir -p "${out}"
for page in index:mta-sts-web generate:mta-sts-generate preflight:mta-sts-preflight embed:mta-sts-embed rules:mta-sts-rules reports:mta-sts-reports history:mta-sts-history; do
    name="${page%%:*}"; bundle="${page#*:}"
    wasm-bindgen --target web --no-typescript --out-dir "${out}" --out-name "${bundle}" "${wasm_dir}/${bundle}.wasm"
    wasm-opt -Oz "${out}/${bundle}_bg.wasm" -o "${out}/${bundle}_bg.wasm"
    minify "${out}/${bundle}.js"
    if [ "${name}" = index ]; then cp index.html "${out}/index.html"; else cp "www/${name}.html" "${out}/${name}.html"; fi
done
cp www/style.css www/static/boot.js www/static/_headers www/static/embed.js www/static/senders.json "${out}/"
minify "${out}/style.css"
minify "${out}/boot.js"
# Replaced whole, so dist/ never mixes two builds.
rm -rf dist
mv "${out}" dist
