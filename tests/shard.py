#!/usr/bin/env python3
"""shard.py -- `jirga code` as a pure filter, for tests/run.sh (recipes in docs/scale.md).

  shard.py [--jirga J]

A corpus made from the project's own articles (tests/pg.py corpus(): 725 documents) is
coded once with `jirga code -j 1 FILE`, then in pieces the way a cluster runs it, each
piece through `jirga code --input jsonl -` on standard input:
  parallel   GNU parallel --pipe, 2 jobs, 30 kB blocks
  tiny       GNU parallel --pipe, reversed input, 10 kB blocks (a few dozen documents a process)
  splits     the input cut into 7 uneven line ranges run one by one, as Hadoop Streaming
             map tasks and Spark's RDD.pipe partitions do
Each must give the same events for every document, in the same order within it (the
pieces' outputs are compared after grouping by document). Prints "ok NAME" or
"FAILED NAME"; exit status 1 when one failed.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pg  # noqa: E402  (the corpus)

ROOT = pg.ROOT


def by_document(text):
    docs = {}
    for line in text.splitlines():
        docs.setdefault(json.loads(line)["doc"], []).append(line)
    return docs


def same(want, got):
    a, b = by_document(want), by_document(got)
    bad = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
    if bad:
        return "%d document(s) differ, e.g. %s" % (len(bad), bad[:5])
    return None


def code(jirga, args, stdin=None, shell=False):
    r = subprocess.run(args if not shell else args, input=stdin, capture_output=True, text=True, cwd=ROOT,
                       shell=shell)
    if r.returncode != 0:
        raise AssertionError("%s: exit %d: %s" % (args, r.returncode, r.stderr[-2000:]))
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--jirga", default="./jirga")
    args = ap.parse_args()
    jirga = os.path.abspath(os.path.join(ROOT, args.jirga))
    tmp = tempfile.mkdtemp(prefix="jirga-shard-")
    failed = 0
    try:
        docs = pg.corpus()
        corpus = os.path.join(tmp, "corpus.jsonl")
        pg.write_jsonl(corpus, docs)
        lines = open(corpus, encoding="utf-8").read().splitlines(True)
        want = code(jirga, [jirga, "code", "-j", "1", corpus])
        n = len(want.splitlines())
        print("jirga code -j 1: %d documents, %d events" % (len(docs), n))
        have_parallel = shutil.which("parallel") is not None
        cases = []
        if have_parallel:
            cases.append(("parallel", lambda: code(jirga, ["parallel", "--pipe", "-j", "2", "--block", "30k",
                                                           jirga, "code", "--input", "jsonl", "-"],
                                                   stdin="".join(lines))))
            cases.append(("tiny", lambda: code(jirga, ["parallel", "--pipe", "-j", "2", "--block", "10k",
                                                       jirga, "code", "--input", "jsonl", "-"],
                                               stdin="".join(reversed(lines)))))
        else:
            failed += 1
            print("FAILED parallel: GNU parallel is not installed (scripts/setup.sh installs the parallel package)")

        def splits():
            cuts = [0, 3, 50, 51, 200, 333, 600, len(lines)]
            return "".join(code(jirga, [jirga, "code", "--input", "jsonl", "-"], stdin="".join(lines[a:b]))
                           for a, b in zip(cuts, cuts[1:]))
        cases.append(("splits", splits))
        for name, fn in cases:
            try:
                got = fn()
                problem = same(want, got)
            except AssertionError as e:
                problem = str(e)
            if problem:
                failed += 1
                print("FAILED %s: %s" % (name, problem))
            else:
                print("ok %s: %d events, the same for every document" % (name, len(got.splitlines())))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
