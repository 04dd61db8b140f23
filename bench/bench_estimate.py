"""Sampling estimates of the region count against exact counts and exact sampling radii.

Part 1, a small grid (seeded He nets as in bench_regions.py: W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2)) on
the box [-1, 1]^d: the exact count and its time beside estimate_regions at 10^4, 10^5 and 10^6
samples (distinct patterns hit = a lower bound, Chao1) and their times.

Part 2, TropicalNN.jl's sampling set-up (Lezeau et al. 2024): its seven architectures [2,6,1],
[3,5,1], [4,4,1], [5,3,1], [6,2,1], [3,2,2,1], [3,3,2,1], 25 nets each (seeded He weights,
b ~ N(0, 1)); per architecture the mean exact count of activation regions on R^n, the exact
inf-norm sampling radius R* (mean, max, the share of nets with R* > 5 and > 20, i.e. whose regions
do not all meet [-5,5]^n or [-20,20]^n), and for the cubes [-5,5]^n and [-20,20]^n with 1000 and 5000
uniform samples the mean share of the exact count found and the share of nets where sampling found
every region.

    python bench/bench_estimate.py            # both parts, about 2-4 minutes
    python bench/bench_estimate.py --quick    # 5 nets per architecture, a smaller grid
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tropgeom as tg  # noqa: E402
from tropgeom.sampling import estimate_regions, sampling_radius  # noqa: E402

ARCHS = ([2, 6, 1], [3, 5, 1], [4, 4, 1], [5, 3, 1], [6, 2, 1], [3, 2, 2, 1], [3, 3, 2, 1])


def he_net(dims, seed, bias=0.1):
    rng = np.random.default_rng(seed)
    return tg.Network([(rng.normal(0, np.sqrt(2 / a), size=(b, a)), rng.normal(0, bias, size=b))
                       for a, b in zip(dims[:-1], dims[1:])])


def timed(f):
    t = time.perf_counter()
    v = f()
    return v, time.perf_counter() - t


def part_grid(quick: bool):
    grid = [(2, [8]), (2, [16, 16]), (3, [8, 8])] if quick else \
        [(2, [8]), (2, [16]), (2, [16, 16]), (3, [8]), (3, [8, 8]), (3, [16, 16]), (4, [8, 8]), (4, [16])]
    Ns = (10 ** 4, 10 ** 5) if quick else (10 ** 4, 10 ** 5, 10 ** 6)
    print("Part 1: estimate vs exact on [-1, 1]^d (He nets, b ~ N(0, 0.01))")
    head = f"{'net':<14}{'exact':>8}{'time':>8}" + "".join(f"{'N=%.0e' % N:>22}" for N in Ns)
    print(head + "\n" + " " * 30 + "".join(f"{'found  chao1   time':>22}" for _ in Ns))
    for d, widths in grid:
        net = he_net([d, *widths, 1], 10000 * d + 100 * len(widths) + widths[0])
        box = tg.Box(-1.0, 1.0)
        n, t = timed(lambda: tg.count_regions(net, box, threads=1))
        row = f"{str([d, *widths, 1]):<14}{n:>8}{t:>7.2f}s"
        for N in Ns:
            e, te = timed(lambda: estimate_regions(net, box, samples=N, seed=0))
            row += f"{e.observed:>8}{e.chao1:>8.0f}{te:>5.1f}s "
        print(row)


def part_tropicalnn(nets_per_arch: int):
    print(f"\nPart 2: TropicalNN's sampling set-up, {nets_per_arch} nets per architecture (He weights, b ~ N(0, 1)),"
          "\nexact counts and radii on R^n vs distinct patterns of uniform samples in the cube")
    cols = [(5, 1000), (5, 5000), (20, 1000), (20, 5000)]
    print(f"{'arch':<12}{'count':>7}{'R* mean':>9}{'R* max':>9}{'R*>5':>6}{'R*>20':>6}"
          + "".join(f"{'[-%d,%d] %d' % (c, c, N):>17}" for c, N in cols))
    print(" " * 49 + "".join(f"{'found  all':>17}" for _ in cols))
    total = 0.0
    for arch in ARCHS:
        counts, radii, found, full = [], [], {c: [] for c in cols}, {c: 0 for c in cols}
        t0 = time.perf_counter()
        for k in range(nets_per_arch):
            net = he_net(arch, 1000 * sum(arch) + k, bias=1.0)
            rs = tg.regions(net, threads=1)
            n = len(rs)
            R = float(sampling_radius(rs).radius)
            counts.append(n)
            radii.append(R)
            for c, N in cols:
                hit = estimate_regions(net, tg.Box(-float(c), float(c)), samples=N, seed=k).observed
                found[(c, N)].append(hit / n)
                full[(c, N)] += hit == n
        total += time.perf_counter() - t0
        radii = np.array(radii)
        row = (f"{str(arch):<12}{np.mean(counts):>7.1f}{radii.mean():>9.2f}{radii.max():>9.2f}"
               f"{np.mean(radii > 5):>6.0%}{np.mean(radii > 20):>6.0%}")
        row += "".join(f"{np.mean(found[c]):>10.1%}{full[c] / nets_per_arch:>6.0%} " for c in cols)
        print(row)
    print(f"({total:.1f} s for exact counts, exact radii and the estimates)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--nets", type=int, default=None, help="nets per architecture (default 25; --quick: 5)")
    ap.add_argument("--part", choices=("grid", "tropicalnn", "both"), default="both")
    args = ap.parse_args()
    if args.part in ("grid", "both"):
        part_grid(args.quick)
    if args.part in ("tropicalnn", "both"):
        part_tropicalnn(args.nets or (5 if args.quick else 25))


if __name__ == "__main__":
    main()
