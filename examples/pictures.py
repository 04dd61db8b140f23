"""The README's pictures (docs/img/*.png), from seeded nets: regions and decision boundary of a
2-input net, an exact slice through three data points of a 5-input net, a tropical polynomial's
dual subdivision and Newton polytope, and the vertex graph of an activation polytope.

Usage: python examples/pictures.py [OUT_DIR]   (default docs/img)
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import tropgeom as tg  # noqa: E402


def save(ax, path: Path) -> None:
    ax.figure.savefig(path, dpi=60, bbox_inches="tight")
    plt.close(ax.figure)
    print(f"{path}: {path.stat().st_size // 1024} KB")


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(3)

    # regions of a 2-input net on [-1, 1]^2, one colour per activation pattern, with f = 0
    two = tg.Network([(rng.normal(size=(10, 2)), rng.normal(size=10) * 0.5),
                      (rng.normal(size=(8, 10)) * 0.45, rng.normal(size=8) * 0.1),
                      (rng.normal(size=(1, 8)), np.zeros(1))])
    rs = tg.regions(two, tg.Box(-1, 1))
    ax = tg.plot_regions(rs, color_by="pattern", boundary=True)
    ax.set_title(f"{rs.count} activation regions of {two!r} on [-1, 1]^2 and f = 0", fontsize=9)
    save(ax, out / "regions.png")

    # the same net coloured by its output
    save(tg.plot_regions(rs, color_by="output", boundary=True), out / "regions_output.png")

    # an exact 2-D slice of a 5-input net through three data points
    net = tg.Network([(rng.normal(size=(16, 5)), rng.normal(size=16) * 0.1),
                      (rng.normal(size=(16, 16)) * 0.35, rng.normal(size=16) * 0.1),
                      (rng.normal(size=(1, 16)), np.zeros(1))])
    X = rng.normal(size=(3, 5))
    s = tg.slice2d(net, through=X, domain="auto")
    save(s.plot(color_by="pattern"), out / "slice.png")

    # a one-hidden-layer net as a tropical rational map: the dual subdivision of F
    (trop,) = tg.tropicalize(tg.Network([(rng.normal(size=(5, 2)), rng.normal(size=5)),
                                         (np.abs(rng.normal(size=(1, 5))), np.zeros(1))]))
    save(tg.plot.plot_tropical(trop.numerator, what="subdivision"), out / "tropical.png")

    # the activation polytope of 6 points in the plane (linear classifiers): its vertex graph
    ap = tg.ActivationPolytope(rng.normal(size=(6, 2)), 1, 1)
    save(tg.plot.plot_activation(ap), out / "activation.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs" / "img")
