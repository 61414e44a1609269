#!/usr/bin/env bash
# Bulk speed of `mta-sts monitor` against a plain `mta-sts check` of the same domains: 2,000 fixture
# domains, two monitor runs into a fresh SQLite database, with the policy of 100 of them edited between the
# runs (max_age changed, id not: `policy-changed-id-unchanged`), then `check --json` of the same list against
# the same servers; both with --concurrency 64, under /usr/bin/time -v. Three rounds (RUNS); prints the
# median (min–max) of each, their CPU time and the database size per domain-run. Fails unless every second
# run reports exactly the edited domains as changed.
set -euo pipefail
cd "$(dirname "$0")/.."
N="${N:-2000}"
CHANGED="${CHANGED:-100}"
RUNS="${RUNS:-3}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release --locked -p mta-sts-cli --bin mta-sts --example fixture_servers >&2
bin="$CARGO_TARGET_DIR/release"
work="$(mktemp -d)"
trap 'exec 3>&-; kill "$fixtures" 2>/dev/null || true; rm -rf "$work"' EXIT

mkfifo "$work/hold"
"$bin/examples/fixture_servers" <"$work/hold" >"$work/flags" &
fixtures=$!
exec 3>"$work/hold"   # the fixture servers run until this closes; each line written to it edits domains
until [ -s "$work/flags" ]; do sleep 0.1; done
read -r -a flags <"$work/flags"

for i in $(seq -w 1 "$N"); do echo "d$i.bench.test"; done >"$work/domains"
awk -v step=$((N / CHANGED)) 'NR % step == 0' "$work/domains" | head -n "$CHANGED" >"$work/edited"

edits=0
# Serves the edited policy for exactly these domains (none: every domain as before), once the fixture says so.
edit() {
    echo "$*" >&3
    edits=$((edits + 1))
    until [ "$(grep -c '^edited' "$work/flags")" -ge "$edits" ]; do sleep 0.05; done
}

# Runs the command under /usr/bin/time -v, stdout into $work/out; sets $seconds (wall), $cpu (user + system)
# and $rc.
timed() {
    rc=0
    /usr/bin/time -v "$@" >"$work/out" 2>"$work/time" || rc=$?
    seconds=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$work/time")
    cpu=$(awk -F': ' '/(User|System) time/ {s+=$2} END {print s}' "$work/time")
}

# Fails, showing the command's stderr, unless its exit code is one of the given ones.
expect_rc() {
    case " $* " in *" $rc "*) ;; *) echo "exit code $rc, expected $*:" >&2; cat "$work/time" >&2; exit 1 ;; esac
}

# "median min max" of the numbers given.
stats() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)], v[1], v[NR]}'; }
median() { stats "$@" | cut -d' ' -f1; }
spread() { stats "$@" | awk '{printf "%.2f s (%.2f–%.2f)", $1, $2, $3}'; }

# The fixture makes a key pair per policy host on first use; a first check pays for all of them.
"$bin/mta-sts" check --json --concurrency 64 "${flags[@]}" --file "$work/domains" >/dev/null || true

first=() second=() plain=() second_cpu=() plain_cpu=() sizes=()
for round in $(seq 1 "$RUNS"); do
    db="$work/monitor-$round.db"
    edit ""
    timed "$bin/mta-sts" monitor --json --concurrency 64 --db "$db" "${flags[@]}" --file "$work/domains"
    expect_rc 0
    first+=("$seconds")
    [ "$(grep -c '"first_run":true' "$work/out")" -eq "$N" ] || { echo "round $round: the first run did not record $N first runs" >&2; exit 1; }

    edit $(cat "$work/edited")
    timed "$bin/mta-sts" monitor --json --concurrency 64 --db "$db" "${flags[@]}" --file "$work/domains"
    expect_rc 1   # policy-changed-id-unchanged is an error-level change
    second+=("$seconds") second_cpu+=("$cpu")
    changed=$(grep -c '"changes":\[{' "$work/out" || true)
    right=$(grep -F -f "$work/edited" "$work/out" | grep -c '"code":"policy-changed-id-unchanged"' || true)
    echo "round $round: the second run reported $changed changed domains ($right of the $CHANGED edited ones with policy-changed-id-unchanged)"
    if [ "$changed" -ne "$CHANGED" ] || [ "$right" -ne "$CHANGED" ]; then
        echo "round $round: expected exactly the $CHANGED edited domains to be reported changed" >&2
        exit 1
    fi
    # The monitor checkpoints and removes its WAL when it closes the database; count whatever is left.
    wal=0
    if [ -e "$db-wal" ]; then
        wal=$(wc -c <"$db-wal")
        echo "round $round: a WAL of $wal bytes was left (counted)"
    fi
    sizes+=($(($(wc -c <"$db") + wal)))

    timed "$bin/mta-sts" check --json --concurrency 64 "${flags[@]}" --file "$work/domains"
    expect_rc 0
    plain+=("$seconds") plain_cpu+=("$cpu")
    echo "round $round: monitor ${first[-1]} s, then ${second[-1]} s; check $seconds s"
done

echo "monitor, first run into a fresh database: $(spread "${first[@]}")"
echo "monitor, second run ($CHANGED changed):      $(spread "${second[@]}")"
echo "check --json:                             $(spread "${plain[@]}")"
echo "CPU time (user + system), second monitor run: $(spread "${second_cpu[@]}"), check: $(spread "${plain_cpu[@]}")"
awk -v m="$(median "${second[@]}")" -v c="$(median "${plain[@]}")" \
    'BEGIN {printf "second monitor run / check (medians): %.2f× (target ≤ 1.3×)\n", m/c}'
size=$(median "${sizes[@]}")
echo "database after two runs: $size bytes = $((size / (2 * N))) bytes per domain-run"
