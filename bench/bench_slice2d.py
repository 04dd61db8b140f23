"""2-D slices: tropgeom.slice2d (exact) against regioncam (float32, Rust), side by side in one run.

Nets are seeded He-initialised MLPs (W ~ N(0, 2/fan_in), b ~ N(0, 0.1^2)) with float32 weights, so
both tools see the same network.  Square rows slice a 2-input net on [-1, 1]^2; "through" rows slice
a d-input net on the plane regioncam.Regioncam.through_points builds through three data points, and
tropgeom is given that same plane (origin and directions as regioncam holds them) and the same box.
Counts must agree where regioncam is right; ratios are regioncam's time over tropgeom's (> 1: we are
faster) with tropgeom on 1 thread and on all usable cores.  The gallery then slices one-layer nets
of 3-5 lines through a common point with float32-rounded biases, where the exact count is the
one-layer formula, and shows what each tool reports.

    python bench/bench_slice2d.py --quick     # 64^3 and a d = 8 slice, about 10 s
    python bench/bench_slice2d.py             # adds 128^3, 256^3 and a d = 784 slice
Timings need an idle machine (the header prints the load average).
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import tropgeom as tg  # noqa: E402
from tropgeom._run import usable_cores  # noqa: E402
from tropgeom.slice2d import Box2D, slice2d  # noqa: E402


def he_layers(sizes, seed):
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        W = rng.normal(0, np.sqrt(2.0 / n_in), size=(n_out, n_in)).astype(np.float32)
        b = rng.normal(0, 0.1, size=n_out).astype(np.float32)
        out.append((W, b))
    return out


def regioncam_run(layers, cam):
    t = time.perf_counter()
    for k, (W, b) in enumerate(layers):
        cam.linear(W.T.copy(), b)
        if k + 1 < len(layers):
            cam.relu()
    return cam.num_faces, time.perf_counter() - t


def best_of(fn, min_time=0.3):
    """The fastest of repeated calls until min_time has passed (one call if it is slower)."""
    best, spent, out = float("inf"), 0.0, None
    while spent < min_time:
        t = time.perf_counter()
        out = fn()
        dt = time.perf_counter() - t
        best, spent = min(best, dt), spent + dt
    return out, best


def row(name, layers, through=None):
    import regioncam
    net = tg.Network([(W.astype(np.float64), b.astype(np.float64)) for W, b in layers])
    if through is None:
        cam_factory = lambda: regioncam.Regioncam(size=1)
        kw = {"domain": Box2D([-1, -1], [1, 1])}
    else:
        cam_factory = lambda: regioncam.Regioncam.through_points(through)
        cam = cam_factory()
        P = cam.plane  # x = uv @ weight + bias; the camera's corners are in plane coordinates
        Wp, bp = np.asarray(P.weight, dtype=np.float64), np.asarray(P.bias, dtype=np.float64)
        corners = np.asarray(cam.vertex_inputs, dtype=np.float64)
        lo, hi = corners.min(axis=0), corners.max(axis=0)
        kw = {"plane": (bp, Wp[0], Wp[1]), "domain": Box2D(lo, hi)}
    (rc_faces, rc_t), _ = best_of(lambda: regioncam_run(layers, cam_factory()))
    T = usable_cores()
    s1, t1 = best_of(lambda: slice2d(net, threads=1, **kw))
    sT, tT = best_of(lambda: slice2d(net, threads=T, **kw))
    agree = "yes" if rc_faces == s1.num_faces == sT.num_faces else "NO"
    print(f"{name:28s} {s1.num_faces:8d} {rc_faces:8d} {agree:>5s} {t1:8.3f} {tT:8.3f} {rc_t:8.3f} "
          f"{rc_t / t1:6.2f}x {rc_t / tT:6.2f}x {s1.num_faces / tT:10.0f}")
    return rc_t / t1, rc_t / tT


def gallery(n_nets):
    import regioncam
    from test_slice2d import one_layer_faces
    print("\nnear-concurrent lines (one layer, float32 biases through a common point): exact count "
          "(one-layer formula) | tropgeom | regioncam")
    rng = np.random.default_rng(5)
    wrong = 0
    for trial in range(n_nets):
        k = 3 + trial % 3
        p = rng.uniform(-0.5, 0.5, 2)
        W = rng.normal(size=(k, 2)).astype(np.float32)
        b = (-(W.astype(np.float64) @ p)).astype(np.float32)
        layers = [(W, b), (np.ones((1, k), dtype=np.float32), np.zeros(1, dtype=np.float32))]
        net = tg.Network([(W.astype(np.float64), b.astype(np.float64)), (np.ones((1, k)), np.zeros(1))])
        exact = one_layer_faces(W.astype(np.float64), b.astype(np.float64))
        ours = slice2d(net, domain=Box2D([-1, -1], [1, 1])).num_faces
        cam = regioncam.Regioncam(size=1)
        cam.linear(W.T.copy(), b)
        cam.relu()
        wrong += cam.num_faces != exact
        print(f"  {k} lines: {exact:3d} | {ours:3d} | {cam.num_faces:3d}{'' if cam.num_faces == exact else '  <- regioncam wrong'}")
    print(f"regioncam wrong on {wrong} of {n_nets}; tropgeom equal to the formula on all")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    import regioncam
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    print(f"# bench_slice2d {time.strftime('%Y-%m-%d')} commit {commit}, regioncam {regioncam.__version__}, "
          f"{platform.processor() or platform.machine()}, {usable_cores()} cores, load {os.getloadavg()[0]:.2f}")
    print(f"{'net':28s} {'faces':>8s} {'rc':>8s} {'agree':>5s} {'tg 1t':>8s} {'tg Tt':>8s} {'rc s':>8s} "
          f"{'x1t':>7s} {'xTt':>7s} {'faces/s':>10s}")
    rows = [("[2,64,64,64,1] square", [2, 64, 64, 64, 1], None)]
    if not args.quick:
        rows += [("[2,128,128,128,1] square", [2, 128, 128, 128, 1], None),
                 ("[2,256,256,256,1] square", [2, 256, 256, 256, 1], None)]
    rows.append(("[8,64,64,1] through 3 pts", [8, 64, 64, 1], 8))
    if not args.quick:
        rows.append(("[784,128,128,10] through 3", [784, 128, 128, 10], 784))
    for name, sizes, d in rows:
        layers = he_layers(sizes, seed=sum(sizes))
        through = None if d is None else np.random.default_rng(d).normal(size=(3, d)).astype(np.float32)
        row(name, layers, through)
    gallery(6 if args.quick else 20)


if __name__ == "__main__":
    main()
