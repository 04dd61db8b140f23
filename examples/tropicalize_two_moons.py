"""Tropicalize a small MLP trained on two moons: the network is exactly F - G for two tropical
polynomials (max-plus), F and G pruned to their necessary monomials.  Checks F - G against the exact
forward pass and draws the Newton polytope of F with its upper hull (if matplotlib is installed).

The net is trained here with plain numpy gradient descent (seeded: the same weights on every run; no
torch needed).  Usage: python examples/tropicalize_two_moons.py [OUT_DIR]
"""
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np

import tropgeom as tg


def two_moons(n, noise, rng):
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    X = np.concatenate([upper, lower]) + rng.normal(0, noise, (2 * n, 2))
    return (X - X.mean(0)) / X.std(0), np.r_[np.zeros(n), np.ones(n)]


def train(X, y, widths=(2, 6, 6, 1), steps=1500, lr=0.1, seed=0):
    """Full-batch gradient descent on the logistic loss; returns the (W, b) layers."""
    rng = np.random.default_rng(seed)
    layers = [(rng.normal(0, np.sqrt(2 / a), (b, a)), np.zeros(b)) for a, b in zip(widths[:-1], widths[1:])]
    for _ in range(steps):
        hs = [X]
        for l, (W, b) in enumerate(layers):
            z = hs[-1] @ W.T + b
            hs.append(np.maximum(z, 0) if l < len(layers) - 1 else z)
        g = (1 / (1 + np.exp(-hs[-1][:, 0])) - y)[:, None] / len(y)  # d loss / d logit
        for l in range(len(layers) - 1, -1, -1):
            W, b = layers[l]
            gW, gb = g.T @ hs[l], g.sum(0)
            g = (g @ W) * (hs[l] > 0)
            layers[l] = (W - lr * gW, b - lr * gb)
    return layers


def main(out: Path) -> None:
    rng = np.random.default_rng(0)
    X, y = two_moons(100, 0.1, rng)
    net = tg.Network(train(X, y))
    accuracy = float(((net.forward(X)[:, 0] > 0) == (y > 0)).mean())

    (trop,) = tg.tropicalize(net)                 # pruned exactly after every product and layer
    F, G = trop.numerator, trop.denominator
    print(f"{net!r} trained on two moons: accuracy {accuracy:.3f}")
    print(f"F has {len(F)} monomials, G has {len(G)} (pruned exactly: the same function)")
    try:                                          # the recursion as it comes grows like products of widths
        raw = tg.tropicalize(net, prune=False, max_monomials=10 ** 5)[0]
        print(f"unpruned: F has {len(raw.numerator)} monomials, G has {len(raw.denominator)}")
    except tg.BudgetExceeded as e:
        raw = None
        print(f"unpruned: more than 10^5 monomials (stopped: {e.reason})")
    print(f"Newton polytopes: N(F) has {len(F.newton_polytope())} vertices, N(G) {len(G.newton_polytope())}")

    # F - G is the network, exactly: on the data and on rational points
    pts = [[Fraction(int(a), 7), Fraction(int(b), 11)] for a, b in rng.integers(-20, 20, (50, 2))]
    P = np.array(pts, dtype=object)
    assert list(trop.evaluate(P, exact=True)) == list(net.forward(P, exact=True)[:, 0])
    Xq = np.array([[Fraction(v) for v in row] for row in X], dtype=object)
    assert list(trop.evaluate(Xq, exact=True)) == list(net.forward(Xq, exact=True)[:, 0])
    assert raw is None or list(raw.evaluate(P, exact=True)) == list(trop.evaluate(P, exact=True))
    print(f"F - G equals the forward pass exactly on {len(P) + len(X)} points")

    try:
        import matplotlib
    except ImportError:
        print("matplotlib is not installed: no picture")
        return
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plt.figure(figsize=(9, 4))
    tg.plot.plot_tropical(F, fig.add_subplot(1, 2, 1, projection="3d"), what="newton")
    tg.plot.plot_tropical(F, fig.add_subplot(1, 2, 2), what="subdivision")
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "tropical_two_moons.png", dpi=80)
    print(f"picture: {out / 'tropical_two_moons.png'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("."))
