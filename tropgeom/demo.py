"""The main demo: exact region counts of the bundled example network, next to the known bounds."""
from __future__ import annotations

import time
from pathlib import Path

EXAMPLE = Path(__file__).with_name("data") / "example.npz"


def main() -> None:
    import tropgeom as tg

    net = tg.Network.load(EXAMPLE)
    print(f"tropgeom {tg.__version__}: exact regions of the bundled example {net!r}")
    print(f"  (He-initialised, input dimension {net.input_dim}, {net.num_hidden_neurons} hidden neurons)\n")
    for name, domain in (("box [-1,1]^2", tg.Box(-1.0, 1.0)), ("all of R^2", None)):
        t = time.perf_counter()
        act = tg.regions(net, domain)
        lin = tg.regions(net, domain, kind="linear")
        dt = time.perf_counter() - t
        print(f"  on {name:13s} {act.count:5d} activation regions, {lin.count:5d} linear regions, "
              f"{act.bounded().sum():5d} bounded  ({dt:.2f} s, {act.stats['lps']} exact LPs)")
    b = tg.bounds(net)
    print(f"\nknown bounds for architecture {','.join(map(str, net.architecture))}: every network of this "
          f"shape has at most {b.upper} regions;\nthe best one has at least {b.lower} (a random one far fewer):")
    print(b)


if __name__ == "__main__":
    main()
