#!/usr/bin/env python3
"""hostile.py — jirga code against hostile input: invalid UTF-8, UTF-16, NUL bytes, huge
documents, a million tiny documents, deep nesting, a 10,000-word sentence, empty
documents, JSON of the wrong shape. Run by tests/run.sh, one check per case:

    python3 tests/hostile/hostile.py --jirga ./jirga CASE...
    python3 tests/hostile/hostile.py --jirga build-san/jirga --asan CASE...
    python3 tests/hostile/hostile.py --list

For every case: no crash (no signal, no sanitizer report), the exit status of the README
(0 all coded, 1 something skipped, 2 usage), every skipped document or file named on
standard error with its file (and line), every other document coded (each good document
holds "Iran met Iraq." or another sentence that gives an event, and its id must appear in
the output), every output line valid JSON in valid UTF-8, and bounded time and peak memory
(measured with wait4). Small inputs are files beside this script; big ones are generated
in a temporary directory at test time. Limits are looser under --asan (AddressSanitizer
keeps freed memory in quarantine and runs several times slower).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EVENT = "Iran met Iraq."  # one event: IRN 040 IRQ


class Failure(Exception):
    pass


class Run:
    def __init__(self, status, out, err, seconds, rss_mb):
        self.status, self.out, self.err, self.seconds, self.rss_mb = status, out, err, seconds, rss_mb


TIME = "/usr/bin/time"  # GNU time (package time): the peak RSS of jirga alone


def run(jirga, args, tmp, stdin_path=None):
    """Runs jirga code ARGS; returns status, stdout (bytes), stderr (text), time, peak RSS.
    The peak RSS comes from GNU time when it is installed: wait4 on a child of this script
    would also count the pages the child shared with it before exec."""
    out_path, err_path = os.path.join(tmp, "stdout"), os.path.join(tmp, "stderr")
    rss_path = os.path.join(tmp, "rss")
    cmd = [jirga, "code"] + args
    if os.access(TIME, os.X_OK):
        cmd = [TIME, "-f", "%M", "-o", rss_path] + cmd
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
        start = time.monotonic()
        p = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err)
        _, wstatus, usage = os.wait4(p.pid, 0)
        seconds = time.monotonic() - start
        p.returncode = 0  # reaped by wait4
        if stdin_path:
            stdin.close()
    with open(out_path, "rb") as f:
        out = f.read()
    with open(err_path, "rb") as f:
        err = f.read().decode("utf-8", "replace")
    rss_kb = usage.ru_maxrss
    if os.path.exists(rss_path):
        with open(rss_path) as f:
            text = f.read()
        m = re.search(r"^(\d+)\s*$", text, re.M)
        if m:
            rss_kb = int(m.group(1))
        if "signal" in text:
            m = re.search(r"signal (\d+)", text)
            raise Failure("killed by signal %s\n%s" % (m.group(1) if m else "?", err[-3000:]))
    if os.WIFSIGNALED(wstatus):
        raise Failure("killed by signal %d\n%s" % (os.WTERMSIG(wstatus), err[-3000:]))
    status = os.WEXITSTATUS(wstatus)
    if "Sanitizer" in err or "runtime error:" in err:
        raise Failure("sanitizer report (exit %d):\n%s" % (status, err[-3000:]))
    return Run(status, out, err, seconds, rss_kb / 1024.0)


def records(out):
    """The output's event records; fails on a line that is not valid UTF-8 JSON."""
    recs = []
    for n, line in enumerate(out.split(b"\n"), 1):
        if not line:
            continue
        try:
            recs.append(json.loads(line.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as e:
            raise Failure("output line %d is not valid JSON in UTF-8 (%s): %r" % (n, e, line[:120]))
    return recs


def expect(r, status, coded=(), skipped=(), not_coded=(), max_seconds=20, max_rss_mb=300, asan=False,
           check_json=True):
    """status: the exit status, or a set of allowed ones; coded: document ids that must
    have events; skipped: texts stderr must contain (a file:line, a document id)."""
    problems = []
    allowed = status if isinstance(status, (set, frozenset)) else {status}
    if r.status not in allowed:
        problems.append("exit status %d, want %s" % (r.status, " or ".join(map(str, sorted(allowed)))))
    docs = {rec["doc"] for rec in records(r.out)} if check_json else set()
    for d in coded:
        if d not in docs:
            problems.append("document %r was not coded (no event in the output)" % d)
    for d in not_coded:
        if d in docs:
            problems.append("document %r has events, but it should have been skipped" % d)
    for s in skipped:
        if s not in r.err:
            problems.append("standard error does not name %r" % s)
    if r.status == 1 and "skipped" not in r.err and "cannot open" not in r.err:
        problems.append("exit status 1 without a message saying what was skipped")
    if r.status == 0 and "skipped" in r.err:
        problems.append("something was skipped, yet the exit status is 0")
    if asan:
        max_seconds, max_rss_mb = max_seconds * 4, max_rss_mb * 3 + 600
    if r.seconds > max_seconds:
        problems.append("took %.1f s, limit %d s" % (r.seconds, max_seconds))
    if r.rss_mb > max_rss_mb:
        problems.append("peak RSS %.0f MB, limit %d MB" % (r.rss_mb, max_rss_mb))
    print("    exit %d, %.2f s, peak RSS %.0f MB, %d output line(s)" %
          (r.status, r.seconds, r.rss_mb, r.out.count(b"\n")))
    if problems:
        raise Failure("\n".join(problems) + "\n--- stderr:\n" + r.err[-2000:])


def fixture(name):
    return os.path.join(HERE, name)


# ---- cases ----------------------------------------------------------------------------
# Each takes (jirga, tmp, asan) and raises Failure when jirga misbehaves.

def case_invalid_utf8_text(j, tmp, asan):
    """Bad bytes (stray continuation, overlong, surrogate, too big, truncated) are repaired."""
    r = run(j, ["--date", "2021-01-01", fixture("invalid-utf8.txt")], tmp)
    expect(r, 0, coded=["invalid-utf8"], asan=asan)


def case_invalid_utf8_jsonl(j, tmp, asan):
    """Raw invalid bytes in a JSON line: that line is coded (repaired) or skipped and named;
    the other lines are coded."""
    r = run(j, [fixture("invalid-utf8.jsonl")], tmp)
    expect(r, {0, 1}, coded=["good-1", "good-2"], asan=asan)
    docs = {rec["doc"] for rec in records(r.out)}
    for line, doc in ((2, "bad-text"), (3, "bad-id")):
        if doc not in docs and not any(doc in d for d in docs) and "invalid-utf8.jsonl:%d" % line not in r.err:
            raise Failure("line %d (%s) was neither coded nor named on standard error" % (line, doc))


def case_utf16(j, tmp, asan):
    """UTF-16 text files with a byte-order mark, little and big endian: decoded (the event's
    sentence reads "Iran met Iraq\u2019s foreign minister in Doha."), or skipped with a
    message that names the file; never coded as bytes with NULs dropped."""
    want = "Iran met Iraq\u2019s foreign minister in Doha."
    for name in ("utf16le-bom.txt", "utf16be-bom.txt"):
        r = run(j, ["--date", "2021-01-01", fixture(name)], tmp)
        if r.status == 0:
            expect(r, 0, coded=[name[:-4]], asan=asan)
            texts = {rec["text"] for rec in records(r.out)}
            if want not in texts:
                raise Failure("%s: UTF-16 was not decoded; the event's sentence is %r" % (name, sorted(texts)))
        else:
            expect(r, 1, skipped=[name], asan=asan)


def case_utf16_jsonl(j, tmp, asan):
    """A JSON Lines file in UTF-16: no crash; each line coded or named as skipped."""
    r = run(j, [fixture("utf16le-bom.jsonl")], tmp)
    expect(r, {0, 1}, asan=asan)
    if r.status == 1 and "utf16le-bom.jsonl" not in r.err:
        raise Failure("skipped without naming the file")


def case_nul_text(j, tmp, asan):
    """NUL bytes in a plain text article are dropped."""
    r = run(j, ["--date", "2021-01-01", fixture("nul-bytes.txt")], tmp)
    expect(r, 0, coded=["nul-bytes"], asan=asan)


def case_nul_jsonl(j, tmp, asan):
    """\\u0000 in text, title and id; a raw NUL byte in a line (invalid JSON: skipped)."""
    r = run(j, [fixture("nul-bytes.jsonl")], tmp)
    expect(r, 1, coded=["text-nul", "title-nul", "after"], skipped=["nul-bytes.jsonl:4"], asan=asan)
    docs = {rec["doc"] for rec in records(r.out)}
    if not any(d.startswith("id") for d in docs):
        raise Failure("the document whose id holds \\u0000 was not coded: %s" % sorted(docs))


def big_sentences(size):
    """size bytes of sentences that give no event, between two that do."""
    filler = "The weather was mild and the market in the old town was busy with traders. "
    return "The Taliban met US officials in Doha. " + filler * (size // len(filler)) + \
        "Pakistan condemned the attack on Kabul."


def case_big_jsonl(j, tmp, asan):
    """A 50 MB document on one JSON line, between two small ones: all three coded, with the
    events of its first and last sentences; memory stays within a few times the input."""
    size = (5 if asan else 50) << 20
    path = os.path.join(tmp, "big.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps({"id": "before", "text": EVENT}) + "\n")
        f.write(json.dumps({"id": "big", "date": "2021-01-01", "text": big_sentences(size)}) + "\n")
        f.write(json.dumps({"id": "after", "text": EVENT}) + "\n")
    r = run(j, [path], tmp)
    expect(r, 0, coded=["before", "big", "after"], max_seconds=90, max_rss_mb=8 * (size >> 20) + 100, asan=asan)
    codes = {(rec["doc"], rec["cameo"]) for rec in records(r.out)}
    if ("big", "111") not in codes and not any(d == "big" and c.startswith("11") for d, c in codes):
        raise Failure("the last sentence of the big document gave no event: %s" % sorted(codes))


def case_big_text(j, tmp, asan):
    """A plain text article of one 50 MB line (no headline line, no line break): coded."""
    size = (5 if asan else 50) << 20
    path = os.path.join(tmp, "oneline.txt")
    with open(path, "w") as f:
        f.write(big_sentences(size))
    r = run(j, ["--date", "2021-01-01", path], tmp)
    expect(r, 0, coded=["oneline"], max_seconds=90, max_rss_mb=8 * (size >> 20) + 100, asan=asan)


def case_big_nostop(j, tmp, asan):
    """5 MB of words without a full stop: cut into sentences of at most 8192 bytes."""
    size = (1 if asan else 5) << 20
    path = os.path.join(tmp, "nostop.jsonl")
    words = "officials talks ceasefire Qatar meeting with the delegation and "
    with open(path, "w") as f:
        f.write(json.dumps({"id": "nostop", "text": "Iran met Iraq. " + words * (size // len(words))}) + "\n")
        f.write(json.dumps({"id": "after", "text": EVENT}) + "\n")
    r = run(j, [path], tmp)
    expect(r, 0, coded=["nostop", "after"], max_seconds=60, max_rss_mb=8 * (size >> 20) + 100, asan=asan)


def case_million_docs(j, tmp, asan):
    """1,000,000 tiny documents in one JSON Lines file (20,000 under --asan): every one
    coded, memory flat."""
    n = 20000 if asan else 1000000
    path = os.path.join(tmp, "tiny.jsonl")
    with open(path, "w") as f:
        f.write("".join('{"id":"d%d","text":"%s"}\n' % (i, EVENT) for i in range(n)))
    r = run(j, [path], tmp)
    expect(r, 0, max_seconds=90, max_rss_mb=200, asan=asan, check_json=False)
    seen = set(re.findall(rb'^\{"doc":"d(\d+)"', r.out, re.M))
    if len(seen) != n:
        raise Failure("%d of %d documents coded" % (len(seen), n))
    records(r.out[:1 << 20].rsplit(b"\n", 1)[0])  # the first MB parses as JSON


def case_nested_text(j, tmp, asan):
    """10,000 nested brackets and quotes around a sentence, and 100,000 unbalanced ones."""
    path = os.path.join(tmp, "nested.txt")
    opens = '(["\u201c\u2018\u00ab' * 2000
    closes = '\u00bb\u2019\u201d"])' * 2000
    with open(path, "w") as f:
        f.write("Nested\n\n" + opens + "Iran met Iraq." + closes + "\n\n" + "(" * 100000 +
                " Syria met Qatar. " + "\u201d" * 100000 + "\n\nIran met Iraq.\n")
    r = run(j, ["--date", "2021-01-01", path], tmp)
    expect(r, 0, coded=["nested"], asan=asan)


def case_nested_json(j, tmp, asan):
    """JSON nested 100,000 deep on one line (jansson's depth limit: skipped and named), and
    deep nesting in an extra field of a good document; the other lines are coded."""
    path = os.path.join(tmp, "nested.jsonl")
    with open(path, "w") as f:
        f.write('{"id":"before","text":"%s"}\n' % EVENT)
        f.write("[" * 100000 + "]" * 100000 + "\n")
        f.write('{"id":"deep-extra","extra":' + "[" * 100000 + "]" * 100000 + ',"text":"%s"}\n' % EVENT)
        f.write('{"id":"after","text":"%s"}\n' % EVENT)
    r = run(j, [path], tmp)
    expect(r, 1, coded=["before", "after"], skipped=["nested.jsonl:2", "nested.jsonl:3"], asan=asan)


def case_long_sentence(j, tmp, asan):
    """A 10,000-word sentence: a list of 10,000 countries that met (compound actors), and
    10,000 words of one 'and'-joined subject."""
    names = ["Iran", "Iraq", "Syria", "Qatar", "Pakistan", "China", "Russia", "France"]
    lst = ", ".join(names[i % len(names)] for i in range(10000))
    path = os.path.join(tmp, "long.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps({"id": "list", "text": lst + " and Turkey met in Doha."}) + "\n")
        f.write(json.dumps({"id": "ands", "text": " and ".join(names[i % len(names)] for i in range(5000)) +
                            " condemned the attack."}) + "\n")
        f.write(json.dumps({"id": "words", "text": " ".join("word%d" % i for i in range(10000)) + " " + EVENT})
                + "\n")
        f.write(json.dumps({"id": "after", "text": EVENT}) + "\n")
    r = run(j, [path], tmp)
    expect(r, 0, coded=["after", "words"], max_seconds=30, asan=asan)


def case_many_names(j, tmp, asan):
    """1,000 names learned from titles in one document (the coder keeps 256)."""
    path = os.path.join(tmp, "names.jsonl")
    text = " ".join("Taliban spokesman Zabi%dullah Mujahid%d said the talks failed." % (i, i) for i in range(1000))
    with open(path, "w") as f:
        f.write(json.dumps({"id": "names", "text": text + " " + EVENT}) + "\n")
    r = run(j, [path], tmp)
    expect(r, 0, coded=["names"], max_seconds=30, asan=asan)


def case_empty(j, tmp, asan):
    """Empty and whitespace-only documents code to nothing, and are not errors."""
    r = run(j, [fixture("empty.jsonl"), fixture("empty.txt"), fixture("whitespace.txt")], tmp)
    expect(r, 0, coded=["after"], asan=asan)
    empty = os.path.join(tmp, "stdin-empty")
    open(empty, "w").close()
    r = run(j, ["-"], tmp, stdin_path=empty)
    expect(r, 0, asan=asan)


def case_wrong_types(j, tmp, asan):
    """Fields of the wrong type, lines that are not objects: skipped and named; the rest
    coded."""
    path = fixture("wrong-types.jsonl")
    r = run(j, [path], tmp)
    expect(r, 1, coded=["good", "good-2", "-7", path + ":2", path + ":13"],
           skipped=["wrong-types.jsonl:%d" % n for n in (3, 4, 5, 6, 7, 8, 9, 10, 11)] +
           ["'%s'" % d for d in ("text-number", "text-array", "title-object", "date-number", "url-bool")],
           not_coded=["text-number", "text-array", "title-object", "date-number", "url-bool"], asan=asan)


def case_missing_fields(j, tmp, asan):
    """No text (skipped), no id (named by file:line), title alone (coded)."""
    r = run(j, [fixture("missing-fields.jsonl")], tmp)
    path = fixture("missing-fields.jsonl")
    expect(r, 1, coded=["good", "title-only", "null-text", path + ":4"],
           skipped=["missing-fields.jsonl:2", "missing-fields.jsonl:3"], asan=asan)


def case_duplicate_ids(j, tmp, asan):
    """Two documents with one id are both coded; a key given twice takes the last value."""
    r = run(j, [fixture("duplicate-ids.jsonl")], tmp)
    expect(r, 0, coded=["same", "keys"], asan=asan)
    recs = records(r.out)
    same = {(rec["source"]["code"], rec["target"]["code"]) for rec in recs if rec["doc"] == "same"}
    if len(same) != 2:
        raise Failure("both documents 'same' should be coded, got events %s" % sorted(same))


def case_long_id(j, tmp, asan):
    """Ids of 600 bytes of non-ASCII letters and of 100,000 bytes: the output stays valid
    JSON in valid UTF-8."""
    path = os.path.join(tmp, "ids.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "\u00e9" * 300, "text": EVENT}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "\u0627" * 300, "text": EVENT}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "x" * 100000, "text": EVENT}) + "\n")
    r = run(j, [path], tmp)
    expect(r, 0, asan=asan)
    if len(records(r.out)) != 3:
        raise Failure("want 3 events")


def case_bad_files(j, tmp, asan):
    """A missing file among the files: named, the others coded, exit 1. A directory among
    them (named like a file) stands for the files below it, which are coded."""
    d = os.path.join(tmp, "adir.txt")
    os.mkdir(d)
    with open(os.path.join(d, "inner.txt"), "w") as f:
        f.write("Headline\n\n" + EVENT + "\n")
    r = run(j, [fixture("nul-bytes.txt"), os.path.join(tmp, "missing.txt"), d, fixture("duplicate-ids.jsonl")], tmp)
    expect(r, 1, coded=["nul-bytes", "inner", "same"], skipped=["missing.txt"], asan=asan)


def case_many_files(j, tmp, asan):
    """4,100 files on one command line: every one coded."""
    paths = []
    for i in range(4100):
        p = os.path.join(tmp, "f%d.txt" % i)
        with open(p, "w") as f:
            f.write("Headline\n\n" + EVENT + "\n")
        paths.append(p)
    r = run(j, paths, tmp)
    expect(r, 0, coded=["f0", "f4095", "f4096", "f4099"], max_seconds=60, asan=asan)
    n = len({rec["doc"] for rec in records(r.out)})
    if n != len(paths):
        raise Failure("%d of %d files coded" % (n, len(paths)))


def case_file_names(j, tmp, asan):
    """Plain text files whose names (the document ids) hold a Latin-1 byte, a quote, a
    backslash and a tab: coded, and the output stays valid JSON in UTF-8."""
    paths = []
    for name in (b"caf\xe9.txt", b'q"uo\\te\t.txt', b"\xff\xfe.txt"):
        p = os.path.join(tmp.encode(), name)
        with open(p, "w") as f:
            f.write("Headline\n\n" + EVENT + "\n")
        paths.append(p.decode("utf-8", "surrogateescape"))
    r = run(j, paths, tmp)
    expect(r, 0, asan=asan)
    if len(records(r.out)) != 3:
        raise Failure("want one event for each of the 3 files")


def case_binary(j, tmp, asan):
    """1 MB of random bytes (a PDF or an image passed by mistake) as a text file and as a
    JSON Lines file: no crash; the JSON lines are skipped, each named."""
    import random
    rnd = random.Random(17)
    data = bytes(rnd.getrandbits(8) for _ in range(1 << 20))
    txt, jl = os.path.join(tmp, "binary.txt"), os.path.join(tmp, "binary.jsonl")
    for p in (txt, jl):
        with open(p, "wb") as f:
            f.write(data)
    r = run(j, ["--date", "2021-01-01", txt], tmp)
    expect(r, 0, max_seconds=30, asan=asan)
    r = run(j, [jl, fixture("duplicate-ids.jsonl")], tmp)
    expect(r, 1, coded=["same"], skipped=["binary.jsonl:1:", "binary.jsonl:%d:" % data.count(b"\n")],
           max_seconds=30, asan=asan)


def case_usage(j, tmp, asan):
    """Usage errors exit 2 and code nothing."""
    for args in (["--no-such-option", fixture("nul-bytes.txt")], [], ["--date", "yesterday", fixture("nul-bytes.txt")],
                 ["--input", "xml", fixture("nul-bytes.txt")], ["--dict", os.path.join(tmp, "nodict"), fixture("nul-bytes.txt")]):
        r = run(j, args, tmp)
        if r.status != 2 or r.out:
            raise Failure("jirga code %s: exit %d with %d bytes of output, want exit 2 and none"
                          % (" ".join(args), r.status, len(r.out)))


CASES = {name[5:].replace("_", "-"): fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jirga", default="./jirga")
    ap.add_argument("--asan", action="store_true", help="looser limits, smaller big inputs")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    if a.list:
        for name, fn in CASES.items():
            print("%-18s %s" % (name, fn.__doc__.split("\n")[0]))
        return 0
    failed = 0
    for name in a.cases or list(CASES):
        if name not in CASES:
            print("unknown case %r; --list shows them" % name)
            return 2
        tmp = tempfile.mkdtemp(prefix="jirga-hostile-")
        try:
            print("  %s" % name)
            CASES[name](a.jirga, tmp, a.asan)
        except Failure as e:
            failed += 1
            print("  FAILED %s: %s" % (name, e))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
