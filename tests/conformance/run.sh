#!/bin/bash
# tests/conformance/run.sh [JIRGA] — the peers' own suites (docs/compat.md): TABARI's
# Validate.text through its Validate.project, and PETRARCH's unit-test records, both from
# ../shared/peers. Prints each suite's totals per category and fails when a pass count
# drops below tests/conformance/baseline.txt; then the peer dictionaries of
# tests/conformance/bad/ must each fail to load with the message beside them.
# Skips (exit 0, with a message) when ../shared is absent.
set -u
cd "$(dirname "$0")/../.."
J=${1:-./jirga}
PEERS=../shared/peers
status=0
if [ ! -d "$PEERS/tabari" ]; then
    echo "skip   conformance suites: $PEERS is absent (it is beside the repository in development)"
else
    suite() { # suite NAME FILE
        local name=$1 file=$2 out base got
        out=$(mktemp)
        "$J" validate "$file" >"$out" || { echo "$name: jirga validate failed"; rm -f "$out"; return 1; }
        sed -n '/^by category:/,$p' "$out"
        got=$(tail -1 "$out" | awk '{ print $1 }')
        base=$(awk -v n="$name" '$1 == n { print $2 }' tests/conformance/baseline.txt)
        echo "$name: $got passed (baseline $base)"
        rm -f "$out"
        [ "$got" -ge "$base" ]
    }
    suite tabari "$PEERS/tabari/Validate.project" || status=1
    suite petrarch "$PEERS/petrarch-unittest/PETR.UnitTest.records.xml" || status=1
fi
# Hostile peer dictionaries: CASE.FORMAT.KIND must fail to load with CASE.stderr's message.
for f in tests/conformance/bad/*.*.*; do
    case $f in *.stderr) continue ;; esac
    base=${f%%.*}
    rest=${f#"$base".}
    format=${rest%%.*}
    kind=${rest#*.}
    if "$J" code --dict-format "$format" "--$kind" "$f" /dev/null >/dev/null 2>"$base.out"; then
        echo "$f: loaded, but should fail"
        status=1
    elif ! diff -u "$base.stderr" "$base.out"; then
        status=1
    fi
    rm -f "$base.out"
done
exit $status
