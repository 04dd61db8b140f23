"""The main demo: exact region counts of the bundled example network, next to the known bounds."""
from __future__ import annotations

import sys
import time
from pathlib import Path

EXAMPLE = Path(__file__).with_name("data") / "example.npz"


def main(out=None) -> dict:
    """Print the demo to ``out`` (default stdout) and return its counts (the CLI's JSON result)."""
    import tropgeom as tg

    out = sys.stdout if out is None else out
    say = lambda *a: print(*a, file=out)  # noqa: E731
    net = tg.Network.load(EXAMPLE)
    say(f"tropgeom {tg.__version__}: exact regions of the bundled example {net!r}")
    say(f"  (He-initialised, input dimension {net.input_dim}, {net.num_hidden_neurons} hidden neurons)\n")
    result = {"network": repr(net), "architecture": list(net.architecture), "domains": []}
    for name, domain in (("box [-1,1]^2", tg.Box(-1.0, 1.0)), ("all of R^2", None)):
        t = time.perf_counter()
        act = tg.regions(net, domain)
        lin = tg.regions(net, domain, kind="linear")
        dt = time.perf_counter() - t
        bounded = int(act.bounded().sum())
        say(f"  on {name:13s} {act.count:5d} activation regions, {lin.count:5d} linear regions, "
            f"{bounded:5d} bounded  ({dt:.2f} s, {act.stats['lps']} exact LPs)")
        result["domains"].append({"domain": name, "activation_regions": act.count, "linear_regions": lin.count,
                                  "bounded": bounded, "lps": act.stats["lps"]})
    b = tg.bounds(net)
    say(f"\nknown bounds for architecture {','.join(map(str, net.architecture))}: every network of this "
        f"shape has at most {b.upper} regions;\nthe best one has at least {b.lower} (a random one far fewer):")
    say(b)
    result["bounds"] = b.to_dict()
    return result


if __name__ == "__main__":
    main()
