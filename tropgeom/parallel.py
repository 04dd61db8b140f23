"""The region search across processes and machines (docs/scale-out.md).

The search tree is split at a frontier (tropgeom.frontier) and its cells are explored by budgeted
tasks: a task searches below its cells for at most ``task_seconds`` and returns its count plus the
cells it did not finish, which go back in the queue.  So no frontier size has to be guessed and no
huge subtree stalls the run; counts add exactly because subtrees are disjoint.

``executor`` is any concurrent.futures.Executor: by default local threads (the core releases the
GIL), processes with ``isolate=True``, or ``dask.distributed.Client(...).get_executor()`` for a
LocalCluster or a Slurm cluster (dask-jobqueue).  With ``out=run_dir`` every finished task is a
Parquet file (tropgeom.store) and a rerun resumes; ``records=True`` streams the regions' packed
patterns and float64 points to those files, not through the scheduler.
"""
from __future__ import annotations

import concurrent.futures as cf
import itertools
import threading
import time
from collections import deque
from typing import List, Optional

import numpy as np

from . import _run, _seam
from .cell import Cell, frontier
from .errors import BudgetExceeded, InputError

__all__ = ["count_regions", "regions", "start", "explore"]

# The flags of each driver running in this process, by its id: (set when it stops (Ctrl-C, SIGTERM,
# max_seconds), {task: set when a worker would idle}), so its tasks running as threads here stop at
# once and hand their cells back (tasks in other processes find no flag and stop at their budget).
_STOPS = {}
_NEVER = threading.Event()


def _cancel(driver: Optional[str]):
    """The core's stop poll for a task of ``driver`` ("run:task"): its run stopped, or it is asked to
    hand its cells back now (an idle worker needs them: no task runs on alone at the end)."""
    run, _, task = (driver or "").partition(":")
    stop, split = _STOPS.get(run, (_NEVER, {}))
    mine = split.get(task, _NEVER)
    return lambda: stop.is_set() or mine.is_set()


def explore(net, domain, cells: List[bytes], task_seconds: float, records=False, out=None,
            driver: Optional[str] = None) -> dict:
    """One task: the regions below ``cells`` (Cell.to_bytes) for at most task_seconds.  Returns
    {"key", "count", "completed" (its cells it searched), "handed_back" (the new open cells),
    "stats"} and, without ``out``, the records; with ``out`` the result is committed there first
    (tropgeom.store) and what stands is returned.  Cells it did not reach are neither: they stay open."""
    from . import store
    from .regions import _enumerate
    key = store.task_key(cells)
    if out is not None and (store.Path(out) / "parts" / f"{key}.parquet").exists():
        return dict(store.read_meta(store.Path(out) / "parts" / f"{key}.parquet"), duplicate=True)
    core_cells = [Cell.from_bytes(c)._core() for c in cells]
    keep = bool(records)
    idle = {"key": key, "count": 0, "completed": [], "handed_back": list(cells), "stats": {}, "idle": True}
    try:
        res = _enumerate(net, domain, keep_geometry=keep, max_regions=None, max_seconds=task_seconds, threads=1,
                         progress=False, cells=core_cells, cancel=_cancel(driver))
    except BudgetExceeded:  # stopped in the set-up
        return idle
    left = set() if res.complete else {Cell._from_core(t).to_bytes() for t in res.open_cells()}
    if not res.count and left == set(cells):
        return idle  # no progress: commit nothing (a task's name must stand for one result)
    # cells it did not touch stay open where they were listed; new ones are handed back
    meta = {"key": key, "count": int(res.count), "completed": [c for c in cells if c not in left],
            "handed_back": sorted(left - set(cells)),
            "stats": dict(res.stats)}
    if not keep:
        return store.write_part(out, key, meta) if out is not None else meta
    from .regions import RegionSet, _Store
    rs = RegionSet(_Store(net, domain, 1, res=res), "activation")
    if out is not None:
        exact = rs.interior_points(exact=True) if records == "exact" else None
        return store.write_part(out, key, meta, rs.packed_patterns, rs.interior_points(), exact)
    s = rs._store.state()
    meta["records"] = {k: s[k] for k in ("patterns", "points", "cuts", "offsets")}
    return meta


def start(net, domain=None, out=None, *, min_cells: Optional[int] = None, position=None, records=False,
          threads: Optional[int] = None, max_seconds=None) -> dict:
    """The first task of a run: a frontier (tropgeom.frontier), its leaves counted and its cells
    handed back; committed to ``out`` as the part "root" (what stands is returned)."""
    from . import store
    net = _seam.network(net)
    if position is None and min_cells is None:
        min_cells = 4 * _run.threads(threads)
    f = frontier(net, domain, min_cells=min_cells, position=position, threads=threads, max_seconds=max_seconds)
    meta = {"key": "root", "count": f.num_leaves, "completed": [], "handed_back": [c.to_bytes() for c in f.cells],
            "stats": f.leaves.stats}
    if out is not None:
        store.write_run(out, net, domain)
        exact = f.leaves.interior_points(exact=True) if records == "exact" else None
        rec = (f.leaves.packed_patterns, f.leaves.interior_points(), exact) if records else ()
        return store.write_part(out, "root", meta, *rec)
    if records:
        s = f.leaves._store.state()
        meta["records"] = {k: s[k] for k in ("patterns", "points", "cuts", "offsets")}
    return meta


def _executor(executor, workers, isolate):
    if executor is not None:
        return executor, False
    if isolate:
        import multiprocessing
        return cf.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")), True
    return cf.ThreadPoolExecutor(workers, thread_name_prefix="tropgeom"), True


def _run_tasks(net, domain, *, executor, workers, out, task_seconds, records, resume, progress, isolate,
               max_seconds, min_cells, cells=None):
    """The driver: returns (count, complete, reason, open cells, records of every task)."""
    from . import store
    net = _seam.network(net)
    workers = _run.threads(workers)
    task_seconds = _seam.positive_seconds(task_seconds, "task_seconds")
    seconds = _seam.positive_seconds(max_seconds)
    records = records if records == "exact" else _seam.boolean(records, "records")
    resume = _seam.boolean(resume, "resume")
    if out is not None:
        store.write_run(out, net, domain)
    deadline = None if seconds is None else time.monotonic() + seconds
    done_keys, results, queue = set(), [], deque()
    count = 0
    saved = store.RegionStore(out) if out is not None else None
    if saved is not None and saved.started and not resume and cells is None:
        raise InputError(f"{out} already holds a run: pass resume=True to go on with it, or a fresh directory")
    with _run.interruptible("splitting the search", partial=0):  # (remaining None: start again)
        if cells is not None:  # a part of the open cells (tropgeom explore --part): only below them
            queue.extend(Cell.from_bytes(c).to_bytes() if not isinstance(c, Cell) else c.to_bytes() for c in cells)
        elif saved is not None and saved.started:  # resume: what was committed stands, the open cells go on
            done_keys, count = saved.keys, saved.count
            queue.extend(saved.open_cell_bytes())
        else:
            try:
                meta = start(net, domain, out, min_cells=min_cells or 4 * workers, records=records, threads=workers,
                             max_seconds=seconds)
            except BudgetExceeded as e:  # stopped while splitting: nothing is done, start again (remaining None)
                raise BudgetExceeded(f"{e} (splitting the search)", partial=0, reason=e.reason) from None
            count = meta["count"]
            queue.extend(meta["handed_back"])
            if out is None:
                results.append(meta)
            done_keys.add("root")
        pool, own = _executor(executor, workers, isolate)
    pending = {}
    reason = ""
    slack = 1.0  # grows while tasks come back idle (a budget shorter than a task's set-up)

    def budget():
        t = task_seconds * slack
        return t if deadline is None else max(1e-3, min(t, deadline - time.monotonic()))

    def absorb(fut):
        """One finished task: its count once, its open cells back in the queue."""
        nonlocal count, slack, reason
        batch, _ = pending.pop(fut)
        asked = split.pop(fut, None) is not None
        try:
            r = fut.result()
        except KeyboardInterrupt:
            reason = reason or "interrupted"
            queue.extend(batch)
            return
        if r.get("idle"):
            if not asked:  # its budget was too short for its set-up
                slack *= 2
            queue.extend(batch)
            return
        if r["key"] in done_keys:  # a duplicate result: counted once
            return
        done_keys.add(r["key"])
        count += r["count"]
        done = set(r["completed"])
        queue.extend(r["handed_back"])
        queue.extend(c for c in batch if c not in done)  # cells it did not reach
        if out is None:
            results.append(r)

    def stop(why):
        nonlocal reason
        reason = reason or why
        flag.set()  # tasks running as threads here stop at once; others within task_seconds

    def feed_idle():
        """No cells queued and a worker idle: the longest-running task hands its cells back now (a
        task in this process; one elsewhere runs on to its budget), so no subtree runs on alone."""
        if queue or reason or len(pending) >= workers:
            return
        now = time.monotonic()
        old = [f for f in pending if f not in split and now - pending[f][1] > 0.05 and f.running()]
        if old:
            fut = min(old, key=lambda f: pending[f][1])
            flags[fut_task[fut]].set()
            split[fut] = True

    import uuid
    driver = uuid.uuid4().hex
    flag, flags = threading.Event(), {}
    _STOPS[driver] = (flag, flags)
    split, fut_task, numbers = {}, {}, itertools.count()  # tasks asked to hand back; each future's task name
    try:
        with _run.progress(progress, "regions") as tick:
            try:
                while queue or pending:
                    while queue and len(pending) < 2 * workers and not reason:
                        take = min(len(queue), max(1, len(queue) // (2 * workers)), 4096)
                        batch = [queue.popleft() for _ in range(take)]
                        task = str(next(numbers))
                        flags[task] = threading.Event()
                        fut = pool.submit(explore, net, domain, batch, budget(), records,
                                          None if out is None else str(out), f"{driver}:{task}")
                        pending[fut], fut_task[fut] = (batch, time.monotonic()), task
                    if not pending:
                        break
                    for fut in cf.wait(list(pending), timeout=0.1, return_when=cf.FIRST_COMPLETED)[0]:
                        absorb(fut)
                        flags.pop(fut_task.pop(fut), None)
                    feed_idle()
                    if tick:
                        tick(count)
                    if deadline is not None and time.monotonic() > deadline:
                        stop("max_seconds")
            except KeyboardInterrupt:  # Ctrl-C, or SIGTERM turned into it: let the running tasks hand back
                stop("interrupted")
                while pending:
                    try:
                        for fut in cf.wait(list(pending), return_when=cf.FIRST_COMPLETED)[0]:
                            absorb(fut)
                    except KeyboardInterrupt:  # asked again: go now (what is committed stands)
                        break
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
        del _STOPS[driver]
    open_cells = list(queue) + [c for b, _ in pending.values() for c in b]
    return count, not open_cells, reason or "interrupted", open_cells, results


def count_regions(net, domain=None, *, executor=None, workers: Optional[int] = None, out=None,
                  task_seconds: float = 30, records=False, resume: bool = True, progress=None,
                  isolate: bool = False, max_seconds: Optional[float] = None,
                  min_cells: Optional[int] = None, cells=None) -> int:
    """The exact number of activation regions, by budgeted tasks on ``executor`` (see the module
    docstring).  ``workers``: tasks in flight / 2 and the default pool's size (None: usable cores);
    ``out``: a run directory (checkpoints; with ``resume`` a rerun goes on from it); ``records``:
    write each region's packed pattern and float64 point (``"exact"``: exact points too) to ``out``.

    A stop (max_seconds, Ctrl-C, SIGTERM where the caller turns it into KeyboardInterrupt) waits
    for the running tasks to hand back their cells and raises BudgetExceeded: partial = the count
    so far, remaining = the open cells (all committed to ``out``, so a rerun finishes exactly).

    ``cells``: count only below these cells (Cell or bytes; e.g. a share of a run's open cells, as
    ``tropgeom explore --part`` does); the result is then the count below them."""
    if records and out is None:
        raise InputError("records= writes the regions to out=: pass a run directory (or use parallel.regions)")
    count, complete, reason, open_cells, _ = _run_tasks(
        net, domain, executor=executor, workers=workers, out=out, task_seconds=task_seconds, records=records,
        resume=resume, progress=progress, isolate=isolate, max_seconds=max_seconds, min_cells=min_cells,
        cells=cells)
    _run.stopped(complete, reason, partial=count, what=f"{count} activation regions found",
                 remaining=[Cell.from_bytes(c) for c in open_cells])
    return count


def regions(net, domain=None, *, executor=None, workers: Optional[int] = None, out=None,
            task_seconds: float = 30, records=True, resume: bool = True, progress=None, isolate: bool = False,
            max_seconds: Optional[float] = None, min_cells: Optional[int] = None):
    """The activation regions, by budgeted tasks (as count_regions).  With ``out``: a
    tropgeom.RegionStore of the records on disk (for runs larger than memory).  Without: a RegionSet
    equal to tropgeom.regions(net, domain) (records come back through the executor: small runs).
    A stop raises BudgetExceeded (partial: the store, or the count; remaining: the open cells)."""
    from .store import RegionStore
    records = records if records == "exact" else True
    count, complete, reason, open_cells, results = _run_tasks(
        net, domain, executor=executor, workers=workers, out=out, task_seconds=task_seconds, records=records,
        resume=resume, progress=progress, isolate=isolate, max_seconds=max_seconds, min_cells=min_cells)
    remaining = [Cell.from_bytes(c) for c in open_cells]
    if out is not None:
        result = RegionStore(out)
    else:
        result = _merge(_seam.network(net), domain, results, count, complete, reason)
    _run.stopped(complete, reason, partial=result, what=f"{count} activation regions found", remaining=remaining)
    return result


def _merge(net, domain, results, count, complete, reason):
    """One RegionSet from the tasks' records, in the core's order (by pattern)."""
    from .regions import _restore
    recs = [r["records"] for r in results if r["count"]]
    h, d = net.num_hidden_neurons, net.input_dim
    if recs:
        patterns = np.concatenate([r["patterns"] for r in recs])
        points = np.concatenate([r["points"] for r in recs])
        cuts = [r["cuts"][r["offsets"][i]:r["offsets"][i + 1]] for r in recs for i in range(len(r["patterns"]))]
    else:
        patterns, points, cuts = np.zeros((0, h), np.uint8), np.zeros((0, d), dtype=object), []
    order = sorted(range(len(patterns)), key=lambda i: patterns[i].tobytes())
    cuts = [np.asarray(cuts[i], dtype=np.int64) for i in order]
    stats = {}
    for r in results:
        for k, v in r["stats"].items():
            stats[k] = stats.get(k, 0) + v
    saved = {"patterns": patterns[order], "points": points[order],
             "cuts": np.concatenate(cuts) if cuts else np.zeros(0, np.int64),
             "offsets": np.cumsum([0] + [len(c) for c in cuts]).astype(np.int64), "count": count,
             "complete": complete, "stop_reason": "" if complete else reason, "stats": stats}
    return _restore({"net": net, "domain": domain, "kind": "activation", "threads": 1, "regions": saved,
                     "members": None})
