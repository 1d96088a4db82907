#!/usr/bin/env python3
"""The event store benchmark (make bench-store): `jirga ingest` of one generated corpus
into SQLite and into PostgreSQL, in events/s, next to `jirga code` alone over the same
file (what coding costs before any store).

  bench/store.py [--sentences N] [--jirga J] [--batch N]

The corpus is bench/gen.py's (about 10 sentences a document), dated over 90 days with URLs
on 6 hosts (tests/store.py vary), so that one-a-day keys repeat across documents as in
news. PostgreSQL is a throwaway server started as tests/pg.py does, with its default
durability (fsync and synchronous_commit on, as SQLite's WAL with synchronous=NORMAL is
durable at each commit on a process crash). Runs:
  sqlite       one ingest, one coding thread
  pg           one ingest, one coding thread
  pg x2        two ingests at once, each over half of the documents (two machines' worth)
  pg replace   the same file again into the full PostgreSQL store: every document replaced
"""
import argparse
import os
import subprocess
import sys
import tempfile
import shutil
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))
import pg  # noqa: E402  (the throwaway server)


def timed(cmds):
    """Runs the commands at once; the wall time of the slowest."""
    t = time.time()
    procs = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in cmds]
    for p, c in zip(procs, cmds):
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit("%s: exit %d: %s" % (" ".join(c), p.returncode, err[-2000:]))
    return time.time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sentences", type=int, default=200000)
    ap.add_argument("--jirga", default=os.path.join(ROOT, "jirga"))
    ap.add_argument("--batch", type=int, default=1000)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="jirga-bench-store-")
    server = pg.Server(durable=True)
    try:
        gen = os.path.join(tmp, "gen.jsonl")
        corpus = os.path.join(tmp, "corpus.jsonl")
        subprocess.run([sys.executable, os.path.join(ROOT, "bench", "gen.py"), gen, str(args.sentences)], check=True,
                       stdout=subprocess.DEVNULL)
        with open(corpus, "w") as f:
            subprocess.run([sys.executable, os.path.join(ROOT, "tests", "store.py"), "vary", gen], check=True, stdout=f)
        lines = open(corpus).read().splitlines(True)
        halves = [os.path.join(tmp, "half%d.jsonl" % i) for i in range(2)]
        for i, h in enumerate(halves):
            open(h, "w").write("".join(lines[i::2]))
        out = subprocess.run([args.jirga, "code", corpus], cwd=ROOT, capture_output=True, text=True)
        events = len(out.stdout.splitlines())
        code_s = timed([[args.jirga, "code", "-j", "1", corpus]])
        print("corpus: %d documents, %d sentences (bench/gen.py), %d events, %.1f MB" % (
            len(lines), args.sentences, events, os.path.getsize(corpus) / 1e6))
        rows = [("jirga code -j 1 (no store)", code_s)]
        db = os.path.join(tmp, "bench.db")
        rows.append(("ingest into SQLite", timed([[args.jirga, "ingest", "--db", db, "--batch", str(args.batch),
                                                    corpus]])))
        server.start()
        one = server.createdb("one")
        rows.append(("ingest into PostgreSQL", timed([[args.jirga, "ingest", "--db", one, "--batch",
                                                        str(args.batch), corpus]])))
        two = server.createdb("two")
        rows.append(("2 ingests at once into PostgreSQL", timed([[args.jirga, "ingest", "--db", two, "--batch",
                                                                   str(args.batch), h] for h in halves])))
        rows.append(("ingest again into PostgreSQL (all replaced)", timed([[args.jirga, "ingest", "--db", one,
                                                                             "--batch", str(args.batch), corpus]])))
        print("%-45s %8s %10s %12s" % ("run", "seconds", "docs/s", "events/s"))
        for name, s in rows:
            print("%-45s %8.2f %10.0f %12.0f" % (name, s, len(lines) / s, events / s))
        print("(2 cores; the coding threads and the database share them)")
    except pg.Skip as why:
        sys.exit("PostgreSQL cannot be started here: %s" % why)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
