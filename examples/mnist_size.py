"""An MNIST-size input: exact region counts of 784-input ReLU nets on the pixel cube [0, 1]^784.

No data set is downloaded: the weights are synthetic (seeded random, He-scaled, quantised to multiples
of 2^-10 as a low-bit model's are), and every first-layer neuron's threshold is set at one grey
"image" c inside the cube, as trained first layers cut through the data.  The widths are small so
the exact counts take seconds; the input dimension is the full 784.

Checks:
- one hidden layer of n <= 784 neurons whose hyperplanes all pass exactly through c (checked in
  rationals) with independent normals: exactly 2^n regions (a central arrangement of n independent
  hyperplanes has 2^n regions, and all of them meet every neighbourhood of the interior point c);
- a two-hidden-layer net: its count lies between the distinct patterns of 20,000 uniform samples
  (each decided exactly: sampling undercounts) and the architecture's upper bound, and sampled
  regions' exact interior points have their regions' patterns.

Usage: python examples/mnist_size.py
"""
import time
from fractions import Fraction

import numpy as np

import tropgeom as tg

D = 784


def first_layer(rng, n):
    """n neurons whose hyperplanes pass exactly through one grey image c (b = -W c with no rounding)."""
    W = np.round(rng.normal(0, np.sqrt(2 / D), (n, D)) * 1024) / 1024
    c = rng.integers(3, 6, D) / 8                      # grey levels 3/8 .. 5/8
    b = -(W @ c)                                       # sums of multiples of 2^-13 below 2^20: exact
    assert all(sum(Fraction(w) * Fraction(x) for w, x in zip(row, c)) == -Fraction(v) for row, v in zip(W, b))
    return W, b


def main() -> None:
    rng = np.random.default_rng(0)
    cube = tg.Box(0.0, 1.0)

    n = 8
    W1, b1 = first_layer(rng, n)
    assert np.linalg.svd(W1, compute_uv=False).min() > 0.5    # independent normals, far from degenerate
    one = tg.Network([(W1, b1), (rng.normal(size=(10, n)), np.zeros(10))])
    t = time.perf_counter()
    rs = tg.regions(one, cube)
    dt = time.perf_counter() - t
    assert rs.count == 2 ** n
    print(f"{one!r} on [0,1]^784: {rs.count} activation regions = 2^{n} exactly ({dt:.2f} s, "
          f"{rs.stats['float_lps']} float LPs, {rs.stats['lps']} exact LPs)")

    W1, b1 = first_layer(rng, 6)
    two = tg.Network([(W1, b1), (rng.normal(0, np.sqrt(2 / 6), (3, 6)), rng.normal(0, 0.1, 3)),
                      (rng.normal(size=(10, 3)), np.zeros(10))])
    t = time.perf_counter()
    rs = tg.regions(two, cube)
    dt = time.perf_counter() - t
    est = tg.estimate_regions(two, cube, samples=20000, seed=1)
    bound = tg.bounds(two).upper
    assert est.observed <= rs.count <= bound
    some = np.arange(0, rs.count, max(1, rs.count // 20))
    signs = two.exact_signs(rs.interior_points(exact=True)[some]) > 0
    assert np.array_equal(signs, rs.patterns[some])
    print(f"{two!r} on [0,1]^784: {rs.count} activation regions ({dt:.2f} s); 20,000 uniform samples "
          f"see {est.observed} (Chao1 estimate {est.chao1:.0f}); the architecture allows at most {bound}")


if __name__ == "__main__":
    main()
