"""Activation polytopes: exact counts and times over N, d, K, beside a float Qhull Minkowski sum (scipy).

The baseline sums the simplices one point at a time, keeping the hull vertices (scipy.spatial.ConvexHull
in the affine hull of the polytope, coordinates in float64); where it miscounts, the exact count wins.
    python bench/bench_activation.py [--quick]
"""
import argparse
import time

import numpy as np
from scipy.spatial import ConvexHull, QhullError

from tropgeom.activation import ActivationPolytope


def qhull_vertices(X, K):
    """Vertex count of sum_i conv{e_k (x) (1, x_i)} by iterated float hulls (None if Qhull fails)."""
    Xh = np.hstack([np.ones((len(X), 1)), X])
    pts = np.zeros((1, K * Xh.shape[1]))
    for x in Xh:
        simplex = np.kron(np.eye(K), x)  # row k = e_k (x) x^
        pts = (pts[:, None, :] + simplex[None, :, :]).reshape(-1, pts.shape[1])
        centred = pts - pts.mean(axis=0)
        U, S, Vt = np.linalg.svd(centred, full_matrices=False)
        r = int((S > 1e-9 * max(S[0], 1)).sum())
        if r == 0:
            continue
        Y = centred @ Vt[:r].T
        if r == 1:
            pts = pts[[np.argmin(Y[:, 0]), np.argmax(Y[:, 0])]]
            continue
        try:
            pts = pts[ConvexHull(Y).vertices]
        except QhullError:
            return None
    return len(pts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    cases = [(8, 2, 1, 1), (12, 2, 1, 1), (8, 2, 2, 1), (6, 3, 2, 1), (10, 2, 2, 1), (5, 2, 2, 2)]
    if not args.quick:
        cases += [(20, 3, 1, 1), (12, 2, 2, 1), (8, 3, 2, 2)]
    rng = np.random.default_rng(0)
    print(f"{'N':>3} {'d':>2} {'m,n':>4} {'vertices':>9} {'edges':>8} {'labelings':>9} {'t_vert':>7} {'t_edge':>7}"
          f" {'lps':>6} {'qhull':>9} {'t_qhull':>7} ratio")
    for N, d, m, n in cases:
        X = rng.integers(-50, 51, size=(N, d)) / 10.0
        t0 = time.perf_counter()
        P = ActivationPolytope(X, m, n, threads=args.threads, progress=False)
        V = P.count_vertices()
        t1 = time.perf_counter()
        E = len(P.edges())
        t2 = time.perf_counter()
        q = qhull_vertices(X, m + n) if P.dimension() <= 8 else "skip"  # Qhull is hopeless beyond ~8-D
        t3 = time.perf_counter()
        flag = "" if q in (V, "skip") else "  <- float baseline miscounts"
        print(f"{N:>3} {d:>2} {m},{n:>2} {V:>9} {E:>8} {P.count_labelings():>9} {t1 - t0:>7.2f} {t2 - t1:>7.2f}"
              f" {P.search_stats()['lps']:>6} {str(q):>9} {t3 - t2:>7.2f} {(t3 - t2) / max(t1 - t0, 1e-9):5.1f}x{flag}")


if __name__ == "__main__":
    main()
