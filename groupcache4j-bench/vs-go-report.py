#!/usr/bin/env python3
"""Summarises vs-go.sh results (medians, spreads, ratios) and writes them into BENCHMARKS.md.

usage: vs-go-report.py RESULTS.tsv BENCHMARKS.md WRITE(0|1) WRK_FLAGS ROUNDS [plain|tls|lib:NAME]

With "tls" (vs-go.sh --tls) the results hold each implementation with http:// peers (go, java)
and with https:// peers (go-tls, java-tls); the section "Over TLS" is written instead.
With "lib:mailgun" or "lib:groupcache-go" (vs-go.sh --lib NAME) they hold an all-Go cluster of that
library (go) and a mixed one (mixed: two of its nodes and one of ours, the API node); the section
"Mixed clusters with NAME nodes" is written instead.
"""
import datetime
import os
import platform
import re
import statistics
import subprocess
import sys

results, bench_md, write, wrk_flags, rounds = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4], sys.argv[5]
mode = sys.argv[6] if len(sys.argv) > 6 else "plain"

rows = [line.rstrip("\n").split("\t") for line in open(results) if line.strip()]
by = {}
for row in rows:
    impl, rnd, wl, a, b, c, bad, err = row[:8]
    # the ninth and tenth columns (measured workloads): the nodes' and wrk's CPU microseconds per request
    by.setdefault((wl, impl), []).append((a, b, c, bad, err, row[8] if len(row) > 8 and row[8] else None,
                                          row[9] if len(row) > 9 and row[9] else None))

NAMES = {
    "a1": "a1 hot key `Jack`, owned by the API node",
    "a2": "a2 hot key `Tom`, owned by another node",
    "c": "c raw peer endpoint `GET :8001/_groupcache/scores/Tom`",
    "b1": "b1 10k random keys, cold cluster (first run)",
    "b2": "b2 10k random keys, warm (second run)",
    "b3": "b3 10k random keys, caching off (`cache 0`)",
}


def med(xs):
    return statistics.median(xs)


def compare(wl, go_impl, java_impl):
    """(Go rows, our rows, Go req/s, our req/s, p50s, p99s, ratio) of a workload, or None when a side is missing."""
    g, j = by.get((wl, go_impl), []), by.get((wl, java_impl), [])
    if not g or not j:
        return None
    grps, jrps = [float(r[0]) for r in g], [float(r[0]) for r in j]
    p50 = (med([float(r[1]) for r in g]), med([float(r[1]) for r in j]))
    p99 = (med([float(r[2]) for r in g]), med([float(r[2]) for r in j]))
    return g, j, grps, jrps, p50, p99, med(jrps) / med(grps)


def cpu_per_request(wl, impl, column=5):
    """Median over rounds of the three nodes' (column 5) or wrk's (column 6) CPU microseconds per request,
    or None when not measured."""
    xs = [float(r[column]) for r in by.get((wl, impl), []) if r[column] is not None]
    return med(xs) if xs else None


def tls_adds(wl, impl, column=5):
    """CPU microseconds per request with https:// peers minus with http:// peers (medians), or None."""
    tls, plain = cpu_per_request(wl, impl + "-tls", column), cpu_per_request(wl, impl, column)
    return None if tls is None or plain is None else tls - plain


def us(x):
    return "–" if x is None else f"{x:.1f}"


def spread(xs):
    return f"{min(xs):,.0f}–{max(xs):,.0f}" if max(xs) > 100 else f"{min(xs):.2f}–{max(xs):.2f}"


def cmd(args):
    try:
        p = subprocess.run(args, capture_output=True, text=True, timeout=20)
        return (p.stdout + p.stderr).strip()
    except Exception as e:  # noqa: BLE001
        return f"unknown ({e})"


cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
java = cmd([os.environ.get("JAVA", "java"), "-version"]).splitlines()[0]
gov = cmd(["go", "version"])
machine = (f"{os.cpu_count()} vCPU {cpu}, {int(mem) // 1024 // 1024} GiB RAM, {platform.system()} {platform.release()}; "
           f"{java} (our nodes: `{os.environ.get('NODE_JAVA_OPTS', '')}`, "
           f"eviction {os.environ.get('NODE_EVICTION') or 'the default'}); {gov}; wrk {wrk_flags} --latency")

JIT_NOTE = ("Our nodes are measured in their steady state: after the same warm-up as Go's, each cluster start "
            "drives its warm-up load until the nodes' JIT compilers are idle (`--jit-settle on`, the default)."
            if os.environ.get("JIT_SETTLE", "on") == "on" else
            "Our nodes got the fixed 3 s warm-up alone (`--jit-settle off`): the JIT may still be compiling.")


def write_section(marker, title, text):
    """Puts text between <!-- marker:begin --> and <!-- marker:end --> of BENCHMARKS.md (a new section if none)."""
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    doc = open(bench_md).read() if os.path.exists(bench_md) else "# Benchmarks\n"
    block = f"{begin}\n{text}\n{end}"
    if begin in doc and end in doc:
        doc = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda m: block, doc, flags=re.S)
    else:
        doc = doc.rstrip("\n") + f"\n\n## {title}\n\n" + block + "\n"
    open(bench_md, "w").write(doc)
    print(f"\nwrote {bench_md}")


def tls_report():
    """Go and ours with https:// peers side by side, and what TLS costs each against its own plain run."""
    out = [f"Measured {datetime.date.today().isoformat()} on {machine}.", ""]
    out.append(f"Command: `groupcache4j-bench/vs-go.sh --tls --rounds {rounds}` (each round runs both clusters with "
               "http:// and with https:// peers, alternating which implementation goes first). TLS is on the peer "
               "port (one throw-away EC P-256 certificate for 127.0.0.1, server authentication only: wrk cannot "
               "present a client certificate to the raw endpoint); the client API stays plain HTTP on both sides "
               "(the Go anchor's API has no TLS), so a1 and a2 measure the API node and b1 and b2 its fetches "
               "from the owners over TLS. Our nodes' TLS engine: BoringSSL (netty-tcnative) where it loads. " + JIT_NOTE)
    out.append("")
    out.append("| workload | golang/groupcache over TLS req/s median [min–max] | groupcache4j over TLS | ratio (ours ÷ Go) "
               "| p50 ms Go / ours | p99 ms Go / ours | TLS ÷ plain, Go | TLS ÷ plain, ours "
               "| node CPU µs/req over TLS, Go / ours | node CPU µs/req TLS adds, Go / ours "
               "| wrk CPU µs/req TLS adds, against Go / ours |")
    out.append("|---|---|---|---|---|---|---|---|---|---|---|")
    misses, cpu_misses = [], []
    for wl in ["a1", "a2", "c", "b1", "b2", "b3"]:
        c = compare(wl, "go-tls", "java-tls")
        if c is None:
            continue
        g, j, grps, jrps, (gp50, jp50), (gp99, jp99), ratio = c
        gplain, jplain = by.get((wl, "go"), []), by.get((wl, "java"), [])
        gcost = f"{med(grps) / med([float(r[0]) for r in gplain]):.2f}" if gplain else "–"
        jcost = f"{med(jrps) / med([float(r[0]) for r in jplain]):.2f}" if jplain else "–"
        non2xx = sum(int(r[3] or 0) for r in g + j)
        if ratio < 1.3 or jp99 >= gp99 or (gplain and jplain and float(jcost) < float(gcost)):
            misses.append(wl)
        gcpu, jcpu = cpu_per_request(wl, "go-tls"), cpu_per_request(wl, "java-tls")
        gadd, jadd = tls_adds(wl, "go"), tls_adds(wl, "java")
        if gadd is None or jadd is None or jadd > gadd:
            cpu_misses.append(wl if gadd is not None and jadd is not None else wl + " (not measured)")
        out.append(f"| {NAMES[wl]} | {med(grps):,.0f} [{spread(grps)}] | {med(jrps):,.0f} [{spread(jrps)}] | "
                   f"**{ratio:.2f}×** | {gp50:.2f} / {jp50:.2f} | {gp99:.2f} / {jp99:.2f} | {gcost} | {jcost} | "
                   f"{us(gcpu)} / {us(jcpu)} | {us(gadd)} / {us(jadd)} | "
                   f"{us(tls_adds(wl, 'go', 6))} / {us(tls_adds(wl, 'java', 6))} |"
                   + ("" if non2xx == 0 else f" ({non2xx} non-2xx!)"))
    out.append("")
    out.append("\"TLS ÷ plain\" is the median req/s with https:// peers over the median with http:// peers of the same "
               "implementation in the same run (1.00 = TLS costs nothing). Node CPU is the user and system time of the "
               "three node processes over the measured run, per answered request (wrk's own CPU excluded); \"TLS adds\" "
               "is its median with https:// peers minus its median with http:// peers. wrk shares the two cores with the "
               "nodes and pays its own TLS on every request, so req/s ratios charge the client's TLS to whichever server "
               "is measured, more so the faster its plain path; node CPU per request does not. \"wrk CPU ... TLS adds\" "
               "measures that charge: wrk's own user and system time per answered request, with https:// peers minus "
               "with http:// peers (on c wrk itself speaks TLS; on the others only the nodes do, so it is about 0 there). Go's runtime keeps idle "
               "threads spinning for work a while, so its CPU per request also counts spinning and moves with the "
               "load: read the CPU columns as indications, and req/s as the measure.")
    out.append("")
    out.append("Targets (≥ 1.3× golang/groupcache over TLS with a lower p99, and TLS costing us no more than it costs Go "
               "relative to plain HTTP in req/s): " + ("all met." if not misses else "not met on " + ", ".join(misses) + ".")
               + " TLS adding no more node CPU per request for us than for Go: "
               + ("met on every workload." if not cpu_misses else "not met on " + ", ".join(cpu_misses) + "."))
    return "\n".join(out)


LIBS = {
    "mailgun": ("mailgun/groupcache v2 (v2.6.0)", "mailgun"),
    "groupcache-go": ("groupcache-go v3 (v3.5.0)", "groupcache-go"),
}


def lib_report(lib):
    """An all-Go cluster of the library and a mixed one (its nodes 1 and 2, ours as node 3), side by side."""
    label, ring = LIBS[lib]
    key = os.environ.get("A1_KEY", "?")
    out = [f"Measured {datetime.date.today().isoformat()} on {machine}.", ""]
    out.append(f"Command: `groupcache4j-bench/vs-go.sh --lib {lib} --rounds {rounds}` (each round runs both clusters, "
               "alternating which goes first). Both: 3 nodes on 127.0.0.1, peers 8001–8003, 100-byte values, 64 MiB per "
               f"node, the API node 3 on :9999 asked by wrk. All-Go: three {label} nodes (the interop anchor's "
               f"`node.go`). Mixed: its nodes 1 and 2 and one of ours as node 3 (`serve --ring {ring}`, `synthetic:100`), "
               f"so a1 and c measure our node serving, b1 our node fetching from theirs. a1 and c ask `{key}`, a key "
               f"node 3 owns on the {ring} ring. Node CPU: the user and system time of the three node processes over "
               "the measured run, per answered request (wrk's own excluded). " + JIT_NOTE)
    out.append("")
    out.append(f"| workload | all-{ring} cluster req/s median [min–max] | mixed cluster req/s median [min–max] "
               f"| ratio (mixed ÷ all-{ring}) | p50 ms all-{ring} / mixed | p99 ms all-{ring} / mixed "
               f"| node CPU µs/req all-{ring} / mixed |")
    out.append("|---|---|---|---|---|---|---|")
    names = {
        "a1": f"a1 hot key `{key}`, owned by the API node",
        "c": f"c raw peer endpoint of the API node `GET :8003/_groupcache/scores/{key}`",
        "b1": "b1 10k random keys, cold cluster (first run), asked at the API node",
    }
    for wl in ["a1", "c", "b1"]:
        c = compare(wl, "go", "mixed")
        if c is None:
            continue
        g, j, grps, jrps, (gp50, jp50), (gp99, jp99), ratio = c
        non2xx = sum(int(r[3] or 0) for r in g + j)
        out.append(f"| {names[wl]} | {med(grps):,.0f} [{spread(grps)}] | {med(jrps):,.0f} [{spread(jrps)}] | "
                   f"**{ratio:.2f}×** | {gp50:.2f} / {jp50:.2f} | {gp99:.2f} / {jp99:.2f} | "
                   f"{us(cpu_per_request(wl, 'go'))} / {us(cpu_per_request(wl, 'mixed'))} |"
                   + ("" if non2xx == 0 else f" ({non2xx} non-2xx!)"))
    return "\n".join(out)


if mode.startswith("lib:"):
    lib = mode[len("lib:"):]
    text = lib_report(lib)
    print(text)
    if write:
        write_section(f"vs-{lib}", f"Mixed clusters with {LIBS[lib][0]} nodes, side by side with an all-Go cluster", text)
    sys.exit(0)

if mode == "tls":
    text = tls_report()
    print(text)
    if write:
        write_section("vs-go-tls", "Over TLS, side by side with golang/groupcache", text)
    sys.exit(0)

out = []
out.append(f"Measured {datetime.date.today().isoformat()} on {machine}.")
out.append("")
out.append(f"Command: `groupcache4j-bench/vs-go.sh --rounds {rounds}` ({rounds} rounds; each round runs both clusters, "
           "alternating which goes first; every workload starts from the state the anchor's `bench.sh` uses). "
           "Both clusters: 3 nodes on 127.0.0.1, peers 8001–8003, API node 3 on :9999, values of 100 bytes "
           "(`synthetic:100` ours, the anchor's getter in Go), 64 MiB per node, wrk and all nodes sharing the same cores. Node CPU: the user and system time of the "
           "three node processes over the measured run, per answered request (wrk's own excluded). "
           + JIT_NOTE)
out.append("")
out.append("| workload | golang/groupcache req/s median [min–max] | groupcache4j req/s median [min–max] | ratio (ours ÷ Go) "
           "| p50 ms Go / ours | p99 ms Go / ours | node CPU µs/req Go / ours |")
out.append("|---|---|---|---|---|---|---|")
ratios = {}
for wl in ["a1", "a2", "c", "b1", "b2", "b3"]:
    c = compare(wl, "go", "java")
    if c is None:
        continue
    g, j, grps, jrps, (gp50, jp50), (gp99, jp99), ratio = c
    ratios[wl] = (ratio, gp99, jp99)
    non2xx = sum(int(r[3] or 0) for r in g + j)
    out.append(f"| {NAMES[wl]} | {med(grps):,.0f} [{spread(grps)}] | {med(jrps):,.0f} [{spread(jrps)}] | **{ratio:.2f}×** | "
               f"{gp50:.2f} / {jp50:.2f} | {gp99:.2f} / {jp99:.2f} | {us(cpu_per_request(wl, 'go'))} / "
               f"{us(cpu_per_request(wl, 'java'))} |" + ("" if non2xx == 0 else f" ({non2xx} non-2xx!)"))
out.append("")
d1 = {impl: by.get(("d1", impl), []) for impl in ("go", "java")}
if d1["go"] and d1["java"]:
    out.append("d1 — 100 concurrent requests for one new key, spread over the three APIs, origin delay 200 ms "
               "(the anchor's `burst` client):")
    out.append("")
    out.append("| | origin loads per round | wall time per round | statuses |")
    out.append("|---|---|---|---|")
    for impl, label in (("go", "golang/groupcache"), ("java", "groupcache4j")):
        loads = ", ".join(r[0] for r in d1[impl])
        walls = ", ".join(r[1] for r in d1[impl])
        st = "; ".join(sorted(set(r[4] for r in d1[impl])))
        out.append(f"| {label} | {loads} | {walls} | {st} |")
    out.append("")
e1 = by.get(("e1", "java"), [])
e2 = by.get(("e2", "java"), [])
b2w = by.get(("b2w", "java"), [])
if e1 or e2:
    out.append("Writes (groupcache4j only: golang/groupcache has no remove or set):")
    out.append("")
    out.append("| workload | result, median [min–max] over rounds | p50 ms | p99 ms |")
    out.append("|---|---|---|---|")
    if e1:
        meds, p99s = [float(r[0]) for r in e1], [float(r[1]) for r in e1]
        out.append(f"| e1 time from `DELETE` at one node until all three serve the new value ({e1[0][2]} keys a round; "
                   f"`dir:` origin; each key first cached at its owner and as hot copies) | median {med(meds):.2f} ms "
                   f"[{spread(meds)}] | {med(meds):.2f} | {med(p99s):.2f} |")
    for label, rs in (("b2 (same cluster start) 10k random keys, reads only", b2w),
                      ("e2 10k random keys, 99% GET and 1% `DELETE`", e2)):
        if rs:
            rps = [float(r[0]) for r in rs]
            bad = sum(int(r[3] or 0) for r in rs)
            out.append(f"| {label} | {med(rps):,.0f} req/s [{spread(rps)}] | {med([float(r[1]) for r in rs]):.2f} | "
                       f"{med([float(r[2]) for r in rs]):.2f} |" + ("" if bad == 0 else f" ({bad} non-2xx!)"))
    out.append("")
misses = [wl for wl, (r, g99, j99) in ratios.items() if r < 1.3 or j99 >= g99]
if ratios:
    out.append("Targets (≥ 1.3× the requests/s of golang/groupcache with a lower p99 on every workload): " +
               ("all met." if not misses else "not met on " + ", ".join(misses) + "."))
text = "\n".join(out)
print(text)

if write:
    write_section("vs-go", "Cluster and peer endpoint, side by side with golang/groupcache", text)
