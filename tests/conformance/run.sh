#!/bin/bash
# tests/conformance/run.sh [JIRGA] — the peers' own suites (docs/compat.md): TABARI's
# Validate.text through its Validate.project, and PETRARCH's unit-test records, both from
# ../shared/peers. Prints each suite's totals per category and fails when a pass count
# drops below tests/conformance/baseline.txt; then the peer dictionaries of
# tests/conformance/bad/ must each fail to load with the message beside them, and those of
# tests/conformance/warn/ load with the warnings beside them.
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
    # jirga code with a TABARI project: the suite's first record, one event
    printf 'Arnor is about to restore full diplomatic ties with Gondor almost five years after crowds trashed its embassy.\n' |
        "$J" code --dict-format tabari --project "$PEERS/tabari/Validate.project" --date 1995-01-01 --input text - |
        grep -q '"source":{"code":"ARN".*"target":{"code":"GON".*"cameo":"064"' ||
        { echo "jirga code --dict-format tabari: ARN GON 064 expected"; status=1; }
    # the Phoenix set loads (its few bad lines are warnings) and codes; the time is printed
    P=$PEERS/phoenix
    start=$(date +%s%N)
    if ! echo "Russian troops attacked Ukrainian positions near Bakhmut." |
        "$J" code --dict-format petrarch --verbs "$P/CAMEO.2.0.txt" \
            --actors "$P/Phoenix.Countries.actors.txt,$P/Phoenix.International.actors.txt,$P/Phoenix.MilNonState.actors.txt" \
            --agents "$P/Phoenix.agents.txt" --discards "$P/Phoenix.discards.txt" --date 2023-01-01 --input text - |
        grep -q '"source":{"code":"RUSMIL"'; then
        echo "the Phoenix dictionaries did not code RUSMIL"
        status=1
    fi
    echo "Phoenix set loaded and coded in $((($(date +%s%N) - start) / 1000000)) ms"
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
# Peer dictionaries that load with warnings: `jirga dict check` must print CASE.stderr.
for f in tests/conformance/warn/*.*.*; do
    case $f in *.stderr) continue ;; esac
    base=${f%%.*}
    rest=${f#"$base".}
    format=${rest%%.*}
    kind=${rest#*.}
    if ! "$J" dict check --dict-format "$format" "--$kind" "$f" >/dev/null 2>"$base.out"; then
        echo "$f: does not load"
        cat "$base.out"
        status=1
    elif ! diff -u "$base.stderr" "$base.out"; then
        status=1
    fi
    rm -f "$base.out"
done
exit $status
