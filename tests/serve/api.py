#!/usr/bin/env python3
"""api.py — tests of the HTTP API of `jirga serve` (docs/serve.md), with urllib only.

Starts `jirga serve` on a free loopback port with a temporary store and checks every
endpoint against the command line (POST /v1/code gives what `jirga code` gives; GET
/v1/events and /v1/stats give what `jirga query` and `jirga stats` read from the same
store), every error status (400, 413, 404, 405), concurrent requests (each answer equal to
the same request made alone), and a graceful SIGTERM: an ingest in flight when the signal
comes is answered and kept in the store.

usage: api.py [--jirga ./jirga]   prints one line per check; exit status 1 if any failed.
"""
import argparse
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAX_BODY = 4_000_000
failures = 0
T0 = time.time()


def check(name, ok, seen=""):
    global failures
    print("%6.2f " % (time.time() - T0) + ("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(seen)[:800]))
    if not ok:
        failures += 1


class Server:
    """A running `jirga serve`; base is its URL."""

    def __init__(self, jirga, db, *extra):
        self.proc = subprocess.Popen([jirga, "serve", "--db", db, "--port", "0", *extra], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        m = re.search(r"listening on http://([0-9.]+):(\d+)/", line)
        if not m:
            self.proc.kill()
            raise SystemExit("jirga serve did not start: " + line + self.proc.stderr.read())
        self.host, self.port = m.group(1), int(m.group(2))
        self.base = "http://%s:%d" % (self.host, self.port)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, err = self.proc.communicate(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, err


def request(base, method, path, body=None, ctype=None, headers=None):
    """(status, parsed JSON or raw text, headers)."""
    h = dict(headers or {})
    if ctype:
        h["Content-Type"] = ctype
    data = body.encode() if isinstance(body, str) else body
    req = urllib.request.Request(base + path, data=data, method=method, headers=h)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, raw, hdrs = r.status, r.read(), r.headers
    except urllib.error.HTTPError as e:
        status, raw, hdrs = e.code, e.read(), e.headers
    try:
        return status, json.loads(raw), hdrs
    except ValueError:
        return status, raw.decode("utf-8", "replace"), hdrs


def get(base, path):
    return request(base, "GET", path)


def post_json(base, path, obj):
    return request(base, "POST", path, json.dumps(obj), "application/json")


def jirga_lines(jirga, *args):
    out = subprocess.run([jirga, *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def is_error(resp, status):
    s, body, _ = resp
    return s == status and isinstance(body, dict) and body.get("status") == status and bool(body.get("error"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jirga", default=os.path.join(ROOT, "jirga"))
    args = ap.parse_args()
    jirga = os.path.abspath(args.jirga)
    tmp = tempfile.mkdtemp(prefix="jirga-api-")
    db = os.path.join(tmp, "store.db")
    srv = Server(jirga, db, "--max-body", str(MAX_BODY))
    base = srv.base
    try:
        run_checks(jirga, srv, base, db, tmp)
    finally:
        if srv.proc.poll() is None:
            srv.stop()
    print("%d check(s) failed" % failures if failures else "all API checks passed")
    return 1 if failures else 0


def run_checks(jirga, srv, base, db, tmp):
    article = open(os.path.join(ROOT, "examples/afghan-talks.txt"), encoding="utf-8").read()
    docs = [json.loads(l) for l in open(os.path.join(ROOT, "tests/golden/documents.jsonl"), encoding="utf-8")]

    # ---- health, the page -------------------------------------------------------------
    s, h, _ = get(base, "/v1/health")
    check("GET /v1/health", s == 200 and h.get("status") == "ok" and h.get("documents") == 0, h)
    s, page, hdrs = get(base, "/")
    check("GET / serves the page", s == 200 and "<title>jirga" in page and hdrs["Content-Type"].startswith("text/html"),
          (s, str(page)[:100]))
    s, js, hdrs = get(base, "/vendor/uplot.iife.min.js")
    check("GET /vendor/uplot.iife.min.js", s == 200 and "javascript" in hdrs["Content-Type"] and len(js) > 10000, s)

    # ---- POST /v1/code: the record of `jirga code` ------------------------------------------
    want = jirga_lines(jirga, "code", "--date", "2021-03-09", "examples/afghan-talks.txt")
    s, got, _ = request(base, "POST", "/v1/code?date=2021-03-09&id=afghan-talks", article, "text/plain")
    check("POST /v1/code text/plain gives the events of `jirga code`", s == 200 and got["events"] == want,
          (s, got if s != 200 else [e["cameo"] for e in got["events"]]))
    check("POST /v1/code gives the sentences the spans point into",
          s == 200 and all(got["sentences"][e["sentence"] - 1] == e["text"] for e in got["events"]), got)
    d = docs[0]
    p = subprocess.run([jirga, "code", "--input", "jsonl", "-"], cwd=ROOT, input=json.dumps(d) + "\n",
                       capture_output=True, text=True)
    want = [json.loads(l) for l in p.stdout.splitlines()]
    s, got, _ = post_json(base, "/v1/code", d)
    check("POST /v1/code JSON document gives the events of `jirga code`", s == 200 and got["events"] == want,
          (s, got))
    s, got, _ = post_json(base, "/v1/code", docs[:3])
    check("POST /v1/code JSON array codes each document",
          s == 200 and [x["doc"] for x in got["documents"]] == [x["id"] for x in docs[:3]], got)
    s, got, _ = post_json(base, "/v1/code", {"text": "Kabul’s café — «The Taliban met US officials in Doha.»"})
    check("POST /v1/code without id and date, non-ASCII text", s == 200 and got["date"] is None, (s, got))

    # ---- 400 -----------------------------------------------------------------------------
    bad = [
        ("malformed JSON", ("POST", "/v1/code", '{"text": ', "application/json")),
        ("JSON without text", ("POST", "/v1/code", '{"date": "2021-01-01"}', "application/json")),
        ("text not a string", ("POST", "/v1/code", '{"text": 12}', "application/json")),
        ("a bad date", ("POST", "/v1/code", '{"text": "x", "date": "March 9"}', "application/json")),
        ("a bad ?date=", ("POST", "/v1/code?date=2021-3-9", "x", "text/plain")),
        ("an empty array", ("POST", "/v1/code", "[]", "application/json")),
        ("an unknown Content-Type", ("POST", "/v1/code", "x", "application/xml")),
        ("invalid UTF-8 in JSON", ("POST", "/v1/code", b'{"text": "\xff\xfe"}', "application/json")),
        ("ingest without id", ("POST", "/v1/ingest", '{"text": "The Taliban met US officials."}', "application/json")),
        ("events: quad=9", ("GET", "/v1/events?quad=9", None, None)),
        ("events: from=yesterday", ("GET", "/v1/events?from=yesterday", None, None)),
        ("events: dyad=USA", ("GET", "/v1/events?dyad=USA", None, None)),
        ("events: both without dyad", ("GET", "/v1/events?both=1", None, None)),
        ("events: root=x1", ("GET", "/v1/events?root=x1", None, None)),
        ("events: limit=0", ("GET", "/v1/events?limit=0", None, None)),
        ("events: actor with a quote", ("GET", "/v1/events?actor=US%27A", None, None)),
        ("stats: by=year", ("GET", "/v1/stats?by=year", None, None)),
        ("actors: limit=many", ("GET", "/v1/actors?limit=many", None, None)),
    ]
    for name, (method, path, body, ctype) in bad:
        r = request(base, method, path, body, ctype)
        check("400 for " + name, is_error(r, 400), r[:2])

    # ---- 413 -----------------------------------------------------------------------------
    # announced too large: refused on the headers, before the body is sent
    sock = socket.create_connection((srv.host, srv.port), timeout=10)
    sock.sendall(b"POST /v1/code HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                 % (MAX_BODY * 10))
    resp = http.client.HTTPResponse(sock)
    resp.begin()
    body = json.loads(resp.read())
    sock.close()
    check("413 for a Content-Length over --max-body", resp.status == 413 and body["status"] == 413, (resp.status, body))
    # chunked, no length announced: read, counted, dropped, refused at the end
    conn = http.client.HTTPConnection(srv.host, srv.port, timeout=30)
    chunks = (b"The Taliban met US officials. " * 4000 for _ in range(40))  # 4.8 MB
    conn.request("POST", "/v1/ingest?id=big", body=chunks, headers={"Content-Type": "text/plain"},
                 encode_chunked=True)
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    check("413 for a chunked body over --max-body", resp.status == 413 and "max-body" in body["error"],
          (resp.status, body))
    s, got, _ = request(base, "POST", "/v1/code?date=2021-01-01", "The Taliban met US officials. " * 30000,
                        "text/plain")  # 900 kB: under the limit
    check("a body under --max-body is coded", s == 200 and len(got["events"]) > 0, s)

    # not HTTP at all: libmicrohttpd answers or hangs up; the server goes on
    for junk in [b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\xff" * 100 + b"\r\n\r\n",
                 b"POST /v1/code HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"]:
        sock = socket.create_connection((srv.host, srv.port), timeout=10)
        sock.sendall(junk)
        sock.shutdown(socket.SHUT_WR)  # nothing more comes: the server must not wait
        try:
            sock.recv(4096)
        except OSError:
            pass
        sock.close()
    check("requests that are not HTTP leave the server answering", get(base, "/v1/health")[0] == 200)

    # random requests (a fixed seed): each answer is JSON with its status, or a file of the page
    import random
    rnd = random.Random(9)
    paths = ["/v1/code", "/v1/ingest", "/v1/events", "/v1/stats", "/v1/actors", "/v1/health", "/", "/x"]
    args = ["from", "to", "actor", "dyad", "both", "country", "role", "cameo", "root", "quad", "text", "limit", "by",
            "all", "date", "id"]
    values = ["", "1", "0", "-1", "USA-AFG", "2021", "2021-13-45", "x" * 300, "%00", "%ff%fe", "04", "week", "%C3%A9", "caf%C3%A9%20talks"]
    bodies = ['{"text":"The Taliban met US officials.","id":"r%d"}', "[", "[1,2]", '{"text":null}', "\x00\xff",
              '{"text":"x","date":"2021-02-30","id":"r%d"}', "The Taliban met US officials.", ""]
    bad_answers = []
    for i in range(300):
        path = rnd.choice(paths)
        q = "&".join("%s=%s" % (rnd.choice(args), rnd.choice(values)) for _ in range(rnd.randint(0, 3)))
        method = rnd.choice(["GET", "GET", "POST", "POST", "HEAD", "PUT", "DELETE"])
        body = rnd.choice(bodies).replace("%d", str(i)) if method in ("POST", "PUT") else None
        ctype = rnd.choice(["application/json", "text/plain", "application/json; charset=utf-8", "image/png", None])
        s, got, hdrs = request(base, method, path + ("?" + q if q else ""), body, ctype)
        ok = method == "HEAD" or (isinstance(got, dict) and (s == 200 or got.get("status") == s)) or \
            (path == "/" and s == 200)
        if not ok or s >= 500:
            bad_answers.append((method, path, q, body, s, got))
    check("300 random requests each get a JSON answer with their status, none 5xx", not bad_answers, bad_answers[:3])
    s, h, _ = get(base, "/v1/health")
    check("the server still answers after them", s == 200)
    random_docs = h["documents"]  # the random ingests that were well-formed

    # ---- 404, 405 --------------------------------------------------------------------------
    for path in ["/nope", "/v1/nope", "/v1", "/v1/code/extra", "/vendor/"]:
        check("404 for " + path, is_error(get(base, path), 404), get(base, path)[:2])
    for method, path, allow in [("GET", "/v1/code", "POST"), ("GET", "/v1/ingest", "POST"),
                                ("POST", "/v1/events", "GET, HEAD"), ("DELETE", "/v1/stats", "GET, HEAD"),
                                ("PUT", "/v1/health", "GET, HEAD"), ("POST", "/", "GET, HEAD"),
                                ("PATCH", "/v1/actors", "GET, HEAD")]:
        r = request(base, method, path, "" if method in ("POST", "PUT", "PATCH") else None, "text/plain")
        check("405 for %s %s (Allow: %s)" % (method, path, allow), is_error(r, 405) and r[2]["Allow"] == allow,
              (r[0], r[1], r[2].get("Allow")))

    # ---- ingest, then the store's reads as the command line gives them ---------------------
    s, got, _ = post_json(base, "/v1/ingest", docs)
    check("POST /v1/ingest a JSON array", s == 200 and got["documents"] == len(docs), (s, got))
    s, got, _ = request(base, "POST", "/v1/ingest?date=2021-03-09&id=afghan-talks", article, "text/plain")
    coded = len(jirga_lines(jirga, "code", "--date", "2021-03-09", "examples/afghan-talks.txt"))
    check("POST /v1/ingest text/plain", s == 200 and got == {"documents": 1, "events": coded}, (s, got, coded))
    s, h, _ = get(base, "/v1/health")
    check("health counts the documents", h.get("documents") == random_docs + len(docs) + 1, h)
    for q, cli in [("", []), ("dyad=USA-AFG&both=1", ["--dyad", "USA-AFG", "--both"]), ("root=4", ["--root", "4"]),
                   ("actor=qat&from=2021", ["--actor", "QAT", "--from", "2021"]), ("quad=4&country=AFG", ["--quad", "4", "--country", "AFG"]),
                   ("text=talks", ["--text", "talks"]), ("all=1&role=GOV", ["--all", "--role", "GOV"])]:
        want = jirga_lines(jirga, "query", "--db", db, *cli)
        s, got, _ = get(base, "/v1/events?limit=100000&" + q)
        check("GET /v1/events?%s = jirga query %s (%d)" % (q, " ".join(cli), len(want)),
              s == 200 and got["events"] == want and got["count"] == len(want) and len(want) > 0,
              (s, len(got.get("events", [])) if isinstance(got, dict) else got, len(want)))
    s, got, _ = get(base, "/v1/events?limit=2")
    check("GET /v1/events?limit=2 is cut and says so", s == 200 and got["count"] == 2 and got["truncated"], got)
    for by in ["day", "week", "month"]:
        csv = subprocess.run([jirga, "stats", "--db", db, "--by", by, "--dyad", "USA-AFG", "--both"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.splitlines()
        head = csv[0].split(",")
        want = [dict(zip(head, [r.split(",")[0]] + [json.loads(x) for x in r.split(",")[1:]])) for r in csv[1:]]
        s, got, _ = get(base, "/v1/stats?by=%s&dyad=USA-AFG&both=1" % by)
        check("GET /v1/stats?by=%s = jirga stats (%d periods)" % (by, len(want)),
              s == 200 and got["periods"] == want and len(want) > 0, (s, got, want))
    s, got, _ = get(base, "/v1/actors")
    events = get(base, "/v1/events?limit=100000")[1]["events"]
    dyads = {}
    for e in events:
        if e["source"] and e["target"]:
            k = (e["source"]["code"], e["target"]["code"])
            dyads[k] = dyads.get(k, 0) + 1
    check("GET /v1/actors: an edge per dyad with its events",
          s == 200 and {(x["source"], x["target"]): x["events"] for x in got["edges"]} == dyads and
          {n["id"] for n in got["nodes"]} == {c for k in dyads for c in k}, (s, got))
    s, got, _ = get(base, "/v1/actors?from=2021-03-09&to=2021-03-09")
    day = {(e["source"]["code"], e["target"]["code"])
           for e in jirga_lines(jirga, "query", "--db", db, "--from", "2021-03-09", "--to", "2021-03-09")
           if e["source"] and e["target"]}
    check("GET /v1/actors for a date range = the dyads of jirga query for that day (%d)" % len(day),
          s == 200 and {(x["source"], x["target"]) for x in got["edges"]} == day and len(day) > 0, (got, day))

    # ---- concurrency ----------------------------------------------------------------------
    texts = [d["text"] for d in docs] * 4
    alone = [request(base, "POST", "/v1/code?date=2021-01-01", t, "text/plain")[1] for t in texts[: len(docs)]]
    with ThreadPoolExecutor(max_workers=16) as pool:
        together = list(pool.map(lambda t: request(base, "POST", "/v1/code?date=2021-01-01", t, "text/plain"), texts))
    check("%d concurrent POST /v1/code answer as each alone" % len(texts),
          all(r[0] == 200 and r[1] == alone[i % len(docs)] for i, r in enumerate(together)),
          [r[0] for r in together])

    def mixed(i):
        if i % 3 == 0:
            d = dict(docs[i % len(docs)], id="concurrent-%d" % i)
            return post_json(base, "/v1/ingest", d)[0]
        if i % 3 == 1:
            return get(base, "/v1/events?limit=50")[0]
        return get(base, "/v1/stats?by=week")[0]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(mixed, range(60)))
    n_ingested = len([i for i in range(60) if i % 3 == 0])
    s, h, _ = get(base, "/v1/health")
    check("concurrent ingests and queries all succeed and every ingest is kept",
          statuses == [200] * 60 and h["documents"] == random_docs + len(docs) + 1 + n_ingested, (statuses, h))

    # ---- SIGTERM with an ingest in flight --------------------------------------------------
    big = [dict(docs[i % len(docs)], id="sigterm-%d" % i) for i in range(1000)]
    body = json.dumps(big)
    assert len(body) < MAX_BODY
    result = {}

    def slow_ingest():
        result["resp"] = request(base, "POST", "/v1/ingest", body, "application/json")
        result["answered"] = time.time()
    before = h["documents"]
    t = threading.Thread(target=slow_ingest)
    t0 = time.time()
    t.start()
    # wait until the server has the request (health counts itself and the ingest)
    while time.time() - t0 < 10:
        if get(base, "/v1/health")[1]["in_flight"] >= 2:
            break
        time.sleep(0.02)
    signalled = time.time()
    status, err = srv.stop()
    t.join(60)
    check("SIGTERM came while the ingest was in flight (answered %.2f s after it)"
          % (result.get("answered", 0) - signalled), result.get("answered", 0) > signalled)
    s, got = result.get("resp", (None, None, None))[:2]
    check("SIGTERM: the ingest in flight is answered", s == 200 and got.get("documents") == len(big),
          (s, got, err))
    check("SIGTERM: jirga serve exits 0 and says it finished", status == 0 and "stopped" in err, (status, err))
    with sqlite3.connect(db) as c:
        n = c.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        integrity = c.execute("PRAGMA integrity_check").fetchone()[0]
    check("SIGTERM: nothing lost, the store is whole (%d documents)" % n,
          n == before + len(big) and integrity == "ok", (n, before + len(big), integrity))
    try:
        socket.create_connection((srv.host, srv.port), timeout=2).close()
        refused = False
    except OSError:
        refused = True
    check("after SIGTERM the port is closed", refused)


if __name__ == "__main__":
    sys.exit(main())
