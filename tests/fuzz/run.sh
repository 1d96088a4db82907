#!/bin/bash
# tests/fuzz/run.sh — runs the libFuzzer targets built by `make fuzz-build` (build-fuzz/).
#
#   tests/fuzz/run.sh TARGET...   fuzz each target for $FUZZ_SECONDS (default 60) from its
#                                 seed corpus tests/fuzz/TARGET/; new inputs go to
#                                 build-fuzz/corpus/TARGET/, findings (crash-*, leak-*,
#                                 timeout-*, oom-*) to build-fuzz/artifacts/TARGET-*.
#                                 Exit 1 if any target found something.
#   tests/fuzz/run.sh --replay    runs every seed (tests/fuzz/*/) and every saved finding
#                                 (tests/fuzz/crashes/) once through every target: the fast
#                                 regression check of `make test`. Findings listed in
#                                 tests/fuzz/crashes/KNOWN (one file name a line, with why)
#                                 are bugs not fixed yet: they are run and counted, and a
#                                 known one that passes is announced so it can be removed.
set -u
cd "$(dirname "$0")/../.."
B=${FUZZ_BUILD:-build-fuzz}
TARGETS="text dict jsonl code tables peer http"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
command -v llvm-symbolizer >/dev/null 2>&1 || export ASAN_SYMBOLIZER_PATH=/usr/bin/llvm-symbolizer-14

if [ "${1:-}" = "--replay" ]; then
    for t in $TARGETS; do
        [ -x "$B/fuzz_$t" ] || { echo "missing $B/fuzz_$t: run make fuzz-build"; exit 1; }
    done
    known=$(sed -n 's/^\([^# ][^ ]*\).*/\1/p' tests/fuzz/crashes/KNOWN 2>/dev/null)
    files=()
    for f in tests/fuzz/*/* ; do
        [ -f "$f" ] || continue
        case "$f" in */KNOWN|*/README*) continue ;; esac
        base=${f##*/}
        if [ "${f%/*}" = tests/fuzz/crashes ] && grep -qxF "$base" <<<"$known"; then
            continue
        fi
        files+=("$f")
    done
    status=0
    for t in $TARGETS; do
        if ! "$B/fuzz_$t" -timeout=30 -rss_limit_mb=4096 "${files[@]}" >"$B/replay-$t.log" 2>&1; then
            failing=$(grep -o 'Running: .*' "$B/replay-$t.log" | tail -1 | cut -c10-)
            echo "fuzz_$t fails on ${failing:-start-up, before any input}:"
            sed -n '/ERROR: \|runtime error\|invariant failed\|ALARM\|fuzz_code: /,/SUMMARY/p' "$B/replay-$t.log" |
                grep -v '^Shadow\|^  0x\|^=>0x\|BuildId.*fuzzer::\|libc_start\|in _start' | head -40
            status=1
        fi
    done
    echo "replayed ${#files[@]} inputs through $(wc -w <<<"$TARGETS") targets"
    for base in $known; do
        f=tests/fuzz/crashes/$base
        [ -f "$f" ] || { echo "KNOWN names $base, which is not in tests/fuzz/crashes/"; status=1; continue; }
        t=${base%%-*}
        if "$B/fuzz_$t" -timeout=30 -rss_limit_mb=4096 "$f" >"$B/replay-known.log" 2>&1; then
            echo "known finding $base no longer fails: remove it from tests/fuzz/crashes/KNOWN"
        else
            echo "known finding, not fixed yet: $base ($(grep -m1 -o 'ERROR: .*\|runtime error: .*\|invariant failed: .*\|timeout after .*' "$B/replay-known.log" | cut -c1-120))"
        fi
    done
    exit $status
fi

[ $# -gt 0 ] || set -- $TARGETS
seconds=${FUZZ_SECONDS:-60}
# The targets run side by side, FUZZ_JOBS at a time (default: one per core); each writes
# its log and exit status, summed up in order at the end.
jobs_max=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
fuzz_one() { # fuzz_one TARGET
    local t=$1 dict=()
    case $t in
    text | code) dict=(-dict=tests/fuzz/code.dict) ;;
    dict) dict=(-dict=tests/fuzz/dict.dict) ;;
    http) dict=(-dict=tests/fuzz/http.dict) ;;
    esac
    "$B/fuzz_$t" "${dict[@]}" -max_total_time="$seconds" -timeout=60 -rss_limit_mb=4096 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$B/artifacts/$t-" "$B/corpus/$t" "tests/fuzz/$t" \
        >"$B/fuzz-$t.log" 2>&1
    echo $? >"$B/fuzz-$t.status"
}
for t in "$@"; do
    [ -x "$B/fuzz_$t" ] || { echo "missing $B/fuzz_$t: run make fuzz-build"; exit 1; }
done
for t in "$@"; do
    mkdir -p "$B/corpus/$t" "$B/artifacts"
    rm -f "$B/fuzz-$t.status"
    echo "== fuzz_$t for ${seconds}s"
    fuzz_one "$t" &
    while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do
        wait -n || true
    done
done
wait
status=0
for t in "$@"; do
    if [ "$(cat "$B/fuzz-$t.status" 2>/dev/null)" != 0 ]; then
        echo "fuzz_$t found a problem (log: $B/fuzz-$t.log):"
        grep -m1 -A30 'ERROR\|runtime error\|invariant failed\|Test unit written' "$B/fuzz-$t.log" | head -40
        status=1
    fi
    echo "fuzz_$t:"
    grep '^stat::number_of_executed_units\|^stat::peak_rss_mb' "$B/fuzz-$t.log" | sed 's/^/    /'
done
exit $status
