"""The ``tropgeom`` command."""
from __future__ import annotations

import argparse
import json
import sys
from contextlib import contextmanager
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
    if args.checkpoint:
        return cmd_regions_checkpoint(args)
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
    _add_scale_options(s)
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

    s = sub.add_parser("demo", help="count the regions of the bundled example network")
    s.set_defaults(func=cmd_demo)
    _add_scale_commands(sub)
    return p


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
    from .regions import Box
    return Box(args.box[0], args.box[1]) if args.box else (_load_polytope(args.polytope) if args.polytope else None)


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
    from .errors import BudgetExceeded
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
    from .network import Network
    from .store import RegionStore
    if args.linear or args.max_regions:
        from .errors import InputError
        raise InputError("--checkpoint counts activation regions: --linear and --max-regions do not apply")
    net, domain = Network.load(args.network), _domain(args)
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
    from .network import Network
    net, domain = Network.load(args.network), _domain(args)
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
    from .errors import InputError
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
    s.add_argument("network", help="path to the .npz file")
    g = s.add_mutually_exclusive_group()
    g.add_argument("--box", nargs=2, type=float, metavar=("LO", "HI"), help="restrict to the box [LO, HI]^d")
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


# --- the CLI envelope (minimal; shared by every command) ------------------------------------------
def _add_json(parser) -> None:
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the JSON envelope to FILE (stdout without FILE)")


def _report(args, command, *, inputs, result, stats=None, complete=True, text="") -> int:
    target = getattr(args, "json", None)
    if text and target != "-":
        print(text)
    if target:
        doc = json.dumps({"schema_version": 1, "command": command, "inputs": inputs, "result": result,
                          "stats": stats or {}, "complete": bool(complete)})
        if target == "-":
            print(doc)
        else:
            with open(target, "w") as f:
                f.write(doc)
    return 0 if complete else 3


if __name__ == "__main__":
    sys.exit(main())
