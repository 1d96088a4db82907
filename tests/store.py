#!/usr/bin/env python3
"""store.py -- checks of the event store for tests/run.sh, written apart from the C code
so that they check it rather than repeat it.

  store.py expect --code EVENTS.jsonl --input DOCS.jsonl... [filters]
        the one-a-day events a query must return, computed from `jirga code` output:
        "day source target cameo mentions sources articles doc,doc,..." per line, sorted
  store.py got QUERY.jsonl
        the same lines from `jirga query --format jsonl` output
  store.py roundtrip EVENTS.jsonl EXPORT.jsonl
        every event row of `jirga export --all --format jsonl` is a record `jirga code`
        printed, and their mentions add up to the records printed
  store.py csv N FILE         FILE parses as CSV with N fields on every row
  store.py consistent DB      integrity, foreign keys, FTS index, and every count agrees
  store.py counts DB          one line of table sizes and count sums
  store.py kill PID DB N      SIGKILL PID once DB holds at least N documents
  store.py columns N FILE     every line of FILE has exactly N tab-separated columns
  store.py vary IN.jsonl      the documents of IN with dates over 90 days and URLs on 7 hosts
"""
import argparse, json, os, re, signal, sqlite3, sys, time
from urllib.parse import urlsplit


def host_of(url):
    if not url or "://" not in url:
        return ""
    h = (urlsplit(url).hostname or "").lower()
    return h[4:] if h.startswith("www.") else h


def expect(args):
    sources = {}  # doc id -> what NumSources counts: the URL host, else the id
    for path in args.input:
        for line in open(path, encoding="utf-8"):
            if line.strip():
                d = json.loads(line)
                sources[str(d.get("id"))] = host_of(d.get("url")) or str(d.get("id"))
    keys, first_texts = {}, {}
    words = [w.lower() for w in re.findall(r"\w+", args.text or "")]
    for line in open(args.code, encoding="utf-8"):
        e = json.loads(line)
        src = e["source"]["code"] if e["source"] else ""
        tgt = e["target"]["code"] if e["target"] else ""
        src_c = e["source"]["country"] if e["source"] else ""
        tgt_c = e["target"]["country"] if e["target"] else ""
        src_r = e["source"]["role"] if e["source"] else ""
        tgt_r = e["target"]["role"] if e["target"] else ""
        day = e["event_date"] or ""
        if args.date_from and not day >= args.date_from:
            continue
        if args.date_to and not day[: len(args.date_to)] <= args.date_to:
            continue
        if args.actor and not (src.startswith(args.actor) or tgt.startswith(args.actor)):
            continue
        if args.dyad:
            a, b = args.dyad.split("-")
            fwd = src.startswith(a) and tgt.startswith(b)
            back = src.startswith(b) and tgt.startswith(a)
            if not (fwd or (args.both and back)):
                continue
        if args.country and args.country not in (src_c, tgt_c):
            continue
        if args.role and not any(r[i : i + 3] == args.role for r in (src_r, tgt_r) for i in range(0, len(r), 3)):
            continue
        if args.cameo and not e["cameo"].startswith(args.cameo):
            continue
        if args.root and e["root"] != args.root:
            continue
        if args.quad and e["quad"] != args.quad:
            continue
        k = (day, src, tgt, e["cameo"])
        v = keys.setdefault(k, {"mentions": 0, "docs": set(), "match": not words})
        v["mentions"] += 1
        v["docs"].add(e["doc"])
        tokens = set(w.lower() for w in re.findall(r"\w+", e["text"]))
        if words and all(w in tokens for w in words):
            v["match"] = True
    for k in sorted(keys):
        v = keys[k]
        if not v["match"]:
            continue
        docs = sorted(v["docs"])
        srcs = len(set(sources.get(d, d) for d in docs))
        print(" ".join(k), v["mentions"], srcs, len(docs), ",".join(docs))


def got(args):
    for line in open(args.file, encoding="utf-8"):
        e = json.loads(line)
        src = e["source"]["code"] if e["source"] else ""
        tgt = e["target"]["code"] if e["target"] else ""
        print(e["event_date"] or "", src, tgt, e["cameo"], e["mentions"], e["sources"], e["articles"],
              ",".join(e["docs"]))


def roundtrip(args):
    coded = {}
    for line in open(args.code, encoding="utf-8"):
        key = json.dumps(json.loads(line), sort_keys=True)
        coded[key] = coded.get(key, 0) + 1
    rows = mentions = bad = 0
    for line in open(args.export, encoding="utf-8"):
        e = json.loads(line)
        rows += 1
        mentions += e["mentions"]
        for k in ("id", "mentions", "sources", "articles", "docs"):
            del e[k]
        if json.dumps(e, sort_keys=True) not in coded:
            bad += 1
            if bad <= 3:
                print("stored, but not as coded:", json.dumps(e))
    n = sum(coded.values())
    print("%d records coded, %d event rows stored with %d mentions, %d differ" % (n, rows, mentions, bad))
    sys.exit(1 if bad or mentions != n or rows == 0 else 0)


def csv_rows(args):
    import csv
    rows = bad = 0
    with open(args.file, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            rows += 1
            if len(row) != args.n:
                bad += 1
                if bad <= 3:
                    print("row %d: %d fields, want %d" % (rows, len(row), args.n))
    print("%d rows, %d with another number of fields" % (rows, bad))
    sys.exit(1 if bad or rows < 2 else 0)


def one(db, sql):
    return db.execute(sql).fetchall()


def consistent(args):
    db = sqlite3.connect(args.db)
    problems = []

    def expect_none(what, sql):
        rows = one(db, sql)
        if rows:
            problems.append("%s: %d row(s), e.g. %r" % (what, len(rows), rows[:3]))

    ic = one(db, "PRAGMA integrity_check")
    if ic != [("ok",)]:
        problems.append("integrity_check: %r" % ic[:5])
    expect_none("foreign keys", "PRAGMA foreign_key_check")
    try:
        db.execute("INSERT INTO sentences_fts(sentences_fts) VALUES('integrity-check')")
    except sqlite3.DatabaseError as err:
        problems.append("FTS index: %s" % err)
    expect_none("sentences indexed for --text but coding no event, or the reverse",
                "SELECT rowid FROM sentences_fts EXCEPT SELECT sentence_id FROM event_mentions UNION ALL "
                "SELECT sentence_id FROM event_mentions EXCEPT SELECT rowid FROM sentences_fts")
    expect_none("documents whose sentence count differs",
                "SELECT d.id FROM documents d WHERE d.sentences != (SELECT COUNT(*) FROM sentences s WHERE s.doc_id = d.id)")
    expect_none("documents whose events are missing or doubled",
                "SELECT d.id FROM documents d WHERE d.events != "
                "(SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.doc_id = d.id)")
    expect_none("events whose mention rows differ",
                "SELECT e.id FROM events e WHERE e.mentions != (SELECT COUNT(*) FROM event_mentions m WHERE m.event_id = e.id)")
    expect_none("events in the wrong one-a-day key",
                "SELECT e.id FROM events e JOIN daily_events k ON k.id = e.daily_id WHERE "
                "e.day != k.day OR e.source_code != k.source_code OR e.target_code != k.target_code OR e.cameo != k.cameo")
    expect_none("one-a-day events whose counts differ",
                "SELECT k.id FROM daily_events k WHERE "
                "k.num_mentions != (SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.daily_id = k.id) OR "
                "k.num_articles != (SELECT COUNT(DISTINCT doc_id) FROM events e WHERE e.daily_id = k.id) OR "
                "k.num_sources != (SELECT COUNT(DISTINCT d.source) FROM events e JOIN documents d ON d.id = e.doc_id "
                "  WHERE e.daily_id = k.id) OR "
                "k.num_articles = 0 OR "
                "(k.root, k.quad, k.goldstein) != (SELECT root, quad, goldstein FROM events e WHERE e.id = k.first_event) OR "
                "k.first_event NOT IN (SELECT id FROM events e WHERE e.daily_id = k.id)")
    expect_none("document lists of one-a-day events that differ",
                "SELECT x.daily_id, x.doc_id FROM daily_event_docs x WHERE x.mentions != "
                "(SELECT COALESCE(SUM(mentions), 0) FROM events e WHERE e.daily_id = x.daily_id AND e.doc_id = x.doc_id) "
                "UNION ALL SELECT e.daily_id, e.doc_id FROM events e WHERE NOT EXISTS "
                "(SELECT 1 FROM daily_event_docs x WHERE x.daily_id = e.daily_id AND x.doc_id = e.doc_id)")
    for p in problems:
        print("inconsistent:", p)
    n = one(db, "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM events), "
                "(SELECT COUNT(*) FROM daily_events)")[0]
    if not problems:
        print("consistent: %d documents, %d events, %d one-a-day events" % n)
    sys.exit(1 if problems else 0)


def counts(args):
    db = sqlite3.connect(args.db)
    row = one(db, "SELECT (SELECT COUNT(*) FROM documents), (SELECT COUNT(*) FROM sentences), "
                  "(SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(mentions), 0) FROM events), "
                  "(SELECT COUNT(*) FROM event_mentions), (SELECT COUNT(*) FROM daily_events), "
                  "(SELECT SUM(num_mentions) FROM daily_events), (SELECT SUM(num_sources) FROM daily_events), "
                  "(SELECT SUM(num_articles) FROM daily_events), (SELECT COUNT(*) FROM daily_event_docs)")[0]
    print("documents %s sentences %s events %s mentions %s mention-rows %s one-a-day %s "
          "NumMentions %s NumSources %s NumArticles %s key-documents %s" % row)


def kill(args):
    pid, deadline = args.pid, time.time() + 600
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            print("the ingest ended before it could be killed: make the input bigger")
            sys.exit(1)
        n = 0
        if os.path.exists(args.db):
            try:
                db = sqlite3.connect("file:%s?mode=ro" % args.db, uri=True, timeout=5)
                n = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
                db.close()
            except sqlite3.DatabaseError:
                n = 0  # the schema is not there yet
        if n >= args.n:
            os.kill(pid, signal.SIGKILL)
            print("killed the ingest with %d documents committed" % n)
            return
        time.sleep(0.01)
    sys.exit(1)


def columns(args):
    bad = 0
    rows = 0
    for i, line in enumerate(open(args.file, encoding="utf-8"), 1):
        rows += 1
        n = len(line.rstrip("\n").split("\t"))
        if n != args.n:
            bad += 1
            if bad <= 3:
                print("%s:%d: %d columns, want %d" % (args.file, i, n, args.n))
    print("%d rows, %d with another number of columns" % (rows, bad))
    sys.exit(1 if bad or not rows else 0)


def vary(args):
    hosts = ["www.example.com", "news.example.org", "example.net", "wire.example.com", "daily.example.co.uk",
             "www.example.org", ""]
    for i, line in enumerate(open(args.file, encoding="utf-8")):
        d = json.loads(line)
        day = 1 + (i * 7) % 90
        d["date"] = time.strftime("%Y-%m-%d", time.gmtime(1609459200 + (day - 1) * 86400))
        h = hosts[i % len(hosts)]
        if h:
            d["url"] = "https://%s/story/%d" % (h, i)
        print(json.dumps(d))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("expect")
    p.add_argument("--code", required=True)
    p.add_argument("--input", nargs="+", default=[])
    p.add_argument("--from", dest="date_from")
    p.add_argument("--to", dest="date_to")
    for f in ("actor", "dyad", "country", "role", "cameo", "root", "text"):
        p.add_argument("--" + f)
    p.add_argument("--both", action="store_true")
    p.add_argument("--quad", type=int)
    p.set_defaults(fn=expect)
    p = sub.add_parser("got")
    p.add_argument("file")
    p.set_defaults(fn=got)
    for name, fn in (("consistent", consistent), ("counts", counts)):
        p = sub.add_parser(name)
        p.add_argument("db")
        p.set_defaults(fn=fn)
    p = sub.add_parser("roundtrip")
    p.add_argument("code")
    p.add_argument("export")
    p.set_defaults(fn=roundtrip)
    p = sub.add_parser("csv")
    p.add_argument("n", type=int)
    p.add_argument("file")
    p.set_defaults(fn=csv_rows)
    p = sub.add_parser("kill")
    p.add_argument("pid", type=int)
    p.add_argument("db")
    p.add_argument("n", type=int)
    p.set_defaults(fn=kill)
    p = sub.add_parser("columns")
    p.add_argument("n", type=int)
    p.add_argument("file")
    p.set_defaults(fn=columns)
    p = sub.add_parser("vary")
    p.add_argument("file")
    p.set_defaults(fn=vary)
    args = ap.parse_args()
    args.fn(args)


main()
