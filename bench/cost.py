#!/usr/bin/env python3
"""The cost benchmark (make bench-cost): what coding one sentence costs in machine work,
counted by callgrind's simulated machine rather than timed, so that it does not depend on
what else runs on a shared computer. Codes the first COST_DOCS documents (default 2,000,
about 20,000 sentences) of the benchmark corpus with one thread, subtracts a run on one
empty document (start-up and dictionary load), and prints per sentence: instructions,
first-level data cache misses, last-level misses, mispredicted branches, and an estimate
of cycles from them; then the share of the document pass, in instructions."""
import json, os, re, shutil, subprocess, sys, tempfile

def callgrind(jirga, args, inp):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        p = subprocess.run(["valgrind", "--tool=callgrind", "--cache-sim=yes", "--branch-sim=yes",
                            "--callgrind-out-file=" + out, jirga, "code", "-j", "1"] + args + [inp],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            sys.exit("bench-cost: %s failed:\n%s" % (jirga, p.stderr[-2000:]))
    got = {}
    for key, name in (("I   refs", "instructions"), ("D1  misses", "d1_misses"),
                      ("LL misses", "ll_misses"), ("Mispredicts", "mispredicts")):
        m = re.search(r"== %s:\s+([\d,]+)" % re.escape(key), p.stderr)
        if not m:
            sys.exit("bench-cost: no '%s' in valgrind's summary" % key)
        got[name] = int(m.group(1).replace(",", ""))
    return got

def main():
    if not shutil.which("valgrind"):
        sys.exit("bench-cost: needs valgrind (apt-get install valgrind)")
    jirga = os.environ.get("JIRGA", "./jirga")
    ndocs = int(os.environ.get("COST_DOCS", "2000"))
    corpus = "build/bench-corpus-100000.jsonl"
    if not os.path.exists(corpus) or os.path.getmtime(corpus) < os.path.getmtime("bench/gen.py"):
        subprocess.run([sys.executable, "bench/gen.py", corpus, "100000", "dictionaries/en"], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        sample = os.path.join(tmp, "sample.jsonl")
        empty = os.path.join(tmp, "empty.jsonl")
        with open(corpus) as f, open(sample, "w") as out:
            for i, line in enumerate(f):
                if i == ndocs:
                    break
                out.write(line)
        with open(empty, "w") as out:
            out.write(json.dumps({"id": "empty", "date": "2021-01-17", "text": ""}) + "\n")
        base = callgrind(jirga, [], empty)
        full = callgrind(jirga, [], sample)
        alone = callgrind(jirga, ["--sentences-only"], sample)
        with open(sample) as f:
            sentences = sum(1 for _ in f) * 10  # bench/gen.py writes ten sentences a document
    per = {k: (full[k] - base[k]) / sentences for k in full}
    cycles = per["instructions"] + 10 * per["d1_misses"] + 80 * per["ll_misses"] + 15 * per["mispredicts"]
    print("cost per sentence (%d documents, %d sentences, callgrind's simulated machine):" % (ndocs, sentences))
    print("  instructions %.0f, D1 misses %.0f, LL misses %.1f, mispredicted branches %.0f" %
          (per["instructions"], per["d1_misses"], per["ll_misses"], per["mispredicts"]))
    print("  estimated cycles %.0f (instructions + 10 per D1 miss + 80 per LL miss + 15 per mispredict)" % cycles)
    doc = (full["instructions"] - alone["instructions"]) / (full["instructions"] - base["instructions"])
    print("document pass: %.1f%% of coding instructions" % (100 * doc))

main()
