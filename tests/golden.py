#!/usr/bin/env python3
"""Golden tests: code an input (JSON Lines or a text file) and compare the events with the
expected file beside it, document by document. Prints one line per case and a diff for
each change; exits 1 when any case differs. With --update, writes the new expected file
after showing every change (review it before committing)."""
import argparse, difflib, json, subprocess, sys
from collections import OrderedDict

def run(jirga, inp, date):
    cmd = [jirga, "code"]
    if date:
        cmd += ["--date", date]
    cmd.append(inp)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit("golden: %s exited %d" % (" ".join(cmd), p.returncode))
    return p.stdout.splitlines()

def by_doc(lines, ids):
    out = OrderedDict((i, []) for i in ids)
    for line in lines:
        if line.strip():
            out.setdefault(json.loads(line)["doc"], []).append(line)
    return out

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jirga", default="./jirga")
    ap.add_argument("--date")
    ap.add_argument("--update", action="store_true")
    ap.add_argument("input")
    ap.add_argument("expected")
    a = ap.parse_args()
    if a.input.endswith(".jsonl"):
        ids = [json.loads(l)["id"] for l in open(a.input) if l.strip()]
    else:
        ids = [a.input.rsplit("/", 1)[-1].rsplit(".", 1)[0]]
    got_lines = run(a.jirga, a.input, a.date)
    try:
        want_lines = open(a.expected).read().splitlines()
    except FileNotFoundError:
        want_lines = []
    got, want = by_doc(got_lines, ids), by_doc(want_lines, ids)
    passed = failed = 0
    for doc in got:
        g, w = got[doc], want.get(doc, [])
        if g == w:
            passed += 1
            continue
        failed += 1
        print("changed: %s" % doc)
        for d in difflib.unified_diff(w, g, "expected", "got", lineterm="", n=0):
            print("    " + d[:400])
    if a.update:
        with open(a.expected, "w") as f:
            f.write("".join(l + "\n" for l in got_lines))
        print("golden: wrote %s (%d changed cases)" % (a.expected, failed))
        return 0
    print("golden %s: %d passed, %d changed" % (a.input, passed, failed))
    return 1 if failed else 0

sys.exit(main())
