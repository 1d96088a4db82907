#!/usr/bin/env python3
"""serve.py — load test of `jirga serve` (make bench-serve): wrk POSTs an article to
/v1/code on loopback for at least 100,000 requests (bench/serve.lua) and this prints
requests/s, p50 and p99 latency, errors, and the server's RSS before and after (after a
warm-up, so the coders and buffers exist). It fails when a request got anything but 200,
when fewer requests were made, or when RSS grew (by more than 10% and 5 MB).

usage: serve.py [--jirga ./jirga] [--requests 100000] [--connections 8] [--threads 2]
"""
import argparse
import math
import os
import re
import signal
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def wrk(url, seconds, args):
    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", "%ds" % seconds,
                          "--latency", "-s", "bench/serve.lua", url], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    m = re.search(r"bench: requests (\d+), not-200 (\d+), socket errors (\d+), p50 ([\d.]+) ms, p99 ([\d.]+) ms", out)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"requests": int(m.group(1)), "bad": int(m.group(2)), "socket_errors": int(m.group(3)),
            "p50": float(m.group(4)), "p99": float(m.group(5)), "rate": rate, "out": out}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jirga", default="./jirga")
    ap.add_argument("--requests", type=int, default=100000)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    if subprocess.run(["which", "wrk"], capture_output=True).returncode != 0:
        sys.exit("bench-serve: wrk is not installed (scripts/setup.sh installs it)")
    tmp = tempfile.mkdtemp(prefix="jirga-bench-serve-")
    server = subprocess.Popen([args.jirga, "serve", "--db", os.path.join(tmp, "bench.db"), "--port", "0"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = server.stdout.readline()
    m = re.search(r"(http://[0-9.]+:\d+/)", line)
    if not m:
        server.kill()
        sys.exit("bench-serve: jirga serve did not start: " + line + server.stderr.read())
    url = m.group(1)
    try:
        warm = wrk(url, 3, args)
        before = rss_kb(server.pid)
        # the machine may be shared: a run too short for the requests is made again, longer
        rate = warm["rate"]
        for _ in range(3):
            seconds = max(5, math.ceil(args.requests / max(rate, 1.0) * 1.4))
            run = wrk(url, seconds, args)
            if run["requests"] >= args.requests:
                break
            rate = run["rate"]
        after = rss_kb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=60)
    print(run["out"].rstrip())
    body = os.path.getsize(os.path.join(ROOT, "examples/afghan-talks.txt"))
    print("\nPOST /v1/code, examples/afghan-talks.txt (%d bytes, 8 sentences, 13 events), %d connections, %d wrk threads, "
          "%d cores" % (body, args.connections, args.threads, os.cpu_count()))
    print("requests %d in %d s: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, not-200 %d, socket errors %d"
          % (run["requests"], seconds, run["rate"], run["p50"], run["p99"], run["bad"], run["socket_errors"]))
    print("server RSS after warm-up %.1f MB, after the run %.1f MB (%+.1f MB)" % (before / 1024, after / 1024,
                                                                                (after - before) / 1024))
    problems = []
    if run["requests"] < args.requests:
        problems.append("only %d requests (wanted %d)" % (run["requests"], args.requests))
    if run["bad"] or run["socket_errors"]:
        problems.append("%d answers were not 200, %d socket errors" % (run["bad"], run["socket_errors"]))
    if after - before > max(before // 10, 5 * 1024):
        problems.append("RSS grew from %d kB to %d kB" % (before, after))
    if problems:
        sys.exit("bench-serve: " + "; ".join(problems))


if __name__ == "__main__":
    main()
