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


def make_net(d: int, depth: int, width: int) -> list:
    rng = np.random.default_rng(seed_of(d, depth, width))
    dims = [d] + [width] * depth + [1]
    return [(rng.normal(0.0, math.sqrt(2.0 / n_in), size=(n_out, n_in)), rng.normal(0.0, 0.1, size=n_out))
            for n_in, n_out in zip(dims, dims[1:])]


# ---- tools: each prepare_* imports its tool and builds its input, and returns the call to time ----

def prepare_tropgeom(layers, d, box, threads, limit):
    import tropgeom as tg
    net, domain = tg.Network(layers), (tg.Box(-1, 1) if box else None)

    def run():
        try:
            return tg.count_regions(net, domain, threads=threads, max_seconds=limit, progress=False), "ok"
        except tg.BudgetExceeded as e:
            return int(e.partial), "timeout"
    return run


def prepare_affinitree(layers, d, box, threads, limit):
    from affinitree import AffFunc, AffTree, Architecture, Polytope, builder
    arch = Architecture(d)
    for i, (W, b) in enumerate(layers):
        arch.linear(AffFunc.from_mats(W, b))
        if i < len(layers) - 1:
            arch.relu()
    pre = AffTree.from_poly(Polytope.hyperrectangle(d, [(-1.0, 1.0)] * d), AffFunc.identity(d)) if box else None
    return lambda: (builder.from_layers(arch, pre).num_terminals(), "ok")


def prepare_relucent(layers, d, box, threads, limit):
    import gurobipy
    from relucent import Complex
    from relucent.model.model import LinearLayer, ReLULayer, ReLUNetwork
    seq = []
    for i, (W, b) in enumerate(layers):
        seq += [LinearLayer(W, b)] + ([ReLULayer()] if i < len(layers) - 1 else [])
    cx = Complex(ReLUNetwork(seq))
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


def worker(spec: dict) -> None:
    """Child process: stdout is /dev/null (affinitree's Rust progress), the result goes to a file."""
    out = Path(spec["out"])
    try:
        run = globals()["prepare_" + spec["tool"]](make_net(spec["d"], spec["depth"], spec["width"]), spec["d"],
                                                   spec["box"], spec["threads"], spec["limit"])
    except ImportError as e:
        out.write_text(json.dumps({"status": "unavailable", "detail": str(e)}))
        return
    Path(spec["ready"]).touch()  # the parent starts the clock here
    t = time.perf_counter()
    count, status = run()
    seconds = time.perf_counter() - t
    # Runs of milliseconds are noise-dominated: repeat them (to 0.2 s in all) and keep the fastest.
    # relucent's Complex keeps its regions between calls, so it runs once.
    spent = seconds
    while spec["tool"] != "relucent" and status == "ok" and spent < 0.2:
        t = time.perf_counter()
        run()
        dt = time.perf_counter() - t
        seconds, spent = min(seconds, dt), spent + dt
    out.write_text(json.dumps({"count": count, "status": status, "seconds": seconds}))


def run_tool(tool: str, threads: int, d: int, depth: int, width: int, box: bool, limit: float) -> dict:
    """Run one tool on one net in a child process group; kill the group at the limit."""
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"tool": tool, "threads": threads, "d": d, "depth": depth, "width": width, "box": box,
                "limit": limit, "out": f"{tmp}/result.json", "ready": f"{tmp}/ready"}
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
    return [(d, depth, width, dom) for d in args.dims for dom in args.domains for depth in DEPTHS for width in WIDTHS]


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--quick", action="store_true", help="a handful of configurations (limit 10 s unless given)")
    ap.add_argument("--time-limit", type=float, help="seconds per run (default 60; 10 with --quick)")
    ap.add_argument("--threads", type=int, default=2, help="tropgeom threads (and relucent workers)")
    ap.add_argument("--tools", default=",".join(PEERS), help="peers to run, comma-separated (tropgeom always runs)")
    ap.add_argument("--domains", default="box,rd", help="box ([-1,1]^d) and/or rd (R^d)")
    ap.add_argument("--dims", default=",".join(map(str, DIMS)), help="input dimensions")
    ap.add_argument("--json", default=str(REPO / "bench" / "results" / "bench_regions.json"))
    ap.add_argument("--accessors", action="store_true",
                    help="time the RegionSet accessors (columnar and per region) against the enumeration")
    args = ap.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))
    if args.accessors:
        return accessors(args.threads)
    args.time_limit = args.time_limit or (10.0 if args.quick else 60.0)
    args.dims = [int(x) for x in args.dims.split(",")]
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


ACCESSOR_NETS = [(2, 2, 16, "box"), (3, 2, 12, "box"), (2, 1, 64, "rd")]


def accessors(threads: int) -> None:
    """Seconds of each RegionSet accessor on a fresh set (nothing cached), and its ratio to the
    enumeration that made the set (threads=1 for both unless --threads)."""
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
    print(f"threads {threads}; each accessor on a fresh RegionSet")
    for d, depth, width, dom in ACCESSOR_NETS:
        net = tropgeom.Network(make_net(d, depth, width))
        domain = tropgeom.Box(-1.0, 1.0, dim=d) if dom == "box" else None

        def fresh():
            t = time.perf_counter()
            rs = tropgeom.regions(net, domain, threads=threads)
            return rs, time.perf_counter() - t

        rs, te = fresh()
        arch = "-".join(map(str, [d] + [width] * depth + [1]))
        print(f"\n{arch} on {dom}: {len(rs)} regions, enumeration {te:.3f} s")
        for name, call in calls:
            rs, te = fresh()
            t = time.perf_counter()
            if call(rs) is None and "[" in name:
                continue
            dt = time.perf_counter() - t
            print(f"  {name:<32} {dt:8.3f} s  {dt / te:7.1f}x enumeration")


if __name__ == "__main__":
    main()
