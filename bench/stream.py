#!/usr/bin/env python3
"""Memory on a long stream (make bench-stream): feeds jirga code STREAM_GB gigabytes of
JSON Lines on standard input (the benchmark corpus repeated, each document with a new id)
and samples jirga's resident memory as it goes. Memory must stay flat: whatever one
document needs is freed before the next, and nothing grows with the stream.

Prints the resident memory (VmRSS) after each tenth of the stream, the peak (VmHWM), the
throughput, and the number of events written."""
import os, subprocess, sys, threading, time


def rss_kb(pid, field="VmRSS"):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def main():
    jirga = os.environ.get("JIRGA", "./jirga")
    gigabytes = float(os.environ.get("STREAM_GB", "1"))
    threads = os.environ.get("STREAM_THREADS", "2")
    corpus = "build/bench-corpus-100000.jsonl"
    if not os.path.exists(corpus):
        subprocess.run([sys.executable, "bench/gen.py", corpus, "100000", "dictionaries/en"], check=True)
    lines = open(corpus, "rb").read().splitlines()
    # each line starts with {"id": "bench-N", ...: a new id per repetition
    bodies = [l.split(b",", 1)[1] for l in lines]
    total = int(gigabytes * 1e9)

    p = subprocess.Popen([jirga, "code", "-j", threads, "--input", "jsonl", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    events = [0]

    def count():
        for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
            events[0] += chunk.count(b"\n")

    reader = threading.Thread(target=count)
    reader.start()
    sent, docs, tenth, t0 = 0, 0, 1, time.perf_counter()
    samples = []
    buf = []
    while sent < total:
        body = bodies[docs % len(bodies)]
        line = b'{"id": "s%d",' % docs + body + b"\n"
        buf.append(line)
        sent += len(line)
        docs += 1
        if len(buf) == 1000:
            p.stdin.write(b"".join(buf))
            buf = []
        if sent >= tenth * total / 10:
            samples.append((tenth * 10, sent / 1e9, rss_kb(p.pid) / 1024))
            tenth += 1
    p.stdin.write(b"".join(buf))
    peak = rss_kb(p.pid, "VmHWM") / 1024
    p.stdin.close()
    reader.join()
    err = p.stderr.read().decode()
    status = p.wait()
    wall = time.perf_counter() - t0
    if status != 0:
        sys.exit("bench-stream: jirga exited %d: %s" % (status, err[-2000:]))
    print("stream: %.2f GB, %d documents, jirga code -j %s, %.0f s, %.1f MB/s, %d events" %
          (sent / 1e9, docs, threads, wall, sent / 1e6 / wall, events[0]))
    for pct, gb, mb in samples:
        print("  after %3d%% (%.2f GB): resident %.1f MB" % (pct, gb, mb))
    print("peak resident memory (VmHWM): %.1f MB" % peak)


if __name__ == "__main__":
    main()
