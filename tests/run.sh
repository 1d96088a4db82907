#!/bin/bash
# run.sh — every test of jirga: unit tests, golden events and explanations, the seed
# article, bad input and bad dictionaries, determinism; the golden and bad-input tests
# run again under AddressSanitizer + UndefinedBehaviorSanitizer (build-san/jirga).
# Last line: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."
SHARED=../shared
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0
failed=0
skipped=0

check() { # check NAME COMMAND...: one test
    local name=$1
    shift
    if "$@" >"$TMP/log" 2>&1; then
        passed=$((passed + 1))
        echo "ok     $name"
    else
        failed=$((failed + 1))
        echo "FAILED $name"
        sed 's/^/    /' "$TMP/log" | head -60
    fi
}

# ---- unit tests (cmocka) ----------------------------------------------------------------
for t in build/tests/* build-san/tests/*; do
    [ -x "$t" ] && check "unit $t" "$t"
done

# ---- golden tests ------------------------------------------------------------------------
golden_all() { # golden_all JIRGA
    local j=$1 ok=0
    python3 tests/golden.py --jirga "$j" tests/golden/sentences.jsonl tests/golden/sentences.expected.jsonl || ok=1
    python3 tests/golden.py --jirga "$j" tests/golden/documents.jsonl tests/golden/documents.expected.jsonl || ok=1
    python3 tests/golden.py --jirga "$j" --date 2021-03-09 examples/afghan-talks.txt \
        tests/golden/afghan-talks.expected.jsonl || ok=1
    return $ok
}
explain_all() { # explain_all JIRGA: golden `jirga explain` output
    local j=$1 ok=0
    for f in tests/golden/explain/*.txt; do
        "$j" explain --date 2021-01-17 "$(cat "$f")" >"$TMP/explain.out" 2>&1
        if ! diff -u "${f%.txt}.explain" "$TMP/explain.out"; then
            echo "changed: $f"
            ok=1
        fi
    done
    return $ok
}
check "golden events" golden_all ./jirga
check "golden explain" explain_all ./jirga
check "golden events (asan+ubsan)" golden_all build-san/jirga
check "golden explain (asan+ubsan)" explain_all build-san/jirga

# ---- the seed article -----------------------------------------------------------------------
seed() { # the expectations the coder issue asks for; the others need the document pass
    "$1" code --date 2021-01-17 "$SHARED/examples/seed-article.txt" >"$TMP/seed.jsonl" || return 1
    python3 "$SHARED/tools/seed_check.py" "$TMP/seed.jsonl" >"$TMP/seed.out"
    cat "$TMP/seed.out"
    for want in "PASS Taliban-US meeting" "PASS condemnation of killings" "PASS Afghan officials' statement"; do
        grep -q "$want" "$TMP/seed.out" || return 1
    done
    ! grep -q "FALSE events" "$TMP/seed.out"
}
if [ -f "$SHARED/examples/seed-article.txt" ]; then
    check "seed article" seed ./jirga
    check "seed article (asan+ubsan)" seed build-san/jirga
else
    echo "skip   seed article: $SHARED is absent (it is beside the repository in development)"
fi

# ---- determinism ----------------------------------------------------------------------------
deterministic() {
    ./jirga code tests/golden/sentences.jsonl tests/golden/documents.jsonl >"$TMP/a" &&
        ./jirga code tests/golden/sentences.jsonl tests/golden/documents.jsonl >"$TMP/b" && cmp "$TMP/a" "$TMP/b"
}
check "deterministic output" deterministic
threads_same() { # -j 2 prints exactly what -j 1 prints
    ./jirga code -j 1 tests/golden/sentences.jsonl tests/golden/documents.jsonl >"$TMP/a" &&
        build-san/jirga code -j 2 tests/golden/sentences.jsonl tests/golden/documents.jsonl >"$TMP/b" &&
        cmp "$TMP/a" "$TMP/b"
}
check "-j 2 output identical to -j 1 (asan+ubsan)" threads_same
full_disk() { # full_disk JIRGA: output that cannot be written is an error with its reason, -j 1 and -j 2
    local j=$1 n
    [ -w /dev/full ] || { echo "no /dev/full on this machine"; return 1; }
    for n in 1 2; do
        "$j" code -j $n tests/golden/documents.jsonl >/dev/full 2>"$TMP/full.err"
        local status=$?
        [ "$status" -ne 0 ] || { echo "-j $n: exit 0 on a full disk"; return 1; }
        grep -q "jirga code: writing output: No space left on device" "$TMP/full.err" || { cat "$TMP/full.err"; return 1; }
    done
}
check "a full disk: jirga code says it could not write, and fails" full_disk ./jirga
check "a full disk (asan+ubsan)" full_disk build-san/jirga

# ---- folders --------------------------------------------------------------------------------
folders() { # folders JIRGA: a directory is every file below it, in name order, each named by its path
    local j=$1 t="$TMP/tree"
    rm -rf "$t" && mkdir -p "$t/2021/b" "$t/2021/a" "$t/.cache" "$t/z" &&
        cp examples/afghan-talks.txt "$t/2021/b/index.txt" &&
        cp ../shared/examples/seed-article.txt "$t/2021/a/index.txt" &&
        cp examples/afghan-talks.txt "$t/.cache/index.txt" &&
        head -2 tests/golden/documents.jsonl >"$t/z/more.jsonl" &&
        ln -s "$t" "$t/z/loop" || return 1
    "$j" code --date 2021-03-09 "$t" >"$TMP/tree.out" 2>"$TMP/tree.err" || { cat "$TMP/tree.err"; return 1; }
    local docs want
    docs=$(python3 -c 'import sys, json
seen = []
for line in open(sys.argv[1]):
    d = json.loads(line)["doc"]
    if d not in seen: seen.append(d)
print(" ".join(seen))' "$TMP/tree.out")
    want="2021/a/index 2021/b/index $(head -2 tests/golden/documents.jsonl | python3 -c 'import sys, json
print(" ".join(json.loads(l)["id"] for l in sys.stdin))')"
    [ "$docs" = "$want" ] || { echo "documents: '$docs', want '$want'"; return 1; }
    # a file found in the folder codes as it does alone
    "$j" code --date 2021-03-09 examples/afghan-talks.txt | sed 's/"doc":"afghan-talks"/"doc":"2021\/b\/index"/' >"$TMP/alone" &&
        grep -F '"doc":"2021/b/index"' "$TMP/tree.out" | cmp - "$TMP/alone" || { echo "2021/b/index differs from the file alone"; return 1; }
    # two index.txt in two folders stay two documents in the store
    "$j" ingest --db "$TMP/tree.db" --date 2021-03-09 "$t" 2>"$TMP/ingest.err" >/dev/null || { cat "$TMP/ingest.err"; return 1; }
    grep -q "holds 4 documents" "$TMP/ingest.err" || { cat "$TMP/ingest.err"; return 1; }
}
check "a folder: every file below it, in name order, named by its path" folders ./jirga
check "a folder (asan+ubsan)" folders build-san/jirga

# ---- bad input ------------------------------------------------------------------------------
bad_input() { # bad_input JIRGA
    local j=$1
    for f in tests/bad-input/*.txt tests/bad-input/*.jsonl; do
        local want_status want_err
        want_status=$(sed -n 's/^status: //p' "$f.expect")
        want_err=$(sed -n 's/^stderr: //p' "$f.expect")
        "$j" code --date 2021-01-01 "$f" >"$TMP/out" 2>"$TMP/err"
        local status=$?
        [ "$status" = "$want_status" ] || { echo "$f: exit $status, want $want_status"; cat "$TMP/err"; return 1; }
        if [ -n "$want_err" ] && ! grep -qF "$want_err" "$TMP/err"; then
            echo "$f: stderr lacks '$want_err':"
            cat "$TMP/err"
            return 1
        fi
        if [ -f "$f.events" ] && ! diff -u "$f.events" "$TMP/out"; then
            return 1
        fi
    done
}
check "bad input" bad_input ./jirga
check "bad input (asan+ubsan)" bad_input build-san/jirga

bad_dicts() { # each tests/bad-dict/CASE/ must fail to load with CASE.stderr's message
    for d in tests/bad-dict/*/; do
        local c=${d%/}
        rm -rf "$TMP/dict" && mkdir -p "$TMP/dict" && cp -r "$c" "$TMP/dict/en" &&
            cp dictionaries/cameo.tsv "$TMP/dict/"
        if build-san/jirga dict check "$TMP/dict/en" >"$TMP/out" 2>"$TMP/err"; then
            echo "$c: loaded, but should fail"
            return 1
        fi
        sed "s|$TMP/||" "$TMP/err" >"$TMP/err2"
        diff -u "$c.stderr" "$TMP/err2" || return 1
    done
}
check "bad dictionaries" bad_dicts
check "project dictionary loads clean" ./jirga dict check

# ---- event store: ingest, dedup, query, stats, exports, kill -9 ---------------------------------
# tests/store.py computes what the store must hold from `jirga code` output, independently
# of the C code; tests/store/ holds a hand-made deduplication case (see its README.md).
./jirga code tests/golden/sentences.jsonl tests/golden/documents.jsonl >"$TMP/corpus.events" 2>/dev/null
store_golden() { # store_golden JIRGA: ingest the golden corpus; every record is kept as coded
    local j=$1 db=$TMP/golden.db
    rm -f "$db" "$db"-*
    "$j" ingest --db "$db" -j 2 --batch 50 tests/golden/sentences.jsonl tests/golden/documents.jsonl || return 1
    python3 tests/store.py consistent "$db" || return 1
    "$j" export --db "$db" --all --format jsonl >"$TMP/all.jsonl" || return 1
    python3 tests/store.py roundtrip "$TMP/corpus.events" "$TMP/all.jsonl"
}
store_queries() { # store_queries JIRGA: queries over the golden store give the reference's events
    local j=$1 db=$TMP/golden.db q
    local queries=("--dyad SAU-QAT" "--dyad AFG-USA --both" "--dyad USA-AFG" "--actor IGO" "--root 19"
        "--root 04 --from 2020-01-01 --to 2020-12" "--from 2022-08 --to 2022-08-31" "--from 2022-08-15 --to 2022-10"
        "--to 2018" "--country AFG --quad 4" "--role GOV --cameo 04" "--text 'peace talks'" "--text killed --root 19")
    for q in "${queries[@]}"; do
        local args
        eval "args=($q)"
        python3 tests/store.py expect --code "$TMP/corpus.events" \
            --input tests/golden/sentences.jsonl tests/golden/documents.jsonl "${args[@]}" >"$TMP/want" &&
            "$j" query --db "$db" "${args[@]}" >"$TMP/q.jsonl" && python3 tests/store.py got "$TMP/q.jsonl" >"$TMP/got" ||
            return 1
        [ -s "$TMP/want" ] || { echo "query $q: the reference selects nothing; pick another"; return 1; }
        diff -u "$TMP/want" "$TMP/got" >"$TMP/diff" || { echo "query $q:"; cat "$TMP/diff"; return 1; }
        echo "query $q: $(wc -l <"$TMP/got") event(s) as expected"
    done
}
store_dedup() { # store_dedup JIRGA: NumMentions, NumSources, NumArticles on tests/store/dedup.jsonl
    local j=$1 db=$TMP/dedup.db
    rm -f "$db" "$db"-*
    got() { "$j" query --db "$db" "$@" >"$TMP/q.jsonl" && python3 tests/store.py got "$TMP/q.jsonl"; }
    "$j" ingest --db "$db" tests/store/dedup.jsonl && got >"$TMP/got" && diff -u tests/store/dedup.expected "$TMP/got" ||
        return 1
    "$j" ingest --db "$db" tests/store/dedup-replace.jsonl && got >"$TMP/got" &&
        diff -u tests/store/dedup-replace.expected "$TMP/got" || return 1
    "$j" ingest --db "$db" tests/store/dedup.jsonl tests/store/dedup.jsonl && got >"$TMP/got" &&
        diff -u tests/store/dedup.expected "$TMP/got" || return 1
    python3 tests/store.py consistent "$db" || return 1
    # --text finds an event by any sentence that coded it, not only by its first
    got --text again >"$TMP/got" && head -1 tests/store/dedup.expected | diff -u - "$TMP/got" || return 1
    got --dyad USA-AFG >"$TMP/got" && [ ! -s "$TMP/got" ] || { echo "--dyad USA-AFG is directed"; return 1; }
    got --dyad USA-AFG --both >"$TMP/got" && diff -u tests/store/dedup.expected "$TMP/got" || return 1
    got --from 2021-03-10 >"$TMP/got" && tail -1 tests/store/dedup.expected | diff -u - "$TMP/got" || return 1
    "$j" stats --db "$db" --by week --dyad AFG-USA >"$TMP/stats" || return 1
    grep -qx '2021-03-08,2,7,2,0,0,0,2.0,1.00,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0' "$TMP/stats" ||
        { cat "$TMP/stats"; return 1; }
    "$j" stats --db "$db" --by day >"$TMP/stats" && [ "$(wc -l <"$TMP/stats")" = 3 ] || { cat "$TMP/stats"; return 1; }
}
store_formats() { # store_formats JIRGA: the exports, from the store and from `jirga code --format`
    local j=$1 db=$TMP/golden.db
    "$j" export --db "$db" --format gdelt >"$TMP/gdelt" && python3 tests/store.py columns 61 "$TMP/gdelt" || return 1
    "$j" code --format gdelt tests/golden/documents.jsonl tests/store/dedup.jsonl >"$TMP/gdelt" &&
        python3 tests/store.py columns 61 "$TMP/gdelt" || return 1
    "$j" code -j 2 --format gdelt tests/golden/documents.jsonl tests/store/dedup.jsonl >"$TMP/gdelt2" &&
        cmp "$TMP/gdelt" "$TMP/gdelt2" || { echo "code -j 2 --format gdelt differs from -j 1"; return 1; }
    "$j" export --db "$db" --format phoenix >"$TMP/phoenix" && python3 tests/store.py columns 26 "$TMP/phoenix" ||
        return 1
    "$j" export --db "$db" --format csv >"$TMP/csv" && python3 tests/store.py csv 33 "$TMP/csv" || return 1
    "$j" code --format csv tests/golden/documents.jsonl >"$TMP/csv" && python3 tests/store.py csv 33 "$TMP/csv" ||
        return 1
    "$j" export --db "$db" --format plover >"$TMP/plover" && "$j" code --format plover tests/golden/documents.jsonl \
        >>"$TMP/plover" || return 1
    python3 -c 'import json, sys
n = 0
for line in open(sys.argv[1]):
    e = json.loads(line); n += 1
    assert isinstance(e["actors"], list) and isinstance(e["recipients"], list) and isinstance(e["event_context"], list)
assert n > 0
print(n, "PLOVER records")' "$TMP/plover" || return 1
    # a CAMEO code with PLOVER columns in dictionaries/cameo.tsv gets them
    grep -q '"cameo":"190".*' "$TMP/plover" && ! grep '"cameo":"190"' "$TMP/plover" | grep -qv '"event_type":"ASSAULT"' ||
        { echo "190 is not ASSAULT"; return 1; }
}
for j in ./jirga build-san/jirga; do
    tag=""
    [ "$j" = build-san/jirga ] && tag=" (asan+ubsan)"
    check "store: ingest the golden corpus, every record kept$tag" store_golden "$j"
    check "store: queries by dyad, date, root, text, ... as a reference computes$tag" store_queries "$j"
    check "store: deduplication counts, replacement, idempotence$tag" store_dedup "$j"
    check "store: GDELT rows of 61 columns, Phoenix, CSV, PLOVER$tag" store_formats "$j"
done

# A big generated input (bench/gen.py, dated over 90 days, URLs on 7 hosts), ingested once
# uninterrupted; then an ingest killed with kill -9 midway must leave a consistent store,
# and running it again must give the same store.
python3 bench/gen.py "$TMP/gen.jsonl" 20000 && python3 tests/store.py vary "$TMP/gen.jsonl" >"$TMP/big.jsonl"
./jirga ingest --db "$TMP/fresh.db" --batch 20 "$TMP/big.jsonl" 2>/dev/null
store_kill() { # store_kill JIRGA [RERUN OPTIONS]: killed twice, then run to the end
    local j=$1 db=$TMP/kill.db n pid
    shift
    rm -f "$db" "$db"-*
    for n in 100 1000; do
        # shellcheck disable=SC2068
        "$j" ingest --db "$db" --batch 20 -j 2 $([ "$n" = 1000 ] && echo "$@") "$TMP/big.jsonl" 2>/dev/null &
        pid=$!
        python3 tests/store.py kill $pid "$db" $n || { wait $pid; return 1; }
        wait $pid
        python3 tests/store.py consistent "$db" || return 1
    done
    "$j" ingest --db "$db" "$@" "$TMP/big.jsonl" || return 1
    python3 tests/store.py consistent "$db" || return 1
    python3 tests/store.py counts "$TMP/fresh.db" >"$TMP/want" && python3 tests/store.py counts "$db" >"$TMP/got" &&
        diff -u "$TMP/want" "$TMP/got" || return 1
    # the same events with the same counts (ids may differ: cut the first column)
    ./jirga export --db "$TMP/fresh.db" --format csv | cut -d, -f2- >"$TMP/want" &&
        ./jirga export --db "$db" --format csv | cut -d, -f2- >"$TMP/got" && cmp "$TMP/want" "$TMP/got"
}
check "store: kill -9 twice midway, consistent; re-run gives the uninterrupted store" store_kill ./jirga
check "store: kill -9 twice midway, consistent; re-run --resume gives it (asan+ubsan)" store_kill build-san/jirga --resume

# ---- PostgreSQL store, sharded coding (docs/scale.md) ------------------------------------------
# tests/pg.py starts a throwaway PostgreSQL server and runs its tests against it (exit 77:
# it cannot be started here, said on its last line); tests/shard.py codes a corpus in pieces.
python3 tests/pg.py --jirga ./jirga --san build-san/jirga >"$TMP/pg.out" 2>&1
if [ $? = 77 ]; then
    echo "skip   PostgreSQL store: $(tail -1 "$TMP/pg.out")"
else
    pg_result() { # pg_result NAME: tests/pg.py said "ok NAME"
        sed -n "/^\(ok\|FAILED\) $1 /,/^\(ok\|FAILED\) /p; /^PostgreSQL/p" "$TMP/pg.out"
        grep -q "^ok $1 " "$TMP/pg.out" || { cat "$TMP/pg.out"; return 1; }
    }
    check "postgres: 4 concurrent ingesters give one SQLite ingest's events, counts, exports" pg_result concurrent
    check "postgres: deduplication counts, replacement, idempotence" pg_result dedup
    check "postgres: bad input (invalid UTF-8, NUL bytes) stored as SQLite stores its events" pg_result badinput
    check "postgres: unix socket URL; a refused connection says why" pg_result socket
    check "postgres: ingest, exports, queries (asan+ubsan)" pg_result asan
fi
check "jirga code over GNU parallel --pipe and in splits gives -j 1's events per document" python3 tests/shard.py

# ---- fuzz corpora replayed (tests/fuzz/) ----------------------------------------------------
# `make fuzz` fuzzes for minutes; here every seed and every saved finding runs once through
# every libFuzzer target (built by `make test` when clang is installed).
if command -v "${FUZZ_CC:-clang-14}" >/dev/null 2>&1 && [ -x build-fuzz/fuzz_code ]; then
    check "fuzz corpora and saved crashes replayed (asan+ubsan)" tests/fuzz/run.sh --replay
else
    echo "skip   fuzz replay: clang-14 or build-fuzz/ is missing (scripts/setup.sh installs clang-14 and libclang-rt-14-dev; make fuzz-build builds)"
fi

# ---- hostile input (tests/hostile/) ----------------------------------------------------------
# Each case checks exit status, messages, that the other documents are coded, valid JSON
# output, time and peak memory. The big ones (50 MB, 1,000,000 documents) run at full size
# with ./jirga and smaller under AddressSanitizer.
for c in $(python3 tests/hostile/hostile.py --list | cut -d' ' -f1); do
    check "hostile $c" python3 tests/hostile/hostile.py --jirga ./jirga "$c"
    check "hostile $c (asan+ubsan)" python3 tests/hostile/hostile.py --jirga build-san/jirga --asan "$c"
done

# ---- jirga serve: the HTTP API and the web page (tests/serve/, tests/browser/) ----------------
check "serve: every endpoint, 400/413/404/405, concurrency, SIGTERM keeps an ingest" python3 tests/serve/api.py --jirga ./jirga
check "serve: the same under asan+ubsan, no leak at exit" python3 tests/serve/api.py --jirga build-san/jirga
browser() { # playwright-core (npm ci into tests/browser/node_modules) drives Debian's chromium
    if [ ! -d tests/browser/node_modules/playwright-core ]; then
        (cd tests/browser && npm ci --no-audit --no-fund) || { echo "npm ci in tests/browser failed"; return 1; }
    fi
    node tests/browser/page.js ./jirga
}
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ] && command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    check "serve: the web page in headless chromium (code, highlight, ingest, dyad chart, network)" browser
else
    skipped=$((skipped + 1))
    echo "skip   serve: the web page in headless chromium: /usr/bin/chromium, node or npm is missing (scripts/setup.sh installs chromium)"
fi

# ---- the peers' suites (tests/conformance/): TABARI and PETRARCH dictionaries and records ----
# (the suites skip with a message when $SHARED/peers is absent; the bad dictionaries always run)
check "conformance: TABARI and PETRARCH suites at or above tests/conformance/baseline.txt" \
    tests/conformance/run.sh ./jirga
check "conformance (asan+ubsan)" tests/conformance/run.sh build-san/jirga

# ---- accuracy on the development gold set ------------------------------------------------------
accuracy() { # loose F1 may not drop more than 0.02 below the recorded baseline
    ./jirga eval --gold tests/gold/dev.jsonl >"$TMP/eval" || return 1
    head -5 "$TMP/eval"
    local f1 base
    f1=$(awk '$1 == "loose" { print $7 }' "$TMP/eval")
    base=$(awk '$1 == "loose_f1" { print $2 }' tests/gold/baseline.txt)
    echo "loose F1 $f1, baseline $base"
    awk -v f="$f1" -v b="$base" 'BEGIN { exit !(f >= b - 0.02) }'
}
check "accuracy on tests/gold/dev.jsonl (loose F1 within 0.02 of baseline)" accuracy

[ "$skipped" -eq 0 ] || echo "$skipped skipped (each named above with why)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
