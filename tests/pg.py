#!/usr/bin/env python3
"""pg.py -- the PostgreSQL event store, for tests/run.sh.

  pg.py [--jirga J] [--san S] [--keep]

Starts a throwaway PostgreSQL server (Debian's postgresql package: initdb and pg_ctl
under /usr/lib/postgresql/*/bin) on a free loopback port, with its data and unix socket in
a temporary directory, run as the `postgres` user when we are root (PostgreSQL refuses to
run as root). The server is stopped and the directory removed at the end, on failure too.

Tests, each printed as "ok NAME" or "FAILED NAME" with details:
  concurrent  four `jirga ingest` processes at once over overlapping corpora, then four
              more replacing a third of the documents with new versions, give exactly
              the events, counts, stats and exports of one SQLite ingest of the same input
  consistent  every count in the PostgreSQL store agrees with its rows
  dedup       tests/store/dedup*.jsonl: NumMentions, NumSources, NumArticles, replacement
  badinput    tests/bad-input/ (invalid UTF-8, NUL bytes, ...) stored, the events SQLite's
  socket      the unix socket form of the URL; a refused connection gives PostgreSQL's message
  asan        an ingest and the exports under AddressSanitizer (--san), no leaks

Exit status: 0, 1 when a test failed, 77 when PostgreSQL cannot be started here (the last
line says why). The corpora come from the project's own articles (corpus() below).
"""
import argparse
import glob
import json
import os
import pwd
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = ["www.example.com", "news.example.org", "example.net", "wire.example.com", "daily.example.co.uk"]


# ---- the corpus ------------------------------------------------------------------------------

def base_documents():
    """The project's own articles: tests/golden/documents.jsonl and sentences.jsonl, and
    examples/*.txt as documents."""
    docs = []
    for f in ("tests/golden/documents.jsonl", "tests/golden/sentences.jsonl"):
        for line in open(os.path.join(ROOT, f), encoding="utf-8"):
            d = json.loads(line)
            docs.append({k: d[k] for k in ("id", "date", "title", "text") if k in d})
    for f in sorted(glob.glob(os.path.join(ROOT, "examples", "*.txt"))):
        name = os.path.splitext(os.path.basename(f))[0]
        docs.append({"id": name, "date": "2021-03-09", "text": open(f, encoding="utf-8").read()})
    return docs


def shift(date, days):
    """YYYY-MM-DD moved by days (a plain calendar walk, enough for test data)."""
    t = time.strptime(date, "%Y-%m-%d")
    secs = time.mktime((t.tm_year, t.tm_mon, t.tm_mday, 12, 0, 0, 0, 0, -1)) + days * 86400
    return time.strftime("%Y-%m-%d", time.localtime(secs))


def corpus(variants=5):
    """Each base document in several variants: ids apart, dates moved by 0, 3, 6, ... days
    (so some variants fall on the same day and are deduplicated across documents), URLs
    on five hosts or none."""
    out = []
    base = base_documents()
    for v in range(variants):
        for i, d in enumerate(base):
            n = dict(d)
            n["id"] = "%s~v%d" % (d["id"], v)
            if d.get("date"):
                n["date"] = shift(d["date"], 3 * (v // 2))
            if (i + v) % 4:
                n["url"] = "https://%s/%s" % (HOSTS[(i + v) % len(HOSTS)], n["id"])
            out.append(n)
    return out


def replacements(docs, seed=7):
    """New versions of a third of the documents (another article's text, another date)
    and a few new documents."""
    rnd = random.Random(seed)
    out = []
    for i, d in enumerate(docs):
        if i % 3 == 0:
            other = docs[rnd.randrange(len(docs))]
            n = dict(d)
            n["text"] = other["text"]
            if d.get("date"):
                n["date"] = shift(d["date"], 1)
            out.append(n)
    for i, d in enumerate(docs[:20]):
        n = dict(d)
        n["id"] = d["id"] + "~new"
        out.append(n)
    return out


def subsets(docs, k, seed):
    """k overlapping shuffled subsets whose union is docs: document i is in subset i % k
    and in each other subset with probability 0.4."""
    rnd = random.Random(seed)
    parts = [[] for _ in range(k)]
    for i, d in enumerate(docs):
        for j in range(k):
            if j == i % k or rnd.random() < 0.4:
                parts[j].append(d)
    for p in parts:
        rnd.shuffle(p)
    return parts


def write_jsonl(path, docs):
    with open(path, "w", encoding="utf-8") as f:
        for d in docs:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")


# ---- the server ----------------------------------------------------------------------------

class Skip(Exception):
    pass


class Server:
    def __init__(self, durable=False):
        self.durable = durable  # fsync at each commit, as a real server (bench/store.py)
        self.dir = None
        self.data = None
        self.port = None
        self.bin = None
        self.started = False

    def _as_owner(self, cmd):
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + cmd
        return cmd

    def start(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(re.sub(r"\D", "", p) or 0))
        bins = [b for b in bins if os.access(os.path.join(b, "initdb"), os.X_OK)]
        if not bins:
            raise Skip("no /usr/lib/postgresql/*/bin/initdb (scripts/setup.sh installs the postgresql package)")
        self.bin = bins[-1]
        self.dir = tempfile.mkdtemp(prefix="jirga-pg-")
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise Skip("running as root and there is no postgres user to run the server")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
            os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        r = subprocess.run(self._as_owner([os.path.join(self.bin, "initdb"), "-D", self.data, "-U", "jirga",
                                           "--auth=trust", "-E", "UTF8", "--locale=C", "-N"]),
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Skip("initdb failed: " + (r.stderr.strip().splitlines() or ["?"])[-1])
        opts = "-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=40" % (self.port, self.dir)
        if not self.durable:  # tests: nothing of it outlives the test
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        r = subprocess.run(self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-o", opts,
                                           "-l", os.path.join(self.dir, "log"), "-w", "-t", "60", "start"]),
                           capture_output=True, text=True)
        self.started = True  # pg_ctl may have left a server behind even when it failed
        if r.returncode != 0:
            log = open(os.path.join(self.dir, "log")).read() if os.path.exists(os.path.join(self.dir, "log")) else ""
            raise Skip("the server did not start: " + ((log or r.stderr).strip().splitlines() or ["?"])[-1])

    def url(self, db):
        return "postgresql://jirga@127.0.0.1:%d/%s" % (self.port, db)

    def socket_url(self, db):
        return "postgresql:///%s?host=%s&port=%d&user=jirga" % (db, self.dir, self.port)

    def psql(self, sql, db="postgres"):
        r = subprocess.run([os.path.join(self.bin, "psql"), "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
                            "-d", self.url(db), "-c", sql], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError("psql: " + r.stderr.strip())
        return r.stdout

    def createdb(self, db):
        self.psql("CREATE DATABASE %s" % db)
        return self.url(db)

    def stop(self):
        if self.started:
            subprocess.run(self._as_owner([os.path.join(self.bin, "pg_ctl"), "-D", self.data, "-m", "immediate",
                                           "-w", "stop"]), capture_output=True)
            self.started = False
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None


# ---- comparing stores ----------------------------------------------------------------------

def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (" ".join(cmd), r.returncode, r.stderr[-3000:]))
    return r.stdout


ID = re.compile(r'^(\{)"id":\d+,|,"id":\d+')


def no_ids(text, fmt):
    """Event ids are the engines' own (rowid, sequence): cut them out."""
    if fmt == "csv":
        return "\n".join(line.split(",", 1)[-1] for line in text.splitlines())
    if fmt in ("gdelt", "phoenix"):
        return "\n".join(line.split("\t", 1)[-1] for line in text.splitlines())
    return "\n".join(ID.sub(r"\1", line) for line in text.splitlines())


QUERIES = [[], ["--dyad", "AFG-USA", "--both"], ["--actor", "IGO"], ["--root", "19"], ["--country", "AFG", "--quad", "4"],
           ["--role", "GOV", "--cameo", "04"], ["--text", "peace talks"], ["--text", "killed", "--root", "19"],
           ["--from", "2020-01-01", "--to", "2020-12"], ["--to", "2018"]]


def views(jirga, db):
    """Everything the store shows a user, without engine ids."""
    out = {}
    for fmt in ("csv", "jsonl", "gdelt", "phoenix", "plover"):
        for extra in ([], ["--all"]):
            out["export %s %s" % (fmt, " ".join(extra))] = no_ids(
                run([jirga, "export", "--db", db, "--format", fmt] + extra, cwd=ROOT), fmt)
    for by in ("day", "week", "month"):
        r = subprocess.run([jirga, "stats", "--db", db, "--by", by], capture_output=True, text=True, cwd=ROOT)
        out["stats " + by] = r.stdout + r.stderr
    for q in QUERIES:
        out["query " + " ".join(q)] = no_ids(run([jirga, "query", "--db", db] + q, cwd=ROOT), "jsonl")
    return out


COUNTS_SQL = ("SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences), "
              "(SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(mentions), 0) FROM events), "
              "(SELECT COUNT(*) FROM event_mentions), (SELECT COUNT(*) FROM daily_events), "
              "(SELECT SUM(num_mentions) FROM daily_events), (SELECT SUM(num_sources) FROM daily_events), "
              "(SELECT SUM(num_articles) FROM daily_events), (SELECT COUNT(*) FROM daily_event_docs), "
              "(SELECT COUNT(*) FROM sentences_fts)")


def sqlite_counts(path):
    return "|".join(str(v) for v in sqlite3.connect(path).execute(COUNTS_SQL).fetchone())


def compare(want, got):
    diffs = []
    for k in want:
        if want[k] != got.get(k):
            a, b = want[k].splitlines(), got.get(k, "").splitlines()
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            diffs.append("%s differs (%d vs %d lines), first at line %d:\n  sqlite: %s\n  pg:     %s" % (
                k, len(a), len(b), first + 1, a[first][:300] if first < len(a) else "<end>",
                b[first][:300] if first < len(b) else "<end>"))
    return diffs


# The checks of tests/store.py `consistent` that do not need SQLite.
CONSISTENT = [
    ("documents whose sentence count differs",
     "SELECT d.id FROM documents d WHERE d.sentences != (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.id)"),
    ("documents whose events are missing or doubled",
     "SELECT d.id FROM documents d WHERE d.events != (SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.doc_id = d.id)"),
    ("events whose mention rows differ",
     "SELECT e.id FROM events e WHERE e.mentions != (SELECT COUNT(*) FROM event_mentions m WHERE m.event_id = e.id)"),
    ("events in the wrong or a missing one-a-day key",
     "SELECT e.id FROM events e LEFT JOIN daily_events k ON k.id = e.daily_id WHERE k.id IS NULL OR "
     "e.day != k.day OR e.source_code != k.source_code OR e.target_code != k.target_code OR e.cameo != k.cameo"),
    ("one-a-day events whose counts differ",
     "SELECT k.id FROM daily_events k WHERE "
     "k.num_mentions != (SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.daily_id = k.id) OR "
     "k.num_articles != (SELECT COUNT(DISTINCT doc_id) FROM events e WHERE e.daily_id = k.id) OR "
     "k.num_sources != (SELECT COUNT(DISTINCT d.source) FROM events e JOIN documents d ON d.id = e.doc_id "
     "  WHERE e.daily_id = k.id) OR k.num_articles = 0 OR "
     "(k.root, k.quad, k.goldstein) != (SELECT root, quad, goldstein FROM events e WHERE e.id = k.first_event) OR "
     "k.first_event NOT IN (SELECT id FROM events e WHERE e.daily_id = k.id)"),
    ("document lists of one-a-day events that differ",
     "SELECT x.daily_id FROM daily_event_docs x WHERE x.mentions != "
     "(SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.daily_id = x.daily_id AND e.doc_id = x.doc_id) "
     "UNION ALL SELECT e.daily_id FROM events e WHERE NOT EXISTS "
     "(SELECT 1 FROM daily_event_docs x WHERE x.daily_id = e.daily_id AND x.doc_id = e.doc_id)"),
    ("sentences indexed for --text but coding no event, or the reverse",
     "(SELECT id FROM sentences_fts EXCEPT SELECT sentence_id FROM event_mentions) UNION ALL "
     "(SELECT sentence_id FROM event_mentions EXCEPT SELECT id FROM sentences_fts)"),
]


def pg_consistent(server, db):
    problems = []
    for what, sql in CONSISTENT:
        rows = server.psql(sql, db).split()
        if rows:
            problems.append("%s: %d row(s), e.g. %s" % (what, len(rows), rows[:3]))
    return problems


# ---- the tests -----------------------------------------------------------------------------

def ingest_all(jirga, db, files, batch):
    """One `jirga ingest` per file, all at once."""
    procs = [subprocess.Popen([jirga, "ingest", "--db", db, "--batch", str(batch), f], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for f in files]
    errors = []
    for p, f in zip(procs, files):
        out, err = p.communicate(timeout=300)
        if p.returncode != 0:
            errors.append("%s: exit %d: %s" % (f, p.returncode, err[-2000:]))
    if errors:
        raise AssertionError("\n".join(errors))


def test_concurrent(server, args, tmp):
    docs = corpus()
    newer = replacements(docs)
    a = os.path.join(tmp, "a.jsonl")
    b = os.path.join(tmp, "b.jsonl")
    write_jsonl(a, docs)
    write_jsonl(b, newer)
    ref = os.path.join(tmp, "ref.db")
    run([args.jirga, "ingest", "--db", ref, a], cwd=ROOT)
    run([args.jirga, "ingest", "--db", ref, b], cwd=ROOT)
    url = server.createdb("concurrent")
    t0 = time.time()
    for phase, (what, seed) in enumerate(((docs, 1), (newer, 2))):
        files = []
        for i, part in enumerate(subsets(what, 4, seed)):
            files.append(os.path.join(tmp, "part%d-%d.jsonl" % (phase, i)))
            write_jsonl(files[-1], part)
        ingest_all(args.jirga, url, files, batch=7 + phase * 5)
    took = time.time() - t0
    problems = compare(views(args.jirga, ref), views(args.jirga, url))
    want, got = sqlite_counts(ref), server.psql(COUNTS_SQL, "concurrent").strip()
    if want != got:
        problems.append("table sizes and count sums differ:\n  sqlite: %s\n  pg:     %s" % (want, got))
    problems += pg_consistent(server, "concurrent")
    if problems:
        raise AssertionError("\n".join(problems))
    log = open(os.path.join(server.dir, "log"), errors="replace").read()
    print("    %d documents, then %d new versions, by 4 ingesters at once each time in %.1f s "
          "(%d deadlocks retried); counts (documents|sentences|events|mentions|mention rows|one-a-day|NumMentions|"
          "NumSources|NumArticles|key documents|indexed sentences) %s, as SQLite"
          % (len(docs), len(newer), took, log.count("deadlock detected"), got))


def test_dedup(server, args, tmp):
    url = server.createdb("dedup")

    def got(*q):
        out = run([args.jirga, "query", "--db", url] + list(q), cwd=ROOT)
        path = os.path.join(tmp, "q.jsonl")
        open(path, "w").write(out)
        return run([sys.executable, os.path.join(ROOT, "tests", "store.py"), "got", path])

    def want(name):
        return open(os.path.join(ROOT, "tests", "store", name)).read()

    steps = [(["tests/store/dedup.jsonl"], "dedup.expected"), (["tests/store/dedup-replace.jsonl"], "dedup-replace.expected"),
             (["tests/store/dedup.jsonl", "tests/store/dedup.jsonl"], "dedup.expected")]
    for files, expected in steps:
        run([args.jirga, "ingest", "--db", url] + files, cwd=ROOT)
        if got() != want(expected):
            raise AssertionError("after ingesting %s:\n%s\nwant:\n%s" % (" ".join(files), got(), want(expected)))
    if got("--text", "again") != want("dedup.expected").splitlines(True)[0]:
        raise AssertionError("--text again: " + got("--text", "again"))
    stats = run([args.jirga, "stats", "--db", url, "--by", "week", "--dyad", "AFG-USA"], cwd=ROOT)
    if "2021-03-08,2,7,2,0,0,0,2.0,1.00,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0" not in stats.splitlines():
        raise AssertionError("stats --by week:\n" + stats)
    problems = pg_consistent(server, "dedup")
    if problems:
        raise AssertionError("\n".join(problems))


def test_bad_input(server, args, tmp):
    """tests/bad-input/: invalid UTF-8 and NUL bytes in a document's raw text (which
    PostgreSQL text cannot hold) are stored repaired; the events are SQLite's."""
    url = server.createdb("badinput")
    ref = os.path.join(tmp, "bad.db")
    files = sorted(glob.glob(os.path.join(ROOT, "tests", "bad-input", "*.txt")) +
                   glob.glob(os.path.join(ROOT, "tests", "bad-input", "*.jsonl")))
    for db in (ref, url):
        for f in files:
            r = subprocess.run([args.jirga, "ingest", "--db", db, "--date", "2021-01-01", f], capture_output=True,
                               text=True, cwd=ROOT)
            if r.returncode not in (0, 1) or "Traceback" in r.stderr or ("COPY" in r.stderr):
                raise AssertionError("%s into %s: exit %d: %s" % (f, db, r.returncode, r.stderr))
    problems = compare(views(args.jirga, ref), views(args.jirga, url))
    if problems:
        raise AssertionError("\n".join(problems))


def test_socket(server, args, tmp):
    server.createdb("bysocket")
    url = server.socket_url("bysocket")
    run([args.jirga, "ingest", "--db", url, "tests/golden/documents.jsonl"], cwd=ROOT)
    if not run([args.jirga, "export", "--db", url, "--format", "jsonl"], cwd=ROOT).strip():
        raise AssertionError("nothing exported over the unix socket")
    # a port where nothing listens: the message names the URL and says what PostgreSQL said
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    bad = "postgresql://jirga:secret@127.0.0.1:%d/x" % free
    r = subprocess.run([args.jirga, "query", "--db", bad], capture_output=True, text=True, cwd=ROOT)
    if r.returncode == 0 or "cannot connect to PostgreSQL" not in r.stderr or "Connection refused" not in r.stderr \
            or "secret" in r.stderr:
        raise AssertionError("refused connection: exit %d, stderr %r" % (r.returncode, r.stderr))
    print("    " + r.stderr.strip())
    bad = "postgresql://127.0.0.1:%d/x?user=jirga&password=secret&sslmode=disable" % free
    r = subprocess.run([args.jirga, "query", "--db", bad], capture_output=True, text=True, cwd=ROOT)
    if r.returncode == 0 or "secret" in r.stderr or "password=***&sslmode" not in r.stderr:
        raise AssertionError("password parameter: exit %d, stderr %r" % (r.returncode, r.stderr))
    r = subprocess.run([args.jirga, "query", "--db", server.url("postgres")], capture_output=True, text=True, cwd=ROOT)
    if r.returncode == 0 or "no event store there" not in r.stderr:
        raise AssertionError("query of a database without a store: exit %d, %r" % (r.returncode, r.stderr))


def test_asan(server, args, tmp):
    if not args.san or not os.access(os.path.join(ROOT, args.san), os.X_OK):
        raise AssertionError("no sanitizer build at %s (make SAN=1)" % args.san)
    url = server.createdb("asan")
    docs = corpus(variants=2)
    parts = subsets(docs, 2, 3)
    files = []
    for i, p in enumerate(parts):
        files.append(os.path.join(tmp, "asan%d.jsonl" % i))
        write_jsonl(files[-1], p)
    ingest_all(args.san, url, files, batch=9)
    run([args.san, "ingest", "--db", url, "--resume", files[0]], cwd=ROOT)
    for fmt in ("csv", "gdelt", "plover"):
        run([args.san, "export", "--db", url, "--format", fmt], cwd=ROOT)
    run([args.san, "stats", "--db", url, "--by", "week"], cwd=ROOT)
    run([args.san, "query", "--db", url, "--text", "peace talks", "--dyad", "USA-AFG", "--both"], cwd=ROOT)
    problems = pg_consistent(server, "asan")
    if problems:
        raise AssertionError("\n".join(problems))
    n = int(server.psql("SELECT COUNT(*) FROM documents", "asan"))
    if n != len(docs):
        raise AssertionError("the store holds %d documents, not %d" % (n, len(docs)))


TESTS = [("concurrent", test_concurrent), ("dedup", test_dedup), ("badinput", test_bad_input), ("socket", test_socket),
         ("asan", test_asan)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--jirga", default="./jirga")
    ap.add_argument("--san", default="build-san/jirga")
    ap.add_argument("tests", nargs="*", help="names of tests to run (all by default)")
    args = ap.parse_args()
    args.jirga = os.path.join(ROOT, args.jirga) if not os.path.isabs(args.jirga) else args.jirga
    args.san = os.path.join(ROOT, args.san) if args.san and not os.path.isabs(args.san) else args.san
    server = Server()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    tmp = tempfile.mkdtemp(prefix="jirga-pgtest-")
    failed = 0
    try:
        t0 = time.time()
        try:
            server.start()
        except Skip as why:
            print("PostgreSQL cannot be started here: %s" % why)
            return 77
        print("PostgreSQL %s on 127.0.0.1:%d started in %.1f s" % (os.path.basename(os.path.dirname(server.bin)),
                                                                   server.port, time.time() - t0))
        for name, fn in TESTS:
            if args.tests and name not in args.tests:
                continue
            t = time.time()
            try:
                fn(server, args, tmp)
                print("ok %s (%.1f s)" % (name, time.time() - t))
            except Exception as e:  # one test's failure is reported, the others still run
                failed += 1
                print("FAILED %s (%.1f s)" % (name, time.time() - t))
                print("    " + str(e).replace("\n", "\n    "))
        return 1 if failed else 0
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
