#!/bin/sh
# golden-update.sh — prints every change of golden output, then writes the new expected
# files. Review the printed diff (and git diff) before committing.
set -u
cd "$(dirname "$0")/.."
python3 tests/golden.py --update tests/golden/sentences.jsonl tests/golden/sentences.expected.jsonl
python3 tests/golden.py --update tests/golden/documents.jsonl tests/golden/documents.expected.jsonl
python3 tests/golden.py --update --date 2021-03-09 examples/afghan-talks.txt tests/golden/afghan-talks.expected.jsonl
for f in tests/golden/explain/*.txt; do
    ./jirga explain --date 2021-01-17 "$(cat "$f")" >"${f%.txt}.explain.new" 2>&1
    diff -u "${f%.txt}.explain" "${f%.txt}.explain.new"
    mv "${f%.txt}.explain.new" "${f%.txt}.explain"
done
