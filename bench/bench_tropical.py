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

Each (tool, net) runs in a forked child with a time limit (60 s, --quick 10 s), after one untimed
warm-up call on a one-neuron net; runs under 0.2 s are timed best of three (both tools alike).  The
table gives the monomial counts of F and G, the time, whether the two tools agree and the ratio
tropix time / tropgeom time; the summary says how far each got (the largest net finished per d).

Further sections (tropgeom alone; He-initialised float nets, seeded):

  tnn      TropicalNN.jl's published experiment set: [2,6,1] [3,5,1] [4,4,1] [5,3,1] [6,2,1] [3,2,2,1]
           [3,3,2,1], 25 nets each: mean linear regions, mean monomials of F + G unpruned / pruned,
           mean seconds of tropicalize (pruned).
  widths   [2,w,1] and [2,w,2,1], w = 2..8: monomials unpruned / pruned and the pruning rate.
  mnist    784-4-10: linear regions of logit 1 and the pruned monomials of all 10 outputs.
  targets  issue 12's targets: a trained two-moons [2,16,16,1] (torch), He [2,16,16,1], [2,32,32,1],
           [4,16,16,1] (tropicalize + prune), 784-4-10.
  scale    larger nets within 60 s ([3,24,24,24,1], [5,16,16,1], [4,24,24,1], [4,32,32,1], [5,24,24,1]);
           with the tropix grid, the ratio of the largest pruned maps each tool finished (against
           tropix's own count on its largest net, and against the exact count of that net).
  linear   TropicalRational.linear_regions() of a map without its net (reloaded from JSON: the cell
           walk, with the monomial pairs) against regions(net, kind="linear") on its net.

Times: wall seconds and CPU seconds of this process (time.process_time; the machine is shared, so
CPU time is the figure to compare); the load average is printed before and after each section.

    python bench/bench_tropical.py                      # every section (the tropix grid: up to ~1 h)
    python bench/bench_tropical.py --quick              # small tropix grid (d <= 2, widths <= 8), 10 s limit
    python bench/bench_tropical.py --sections tnn widths

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
    (m,) = tropicalize(tropgeom.Network(layers), prune=True, threads=1, progress=False)
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
    run = run_tropgeom if tool == "tropgeom" else run_tropix
    run(integer_net(layers[0][0].shape[1], 1, 1, seed=0))  # warm-up (first-call costs), not timed
    best, cpu = float("inf"), float("inf")
    for _ in range(3):  # short runs: the best of three, for both tools alike
        t, c = time.perf_counter(), time.process_time()
        counts = run(layers)
        best, cpu = min(best, time.perf_counter() - t), min(cpu, time.process_time() - c)
        if best > 0.2:
            break
    q.put((counts, best, cpu))


def timed(tool, layers, limit):
    """((|F|, |G|), wall seconds, CPU seconds), or (None, 'timeout' / 'error', None)."""
    q = mp.get_context("fork").Queue()
    p = mp.get_context("fork").Process(target=_child, args=(tool, layers, q))
    p.start()
    p.join(limit)
    if p.is_alive():
        p.kill()
        p.join()
        return None, "timeout", None
    return q.get() if p.exitcode == 0 and not q.empty() else (None, "error", None)


def he_net(sizes, seed):
    """A tropgeom.Network, He-initialised (W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2))."""
    import tropgeom
    rng = np.random.default_rng(seed)
    return tropgeom.Network([(rng.normal(0, np.sqrt(2 / n_in), size=(n_out, n_in)), rng.normal(0, 0.1, size=n_out))
                             for n_in, n_out in zip(sizes, sizes[1:])])


class Clock:
    """Wall and CPU seconds of a block (the machine is shared: CPU time is the figure to compare)."""

    def __enter__(self):
        self.t, self.c = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.t, time.process_time() - self.c


def load() -> str:
    import os
    return "load %.2f %.2f %.2f" % os.getloadavg()


def monomials(net, prune, limit=10 ** 6):
    """(|F| + |G| of output 1, wall seconds, CPU seconds); None for the count when the unpruned
    expansion passes limit."""
    from tropgeom import BudgetExceeded
    from tropgeom.tropical import tropicalize
    n = None
    with Clock() as k:
        try:
            maps = tropicalize(net, prune=prune, max_monomials=None if prune else limit, threads=1, progress=False)
            n = len(maps[0].numerator) + len(maps[0].denominator)
        except BudgetExceeded:
            pass
    return n, k.wall, k.cpu


def section_tnn(nets_per_arch=25):
    from tropgeom.tropical import linear_regions
    from tropgeom.tropical import tropicalize
    print("\nTropicalNN.jl experiment set (25 He nets each; monomials = |F| + |G|)")
    print(f"{'arch':>10} | {'regions':>8} {'unpruned':>9} {'pruned':>7} {'rate':>6} {'s (pruned)':>10} {'cpu s':>8}")
    rows = []
    for sizes in ([2, 6, 1], [3, 5, 1], [4, 4, 1], [5, 3, 1], [6, 2, 1], [3, 2, 2, 1], [3, 3, 2, 1]):
        R, U, P, T, C = [], [], [], [], []
        for seed in range(nets_per_arch):
            net = he_net(sizes, seed)
            p, t, c = monomials(net, True)
            u, _, _ = monomials(net, False)
            (m,) = tropicalize(net, threads=1, progress=False)
            R.append(linear_regions(m))
            U.append(u)
            P.append(p)
            T.append(t)
            C.append(c)
        u = np.mean(U) if None not in U else float("nan")
        row = {"arch": sizes, "regions": float(np.mean(R)), "unpruned": u, "pruned": float(np.mean(P)), "seconds": float(np.mean(T)),
               "cpu": float(np.mean(C))}
        rows.append(row)
        print(f"{str(sizes):>10} | {row['regions']:8.1f} {u:9.1f} {row['pruned']:7.1f} {row['pruned'] / u:6.2f} {row['seconds']:10.4f}"
              f" {row['cpu']:8.4f}")
    return rows


def section_widths():
    print("\n[2,w,1] and [2,w,2,1]: monomials |F| + |G| unpruned / pruned (one He net each)")
    print(f"{'arch':>12} | {'unpruned':>9} {'pruned':>7} {'rate':>6} {'s (pruned)':>10} {'cpu s':>8}")
    rows = []
    for shape in ("[2,w,1]", "[2,w,2,1]"):
        for w in range(2, 9):
            sizes = [2, w, 1] if shape == "[2,w,1]" else [2, w, 2, 1]
            net = he_net(sizes, 100 + w)
            p, t, c = monomials(net, True)
            u, _, _ = monomials(net, False)
            rows.append({"arch": sizes, "unpruned": u, "pruned": p, "seconds": t, "cpu": c})
            us = f"{u:9d}" if u else f"{'>1e6':>9}"
            rate = f"{p / u:6.3f}" if u else f"{'':>6}"
            print(f"{str(sizes):>12} | {us} {p:7d} {rate} {t:10.4f} {c:8.4f}")
    return rows


def section_mnist():
    import tropgeom
    from tropgeom.tropical import linear_regions, tropicalize
    print("\n784-4-10 (He): linear regions of logit 1, monomials of all outputs")
    net = he_net([784, 4, 10], 0)
    with Clock() as k:
        maps = tropicalize(net, threads=1, progress=False)
    took = k.wall
    with Clock() as kr:
        regions = linear_regions(maps[0], threads=1)
    treg = kr.wall
    F = [len(m.numerator) for m in maps]
    G = [len(m.denominator) for m in maps]
    print(f"  tropicalize {took:.2f} s ({k.cpu:.2f} CPU s); |F| per output {F}, |G| {G}; logit 1: {regions} linear regions "
          f"({treg:.2f} s, {kr.cpu:.2f} CPU s)")
    return {"seconds": took, "cpu": k.cpu, "F": F, "G": G, "regions_logit1": regions, "regions_seconds": treg, "regions_cpu": kr.cpu,
            "activation_regions": tropgeom.count_regions(net, threads=1)}


def trained_two_moons():
    """The [2,16,16,1] of examples/two_moons.py (its own trainer: 300 Adam steps on 400 two-moons points)."""
    import tropgeom
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "examples"))
    from two_moons import train_two_moons
    model, _, _ = train_two_moons()
    return tropgeom.Network.from_torch(model)


def section_targets():
    from tropgeom.tropical import tropicalize
    print("\nissue 12 targets (tropicalize + prune, threads=1 and threads=2)")
    rows = []
    for sizes, target in (("trained two moons [2,16,16,1]", 1), ([2, 16, 16, 1], 1), ([2, 32, 32, 1], 60),
                          ([4, 16, 16, 1], 60), ([784, 4, 10], 10)):
        net = trained_two_moons() if isinstance(sizes, str) else he_net(sizes, 0)
        times, cpus = [], []
        for threads in (1, 2):
            with Clock() as k:
                maps = tropicalize(net, threads=threads, progress=False)
            times.append(k.wall), cpus.append(k.cpu)
        row = {"arch": sizes, "F": len(maps[0].numerator), "G": len(maps[0].denominator), "seconds": times, "cpu": cpus,
               "target": target}
        rows.append(row)
        print(f"  {str(sizes):>30}: |F| {row['F']:>6} |G| {row['G']:>6}  {times[0]:7.2f} s / {cpus[0]:7.2f} CPU s (1 thread) "
              f"{times[1]:7.2f} s / {cpus[1]:7.2f} CPU s (2)  target < {target} s")
    return rows


def section_tropix(args):
    dims, widths, depths = (QUICK_DIMS, QUICK_WIDTHS, QUICK_DEPTHS) if args.quick else (DIMS, WIDTHS, DEPTHS)
    limit = args.limit or (10.0 if args.quick else 60.0)
    rows, gave_up = [], set()
    print(f"{'d':>2} {'depth':>5} {'width':>5} | {'tropgeom |F|,|G|':>17} {'s':>7} {'cpu s':>7} | {'tropix |F|,|G|':>15} {'s':>7} "
          f"{'cpu s':>7} | agree  ratio (wall, cpu)")
    for d in dims:
        for depth in depths:
            for width in widths:
                layers = integer_net(d, width, depth, seed=1000 * d + 10 * depth + width)
                row = {"d": d, "depth": depth, "width": width}
                for tool in ("tropgeom", "tropix"):
                    # a tool that timed out on a smaller net of this (d, depth) is not run on larger ones
                    res = (None, "skipped", None) if (tool, d, depth) in gave_up else timed(tool, layers, limit)
                    if res[0] is None:
                        gave_up.add((tool, d, depth))
                    row[tool] = {"counts": res[0], "seconds": res[1] if res[0] else None, "cpu": res[2],
                                 "status": "ok" if res[0] else res[1]}
                a, b = row["tropgeom"], row["tropix"]
                row["agree"] = a["counts"] == b["counts"] if a["counts"] and b["counts"] else None
                show = lambda r: (f"{r['counts'][0]:>8},{r['counts'][1]:<8} {r['seconds']:7.3f} {r['cpu']:7.3f}"  # noqa: E731
                                  if r["counts"] else f"{r['status']:>17} {'':>7} {'':>7}")
                ratio = (f"{b['seconds'] / a['seconds']:7.1f}x {b['cpu'] / max(a['cpu'], 1e-6):7.1f}x"
                         if a["counts"] and b["counts"] else "")
                print(f"{d:>2} {depth:>5} {width:>5} | {show(a)} | {show(b)[2:]} | {str(row['agree']):5} {ratio}")
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
    wrong = [f"d={r['d']} depth {r['depth']} width {r['width']}" for r in rows if r["agree"] is False]
    if wrong:
        print("tropix differs from the exact counts on: " + "; ".join(wrong))
    speed = [r["tropix"]["seconds"] / r["tropgeom"]["seconds"] for r in rows if r["agree"] is not None]
    if speed:
        print(f"tropgeom speed-up over tropix where both finished (wall): min {min(speed):.1f}x, median {np.median(speed):.1f}x")
        cpu = [r["tropix"]["cpu"] / max(r["tropgeom"]["cpu"], 1e-6) for r in rows if r["agree"] is not None]
        print(f"tropgeom speed-up over tropix where both finished (CPU): min {min(cpu):.1f}x, median {np.median(cpu):.1f}x")
        slow = [f"d={r['d']} depth {r['depth']} width {r['width']}" for r in rows
                if r["agree"] is not None and r["tropix"]["seconds"] < r["tropgeom"]["seconds"]]
        print("rows where tropix is faster (wall): " + ("; ".join(slow) if slow else "none"))
    return {"limit": limit, "rows": rows}


def section_scale(limit=60.0):
    from tropgeom import BudgetExceeded
    from tropgeom.tropical import tropicalize
    print(f"\nlarger He nets within {limit:.0f} s (tropicalize + prune, 1 thread; monomials = |F| + |G|)")
    rows = []
    for sizes in ([3, 24, 24, 24, 1], [5, 16, 16, 1], [4, 24, 24, 1], [4, 32, 32, 1], [5, 24, 24, 1]):
        with Clock() as k:
            try:
                (m,) = tropicalize(he_net(sizes, 0), max_seconds=limit, threads=1, progress=False)
                n = len(m.numerator) + len(m.denominator)
            except BudgetExceeded:
                n = None
        rows.append({"arch": sizes, "monomials": n, "seconds": k.wall, "cpu": k.cpu})
        print(f"  {str(sizes):>18}: {n if n else 'over the limit':>8} monomials  {k.wall:6.2f} s  {k.cpu:6.2f} CPU s")
    return rows


def section_linear():
    import tropgeom
    from tropgeom.tropical import TropicalRational, linear_regions, tropicalize
    print("\nlinear_regions of a map without its net (reloaded from JSON: the cell walk) vs with its net "
          "(regions(net, kind='linear') on a fresh copy), 1 thread")
    rows = []
    for sizes in ("trained two moons [2,16,16,1]", [2, 8, 8, 1], [2, 16, 16, 1], [3, 8, 8, 1], [4, 8, 8, 1], [2, 32, 32, 1]):
        make = trained_two_moons if isinstance(sizes, str) else (lambda: he_net(sizes, 0))
        (m,) = tropicalize(make(), threads=1, progress=False)
        back = TropicalRational.from_json(m.to_json())
        net = make()
        with Clock() as k1:
            with_net = tropgeom.regions(net, kind="linear", threads=1, progress=False).count
        with Clock() as k2:
            pieces = back.linear_regions(threads=1)  # the walk, with the monomial pairs and cell geometry
        without = pieces.count
        t_net, t_walk = k1.cpu, k2.cpu
        row = {"arch": sizes, "F": len(m.numerator), "G": len(m.denominator), "regions": with_net, "walk_regions": without,
               "seconds_with_net": k1.wall, "seconds_without_net": k2.wall, "cpu_with_net": t_net, "cpu_without_net": t_walk}
        rows.append(row)
        print(f"  {str(sizes):>30}: |F| {row['F']:>5} |G| {row['G']:>5}  {with_net:>6} regions  with net {t_net:7.2f} CPU s  "
              f"without {t_walk:7.2f} CPU s ({t_walk / max(t_net, 1e-6):.1f}x){'' if with_net == without else '  DIFFERENT COUNTS'}")
    return rows


SECTIONS = ("tropix", "tnn", "widths", "mnist", "targets", "scale", "linear")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small tropix grid, 10 s limit")
    ap.add_argument("--limit", type=float, default=None, help="seconds per tropix-grid run (default 60, --quick 10)")
    ap.add_argument("--sections", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    args = ap.parse_args(argv)
    import tropgeom  # noqa: F401  loaded once here: every forked child runs the same code
    out = {}
    print(f"bench_tropical {' '.join(args.sections)}; {load()}")
    for name in args.sections:
        with Clock() as k:
            try:
                out[name] = section_tropix(args) if name == "tropix" else globals()[f"section_{name}"]()
            except Exception:  # one broken section does not lose the others' figures
                import traceback
                traceback.print_exc()
                out[name] = None
        print(f"[section {name}: {k.wall:.1f} s wall, {k.cpu:.1f} CPU s in this process; {load()}]")
        sys.stdout.flush()
    if out.get("tropix") and out.get("scale"):
        done = [r for r in out["tropix"]["rows"] if r["tropix"]["counts"]]
        ours = max((r["monomials"] or 0 for r in out["scale"]), default=0)
        if done:
            top = max(done, key=lambda r: sum(r["tropix"]["counts"]))
            theirs = sum(top["tropix"]["counts"])
            exact = sum(top["tropgeom"]["counts"]) if top["tropgeom"]["counts"] else None
            print(f"\nlargest finished: tropgeom {ours} monomials; tropix's largest (d={top['d']} depth {top['depth']} "
                  f"width {top['width']}) {theirs} by its own count: {ours / theirs:.0f}x"
                  + (f"; {exact} exact pruned monomials of that net: {ours / exact:.0f}x" if exact else ""))
    path = Path(__file__).with_name("results")
    path.mkdir(exist_ok=True)
    (path / "bench_tropical.json").write_text(json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
