"""The ``tropgeom`` command.

One language for every command:

- ``--json [FILE]`` writes one versioned envelope ``{"schema_version": 1, "command", "inputs",
  "result", "stats", "complete"}`` to FILE, or to stdout when no FILE is given (the human text is
  then left out, so stdout is pure JSON).
- Exit codes: 0 done; 2 bad arguments or input files (one line on stderr, no traceback); 3 a partial
  result after a budget (``--max-seconds``, ``--max-regions``, ...) or Ctrl-C.
- ``--box LO HI``: each of LO and HI is one number (the cube [LO, HI]^d) or comma-separated
  per-coordinate numbers (``--box -1,0 1,2`` is [-1, 1] x [0, 2]).
- Networks are read by :func:`_network` (every format ``Network.load`` reads, and ``.onnx``).
- A closed pipe (``tropgeom ... | head``) ends the command quietly.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from contextlib import contextmanager
from typing import List, Optional

from .errors import BudgetExceeded, InputError, TropgeomError


class _Parser(argparse.ArgumentParser):
    """Reads ``-1,-0.5`` as a value, not an option (no option of ours starts with a digit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._negative_number_matcher = re.compile(r"^-\.?\d")


# --- argument types and file readers ---------------------------------------------------------------

_NET_HELP = "the network: .npz (W1, b1, W2, b2, ...), .onnx, .pt/.pth, .json: whatever Network.load reads"


def _architecture(text: str) -> List[int]:
    try:
        return [int(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated widths like 2,16,16,1; got {text!r}")


def _numbers(text: str):
    """One number, or comma-separated numbers (a per-coordinate vector)."""
    try:
        v = [float(t) for t in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number or comma-separated numbers like -1,0.5; got {text!r}")
    return v[0] if len(v) == 1 else v


def _add_box(parser, what: str) -> None:
    parser.add_argument("--box", nargs=2, type=_numbers, metavar=("LO", "HI"),
                        help=f"restrict to the box [LO, HI] {what}; LO and HI are numbers (a cube) or "
                             "comma-separated per-coordinate values, e.g. --box -1,0 1,2")


def _box_bounds(box, dim: Optional[int] = None):
    """(lo, hi) of --box, each a float or a list; per-coordinate lists must agree in length (and
    with ``dim`` when given)."""
    lo, hi = box
    n = {len(v) for v in (lo, hi) if isinstance(v, list)}
    if len(n) > 1:
        raise InputError(f"--box LO and HI have different lengths ({len(lo)} and {len(hi)})")
    if dim is not None and n and n != {dim}:
        raise InputError(f"--box needs {dim} values per corner here (or one number each); got {n.pop()}")
    return lo, hi


def _box(args, default=None):
    """The Box of --box (or of ``default`` = (lo, hi)); None when neither is given."""
    from .regions import Box
    if args.box:
        return Box(*_box_bounds(args.box))
    return None if default is None else Box(*default)


def _network(path: str):
    """The ONE reader of networks for every command: whatever Network.load reads (.npz, .onnx, .pt)."""
    from .network import Network
    return Network.load(path)


def _load_array(path: str, what: str, *, ndim: Optional[int] = None):
    """A numeric array from .npy, .npz (its one array) or CSV / whitespace text; any failure -> InputError."""
    import os

    import numpy as np
    if not os.path.isfile(path):
        raise InputError(f"no such file: {path}")
    try:
        if path.endswith(".npz"):
            with np.load(path, allow_pickle=False) as z:
                if len(z.files) != 1:
                    raise InputError(f"{path}: expected one array of {what}; it has keys {sorted(z.files)}")
                a = z[z.files[0]]
        elif path.endswith(".npy"):
            a = np.load(path, allow_pickle=False)
        else:
            with open(path) as f:
                first = f.readline()
            a = np.loadtxt(path, delimiter="," if "," in first else None, ndmin=ndim or 1)
    except InputError:
        raise
    except (ValueError, OSError, EOFError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read {what} ({type(e).__name__}: {e})") from None
    if a.dtype.kind not in "biuf":
        raise InputError(f"{path}: {what} must be numbers; got dtype {a.dtype}")
    if ndim == 2 and a.ndim == 1:
        a = a.reshape(-1, 1)
    if ndim is not None and a.ndim != ndim:
        raise InputError(f"{path}: {what} must be a {ndim}-D array; got shape {a.shape}")
    return a


def _load_polytope(path: str):
    import numpy as np
    from .regions import Polytope
    if path.endswith(".npz"):
        try:
            with np.load(path, allow_pickle=False) as z:
                if "A" not in z.files or "b" not in z.files:
                    raise InputError(f"{path} needs keys A and b ({{x : A x <= b}})")
                return Polytope(z["A"], z["b"])
        except (ValueError, OSError, EOFError) as e:
            raise InputError(f"{path}: not a readable .npz file ({type(e).__name__}: {e})") from None
    rows = _load_array(path, "rows 'a_1 ... a_d b'", ndim=2)
    if rows.shape[1] < 2:
        raise InputError(f"{path}: expected rows 'a_1 ... a_d b' of at least two numbers")
    return Polytope(rows[:, :-1], rows[:, -1])


def _inputs(args, **extra) -> dict:
    """The envelope's "inputs": every parsed argument (as typed), plus what the command adds."""
    doc = {k: v for k, v in vars(args).items() if k not in ("func", "json", "command")}
    doc.update(extra)
    return doc


# --- commands --------------------------------------------------------------------------------------

def cmd_bounds(args) -> int:
    from .bounds import bounds
    b = bounds(args.architecture)
    return _report(args, "bounds", inputs=_inputs(args), result=b.to_dict(), text=str(b))


def cmd_info(args) -> int:
    from .bounds import bounds
    net = _network(args.network)
    info = net.info()
    b = bounds(net)
    info["bounds"] = b.to_dict()
    text = (f"{args.network}: {net!r}\n  layers {info['layers']}, hidden neurons {info['hidden_neurons']}, "
            f"parameters {info['parameters']}, rationalized {info['rationalized']}\n"
            f"  regions: at most {b.upper} for any weights; maximum over weights >= {b.lower}")
    return _report(args, "info", inputs=_inputs(args), result=info, text=text)


def cmd_regions(args) -> int:
    from .regions import regions
    if args.checkpoint:
        return cmd_regions_checkpoint(args)
    net = _network(args.network)
    domain = _box(args) or (_load_polytope(args.polytope) if args.polytope else None)
    kind = "linear" if args.linear else "activation"
    t = time.perf_counter()
    try:
        rs = regions(net, domain, kind=kind, max_regions=args.max_regions, max_seconds=args.max_seconds,
                     threads=args.threads)
    except BudgetExceeded as e:
        rs = e.partial
        print(f"budget: {e}", file=sys.stderr)
    dt = time.perf_counter() - t
    b = rs.bounds()
    where = "R^%d" % net.input_dim if domain is None else repr(domain)
    text = (f"{rs.count} {kind} regions{'' if rs.complete else ' (partial)'} of {net!r} on {where} in {dt:.2f} s\n"
            f"architecture bounds: at most {b.upper} regions for any weights (count / bound = "
            f"{rs.count / b.upper:.3g}); the maximum over weights is at least {b.lower}\n{b}")
    return _report(args, "regions", inputs=_inputs(args), result=json.loads(rs.to_json()),
                   stats={**rs.stats, "seconds": dt}, complete=rs.complete, text=text)


def cmd_tropical(args) -> int:
    from .tropical import tropicalize
    net = _network(args.network)
    t = time.perf_counter()
    # Unpruned sizes multiply layer by layer; they are shown only when asked for (--no-prune) or
    # cheap: one hidden layer, where F and G have at most 2^width monomials.
    try:
        raw = (tropicalize(net, prune=False, max_seconds=args.max_seconds)
               if args.no_prune or len(net.layers) <= 2 else None)
        maps = raw if args.no_prune else tropicalize(net, prune=True, max_seconds=args.max_seconds)
    except BudgetExceeded as e:  # tropical maps are complete only at the last layer: nothing to show
        print(f"budget: {e}", file=sys.stderr)
        dt = time.perf_counter() - t
        return _report(args, "tropical", inputs=_inputs(args),
                       result={"network": repr(net), "pruned": not args.no_prune, "stop_reason": e.reason,
                               "outputs": []},
                       stats={"seconds": dt}, complete=False, text=f"stopped after {dt:.2f} s ({e.reason})")
    dt = time.perf_counter() - t
    lines = [f"{net!r} as {len(maps)} tropical rational map(s) F - G{' (unpruned)' if args.no_prune else ''} "
             f"in {dt:.2f} s"]
    report = []
    for o, m in enumerate(maps):
        row = {"output": o, "F_monomials": len(m.numerator), "G_monomials": len(m.denominator),
               "N(F)": len(m.numerator.newton_polytope()), "N(G)": len(m.denominator.newton_polytope())}
        if raw is not None:
            row["F_monomials_unpruned"], row["G_monomials_unpruned"] = len(raw[o].numerator), len(raw[o].denominator)
        before = (f" (unpruned {row['F_monomials_unpruned']} and {row['G_monomials_unpruned']})"
                  if raw is not None and not args.no_prune else "")
        lines.append(f"output {o}: F has {row['F_monomials']} monomials, G has {row['G_monomials']}{before}; "
                     f"N(F) = {row['N(F)']} vertices, N(G) = {row['N(G)']} vertices")
        if len(m.numerator) + len(m.denominator) <= 12:
            lines.append(f"  F = {m.numerator}\n  G = {m.denominator}")
        row["map"] = m.to_dict()
        report.append(row)
    return _report(args, "tropical", inputs=_inputs(args),
                   result={"network": repr(net), "pruned": not args.no_prune, "outputs": report},
                   stats={"seconds": dt}, text="\n".join(lines))


def cmd_slice(args) -> int:
    from .slice2d import Box2D, slice2d
    net = _network(args.network)
    through = None
    if args.through is not None:
        if args.data is None:
            raise InputError("--through needs --data X.npy (the points are rows of X)")
        X = _load_array(args.data, "data points", ndim=2)
        try:
            idx = [int(t) for t in args.through.split(",")]
            through = X[idx]
        except (ValueError, IndexError):
            raise InputError(f"--through takes three row indices of the data, like 0,1,2; got {args.through!r}") from None
    if args.box:
        lo, hi = _box_bounds(args.box, 2)
        domain = Box2D([lo] * 2 if not isinstance(lo, list) else lo, [hi] * 2 if not isinstance(hi, list) else hi)
    else:
        domain = "auto" if through is not None else None
    t = time.perf_counter()
    reason = None
    try:
        s = slice2d(net, through=through, domain=domain, max_seconds=args.max_seconds, threads=args.threads)
    except BudgetExceeded as e:
        s, reason = e.partial, e.reason
        print(f"budget: {e}", file=sys.stderr)
    dt = time.perf_counter() - t
    db = s.decision_boundary()
    text = (f"slice of {net!r}: V = {s.num_vertices}, E = {s.num_edges}, F = {s.num_faces}, "
            f"boundary {len(db['polylines'])} polylines ({db['chords']} chords){'' if s.complete else ' (partial)'} "
            f"in {dt:.2f} s")
    if args.out:
        labels = _load_array(args.labels, "labels") if args.labels else None
        pts = _load_array(args.data, "data points", ndim=2) if args.data else None
        if args.out.endswith(".svg") and pts is None:
            s.to_svg(args.out)
        else:
            s.plot(path=args.out, points=pts, labels=labels)
    result = {**s.to_dict(), "num_vertices": s.num_vertices, "num_edges": s.num_edges,
              "boundary_polylines": len(db["polylines"]), "boundary_chords": db["chords"], "stop_reason": reason}
    return _report(args, "slice", inputs=_inputs(args), result=result, stats={**s.stats, "seconds": dt},
                   complete=s.complete, text=text)


def cmd_dichotomies(args) -> int:
    from .activation import ActivationPolytope
    try:
        m, n = (int(t) for t in args.terms.split(","))
    except ValueError:
        raise InputError(f"--terms must be m,n (two integers); got {args.terms!r}") from None
    X = _load_array(args.data, "data points", ndim=2)
    y = None if args.labels is None else _load_array(args.labels, "labels").reshape(-1)
    P = ActivationPolytope(X, m, n, threads=args.threads, max_seconds=args.max_seconds)
    t = time.perf_counter()
    try:
        doc = P.report(labels=y, f_vector=args.f_vector)
    except BudgetExceeded as e:
        print(f"budget: {e}", file=sys.stderr)
        found = e.partial if isinstance(e.partial, int) else len(e.partial) if e.partial is not None else 0
        return _report(args, "dichotomies", inputs=_inputs(args),
                       result={"N": P.N, "d": P.d, "m": m, "n": n, "stop_reason": e.reason, "found": found},
                       stats={"seconds": time.perf_counter() - t}, complete=False,
                       text=f"stopped ({e.reason}) after {found} found")
    dt = time.perf_counter() - t
    lines = [f"{P.N} points in R^{P.d}, terms m={m}, n={n}: activation polytope of dimension {doc['dimension']}",
             f"vertices (activation patterns): {doc['num_vertices']}",
             f"edges: {doc['num_edges']}",
             f"realisable labelings: {doc['num_labelings']} of {2 ** P.N}"]
    if "f_vector" in doc:
        lines.append(f"f-vector: {tuple(doc['f_vector'])}")
    if "loss" in doc:
        L = doc["loss"]
        lines.append(f"minimum 0/1 loss: {L['minimum']} on {len(L['minimizers'])} chambers "
                     f"in {L['levels'][L['minimum']]} components")
        lines.append("sublevel components: " + ", ".join(f"<= {c}: {v}" for c, v in L["sublevels"].items()))
    return _report(args, "dichotomies", inputs=_inputs(args), result=doc,
                   stats={**P.search_stats(), "seconds": dt}, text="\n".join(lines))


def cmd_demo(args) -> int:
    import io

    from .demo import main as demo
    out = io.StringIO()
    result = demo(out)
    return _report(args, "demo", inputs=_inputs(args), result=result, text=out.getvalue().rstrip("\n"))


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="tropgeom", description="Exact geometry of ReLU networks.",
                epilog="Every command takes --json [FILE] (one versioned envelope; stdout when no FILE). "
                       "Exit codes: 0 done, 2 bad input, 3 partial result (a budget or Ctrl-C stopped it).")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    s = sub.add_parser("bounds", help="known bounds on the number of linear regions of an architecture")
    s.add_argument("architecture", type=_architecture, help="d,n1,...,n_out, e.g. 2,16,16,1")
    _add_json(s)
    s.set_defaults(func=cmd_bounds)

    s = sub.add_parser("info", help="describe a network (architecture, parameters, region bounds)")
    s.add_argument("network", help=_NET_HELP)
    _add_json(s)
    s.set_defaults(func=cmd_info)

    s = sub.add_parser("regions", help="exact count of the activation (or linear) regions of a network")
    s.add_argument("network", help=_NET_HELP)
    g = s.add_mutually_exclusive_group()
    _add_box(g, "(a cube [LO, HI]^d, or per coordinate)")
    g.add_argument("--polytope", metavar="FILE", help="restrict to {x : A x <= b}: .npz with A, b, or rows 'a_1 .. a_d b'")
    s.add_argument("--linear", action="store_true", help="count linear regions (merge equal affine maps)")
    s.add_argument("--max-regions", type=int, default=None, help="stop after N regions (exit 3)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds (exit 3)")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all usable cores)")
    _add_json(s)
    _add_scale_options(s)
    s.set_defaults(func=cmd_regions)

    s = sub.add_parser("tropical", help="the network as tropical rational maps F - G (Zhang-Naitzat-Lim)")
    s.add_argument("network", help=_NET_HELP)
    s.add_argument("--no-prune", action="store_true", help="keep every monomial of the recursion")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds (exit 3)")
    _add_json(s)
    s.set_defaults(func=cmd_tropical)

    s = sub.add_parser("slice", help="exact 2-D slice: the regions of a plane through input space and the boundary")
    s.add_argument("network", help=_NET_HELP)
    s.add_argument("--through", metavar="I,J,K", help="the plane through data rows I, J, K (needs --data)")
    s.add_argument("--data", metavar="X.npy", help="data points (.npy or .csv), drawn on the picture")
    s.add_argument("--labels", metavar="y.npy", help="labels of the data points")
    _add_box(s, "in plane coordinates (a square, or per coordinate)")
    s.add_argument("--out", metavar="FILE", help="write the picture (.png, .svg, .pdf)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds (exit 3)")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all usable cores)")
    _add_json(s)
    s.set_defaults(func=cmd_slice)

    s = sub.add_parser("dichotomies", help="classifications of a data set realisable by max-affine models")
    s.add_argument("data", help="data points, one per row (.csv, .txt, .npy)")
    s.add_argument("--terms", default="1,1", help="m,n: numerator and denominator terms (default 1,1: linear)")
    s.add_argument("--labels", help="+1/-1 labels (.csv, .txt, .npy): report the 0/1 loss landscape")
    s.add_argument("--f-vector", action="store_true", help="also count all faces (slow)")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all usable cores)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds (exit 3)")
    _add_json(s)
    s.set_defaults(func=cmd_dichotomies)

    _add_boundary_commands(sub)

    s = sub.add_parser("demo", help="count the regions of the bundled example network")
    _add_json(s)
    s.set_defaults(func=cmd_demo)
    _add_scale_commands(sub)
    return p


def _quiet_stdout() -> None:
    """The reader of stdout left (`| head`): send what is still buffered nowhere, so neither this
    command nor the interpreter's exit flush complains."""
    import os
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


# --- boundary, complexity, radius, estimate (issue 14) ---------------------------------------------


def cmd_boundary(args) -> int:
    from .boundary import decision_boundary
    net = _network(args.network)
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
    net = _network(args.network)
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
    from .sampling import sampling_radius
    net = _network(args.network)
    R = sampling_radius(net, norm=2 if args.norm == "2" else "inf", max_seconds=args.max_seconds)
    what = "R*^2" if R.norm == "2" else "R*"
    text = f"{what} = {R.radius} (R* = {R.value:.6g}, {args.norm}-norm) at region {R.region} of {len(R.distances)}"
    return _report(args, "radius", inputs={"network": args.network, "norm": args.norm},
                   result={"radius": str(R.radius), "value": R.value, "norm": R.norm, "region": R.region,
                           "witness": [str(v) for v in R.witness], "regions": len(R.distances)}, text=text)


def cmd_estimate(args) -> int:
    from .sampling import estimate_regions
    net = _network(args.network)
    if not float(args.samples).is_integer() or args.samples < 1:
        raise InputError(f"--samples must be a positive integer; got {args.samples}")
    box = _box(args, default=(-1.0, 1.0))
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
    return _report(args, "estimate", inputs={"network": args.network, "box": args.box,
                                             "samples": int(args.samples), "seed": args.seed},
                   result=result, complete=complete, text=text)


def _add_boundary_commands(sub) -> None:
    s = sub.add_parser("boundary", help="exact decision boundary in d dimensions: pieces, components, regions")
    s.add_argument("network", help=_NET_HELP)
    _add_box(s, "of input space")
    s.add_argument("--argmax", action="store_true", help="the argmax boundary of several outputs")
    s.add_argument("--threshold", type=float, default=0.0, help="binary: the level t of {f = t} (default 0)")
    s.add_argument("--output", type=int, default=0, help="binary: the output f (default 0)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    _add_json(s)
    s.set_defaults(func=cmd_boundary)

    s = sub.add_parser("complexity", help="local complexity (Humayun et al.) at data points")
    s.add_argument("network", help=_NET_HELP)
    s.add_argument("data", help="data points X (.npy or .csv), one per row")
    s.add_argument("--r", type=float, required=True, help="the radius of the neighbourhood")
    s.add_argument("--directions", type=int, default=None, help="P orthonormal directions (default min(d, 16))")
    s.add_argument("--method", choices=("vertices", "neurons", "regions"), default="vertices")
    s.add_argument("--seed", type=int, default=0)
    _add_json(s)
    s.set_defaults(func=cmd_complexity)

    s = sub.add_parser("radius", help="exact sampling radius: the smallest ball around 0 meeting every region")
    s.add_argument("network", help=_NET_HELP)
    s.add_argument("--norm", choices=("inf", "2"), default="inf")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    _add_json(s)
    s.set_defaults(func=cmd_radius)

    s = sub.add_parser("estimate", help="sampling estimate of the region count (lower bound, coverage, Chao1)")
    s.add_argument("network", help=_NET_HELP)
    s.add_argument("--samples", type=float, required=True, help="number of uniform samples, e.g. 1e6")
    _add_box(s, "of input space (default [-1, 1]^d)")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds")
    _add_json(s)
    s.set_defaults(func=cmd_estimate)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the ``tropgeom`` command line; returns the exit code (0 done, 2 bad input, 3 partial)."""
    args = build_parser().parse_args(argv)
    try:
        _check_json_target(getattr(args, "json", None))
        code = args.func(args)
        sys.stdout.flush()
    except TropgeomError as e:
        print(f"{type(e).__name__}: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    return code or 0


# --- the envelope (every command reports through _report) ------------------------------------------

def _add_json(parser) -> None:
    """``--json [FILE]``: the versioned JSON envelope to FILE, or to stdout when no FILE is given."""
    parser.add_argument("--json", nargs="?", const="-", default=None, metavar="FILE",
                        help="write the result as one JSON envelope to FILE (stdout when no FILE; "
                             "give FILE as --json=FILE before a positional argument)")


def _check_json_target(target) -> None:
    """Refuse an unwritable --json FILE before the work, not after it."""
    import os
    if target in (None, "-"):
        return
    folder = os.path.dirname(os.path.abspath(target))
    if os.path.isdir(target) or not os.path.isdir(folder) or not os.access(folder, os.W_OK):
        raise InputError(f"--json {target}: cannot write there (no such folder, a folder, or not writable)")


def _report(args, command: str, *, inputs: dict, result: dict, stats: Optional[dict] = None,
            complete: bool = True, text: str = "") -> int:
    """Print ``text`` (unless the JSON goes to stdout), write the envelope to the --json target and
    return the exit code: 3 when the result is partial, else 0."""
    target = getattr(args, "json", None)
    if text and target != "-":
        print(text)
    if target is not None:
        doc = json.dumps({"schema_version": 1, "command": command, "inputs": inputs, "result": result,
                          "stats": stats or {}, "complete": bool(complete)}, indent=2, default=_plain)
        if target == "-":
            print(doc)
        else:
            try:
                with open(target, "w") as f:
                    f.write(doc + "\n")
            except OSError as e:
                raise InputError(f"--json {target}: cannot write ({e.strerror})") from None
    return 0 if complete else 3


def _plain(x):
    """JSON for numpy scalars / arrays and Fractions that reach the envelope."""
    import numpy as np
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    return str(x)


# --- scale-out (tropgeom.parallel, docs/scale-out.md): checkpointed runs, frontiers, job-array parts ---
def _add_scale_options(s) -> None:
    """`regions --checkpoint RUN`: the parallel driver, committing every task to RUN (resumable)."""
    s.add_argument("--checkpoint", metavar="RUN", help="run the parallel driver with checkpoints in directory "
                   "RUN; rerunning the same command resumes (SIGTERM saves the open cells)")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--workers", type=int, default=None, help="with --checkpoint: local worker threads")
    g.add_argument("--dask", metavar="ADDRESS", help="with --checkpoint: a dask.distributed scheduler address")
    s.add_argument("--task-seconds", type=float, default=30.0, help="with --checkpoint: budget of one task")
    s.add_argument("--records", action="store_true", help="with --checkpoint: store every region's pattern and point")


def _domain(args):
    """--box or --polytope (None: R^d)."""
    return _box(args) or (_load_polytope(args.polytope) if args.polytope else None)


@contextmanager
def _sigterm_interrupts():
    """SIGTERM (Slurm's walltime, a kill) stops like Ctrl-C: the driver lets its tasks hand back their
    cells, and what is committed stands."""
    import signal

    def raise_interrupt(signum, frame):
        raise KeyboardInterrupt
    old = signal.signal(signal.SIGTERM, raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def _count_in_run(args, net, domain, run, cells=None):
    """parallel.count_regions into run (complete, count, stopped-by text)."""
    from . import parallel
    client = None
    executor = None
    if getattr(args, "dask", None):
        try:
            from distributed import Client
        except ImportError:
            raise ImportError("--dask needs dask.distributed: pip install 'dask[distributed]'") from None
        client = Client(args.dask)
        executor = client.get_executor()
    try:
        with _sigterm_interrupts():
            count = parallel.count_regions(net, domain, executor=executor, workers=args.workers, out=run,
                                           task_seconds=args.task_seconds, records=args.records,
                                           max_seconds=args.max_seconds, progress=False, cells=cells)
        return True, count, ""
    except BudgetExceeded as e:
        return False, e.partial, e.reason
    finally:
        if client is not None:
            client.close()


def cmd_regions_checkpoint(args) -> int:
    from .store import RegionStore
    if args.linear or args.max_regions:
        raise InputError("--checkpoint counts activation regions: --linear and --max-regions do not apply")
    net, domain = _network(args.network), _domain(args)
    if args.workers is None and not args.dask:
        args.workers = args.threads
    complete, count, why = _count_in_run(args, net, domain, args.checkpoint)
    store = RegionStore(args.checkpoint)
    where = "R^%d" % net.input_dim if domain is None else repr(domain)
    text = f"{store.count} activation regions of {net!r} on {where}" + (
        "" if complete else f" so far (stopped by {why}; {len(store.open_cell_bytes())} open cells saved in "
        f"{args.checkpoint}: rerun to finish)")
    return _report(args, "regions", inputs={"network": args.network, "checkpoint": args.checkpoint,
                                            "domain": None if domain is None else domain.to_dict()},
                   result=_status(store), stats=store.stats, complete=complete, text=text)


def _status(store) -> dict:
    return {"count": store.count, "complete": store.complete, "open_cells": len(store.open_cell_bytes()),
            "parts": len(store.keys)}


def cmd_frontier(args) -> int:
    from . import parallel
    from .cell import frontier
    net, domain = _network(args.network), _domain(args)
    if args.checkpoint:
        from .store import RegionStore
        with _sigterm_interrupts():
            parallel.start(net, domain, args.checkpoint, min_cells=args.min_cells, position=args.position,
                           records=args.records, threads=args.threads)
        store = RegionStore(args.checkpoint)
        text = (f"{args.checkpoint}: {store.count} regions above the frontier, {len(store.open_cell_bytes())} open "
                f"cells; explore them with `tropgeom explore --run {args.checkpoint} --part I/N`")
        return _report(args, "frontier", inputs={"network": args.network, "checkpoint": args.checkpoint},
                       result=_status(store), stats=store.stats, text=text)
    f = frontier(net, domain, min_cells=args.min_cells, position=args.position, threads=args.threads)
    text = f"{len(f.cells)} open cells at position {f.position}; {f.num_leaves} regions above them"
    return _report(args, "frontier", inputs={"network": args.network},
                   result={"position": f.position, "open_cells": len(f.cells), "leaves": f.num_leaves},
                   stats=f.leaves.stats, text=text)


def _part(text: str):
    try:
        i, n = (int(t) for t in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected I/N (part I of N, 0 <= I < N); got {text!r}")
    if not 0 <= i < n:
        raise argparse.ArgumentTypeError(f"expected I/N with 0 <= I < N; got {text!r}")
    return i, n


def cmd_explore(args) -> int:
    from .store import RegionStore
    store = RegionStore(args.run)
    if not store.started:
        raise InputError(f"{args.run} has no frontier yet: run `tropgeom frontier NET.npz --checkpoint {args.run}` first")
    i, n = args.part
    mine = store.open_cell_bytes(part=(i, n))  # below share i of the first frontier: parts never overlap
    complete, count, why = _count_in_run(args, store.net, store.domain, args.run, cells=mine)
    text = (f"part {i}/{n}: {count} regions below {len(mine)} cells" +
            ("" if complete else f" so far (stopped by {why}; the rest stays open in {args.run})"))
    return _report(args, "explore", inputs={"run": args.run, "part": f"{i}/{n}", "cells": len(mine)},
                   result={"count": count, "run": _status(store.refresh())}, complete=complete, text=text)


def cmd_status(args) -> int:
    from .store import RegionStore
    store = RegionStore(args.run)
    st = _status(store)
    text = (f"{args.run}: {st['count']} activation regions, " +
            ("complete" if st["complete"] else f"{st['open_cells']} open cells") + f", {st['parts']} parts")
    return _report(args, "status", inputs={"run": args.run}, result=st, stats=store.stats, text=text)


def _add_scale_commands(sub) -> None:
    s = sub.add_parser("frontier", help="split the region search of a network into open cells")
    s.add_argument("network", help=_NET_HELP)
    g = s.add_mutually_exclusive_group()
    _add_box(g, "(a cube [LO, HI]^d, or per coordinate)")
    g.add_argument("--polytope", metavar="FILE", help="restrict to {x : A x <= b}")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--min-cells", type=int, default=None, help="at least N open cells (default 4 per core)")
    g.add_argument("--position", type=int, default=None, help="the cells that decided P hidden neurons")
    s.add_argument("--checkpoint", metavar="RUN", help="start a run in RUN (for `tropgeom explore --part`)")
    s.add_argument("--records", action="store_true", help="store the patterns and points of the regions above")
    s.add_argument("--threads", type=int, default=None, help="worker threads (default: all cores)")
    _add_json(s)
    s.set_defaults(func=cmd_frontier)

    s = sub.add_parser("explore", help="explore a share of a run's open cells (one task of a job array)")
    s.add_argument("--run", required=True, metavar="RUN", help="the run directory")
    s.add_argument("--part", required=True, type=_part, metavar="I/N", help="share I of N (0-based)")
    s.add_argument("--workers", type=int, default=None, help="worker threads (default: all cores)")
    s.add_argument("--task-seconds", type=float, default=30.0, help="budget of one task (checkpoint interval)")
    s.add_argument("--max-seconds", type=float, default=None, help="stop after S seconds (the rest stays open)")
    s.add_argument("--records", action="store_true", help="store every region's pattern and point")
    _add_json(s)
    s.set_defaults(func=cmd_explore, dask=None)

    s = sub.add_parser("status", help="progress of a checkpointed run")
    s.add_argument("run", metavar="RUN", help="the run directory")
    _add_json(s)
    s.set_defaults(func=cmd_status)


if __name__ == "__main__":
    sys.exit(main())
