"""Per-LP cost of tropgeom's exact core against scipy's HiGHS (float).

For d variables and m random constraints (plus the box [-1, 1]^d) on random bounded feasible polytopes
(rows a.x <= a.x0 + slack through a random interior point x0), this times, per LP:

  exact max    tropgeom.Polyhedron.maximize (CGAL's exact LP, answer in Fractions)
  exact int    tropgeom.Polyhedron.interior_point on a fresh Polyhedron (dimension + relative interior)
  HiGHS max    scipy.optimize.linprog(method="highs") on the same maximisation
  HiGHS int    the same interior LP in floats: max t s.t. a_i.x + t ||a_i||_1 <= b_i, t <= 1

Each configuration runs in a forked child with a time limit, so a solver that never returns (see the
degenerate-LP test in tests/test_lp.py) shows up as "timeout" instead of stalling the run.

    python bench/bench_lp.py            # full grid, about 1-2 minutes on 2 cores
    python bench/bench_lp.py --quick    # a small subset, a few seconds

Results (median microseconds per LP) are printed and written to bench/results/bench_lp.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import numpy as np

DIMS = (2, 4, 8, 12, 16)
ROWS = (10, 50, 100, 250, 500)
QUICK_DIMS = (2, 8)
QUICK_ROWS = (10, 100)


def polytope(rng: np.random.Generator, d: int, m: int):
    A = rng.normal(size=(m, d))
    x0 = rng.uniform(-0.5, 0.5, size=d)
    b = A @ x0 + rng.uniform(0.01, 1.0, size=m)
    A = np.vstack([A, np.eye(d), -np.eye(d)])
    b = np.concatenate([b, np.ones(2 * d)])
    return A, b


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def run_config(d: int, m: int, seed: int, min_reps: int, max_reps: int, budget: float) -> dict:
    """Median seconds per LP for each method; reps adapt to the budget (seconds per method)."""
    from scipy.optimize import linprog
    from tropgeom import Polyhedron

    rng = np.random.default_rng([seed, d, m])
    instances = [polytope(rng, d, m) for _ in range(max_reps)]
    objectives = rng.normal(size=(max_reps, d))
    free = [(None, None)] * d
    times = {"exact_max": [], "exact_interior": [], "highs_max": [], "highs_interior": []}

    def loop(key, body):
        spent = 0.0
        for k in range(max_reps):
            if k >= min_reps and spent > budget:
                break
            dt = body(k)
            times[key].append(dt)
            spent += dt

    polys = {}

    def exact_max(k):
        A, b = instances[k]
        P = polys.setdefault(k, Polyhedron(A, b))
        res = [None]
        dt = _time(lambda: res.__setitem__(0, P.maximize(objectives[k])))
        assert res[0].status == "optimal"
        return dt

    def exact_interior(k):
        A, b = instances[k]
        P = Polyhedron(A, b)                      # fresh: interior_point caches its answer
        dt = _time(P.interior_point)
        assert P.dimension() == d
        return dt

    def highs_max(k):
        A, b = instances[k]
        res = [None]
        dt = _time(lambda: res.__setitem__(0, linprog(-objectives[k], A_ub=A, b_ub=b, bounds=free,
                                                      method="highs")))
        assert res[0].status == 0
        return dt

    def highs_interior(k):
        A, b = instances[k]
        At = np.hstack([A, np.abs(A).sum(axis=1, keepdims=True)])
        c = np.zeros(d + 1)
        c[-1] = -1.0
        res = [None]
        dt = _time(lambda: res.__setitem__(0, linprog(c, A_ub=At, b_ub=b, bounds=free + [(None, 1.0)],
                                                      method="highs")))
        assert res[0].status == 0 and -res[0].fun > 0
        return dt

    loop("exact_max", exact_max)
    loop("exact_interior", exact_interior)
    loop("highs_max", highs_max)
    loop("highs_interior", highs_interior)
    out = {"d": d, "m": m, "reps": {k: len(v) for k, v in times.items()}}
    for k, v in times.items():
        out[k + "_us"] = statistics.median(v) * 1e6
    out["ratio_max"] = out["exact_max_us"] / out["highs_max_us"]
    out["ratio_interior"] = out["exact_interior_us"] / out["highs_interior_us"]
    return out


def _child(q, *args):
    try:
        q.put(run_config(*args))
    except BaseException as e:  # report, never hang the parent
        q.put({"error": f"{type(e).__name__}: {e}"})


def run_isolated(d, m, seed, min_reps, max_reps, budget, timeout) -> dict:
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q, d, m, seed, min_reps, max_reps, budget))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        p.join()
        return {"d": d, "m": m, "error": f"timeout after {timeout:.0f} s"}
    try:
        res = q.get(timeout=5)
    except Exception:
        res = {"error": f"child exited with code {p.exitcode}"}
    res.setdefault("d", d)
    res.setdefault("m", m)
    return res


def table(results) -> str:
    head = (f"{'d':>3} {'m':>4} | {'exact max':>10} {'exact int':>10} | {'HiGHS max':>10} {'HiGHS int':>10} | "
            f"{'max ratio':>9} {'int ratio':>9}")
    lines = ["median microseconds per LP (m random rows + 2d box rows); ratio = exact / HiGHS", head,
             "-" * len(head)]
    for r in results:
        if "error" in r:
            lines.append(f"{r['d']:>3} {r['m']:>4} | {r['error']}")
            continue
        lines.append(f"{r['d']:>3} {r['m']:>4} | {r['exact_max_us']:>10.0f} {r['exact_interior_us']:>10.0f} | "
                     f"{r['highs_max_us']:>10.0f} {r['highs_interior_us']:>10.0f} | "
                     f"{r['ratio_max']:>9.2f} {r['ratio_interior']:>9.2f}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small subset (d in 2, 8; m in 10, 100)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--budget", type=float, default=None, help="seconds per method per configuration")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per configuration")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "bench_lp.json"))
    args = ap.parse_args(argv)

    dims, rows = (QUICK_DIMS, QUICK_ROWS) if args.quick else (DIMS, ROWS)
    budget = args.budget if args.budget is not None else (0.3 if args.quick else 0.8)
    min_reps, max_reps = 3, 25
    results = []
    t0 = time.perf_counter()
    for d in dims:
        for m in rows:
            r = run_isolated(d, m, args.seed, min_reps, max_reps, budget, args.timeout)
            results.append(r)
            print(f"  d={d:>2} m={m:>3}: " + (r["error"] if "error" in r else
                  f"exact max {r['exact_max_us']:.0f} us, HiGHS {r['highs_max_us']:.0f} us"),
                  file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    print(table(results))
    print(f"total {total:.1f} s")

    import scipy
    import tropgeom
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"quick": args.quick, "seed": args.seed, "budget_s": budget, "total_s": total,
            "python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count(),
            "tropgeom": tropgeom.__version__, "scipy": scipy.__version__, "numpy": np.__version__,
            "units": "median microseconds per LP (wall clock, time.perf_counter)"}
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"wrote {out}")
    return 1 if any("error" in r for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
