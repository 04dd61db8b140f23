"""The ``tropgeom`` command."""
from __future__ import annotations

import argparse
import json
import sys
from typing import List, Optional

from .activation import add_dichotomies_command
from .errors import TropgeomError


def _architecture(text: str) -> List[int]:
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated widths like 2,16,16,1; got {text!r}")


def _emit(obj, as_json: bool, text: str) -> None:
    print(json.dumps(obj, indent=2) if as_json else text)


def cmd_bounds(args) -> None:
    from .bounds import bounds
    b = bounds(args.architecture)
    _emit(b.to_dict(), args.json, str(b))


def cmd_info(args) -> None:
    from .bounds import bounds
    from .network import Network
    net = Network.load(args.network)
    info = net.info()
    info["bounds"] = bounds(net).to_dict()
    text = (f"{args.network}: {net!r}\n  layers {info['layers']}, hidden neurons {info['hidden_neurons']}, "
            f"parameters {info['parameters']}, rationalized {info['rationalized']}\n"
            f"  regions: at most {bounds(net).upper} for any weights; maximum over weights >= {bounds(net).lower}")
    _emit(info, args.json, text)


def _load_polytope(path: str):
    import os

    import numpy as np
    from .errors import InputError
    from .regions import Polytope
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}")
    if path.endswith(".npz"):
        with np.load(path) as z:
            if "A" not in z.files or "b" not in z.files:
                raise InputError(f"{path} needs keys A and b ({{x : A x <= b}})")
            return Polytope(z["A"], z["b"])
    try:
        rows = np.atleast_2d(np.loadtxt(path, delimiter="," if path.endswith(".csv") else None))
    except ValueError as e:
        raise InputError(f"{path}: expected rows 'a_1 ... a_d b' of numbers ({e})") from None
    return Polytope(rows[:, :-1], rows[:, -1])


def cmd_regions(args) -> None:
    import time
    from .errors import BudgetExceeded
    from .network import Network
    from .regions import Box, regions
    net = Network.load(args.network)
    domain = Box(args.box[0], args.box[1]) if args.box else (_load_polytope(args.polytope) if args.polytope else None)
    kind = "linear" if args.linear else "activation"
    t = time.perf_counter()
    try:
        rs = regions(net, domain, kind=kind, max_regions=args.max_regions, max_seconds=args.max_seconds,
                     threads=args.threads)
    except BudgetExceeded as e:
        rs = e.partial
        print(f"budget: {e}", file=sys.stderr)
    dt = time.perf_counter() - t
    if args.json:
        with open(args.json, "w") as f:
            f.write(rs.to_json())
    b = rs.bounds()
    where = "R^%d" % net.input_dim if domain is None else repr(domain)
    print(f"{rs.count} {kind} regions{'' if rs.complete else ' (partial)'} of {net!r} on {where} "
          f"in {dt:.2f} s")
    print(f"architecture bounds: at most {b.upper} regions for any weights (count / bound = "
          f"{rs.count / b.upper:.3g}); the maximum over weights is at least {b.lower}")
    print(b)


def cmd_tropical(args) -> None:
    import time
    from .network import Network
    from .tropical import tropicalize
    net = Network.load(args.network)
    t = time.perf_counter()
    # Unpruned sizes multiply layer by layer; they are shown only when asked for (--no-prune) or
    # cheap: one hidden layer, where F and G have at most 2^width monomials.
    raw = tropicalize(net, prune=False) if args.no_prune or len(net.layers) <= 2 else None
    maps = raw if args.no_prune else tropicalize(net, prune=True)
    dt = time.perf_counter() - t
    print(f"{net!r} as {len(maps)} tropical rational map(s) F - G{' (unpruned)' if args.no_prune else ''} "
          f"in {dt:.2f} s")
    report = []
    for o, m in enumerate(maps):
        row = {"output": o, "F_monomials": len(m.numerator), "G_monomials": len(m.denominator),
               "N(F)": len(m.numerator.newton_polytope()), "N(G)": len(m.denominator.newton_polytope())}
        if raw is not None:
            row["F_monomials_unpruned"], row["G_monomials_unpruned"] = len(raw[o].numerator), len(raw[o].denominator)
        before = (f" (unpruned {row['F_monomials_unpruned']} and {row['G_monomials_unpruned']})"
                  if raw is not None and not args.no_prune else "")
        print(f"output {o}: F has {row['F_monomials']} monomials, G has {row['G_monomials']}{before}; "
              f"N(F) = {row['N(F)']} vertices, N(G) = {row['N(G)']} vertices")
        if len(m.numerator) + len(m.denominator) <= 12:
            print(f"  F = {m.numerator}\n  G = {m.denominator}")
        row["map"] = m.to_dict()
        report.append(row)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"network": repr(net), "pruned": not args.no_prune, "outputs": report}, f, indent=2)


def _load_array(path: str, what: str):
    import os

    import numpy as np
    from .errors import InputError
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}")
    try:
        return np.load(path, allow_pickle=False) if path.endswith(".npy") else np.loadtxt(path, delimiter=",")
    except ValueError as e:
        raise InputError(f"{path}: cannot read {what} ({e})") from None


def cmd_slice(args) -> int:
    import time
    from .errors import BudgetExceeded, InputError
    from .network import Network
    from .slice2d import Box2D, slice2d
    net = Network.load(args.network)
    through = None
    if args.through is not None:
        if args.data is None:
            raise InputError("--through needs --data X.npy (the points are rows of X)")
        X = _load_array(args.data, "data points")
        try:
            idx = [int(t) for t in args.through.split(",")]
            through = X[idx]
        except (ValueError, IndexError):
            raise InputError(f"--through takes three row indices of the data, like 0,1,2; got {args.through!r}") from None
    domain = Box2D([args.box[0]] * 2, [args.box[1]] * 2) if args.box else "auto" if through is not None else None
    t = time.perf_counter()
    partial = False
    try:
        s = slice2d(net, through=through, domain=domain, max_seconds=args.max_seconds, threads=args.threads)
    except BudgetExceeded as e:
        s, partial = e.partial, True
        print(f"budget: {e}", file=sys.stderr)
    dt = time.perf_counter() - t
    db = s.decision_boundary()
    print(f"slice of {net!r}: V = {s.num_vertices}, E = {s.num_edges}, F = {s.num_faces}, "
          f"boundary {len(db['polylines'])} polylines ({db['chords']} chords){' (partial)' if partial else ''} "
          f"in {dt:.2f} s")
    if args.out:
        labels = _load_array(args.labels, "labels") if args.labels else None
        pts = _load_array(args.data, "data points") if args.data else None
        if args.out.endswith(".svg") and pts is None:
            s.to_svg(args.out)
        else:
            s.plot(path=args.out, points=pts, labels=labels)
    if args.json:
        with open(args.json, "w") as f:
            f.write(s.to_json())
    return 3 if partial else 0


def cmd_demo(args) -> None:
    from .demo import main as demo
    demo()


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="tropgeom", description="Exact geometry of ReLU networks.")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("bounds", help="known bounds on the number of linear regions of an architecture")
    s.add_argument("architecture", type=_architecture, help="d,n1,...,n_out, e.g. 2,16,16,1")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_bounds)

    s = sub.add_parser("info", help="describe a network stored as .npz (W1, b1, W2, b2, ...)")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("regions", help="exact count of the activation (or linear) regions of a network")
    s.add_argument("network", help="path to the .npz file")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="restrict to the box [LO, HI]^d")
    g.add_argument("--polytope", metavar="FILE", help="restrict to {x : A x <= b}: .npz with A, b, or rows 'a_1 .. a_d b'")
    s.add_argument("--linear", action="store_true", help="count linear regions (merge equal affine maps)")
    s.add_argument("--json", metavar="OUT", help="write the regions as JSON to OUT")
    s.add_argument("--max-regions", type=int, default=None, help="stop after N regions")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    s.set_defaults(func=cmd_regions)

    s = sub.add_parser("tropical", help="the network as tropical rational maps F - G (Zhang-Naitzat-Lim)")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--no-prune", action="store_true", help="keep every monomial of the recursion")
    s.add_argument("--json", metavar="OUT", help="write the counts and the exact polynomials as JSON to OUT")
    s.set_defaults(func=cmd_tropical)

    s = sub.add_parser("slice", help="exact 2-D slice: the regions of a plane through input space and the boundary")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--through", metavar="I,J,K", help="the plane through data rows I, J, K (needs --data)")
    s.add_argument("--data", metavar="X.npy", help="data points (.npy or .csv), drawn on the picture")
    s.add_argument("--labels", metavar="y.npy", help="labels of the data points")
    s.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="the square [LO, HI]^2 in plane coordinates")
    s.add_argument("--out", metavar="FILE", help="write the picture (.png, .svg, .pdf)")
    s.add_argument("--json", metavar="OUT", help="write the slice as JSON to OUT")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    s.set_defaults(func=cmd_slice)

    add_dichotomies_command(sub)
    _add_boundary_commands(sub)

    s = sub.add_parser("demo", help="count the regions of the bundled example network")
    s.set_defaults(func=cmd_demo)
    return p


# --- boundary, complexity, radius, estimate (issue 14) ---------------------------------------------
def _box(args, d: Optional[int] = None):
    from .regions import Box
    return Box(args.box[0], args.box[1]) if args.box else None


def cmd_boundary(args) -> int:
    from .boundary import decision_boundary
    from .errors import BudgetExceeded
    from .network import Network
    net = Network.load(args.network)
    complete = True
    try:
        B = decision_boundary(net, _box(args), threshold=args.threshold, output=args.output,
                              mode="argmax" if args.argmax else "binary", threads=args.threads,
                              max_seconds=args.max_seconds, progress=False)
    except BudgetExceeded as e:
        B, complete = e.partial, False
    doc = B.to_dict()
    result = {k: doc[k] for k in ("mode", "threshold", "output", "num_regions", "num_components", "class_regions",
                                  "zero_regions", "region", "classes", "points", "on_facet")}
    result["pieces"] = len(B)
    text = repr(B)
    if complete and B.mode == "binary":
        text += f"\n{B.negative_regions} connected regions with f < t, {B.positive_regions} with f > t"
    return _report(args, "boundary", inputs={"network": args.network, "box": args.box, "argmax": args.argmax,
                                             "threshold": args.threshold, "output": args.output},
                   result=result, complete=complete, text=text)


def cmd_complexity(args) -> int:
    import numpy as np
    from .complexity import local_complexity
    from .network import Network
    net = Network.load(args.network)
    X = _load_array(args.data, "data points")
    lc = local_complexity(net, np.atleast_2d(X), args.r, directions=args.directions, seed=args.seed,
                          method=args.method)
    per = lc if lc.ndim == 2 else lc[:, None]
    mean = per.mean(axis=0).tolist()
    text = f"local complexity ({args.method}, r = {args.r}) of {len(per)} points: mean per layer {mean}"
    return _report(args, "complexity", inputs={"network": args.network, "data": args.data, "r": args.r,
                                               "method": args.method, "directions": args.directions},
                   result={"mean": mean, "values": per.tolist()}, text=text)


def cmd_radius(args) -> int:
    from .network import Network
    from .sampling import sampling_radius
    net = Network.load(args.network)
    R = sampling_radius(net, norm=2 if args.norm == "2" else "inf", max_seconds=args.max_seconds)
    what = "R*^2" if R.norm == "2" else "R*"
    text = f"{what} = {R.radius} (R* = {R.value:.6g}, {args.norm}-norm) at region {R.region} of {len(R.distances)}"
    return _report(args, "radius", inputs={"network": args.network, "norm": args.norm},
                   result={"radius": str(R.radius), "value": R.value, "norm": R.norm, "region": R.region,
                           "witness": [str(v) for v in R.witness], "regions": len(R.distances)}, text=text)


def cmd_estimate(args) -> int:
    from .errors import BudgetExceeded, InputError
    from .network import Network
    from .regions import Box
    from .sampling import estimate_regions
    net = Network.load(args.network)
    if not float(args.samples).is_integer() or args.samples < 1:
        raise InputError(f"--samples must be a positive integer; got {args.samples}")
    box = Box(*(args.box or (-1.0, 1.0)))
    complete = True
    try:
        e = estimate_regions(net, box, samples=int(args.samples), seed=args.seed, max_seconds=args.max_seconds,
                             progress=False)
    except BudgetExceeded as b:
        e, complete = b.partial, False
    result = {"observed": e.observed, "samples": e.samples, "singletons": e.singletons, "doubletons": e.doubletons,
              "coverage": e.coverage, "chao1": e.chao1}
    text = (f"{e.observed} distinct patterns in {e.samples} samples (a lower bound); Good-Turing coverage "
            f"{e.coverage:.4f}, Chao1 {e.chao1:.1f}")
    return _report(args, "estimate", inputs={"network": args.network, "box": [float(box.lo), float(box.hi)],
                                             "samples": int(args.samples), "seed": args.seed},
                   result=result, complete=complete, text=text)


def _add_boundary_commands(sub) -> None:
    s = sub.add_parser("boundary", help="exact decision boundary in d dimensions: pieces, components, regions")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="restrict to the box [LO, HI]^d")
    s.add_argument("--argmax", action="store_true", help="the argmax boundary of several outputs")
    s.add_argument("--threshold", type=float, default=0.0, help="binary: the level t of {f = t} (default 0)")
    s.add_argument("--output", type=int, default=0, help="binary: the output f (default 0)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    _add_json(s)
    s.set_defaults(func=cmd_boundary)

    s = sub.add_parser("complexity", help="local complexity (Humayun et al.) at data points")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("data", help="data points X (.npy or .csv), one per row")
    s.add_argument("--r", type=float, required=True, help="the radius of the neighbourhood")
    s.add_argument("--directions", type=int, default=None, help="P orthonormal directions (default min(d, 16))")
    s.add_argument("--method", choices=("vertices", "neurons", "regions"), default="vertices")
    s.add_argument("--seed", type=int, default=0)
    _add_json(s)
    s.set_defaults(func=cmd_complexity)

    s = sub.add_parser("radius", help="exact sampling radius: the smallest ball around 0 meeting every region")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--norm", choices=("inf", "2"), default="inf")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    _add_json(s)
    s.set_defaults(func=cmd_radius)

    s = sub.add_parser("estimate", help="sampling estimate of the region count (lower bound, coverage, Chao1)")
    s.add_argument("network", help="path to the .npz file")
    s.add_argument("--samples", type=float, required=True, help="number of uniform samples, e.g. 1e6")
    s.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="the box [LO, HI]^d (default [-1, 1]^d)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    _add_json(s)
    s.set_defaults(func=cmd_estimate)


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.func(args)
    except TropgeomError as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `tropgeom ... | head`: the reader left; say nothing more
        import os
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code or 0


def _add_json(parser) -> None:
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the JSON envelope to FILE (stdout when no FILE is given)")


def _report(args, command, *, inputs, result, stats=None, complete=True, text="") -> int:
    """The one CLI envelope: human text (unless JSON goes to stdout), the JSON document
    {schema_version, command, inputs, result, stats, complete} to --json's target; 3 when partial."""
    target = getattr(args, "json", None)
    if text and target != "-":
        print(text)
    if not complete:
        print(f"{command}: stopped early; the result is partial", file=sys.stderr)
    if target:
        doc = json.dumps({"schema_version": 1, "command": command, "inputs": inputs, "result": result,
                          "stats": stats or {}, "complete": bool(complete)})
        if target == "-":
            print(doc)
        else:
            with open(target, "w") as f:
                f.write(doc + "\n")
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main())
