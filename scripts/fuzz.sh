#!/usr/bin/env bash
# A fuzzing campaign: every cargo-fuzz target in fuzz/, one after the other, SECONDS each, seeded from the
# fixture corpus; prints each target's execution count and fails when any target crashed.
#
#   scripts/fuzz.sh SECONDS [TARGET...]
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`). Built without
# sanitizers (`-s none`), for throughput: the targets' own assertions and Rust's bounds and overflow checks
# (debug assertions stay on) are what finds bugs here. Except `report`: mail-parser 0.11.9 has a
# `debug_assert!` that damaged nested multipart emails trip (message.rs:485; two such inputs are in
# tests/fixtures/report-crashes/). Release builds compile it out and the reader contains it in debug
# builds, but libFuzzer's panic hook aborts before that, so `report` runs without debug assertions, built
# in a target directory of its own. A crash leaves its input in fuzz/artifacts/TARGET/;
# make it a fixture in tests/fixtures/ before fixing it, so the case stays tested.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-}"
case "${seconds}" in
    '' | *[!0-9]*) echo "usage: scripts/fuzz.sh SECONDS [TARGET...] (SECONDS per target, a whole number)" >&2; exit 2 ;;
esac
shift
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2; exit 2; }
rustup run nightly rustc --version >/dev/null 2>&1 || { echo "the nightly toolchain is missing: rustup toolchain install nightly" >&2; exit 2; }

if [ "$#" -gt 0 ]; then targets=("$@"); else mapfile -t targets < <(cargo +nightly fuzz list); fi

# Seeds: the fixture corpus, as each target reads its input; earlier campaigns' findings are kept.
cargo run -q --locked --example fuzz_seeds -- fuzz/corpus
# The flags a target runs with.
flags() {
    case "$1" in
        # -O: cargo-fuzz's release build without debug assertions (its default build has them).
        report) echo "-O --target-dir fuzz/target/no-debug-assertions" ;;
        *) echo "--debug-assertions" ;;
    esac
}

logs="$(mktemp -d)"
trap 'rm -rf "${logs}"' EXIT
failed=()
printf '%-12s %14s %8s  %s\n' target executions exec/s result
for target in "${targets[@]}"; do
    log="${logs}/${target}.log"
    # A target without fixture seeds starts from an empty corpus.
    mkdir -p "fuzz/corpus/${target}"
    # shellcheck disable=SC2046 # flags() is a list of words.
    if cargo +nightly fuzz run -s none $(flags "${target}") "${target}" "fuzz/corpus/${target}" -- \
        -max_total_time="${seconds}" -print_final_stats=1 >"${log}" 2>&1; then
        result=ok
    else
        # libFuzzer names the input it crashed on; anything else is a failure to build or to start.
        artifact="$(grep -o 'fuzz/artifacts/[^ ]*crash-[0-9a-f]*' "${log}" | tail -1 || true)"
        result="${artifact:+CRASH: ${artifact}}"
        result="${result:-FAILED (its log follows)}"
        failed+=("${target}")
    fi
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "${log}" | tail -1)"
    rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "${log}" | tail -1)"
    printf '%-12s %14s %8s  %s\n' "${target}" "${execs:-?}" "${rate:-?}" "${result}"
    [ "${result}" = ok ] || tail -40 "${log}" >&2
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "failed: ${failed[*]} (a crash's input is under fuzz/artifacts/; make it a fixture, then fix)" >&2
    exit 1
fi
