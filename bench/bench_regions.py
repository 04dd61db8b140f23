"""Activation-region counting throughput: tropgeom against affinitree and relucent.

Every configuration is a seeded He-initialised net x -> W_L relu(... relu(W_1 x + b_1)) + b_L with
`depth` hidden layers of `width` neurons and one linear output, W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2),
seed = 10000 d + 100 depth + width. Each tool counts its activation regions on the box [-1, 1]^d and
on R^d:

  tropgeom    count_regions(net, domain, threads=T) and again with threads=1 (exact)
  affinitree  builder.from_layers(...).num_terminals() (float LPs, single-threaded). from_layers
              already drops infeasible paths (infeasible_elimination() afterwards changes nothing), so
              its terminals are the activation regions: checked against tropgeom on every row
  relucent    len(Complex(net)) after Complex.bfs(nworkers=T) (Gurobi LPs, certified), box via
              cube_mode="intersect"; Gurobi's size-limited pip licence shows up as "licence limit"

Each run is a child process in its own session with a wall-clock limit; only the counting call is
timed (imports and set-up are not); a call under 0.2 s is repeated to 0.2 s and the fastest kept
(not relucent's, whose Complex keeps its regions). A run over the limit is a "timeout" (tropgeom's own max_seconds
stops it first and reports the partial count, ">=N"); one that completes just after the limit keeps
its count for the agreement check (time marked "*"); a crash is an "error" row.
Ratios are tropgeom's regions/s over the peer's, with tropgeom on 1 thread (x1t) and on T (xTt),
computed only where both finished with identical counts. The summary gives per d band the
geometric-mean ratio against each peer (targets vs affinitree: 10x for d <= 4, 3x for d = 6..8 with
T threads) and, per tool, domain and d, the largest net finished in time (= most regions).

    python bench/bench_regions.py --quick                    # 7 configurations, about 2 minutes
    python bench/bench_regions.py --time-limit 20 --dims 2,3,4   # about 40 minutes
    python bench/bench_regions.py                            # full grid, 60 s limit: about 3 hours
    python bench/bench_regions.py --accessors                # RegionSet accessors against enumeration
    python bench/bench_regions.py --suite highdim --tools affinitree   # d = 100, 200, 784 (box [0,1]^d, R^d)
    python bench/bench_regions.py --dims 6,8,10,12 --depths 2,3,4 --domains rd --time-limit 20   # deep nets on R^d
    python bench/bench_regions.py --suite memory             # peak RSS per region, count and full enumeration
    python bench/bench_regions.py --suite threads            # 1 vs 2 threads on nets over 10^5 regions
    python bench/bench_regions.py --suite domains --tools affinitree   # Polytope domains, rank-deficient W1

The highdim suite runs He nets d-w-10 (w = 4..32) and d-w-w-10 for d = 100, 200, 784 on [0,1]^d and
on R^d (--domains rd or box: those rows only), and the MNIST shapes of Serra et al. 784-n1-n2-10 with
n1 + n2 = 22, on [0,1]^784.  The memory
suite reports each child's peak resident set (ru_maxrss) after the call minus before it, per region,
for count_regions and for regions().  The threads suite reports wall time and CPU seconds of 1 and 2
threads (CPU / wall / threads = how busy each thread was: below 1 is waiting or contention).

The full grid sweeps, per (tool, d, domain), depth 1..4 and width 8..64 upward and skips a net once
a smaller-or-equal one (depth and width) timed out for that tool. Timings need an idle machine (the header prints the load average).
Results: bench/results/bench_regions.json (every run, plus the load at start and end).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DIMS, DEPTHS, WIDTHS = (2, 3, 4, 6, 8), (1, 2, 3, 4), (8, 16, 32, 64)
QUICK = [(2, 1, 16, "rd"), (2, 2, 32, "box"), (3, 2, 8, "rd"), (3, 2, 16, "box"), (4, 2, 8, "box"),
         (6, 1, 16, "box"), (8, 1, 8, "rd")]
PEERS = ("affinitree", "relucent")
BANDS = (("d<=4", lambda d: d <= 4, 10.0), ("d=6..8", lambda d: 6 <= d <= 8, 3.0))
IMPORT_GRACE = 30.0  # seconds a child may take to import its tool before the clock starts
STOPPING = ("timeout", "over limit", "licence limit")  # statuses after which bigger nets are not tried


def seed_of(d: int, depth: int, width: int) -> int:
    return 10000 * d + 100 * depth + width


def make_net(d: int, depth: int, width: int, widths=None, out: int = 1, rank=None) -> list:
    """He net d -> width^depth -> 1, or d -> widths -> out when widths is given (highdim suite).
    rank: first-layer rows rank.. are powers of two times rows 0..rank-1 (parallel hyperplanes with
    their own biases: W1 of rank exactly `rank`; domains suite)."""
    rng = np.random.default_rng(seed_of(d, depth, width) if widths is None else seed_of(d, len(widths), sum(widths)))
    dims = [d] + ([width] * depth if widths is None else list(widths)) + [out]
    layers = [(rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_out, n_in)), rng.normal(0.0, 0.1, size=n_out))
              for n_in, n_out in zip(dims, dims[1:])]
    if rank is not None:
        W1 = layers[0][0]
        for i in range(rank, len(W1)):
            W1[i] = W1[i % rank] * 2.0 ** ((i // rank) % 3 - 1)
    return layers


def domain_rows(box, d):
    """A Polytope domain of the domains suite as rows (A, b) of A x <= b, or None: box = {"ball": m}
    (m random tangent halfspaces of the unit ball, all facets), {"cube": 1} ([-1, 1]^d as rows plus
    one redundant row, so not detected as a box) or {"simplex": m} (x >= -1/d, sum x <= 1, plus m
    redundant far rows)."""
    if not isinstance(box, dict):
        return None
    rng = np.random.default_rng(7 + d)
    kind, m = next(iter(box.items()))
    if kind == "ball":
        A = rng.normal(size=(m, d))
        return A / np.linalg.norm(A, axis=1)[:, None], np.ones(m)
    if kind == "cube":
        return np.vstack([np.eye(d), -np.eye(d), np.ones((1, d))]), np.concatenate([np.ones(2 * d), [d + 1.0]])
    far = rng.normal(size=(m, d))
    return (np.vstack([-np.eye(d), np.ones((1, d)), far]),
            np.concatenate([np.full(d, 1.0 / d), [1.0], np.abs(far).sum(1) * 2 + 1]))


# ---- tools: each prepare_* imports its tool and builds its input, and returns the call to time ----

def box_bounds(box):
    """box: False (R^d), True ([-1, 1]^d) or "unit" ([0, 1]^d)."""
    return (0.0, 1.0) if box == "unit" else (-1.0, 1.0)


def prepare_tropgeom(layers, d, box, threads, limit, full=False):
    import tropgeom as tg
    rows = domain_rows(box, d)
    net, domain = tg.Network(layers), (tg.Polytope(*rows) if rows else tg.Box(*box_bounds(box)) if box else None)

    def run():
        try:
            if full:
                return len(tg.regions(net, domain, threads=threads, max_seconds=limit, progress=False)), "ok"
            return tg.count_regions(net, domain, threads=threads, max_seconds=limit, progress=False), "ok"
        except tg.BudgetExceeded as e:
            return int(e.partial) if not hasattr(e.partial, "__len__") else len(e.partial), "timeout"
    return run


def prepare_tropgeom_full(layers, d, box, threads, limit):
    return prepare_tropgeom(layers, d, box, threads, limit, full=True)


def prepare_tropgeom_ref(layers, d, box, threads, limit):
    """The core's search with reduce_domain=False: every domain row in every cell, R^d unfactored."""
    import tropgeom as tg
    from tropgeom import _core
    net, rows = tg.Network(layers), domain_rows(box, d)
    A, b = rows if rows else (np.zeros((0, d)), np.zeros(0))

    def run():
        r = _core.enumerate_regions(net.core, A=A, b=b, threads=threads, max_seconds=limit, keep_geometry=False,
                                    reduce_domain=False)
        return r.count, "ok" if r.complete else "timeout"
    return run


def prepare_affinitree(layers, d, box, threads, limit):
    from affinitree import AffFunc, AffTree, Architecture, Polytope, builder
    arch = Architecture(d)
    for i, (W, b) in enumerate(layers):
        arch.linear(AffFunc.from_mats(W, b))
        if i < len(layers) - 1:
            arch.relu()
    rows = domain_rows(box, d)
    poly = Polytope.from_mats(*rows) if rows else Polytope.hyperrectangle(d, [box_bounds(box)] * d)  # A x <= b
    pre = AffTree.from_poly(poly, AffFunc.identity(d)) if box else None
    return lambda: (builder.from_layers(arch, pre).num_terminals(), "ok")


def prepare_relucent(layers, d, box, threads, limit):
    import gurobipy
    from relucent import Complex
    from relucent.model.model import LinearLayer, ReLULayer, ReLUNetwork
    seq = []
    for i, (W, b) in enumerate(layers):
        seq += [LinearLayer(W, b)] + ([ReLULayer()] if i < len(layers) - 1 else [])
    cx = Complex(ReLUNetwork(seq))
    if box == "unit":
        raise ImportError("relucent's cube is [-r, r]^d only")
    kw = {"cube_radius": 1.0, "cube_mode": "intersect"} if box else {}

    def run():
        try:
            res = cx.bfs(nworkers=threads, verbose=0, **kw)
        except gurobipy.GurobiError as e:
            if e.errno == 10010:  # "Model too large for size-limited license"
                return None, "licence limit"
            raise
        return len(cx), ("ok" if res.complete else "incomplete")
    return run


def _die_with_parent(spec: dict) -> None:
    """An orphaned run must not run on (a killed bench once left a 13 GB affinitree worker): SIGKILL
    when the parent dies (Linux prctl), and a kernel CPU-time cap well past the parent's limit."""
    import ctypes
    import resource
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() == 1:  # the parent died before prctl
        os._exit(1)
    cap = int(sum(os.times()[:2]) + 3 * spec["limit"] * max(1, spec["threads"]) + 120)
    resource.setrlimit(resource.RLIMIT_CPU, (cap, cap))


def worker(spec: dict) -> None:
    """Child process: stdout is /dev/null (affinitree's Rust progress), the result goes to a file."""
    import resource
    _die_with_parent(spec)
    out = Path(spec["out"])
    try:
        layers = make_net(spec["d"], spec["depth"], spec["width"], spec.get("widths"), spec.get("outputs", 1),
                          spec.get("rank"))
        run = globals()["prepare_" + spec["tool"]](layers, spec["d"], spec["box"], spec["threads"], spec["limit"])
    except ImportError as e:
        out.write_text(json.dumps({"status": "unavailable", "detail": str(e)}))
        return
    Path(spec["ready"]).touch()  # the parent starts the clock here
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu0 = sum(os.times()[:2])
    t = time.perf_counter()
    count, status = run()
    seconds = time.perf_counter() - t
    cpu = sum(os.times()[:2]) - cpu0
    rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) * 1024  # bytes (ru_maxrss is KiB)
    # Runs of milliseconds are noise-dominated: repeat them (to 0.2 s in all) and keep the fastest.
    # relucent's Complex keeps its regions between calls, so it runs once.
    spent = seconds
    while spec["tool"] != "relucent" and status == "ok" and spent < 0.2 and not spec.get("once"):
        t = time.perf_counter()
        run()
        dt = time.perf_counter() - t
        seconds, spent = min(seconds, dt), spent + dt
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # the whole process, imports included
    out.write_text(json.dumps({"count": count, "status": status, "seconds": seconds, "cpu": cpu, "rss": rss,
                               "peak_rss": peak}))


def run_tool(tool: str, threads: int, d: int, depth: int, width: int, box, limit: float, **extra) -> dict:
    """Run one tool on one net in a child process group; kill the group at the limit.  extra: widths
    and outputs (a net other than d-width^depth-1), once (no repeats: timings of one call)."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"tool": tool, "threads": threads, "d": d, "depth": depth, "width": width, "box": box,
                "limit": limit, "out": f"{tmp}/result.json", "ready": f"{tmp}/ready", **extra}
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        with open(f"{tmp}/stderr", "w+") as err:
            p = subprocess.Popen([sys.executable, __file__, "--worker", json.dumps(spec)], stdout=subprocess.DEVNULL,
                                 stderr=err, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
            start, ready = time.monotonic(), None
            while p.poll() is None:
                now = time.monotonic()
                if ready is None and os.path.exists(spec["ready"]):
                    ready = now
                if now - (ready if ready is not None else start) > limit + (1.0 if ready else IMPORT_GRACE):
                    break
                time.sleep(0.02)
            killed = p.poll() is None
            try:
                os.killpg(p.pid, signal.SIGKILL)  # also relucent's pool workers
            except ProcessLookupError:
                pass
            p.wait()
            if os.path.exists(spec["out"]):
                res = json.loads(Path(spec["out"]).read_text())
            elif killed:
                res = {"status": "timeout", "count": None, "seconds": None}
            else:
                err.seek(0)
                lines = [ln for ln in err.read().splitlines() if ln.strip()]
                res = {"status": "error", "detail": lines[-1][:200] if lines else f"exit code {p.returncode}"}
    if res["status"] == "ok" and res["seconds"] > limit:
        res["status"] = "over limit"  # a complete count, but too late to count as finished
    return {"count": None, "seconds": None, **res}


# ---- the sweep ----

def configurations(args):
    if args.quick:
        return [c for c in QUICK if c[0] in args.dims and c[3] in args.domains]
    return [(d, depth, width, dom) for d in args.dims for dom in args.domains for depth in args.depths for width in WIDTHS]


def rate(r):
    return r["count"] / r["seconds"] if r and r["status"] == "ok" and r["seconds"] else None


def complete(r):
    return r is not None and r["status"] in ("ok", "over limit")


def fmt_count(r):
    if r is None:
        return "skipped"
    if complete(r):
        return str(r["count"])
    return r["status"] + (f" >={r['count']}" if r.get("count") else "")


def ratio(tg, peer):
    if rate(tg) and rate(peer) and tg["count"] == peer["count"]:
        return rate(tg) / rate(peer)
    return None


def agree(ref, r):
    if not (complete(ref) and complete(r)):
        return "-"
    return "OK" if ref["count"] == r["count"] else f"MISMATCH {ref['count']} vs {r['count']}"


def reference(res):
    """The exact count peers are checked against: tropgeom on T threads, else on 1 thread."""
    tg = res["tropgeom"]
    return tg if complete(tg) else res["tropgeom-1t"]


def row_text(d, arch, dom, res, peers, T):
    tg, tg1 = res["tropgeom"], res["tropgeom-1t"]
    f = lambda x, w, p: f"{x:>{w}.{p}f}" if x is not None else f"{'-':>{w}}"
    cols = [f"{d:>2} {arch:<18} {dom:<3} {fmt_count(tg):>10} {f(rate(tg1), 9, 0)} {f(rate(tg), 9, 0)}"]
    if tg1 is not tg and agree(tg, tg1) not in ("OK", "-"):
        cols[0] += f" [1t/{T}t {agree(tg, tg1)}]"
    for p in peers:
        r = res.get(p)
        t = f"{r['seconds']:.2f}s" + ("*" if r["status"] != "ok" else "") if complete(r) else "-"
        cols.append(f"{fmt_count(r):>10} {t:>8} {agree(reference(res), r):<5} {f(ratio(tg1, r), 7, 2)} {f(ratio(tg, r), 7, 2)}")
    return " | ".join(cols)


def geomean(xs):
    return math.exp(sum(map(math.log, xs)) / len(xs)) if xs else None


def summary(rows, peers, tools, T, args):
    print(f"\nSummary: geometric-mean throughput ratio tropgeom / peer over rows with identical counts")
    for name, in_band, target in BANDS:
        band = [r for r in rows if in_band(r["d"])]
        for p in peers:
            r1 = [x for x in (ratio(r["results"]["tropgeom-1t"], r["results"].get(p)) for r in band) if x]
            rT = [x for x in (ratio(r["results"]["tropgeom"], r["results"].get(p)) for r in band) if x]
            verdict = ""
            if p == "affinitree" and rT:
                verdict = f"target {target:g}x with {T} threads: {'MET' if geomean(rT) >= target else 'NOT met'}"
            g1, gT = (f"{g:7.2f}" if g else "      -" for g in (geomean(r1), geomean(rT)))
            print(f"  {name:<7} vs {p:<10} n={len(rT):<3} x1t {g1}  x{T}t {gT}  {verdict}")
    print(f"\nLargest net finished within {args.time_limit:g} s (most regions; depth x width: count)")
    print("  " + " " * 24 + "".join(f"{'d=' + str(d):>18}" for d in args.dims))
    for tool in tools:
        for dom in args.domains:
            cells = []
            for d in args.dims:
                done = [r for r in rows if r["d"] == d and r["domain"] == dom
                        and (r["results"].get(tool) or {}).get("status") == "ok"]
                best = max(done, key=lambda r: r["results"][tool]["count"], default=None)
                cells.append(f"{best['depth']}x{best['width']}:{best['results'][tool]['count']}" if best else "none")
            name = f"tropgeom-{T}t" if tool == "tropgeom" else tool
            print(f"  {name:<14} {dom:<9}" + "".join(f"{c:>18}" for c in cells))
    bad = [(r, k, agree(reference(r["results"]), v)) for r in rows for k, v in r["results"].items()]
    bad = [b for b in bad if b[2].startswith("MISMATCH")]
    print(f"\nCount mismatches (tropgeom vs other): {len(bad) or 'none'}")
    for r, k, text in bad:
        print(f"  seed {r['seed']} d={r['d']} {r['arch']} {r['domain']} {k}: {text}")


# ---- the other suites: high dimension, memory, threads ----

HIGHDIM = ([(d, (w,), dom) for d in (100, 200, 784) for w in (4, 8, 16, 32) for dom in ("unit", "rd")]
           + [(d, (w, w), dom) for d in (100, 200, 784) for w in (4, 8) for dom in ("unit", "rd")]
           + [(784, (n1, 22 - n1), "unit") for n1 in (6, 8, 11, 14, 16)])
MEMORY = [(2, (64, 64), True), (3, (32, 32), True), (4, (16, 16, 16), True), (2, (128, 128), True)]
# One hidden layer of 46 generic neurons on R^6: zaslavsky(6, 46) = 10,939,986 regions, counted (2 threads)
# within a resident-memory bound: the count keeps O(depth) state per thread, nothing per region.
MEMORY_BIG = (6, (46,), False, 2, 1 << 30)
THREADS = [(2, (96, 96), True), (3, (32, 32, 32), True), (4, (24, 24, 24), False)]


def _net_name(d, widths, out):
    return "-".join(map(str, (d,) + tuple(widths) + (out,)))


def suite_highdim(args, peers):
    print(f"{'net':<16} {'dom':<4} {'tropgeom':>9} {'time':>8}" + "".join(f" | {p:>10} {'time':>8} {'agree':<5} {'ratio':>7}" for p in peers))
    rows = []
    for d, widths, dom in HIGHDIM:
        if {"unit": "box"}.get(dom, dom) not in args.domains.split(","):  # --domains box,rd
            continue
        box = "unit" if dom == "unit" else False
        kw = dict(widths=list(widths), outputs=10)
        res = {"tropgeom": run_tool("tropgeom", 1, d, 0, 0, box, args.time_limit, **kw)}
        for p in peers:
            res[p] = run_tool(p, 1, d, 0, 0, box, args.time_limit, **kw)
        tg = res["tropgeom"]
        line = f"{_net_name(d, widths, 10):<16} {dom:<4} {fmt_count(tg):>9} {tg['seconds'] or 0:>7.3f}s"
        for p in peers:
            r = res[p]
            t = f"{r['seconds']:.3f}s" if complete(r) else "-"
            line += f" | {fmt_count(r):>10} {t:>8} {agree(tg, r):<5} {ratio(tg, r) or 0:>7.1f}"
        print(line, flush=True)
        rows.append({"d": d, "widths": widths, "domain": dom, "results": res})
    return rows


DOMAINS = ([(d, (8, 8), {"ball": m}, None) for d in (2, 3, 4) for m in (200, 1000, 2000)]
           + [(d, (8, 8), {"ball": 1000}, None) for d in (5, 8)]
           + [(3, (8, 8), {"simplex": 1000}, None), (6, (8, 8), {"cube": 1}, None), (100, (8,), {"cube": 1}, None),
              (6, (8, 8), {"simplex": 1000}, None)]
           + [(d, widths, False, r) for d, widths, r in ((8, (16, 8), 4), (100, (16, 8), 4), (100, (32,), 8),
                                                        (784, (16, 8), 4), (784, (24, 10), 6))])


def suite_domains(args, peers):
    """Polytope domains with many rows (rows a cell never meets dropped per cell) and R^d with a
    rank-deficient first layer (the search in its row space), against the reference path of the
    same build (tropgeom-ref: reduce_domain=False) and affinitree on the same polytope."""
    tools = ["tropgeom", "tropgeom_ref"] + peers
    print(f"{'net':<16} {'domain':<14}" + "".join(f" | {t:>12} {'time':>8}" for t in tools) + f" | {'agree':<5} {'vs ref':>7}"
          + "".join(f" {'vs ' + p:>14}" for p in peers))
    rows = []
    for d, widths, box, rank in DOMAINS:
        kw = dict(widths=list(widths), outputs=1, rank=rank)
        res = {t: run_tool(t, 1, d, 0, 0, box, args.time_limit, **kw) for t in tools}
        tg = res["tropgeom"]
        dom = (f"{next(iter(box))} {next(iter(box.values()))}" if box else f"R^d rank {rank}")
        line = f"{_net_name(d, widths, 1):<16} {dom:<14}"
        for t in tools:
            r = res[t]
            secs = f"{r['seconds']:.3f}s" if complete(r) else "-"
            line += f" | {fmt_count(r):>12} {secs:>8}"
        same = not any(agree(tg, res[t]).startswith("MISMATCH") for t in tools[1:])
        line += f" | {'OK' if same else 'NO':<5} {ratio(tg, res['tropgeom_ref']) or 0:>6.1f}x"
        line += "".join(f" {ratio(tg, res[p]) or 0:>13.1f}x" for p in peers)
        print(line, flush=True)
        rows.append({"d": d, "widths": widths, "domain": box, "rank": rank, "results": res})
    return rows


def suite_memory(args):
    print(f"{'net':<16} {'call':<14} {'regions':>9} {'time':>8} {'peak RSS':>10} {'bytes/region':>13}")
    rows = []
    for d, widths, box in MEMORY:
        for tool, name in (("tropgeom", "count_regions"), ("tropgeom_full", "regions")):
            r = run_tool(tool, 1, d, 0, 0, box, args.time_limit, widths=list(widths), outputs=1, once=True)
            per = r["rss"] / r["count"] if r.get("count") and r.get("rss") is not None else None
            print(f"{_net_name(d, widths, 1):<16} {name:<14} {fmt_count(r):>9} {r['seconds'] or 0:>7.2f}s "
                  f"{(r.get('rss') or 0) / 2**20:>8.1f}MB {per if per is None else round(per, 1)!s:>13}", flush=True)
            rows.append({"d": d, "widths": widths, "call": name, "result": r})
    d, widths, box, threads, bound = MEMORY_BIG
    r = run_tool("tropgeom", threads, d, 0, 0, box, max(args.time_limit, 3600.0), widths=list(widths), outputs=1, once=True)
    closed = sum(math.comb(widths[0], j) for j in range(d + 1))
    peak = r.get("peak_rss") or 0
    print(f"{_net_name(d, widths, 1):<16} {'count_regions':<14} {fmt_count(r):>9} {r['seconds'] or 0:>7.1f}s "
          f"{peak / 2**20:>8.1f}MB  (whole process, {threads} threads, cpu {r.get('cpu') or 0:.0f} s; "
          f"closed form {closed}: {'equal' if r.get('count') == closed else 'DIFFERENT'}; "
          f"{'within' if complete(r) and peak <= bound else 'NOT within'} {bound / 2**30:g} GiB)", flush=True)
    rows.append({"d": d, "widths": widths, "call": "count_regions", "threads": threads, "closed_form": closed,
                 "bound": bound, "result": r})
    return rows


def suite_threads(args):
    """Wall speedup of 2 threads and busy/thread = cpu / wall / 2 (both need an idle machine), and the
    CPU seconds at 2 threads over those at 1: contention (locks, shared cache lines, allocator) costs
    CPU whatever the load, so a ratio near 1 says the search itself scales."""
    print(f"{'net':<16} {'regions':>9} {'1t wall':>8} {'1t cpu':>7} {'2t wall':>8} {'2t cpu':>7} {'speedup':>8} {'busy/thread':>12}"
          f" {'cpu 2t/1t':>10}")
    rows = []
    for d, widths, box in THREADS:
        r1, r2 = (run_tool("tropgeom", t, d, 0, 0, box, args.time_limit, widths=list(widths), outputs=1, once=True)
                  for t in (1, 2))
        if not (complete(r1) and complete(r2)):
            print(f"{_net_name(d, widths, 1):<16} {fmt_count(r1):>9} incomplete", flush=True)
            continue
        print(f"{_net_name(d, widths, 1):<16} {r1['count']:>9} {r1['seconds']:>7.2f}s {r1['cpu']:>6.2f}s {r2['seconds']:>7.2f}s "
              f"{r2['cpu']:>6.2f}s {r1['seconds'] / r2['seconds']:>7.2f}x {r2['cpu'] / r2['seconds'] / 2:>12.2f}"
              f" {r2['cpu'] / r1['cpu']:>10.2f}", flush=True)
        rows.append({"d": d, "widths": widths, "results": {"1": r1, "2": r2}})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="a handful of configurations (limit 10 s unless given)")
    ap.add_argument("--time-limit", type=float, help="seconds per run (default 60; 10 with --quick)")
    ap.add_argument("--threads", type=int, default=2, help="tropgeom threads (and relucent workers)")
    ap.add_argument("--tools", default=",".join(PEERS), help="peers to run, comma-separated (tropgeom always runs)")
    ap.add_argument("--domains", default="box,rd", help="box ([-1,1]^d) and/or rd (R^d)")
    ap.add_argument("--dims", default=",".join(map(str, DIMS)), help="input dimensions")
    ap.add_argument("--depths", default=",".join(map(str, DEPTHS)), help="hidden-layer counts")
    ap.add_argument("--suite", default="grid", choices=("grid", "highdim", "memory", "threads", "domains"))
    ap.add_argument("--json", help="results file (default bench/results/bench_regions[_SUITE].json)")
    ap.add_argument("--accessors", action="store_true",
                    help="time the RegionSet accessors (columnar and per region) against the enumeration")
    args = ap.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    if args.accessors:
        return accessors(args.threads)
    suffix = "" if args.suite == "grid" else "_" + args.suite
    args.json = args.json or str(REPO / "bench" / "results" / f"bench_regions{suffix}.json")
    if args.suite != "grid":
        args.time_limit = args.time_limit or 60.0
        load = os.getloadavg()[0]
        commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        print(f"tropgeom {REPO} @ {commit}; {os.cpu_count()} cores, load {load:.2f}; limit {args.time_limit:g} s; suite {args.suite}")
        peers = [p for p in args.tools.split(",") if p == "affinitree"]
        rows = (suite_highdim(args, peers) if args.suite == "highdim" else
                suite_domains(args, peers) if args.suite == "domains" else
                suite_memory(args) if args.suite == "memory" else suite_threads(args))
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"args": vars(args), "commit": commit, "machine": platform.platform(), "cores": os.cpu_count(),
                                   "load_start": load, "load_end": os.getloadavg(), "rows": rows}, indent=1))
        print(f"\nwrote {out}")
        return
    args.time_limit = args.time_limit or (10.0 if args.quick else 60.0)
    args.dims = [int(x) for x in args.dims.split(",")]
    args.depths = [int(x) for x in args.depths.split(",")]
    args.domains = [x for x in args.domains.split(",") if x]
    peers = [p for p in args.tools.split(",") if p in PEERS]
    T = args.threads
    runs = [("tropgeom", "tropgeom", T)] + ([("tropgeom-1t", "tropgeom", 1)] if T != 1 else []) + [(p, p, 1 if p == "affinitree" else T) for p in peers]
    load = os.getloadavg()[0]
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print(f"tropgeom {REPO} @ {commit}; {os.cpu_count()} cores, load {load:.2f}; limit {args.time_limit:g} s; "
          f"tropgeom threads {T}; relucent workers {T}; affinitree 1 thread")
    head = f"{'d':>2} {'arch':<18} {'dom':<3} {'tropgeom':>10} {'1t r/s':>9} {f'{T}t r/s':>9}"
    print("(r/s: regions per second; xNt: tropgeom on N threads / peer; *: complete, but over the time limit)")
    print(head + "".join(f" | {p:>10} {'time':>8} {'agree':<5} {'x1t':>7} {f'x{T}t':>7}" for p in peers))
    stopped, unavailable, rows = {}, set(), []
    for d, depth, width, dom in configurations(args):
        res, box = {}, dom == "box"
        for label, tool, threads in runs:
            key = (label, d, dom)
            if any(dd <= depth and ww <= width for dd, ww in stopped.get(key, ())):
                res[label] = None
            elif tool in unavailable:
                res[label] = {"status": "unavailable", "count": None, "seconds": None}
            else:
                res[label] = run_tool(tool, threads, d, depth, width, box, args.time_limit)
                if res[label]["status"] == "unavailable":
                    unavailable.add(tool)
                if res[label]["status"] in STOPPING:
                    stopped.setdefault(key, []).append((depth, width))
        if all(v is None for v in res.values()):
            continue
        res["tropgeom-1t"] = res.get("tropgeom-1t", res["tropgeom"])
        arch = "-".join(map(str, [d] + [width] * depth + [1]))
        rows.append({"d": d, "depth": depth, "width": width, "domain": dom, "arch": arch,
                     "seed": seed_of(d, depth, width), "results": res})
        print(row_text(d, arch, dom, res, peers, T), flush=True)
    summary(rows, peers, [label for label, _, _ in runs], T, args)
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"args": vars(args), "commit": commit, "machine": platform.platform(),
                               "cores": os.cpu_count(), "load_start": load, "load_end": os.getloadavg(), "rows": rows}, indent=1))
    print(f"\nwrote {out}")


# (d = 5 and 6: where the facet pass leaves the vertex walk for rays and LPs, facets.hpp kWalkDim)
ACCESSOR_NETS = [(2, 2, 16, "box"), (3, 2, 12, "box"), (2, 1, 64, "rd"), (5, 2, 8, "box"), (6, 2, 8, "rd")]
ACCESSOR_REPEATS = 3  # each figure the median of this many fresh runs (one run of a 10 ms call is noise)


def accessors(threads: int) -> None:
    """Seconds of each RegionSet accessor on a fresh set (nothing cached), and its ratio to the
    enumeration that made the set (threads=1 for both unless --threads); medians of
    ACCESSOR_REPEATS fresh runs."""
    sys.path.insert(0, str(REPO))
    import tropgeom

    calls = [
        ("interior_points(exact=True)", lambda rs: rs.interior_points(exact=True)),
        ("affine_maps()", lambda rs: rs.affine_maps()),
        ("affine_maps(exact=True)", lambda rs: rs.affine_maps(exact=True)),
        ("affine_map(i) loop", lambda rs: [rs.affine_map(i) for i in range(len(rs))]),
        ("halfspace_arrays()", lambda rs: rs.halfspace_arrays()),
        ("halfspace_arrays(exact) cached", lambda rs: (rs.halfspace_arrays(), rs.halfspace_arrays(exact=True))),
        ("halfspaces(i, exact) loop", lambda rs: [rs.halfspaces(i, exact=True) for i in range(len(rs))]),
        ("adjacency_arrays()", lambda rs: rs.adjacency_arrays()),
        ("volumes() [box]", lambda rs: rs.volumes() if rs.domain is not None else None),
        ("bounded() [R^d]", lambda rs: rs.bounded() if rs.domain is None else None),
        ("linear()", lambda rs: rs.linear()),
    ]
    import scipy.sparse.csgraph  # noqa: F401  (its import is not the merge's cost)
    print(f"threads {threads}; each accessor on a fresh RegionSet; wall seconds and CPU seconds (all threads),"
          " each as a ratio to the enumeration's (CPU ratios are the ones that survive a loaded machine)")
    for d, depth, width, dom in ACCESSOR_NETS:
        net = tropgeom.Network(make_net(d, depth, width))
        domain = tropgeom.Box(-1.0, 1.0, dim=d) if dom == "box" else None

        def fresh():
            t, c = time.perf_counter(), time.process_time()
            rs = tropgeom.regions(net, domain, threads=threads)
            return rs, time.perf_counter() - t, time.process_time() - c

        runs = [fresh() for _ in range(ACCESSOR_REPEATS)]
        te, ce = (statistics.median(r[k] for r in runs) for k in (1, 2))
        arch = "-".join(map(str, [d] + [width] * depth + [1]))
        print(f"\n{arch} on {dom}: {len(runs[0][0])} regions, enumeration {te:.3f} s wall, {ce:.3f} s CPU")
        for name, call in calls:
            times = []
            for _ in range(ACCESSOR_REPEATS):
                rs = fresh()[0]
                t, c = time.perf_counter(), time.process_time()
                skipped = call(rs) is None and "[" in name
                times.append((time.perf_counter() - t, time.process_time() - c))
            if skipped:
                continue
            dt, dc = (statistics.median(x[k] for x in times) for k in (0, 1))
            print(f"  {name:<32} {dt:8.3f} s {dt / te:6.1f}x wall  {dc:8.3f} s {dc / ce:6.1f}x CPU")


if __name__ == "__main__":
    main()
