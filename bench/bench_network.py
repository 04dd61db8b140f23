"""Float64 network loops: numpy against the Cython kernels (tropgeom._kernels), one BLAS thread.

Decides what stays in Cython (DESIGN.md: Cython only where a benchmark shows it wins):
- the forward pass and the activation patterns now run in numpy (Network._float_pass): measured
  against the Cython loop they replaced (tropgeom._kernels.forward / patterns, removed after this
  run) numpy was 2.2-7.4x faster for the forward pass and 1.8-8.3x for packed patterns at 10^4-10^5
  points (archs 2,32,32,1 / 8,64,64,64,1 / 16,128,128,1); those rows print only while the Cython
  loop exists;
- hashing packed pattern rows (FNV-1a, the streaming step of sampling estimates): Cython
  ``hash_rows`` against the same hash vectorised in numpy over columns (Cython 1.8-2.8x faster: kept);
- counting distinct patterns: ``np.unique(rows, axis=0)`` against ``np.unique`` of the Cython hashes.

    python bench/bench_network.py            # 10^4 and 10^5 points
    python bench/bench_network.py --quick    # 10^4 only, fewer repeats
"""
from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one BLAS thread, before numpy loads
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import tropgeom  # noqa: E402
from tropgeom import _kernels  # noqa: E402


def best(f, repeats: int) -> float:
    ts = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return min(ts)


def numpy_fnv(P: np.ndarray) -> np.ndarray:
    h = np.full(len(P), 14695981039346656037, dtype=np.uint64)
    prime = np.uint64(1099511628211)
    for j in range(P.shape[1]):
        h ^= P[:, j]
        h *= prime
    return h


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [10 ** 4] if args.quick else [10 ** 4, 10 ** 5]
    repeats = 3 if args.quick else 7
    rng = np.random.default_rng(0)
    archs = [(2, [32, 32]), (8, [64, 64, 64]), (16, [128, 128])]
    print(f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}; best of {repeats}")
    print(f"{'arch':>22} {'N':>7} {'step':>22} {'numpy':>9} {'cython':>9} {'cython/numpy':>13}")
    for d, widths in archs:
        layers, n_in = [], d
        for w in widths + [1]:
            layers.append((rng.normal(size=(w, n_in)) / np.sqrt(n_in), rng.normal(size=w) * 0.1))
            n_in = w
        net = tropgeom.Network(layers)
        arch = ",".join(map(str, net.architecture))
        Ws, bs, relu = net.weights, net.biases, list(net.relu)
        for N in sizes:
            X = rng.normal(size=(N, d))
            rows = []
            if hasattr(_kernels, "forward"):
                rows.append(("forward", lambda: net._float_pass(X)[0], lambda: _kernels.forward(Ws, bs, relu, X)))
                rows.append(("packed patterns", lambda: net.packed_activation_patterns(X),
                             lambda: _kernels.patterns(Ws, bs, relu, X)))
            else:
                rows.append(("forward", lambda: net._float_pass(X)[0], None))
                rows.append(("packed patterns", lambda: net.packed_activation_patterns(X), None))
            P = net.packed_activation_patterns(X)
            assert np.array_equal(numpy_fnv(P), _kernels.hash_rows(P))
            rows.append(("hash rows (FNV-1a)", lambda: numpy_fnv(P), lambda: _kernels.hash_rows(P)))
            rows.append(("count distinct", lambda: len(np.unique(P, axis=0)),
                         lambda: len(np.unique(_kernels.hash_rows(P)))))
            for name, f_np, f_cy in rows:
                t_np = best(f_np, repeats)
                if f_cy is None:  # the Cython loop was removed: numpy won (see the docstring)
                    print(f"{arch:>22} {N:>7} {name:>22} {t_np * 1e3:8.2f}ms {'removed':>10}")
                    continue
                t_cy = best(f_cy, repeats)
                print(f"{arch:>22} {N:>7} {name:>22} {t_np * 1e3:8.2f}ms {t_cy * 1e3:8.2f}ms {t_cy / t_np:12.2f}x")


if __name__ == "__main__":
    main()
