"""Per-cell cost of exact vertices and volume (tropgeom.polytope) against scipy's Qhull (float).

Two kinds of cells for d = 2..6:
  net     the activation regions of a seeded 2-hidden-layer network on [-1, 1]^d, as tropgeom.regions
          hands them over (float64 weights; deeper rows are exact products, so numbers are long)
  random  m random half-spaces a.x <= b around the origin (a ~ N(0, 1), b ~ U(0.5, 1.5)), m = 2d + 8

Printed per configuration: facets and vertices per cell, milliseconds per cell (thread CPU time) for
tropgeom.polytope.vertices and .volume (Python call included) and for scipy (HalfspaceIntersection +
ConvexHull), and the bits of the exact volume's denominator.

    python bench/bench_polytope.py [--quick]
"""
from __future__ import annotations

import argparse
import time

import numpy as np


def net_cells(d: int, widths, limit: int):
    import tropgeom as tg
    rng = np.random.default_rng(d)
    sizes = [d] + list(widths) + [1]
    net = tg.Network([(rng.normal(size=(o, i)), rng.normal(size=o)) for i, o in zip(sizes, sizes[1:])])
    rs = tg.regions(net, tg.Box(-1, 1))
    exact = [rs.halfspaces(i) for i in range(min(len(rs), limit))]  # Fraction arrays
    return [(np.asarray(A, dtype=float), np.asarray(b, dtype=float)) for A, b in exact], exact


def random_cells(d: int, m: int, count: int):
    from tropgeom.errors import InputError
    from tropgeom.polytope import vertices
    rng = np.random.default_rng(100 + d)
    cells = []
    while len(cells) < count:
        A, b = rng.normal(size=(m, d)), rng.uniform(0.5, 1.5, size=m)
        try:
            vertices(A, b)
        except InputError:  # unbounded
            continue
        cells.append((A, b))
    return cells, cells


def per_cell_ms(fn, cells) -> float:
    t = time.thread_time()
    for c in cells:
        fn(*c)
    return 1e3 * (time.thread_time() - t) / len(cells)


def scipy_volume(A, b):
    from scipy.optimize import linprog
    from scipy.spatial import ConvexHull, HalfspaceIntersection
    # Chebyshev centre as the interior point Qhull needs.
    norms = np.linalg.norm(A, axis=1)
    res = linprog(np.r_[np.zeros(A.shape[1]), -1], A_ub=np.c_[A, norms], b_ub=b, bounds=[(None, None)] * A.shape[1] + [(0, 1)])
    hs = HalfspaceIntersection(np.c_[A, -b], res.x[:-1])
    return ConvexHull(hs.intersections).volume


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    from tropgeom.polytope import vertices, volume
    scipy_volume(*random_cells(2, 8, 1)[0][0])  # imports and first-call set-up out of the timings
    count = 10 if args.quick else 40
    dims = (2, 3, 4) if args.quick else (2, 3, 4, 5, 6)
    print(f"{'cells':>7} {'d':>2} {'facets':>7} {'verts':>7} {'vertices ms':>12} {'volume ms':>10} {'scipy ms':>9} {'bits':>7}")
    for d in dims:
        for kind, (float_cells, exact_cells) in (("net", net_cells(d, (8, 8) if d <= 3 else (6, 6), count)),
                                                 ("random", random_cells(d, 2 * d + 8, count))):
            vols = [volume(*c, exact=True) for c in exact_cells]
            verts = np.mean([len(vertices(*c)) for c in exact_cells])
            facets = np.mean([len(c[1]) for c in exact_cells])
            bits = np.mean([v.denominator.bit_length() for v in vols])
            t_vert = per_cell_ms(lambda A, b: vertices(A, b, exact=True), exact_cells)
            t_vol = per_cell_ms(lambda A, b: volume(A, b, exact=True), exact_cells)
            t_sci = per_cell_ms(scipy_volume, float_cells)
            print(f"{kind:>7} {d:>2} {facets:>7.1f} {verts:>7.1f} {t_vert:>12.3f} {t_vol:>10.3f} {t_sci:>9.3f} {bits:>7.0f}")


if __name__ == "__main__":
    main()
