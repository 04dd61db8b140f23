"""tropicalize + prune: tropgeom (exact) against tropix 0.1.0 (float hulls), on the same integer nets.

Nets: seeded He initialisation (W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2)), d inputs, `depth` hidden layers
of one width, one output; then scaled by 10 and rounded to integers, because tropix needs
non-negative integer exponents.  Both tools tropicalize that integer net by the Zhang–Naitzat–Lim
recursion (DESIGN §5.2), pruning after every product and every layer:

  tropgeom   tropgeom.tropical.tropicalize(net, prune=True): exact upper-hull vertices.
  tropix     dict polynomials built here (tropix has no network interface), min-plus, so every
             coefficient is negated (max(c + a.x) = -min(-c + a.(-x)) keeps the exponents); pruned to
             the lower-hull vertices that tropix.subdivision.lower_convex_hull_faces reports (scipy
             Qhull, tolerance 1e-10; all kept when Qhull fails).  Powers scale the terms (p^n = n p after pruning), as in tropgeom.

Each (tool, net) runs in a forked child with a time limit (60 s, --quick 10 s); the table gives the
monomial counts of F and G, the time, and whether the two tools agree; the summary says how far each
got (the largest net finished per d).

    python bench/bench_tropical.py            # d in {1,2,3}, widths 2..16, depth 1..3: up to ~1 h
    python bench/bench_tropical.py --quick    # d in {1,2}, widths 2..8, depth 1..2, 10 s limit

Results are printed and written to bench/results/bench_tropical.json.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np

DIMS, WIDTHS, DEPTHS = (1, 2, 3), (2, 4, 8, 16), (1, 2, 3)
QUICK_DIMS, QUICK_WIDTHS, QUICK_DEPTHS = (1, 2), (2, 4, 8), (1, 2)


def integer_net(d: int, width: int, depth: int, seed: int):
    """[(W, b)] with integer entries: a He-initialised net scaled by 10 and rounded."""
    rng = np.random.default_rng(seed)
    sizes = [d] + [width] * depth + [1]
    return [(np.rint(10 * rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in))),
             np.rint(10 * rng.normal(0, 0.1, size=n_out))) for n_in, n_out in zip(sizes, sizes[1:])]


def run_tropgeom(layers):
    import tropgeom
    from tropgeom.tropical import tropicalize
    (m,) = tropicalize(tropgeom.Network(layers), prune=True)
    return len(m.numerator), len(m.denominator)


def run_tropix(layers):
    from tropix import TropicalPolynomial as TP
    from tropix.subdivision import lower_convex_hull_faces

    def prune(p):
        items = sorted(p.terms.items())
        if len(items) <= 1:
            return p
        lifted = np.array([list(e) + [c] for e, c in items], dtype=float)
        faces = lower_convex_hull_faces(lifted)
        if not faces:  # Qhull failed (flat lift): keep everything rather than nothing
            return p
        keep = {int(i) for face in faces for i in face}
        return TP({items[i][0]: items[i][1] for i in sorted(keep)}, nvars=p.nvars)

    def power(p, n):
        return TP({tuple(n * e for e in exp): n * c for exp, c in p.terms.items()}, nvars=p.nvars)

    d = layers[0][0].shape[1]
    unit = lambda j: tuple(int(i == j) for i in range(d))  # noqa: E731
    F = [TP({unit(j): 0.0}, nvars=d) for j in range(d)]
    G = [TP({(0,) * d: 0.0}, nvars=d) for _ in range(d)]
    for l, (W, b) in enumerate(layers):
        F2, G2 = [], []
        for i in range(W.shape[0]):
            H, Gi = TP({(0,) * d: -float(b[i])}, nvars=d), TP({(0,) * d: 0.0}, nvars=d)
            for j, w in enumerate(W[i]):
                n = int(abs(w))
                if n:
                    H = prune(H * power(F[j] if w > 0 else G[j], n))
                    Gi = prune(Gi * power(G[j] if w > 0 else F[j], n))
            F2.append(prune(H + Gi) if l < len(layers) - 1 else H)
            G2.append(Gi)
        F, G = F2, G2
    return len(F[0].terms), len(G[0].terms)


def _child(tool, layers, q):
    import scipy.spatial  # noqa: F401  imports (tropix's scipy, tropgeom's core) are not timed
    import tropgeom  # noqa: F401
    if tool == "tropix":
        import tropix  # noqa: F401
    t = time.perf_counter()
    counts = (run_tropgeom if tool == "tropgeom" else run_tropix)(layers)
    q.put((counts, time.perf_counter() - t))


def timed(tool, layers, limit):
    """((|F|, |G|), seconds), or (None, 'timeout' / 'error')."""
    q = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=_child, args=(tool, layers, q))
    p.start()
    p.join(limit)
    if p.is_alive():
        p.kill()
        p.join()
        return None, "timeout"
    return q.get() if p.exitcode == 0 and not q.empty() else (None, "error")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small grid, 10 s limit")
    ap.add_argument("--limit", type=float, default=None, help="seconds per run (default 60, --quick 10)")
    args = ap.parse_args(argv)
    dims, widths, depths = (QUICK_DIMS, QUICK_WIDTHS, QUICK_DEPTHS) if args.quick else (DIMS, WIDTHS, DEPTHS)
    limit = args.limit or (10.0 if args.quick else 60.0)
    rows, gave_up = [], set()
    print(f"{'d':>2} {'depth':>5} {'width':>5} | {'tropgeom |F|,|G|':>17} {'s':>7} | {'tropix |F|,|G|':>15} {'s':>7} | agree")
    for d in dims:
        for depth in depths:
            for width in widths:
                layers = integer_net(d, width, depth, seed=1000 * d + 10 * depth + width)
                row = {"d": d, "depth": depth, "width": width}
                for tool in ("tropgeom", "tropix"):
                    # a tool that timed out on a smaller net of this (d, depth) is not run on larger ones
                    res = (None, "skipped") if (tool, d, depth) in gave_up else timed(tool, layers, limit)
                    if res[0] is None:
                        gave_up.add((tool, d, depth))
                    row[tool] = {"counts": res[0], "seconds": res[1] if res[0] else None, "status": "ok" if res[0] else res[1]}
                a, b = row["tropgeom"], row["tropix"]
                row["agree"] = a["counts"] == b["counts"] if a["counts"] and b["counts"] else None
                show = lambda r: (f"{r['counts'][0]:>8},{r['counts'][1]:<8} {r['seconds']:7.2f}" if r["counts"]  # noqa: E731
                                  else f"{r['status']:>17} {'':>7}")
                print(f"{d:>2} {depth:>5} {width:>5} | {show(a)} | {show(b)[2:]} | {row['agree']}")
                sys.stdout.flush()
                rows.append(row)
    print(f"\nlargest net finished within {limit:.0f} s, per d (by depth x width, then hidden neurons):")
    for tool in ("tropgeom", "tropix"):
        for d in dims:
            done = [r for r in rows if r["d"] == d and r[tool]["counts"]]
            best = max(done, key=lambda r: (r["depth"] * r["width"], r["depth"]), default=None)
            print(f"  {tool:>8} d={d}: " + (f"depth {best['depth']} x width {best['width']}" if best else "nothing"))
    agree = [r["agree"] for r in rows if r["agree"] is not None]
    print(f"counts agree on {sum(agree)} of {len(agree)} nets both finished")
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / "bench_tropical.json").write_text(json.dumps({"limit": limit, "rows": rows}, indent=1))


if __name__ == "__main__":
    main()
