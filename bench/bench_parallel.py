"""The parallel driver (tropgeom.parallel): 2 local workers against 1, Dask's overhead, a records run's
peak memory, and the same count as tropgeom.count_regions every time.

Net: one hidden layer in general position, so the count is known in closed form (sum_{j<=d} C(n, j));
the default [4, 70] has 974,121 regions (~10^6).  Targets (issue 15, an idle 2-core machine): 2
workers >= 1.8x one worker; Dask's per-task overhead < 2% of the run at the default task size;
the records run's peak memory bounded by the task size, not by the total.
    python bench/bench_parallel.py [--quick | --net D,N] [--task-seconds S]
"""
import argparse
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from math import comb

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))

import nets  # noqa: E402
import tropgeom  # noqa: E402
from tropgeom import parallel  # noqa: E402


def _cpu():
    """CPU seconds of this process (all its threads) and of its waited-for children (process pools)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(f):
    t, c = time.perf_counter(), _cpu()
    out = f()
    timed.cpu = _cpu() - c
    return out, time.perf_counter() - t


def busy(workers, wall):
    """cpu / wall per worker of the last timed run: 1.0 means every worker had a core to itself (on a
    loaded machine it is lower, and speed-ups are bounded by it)."""
    return f"cpu/wall per worker {timed.cpu / wall / workers:.2f}"


_PEAK = textwrap.dedent("""
    import resource, sys, tempfile
    sys.path.insert(0, {tests!r})
    import nets
    from tropgeom import parallel
    with tempfile.TemporaryDirectory() as run:
        n = parallel.count_regions(nets.one_layer({d}, {n}, 0), workers=2, task_seconds={ts}, out=run,
                                   records={records})
    print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
""")


def peak_kib(d, n, ts, records):
    """(count, peak RSS in KiB) of a checkpointed run in a fresh process."""
    code = _PEAK.format(tests=os.path.join(os.path.dirname(__file__), "..", "tests"), d=d, n=n, ts=ts, records=records)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="[4, 30]: 31,931 regions")
    ap.add_argument("--task-seconds", type=float, default=None, help="task budget (default 30; quick: 1)")
    ap.add_argument("--net", default=None, metavar="D,N", help="another one-hidden-layer size, e.g. 4,45")
    args = ap.parse_args()
    d, n = (4, 30) if args.quick else (4, 70)
    if args.net:
        d, n = (int(t) for t in args.net.split(","))
    ts = args.task_seconds or (1.0 if args.quick else 30.0)
    want = sum(comb(n, j) for j in range(d + 1))
    net = nets.one_layer(d, n, 0)
    print(f"net [{d}, {n}] over R^{d}: {want:,} regions (closed form); task_seconds = {ts}")

    core, t_core = timed(lambda: tropgeom.count_regions(net, threads=2))
    print(f"tropgeom.count_regions(threads=2)      {t_core:8.2f} s  count {core:,}  {busy(2, t_core)}  "
          f"{'ok' if core == want else 'WRONG'}")
    one, t1 = timed(lambda: parallel.count_regions(net, workers=1, task_seconds=ts, progress=False))
    print(f"parallel, 1 worker (threads)           {t1:8.2f} s  count {one:,}  {busy(1, t1)}  "
          f"{'ok' if one == want else 'WRONG'}")
    two, t2 = timed(lambda: parallel.count_regions(net, workers=2, task_seconds=ts, progress=False))
    print(f"parallel, 2 workers (threads)          {t2:8.2f} s  count {two:,}  speed-up {t1 / t2:.2f}x "
          f"(target >= 1.8x idle)  {busy(2, t2)}  {'ok' if two == want else 'WRONG'}")
    proc, tp = timed(lambda: parallel.count_regions(net, workers=2, task_seconds=ts, isolate=True, progress=False))
    print(f"parallel, 2 workers (processes)        {tp:8.2f} s  count {proc:,}  (incl. spawning)  {busy(2, tp)}  "
          f"{'ok' if proc == want else 'WRONG'}")
    try:
        import distributed
    except ImportError:
        print("dask.distributed not installed: Dask skipped")
    else:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                      dashboard_address=None) as cl, distributed.Client(cl) as client:
            ex = client.get_executor()
            r = client.submit(lambda: 0)
            r.result()
            _, rtt = timed(lambda: [client.submit(int, i, pure=False).result() for i in range(50)])
            dk, td = timed(lambda: parallel.count_regions(net, executor=ex, workers=2, task_seconds=ts,
                                                          progress=False))
        tasks = max(1.0, 2 * td / ts)  # about: each worker runs a task of task_seconds at a time
        print(f"parallel, 2 workers (Dask LocalCluster) {td:7.2f} s  count {dk:,}  overhead vs threads "
              f"{100 * (td - t2) / t2:+.1f}%; round trip {1000 * rtt / 50:.1f} ms = "
              f"{100 * (rtt / 50) * tasks / (2 * td):.2f}% of the run at ~{tasks:.0f} tasks (target < 2%)  "
              f"{busy(2, td)}  {'ok' if dk == want else 'WRONG'}")
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    c0, m0 = peak_kib(d, n, ts, False)
    c1, m1 = peak_kib(d, n, ts, True)
    small = max(d + 1, n // 2)  # a quarter-ish of the total, the same task size
    want_s = sum(comb(small, j) for j in range(d + 1))
    c2, m2 = peak_kib(d, small, ts, True)
    print(f"peak RSS of a checkpointed run: counts only {m0 / 1024:.0f} MiB, records {m1 / 1024:.0f} MiB "
          f"({want:,} records on disk; this process: {base / 1024:.0f} MiB) "
          f"{'ok' if c0 == c1 == want else 'WRONG'}")
    print(f"peak RSS of records runs at task_seconds {ts}: {want_s:,} regions {m2 / 1024:.0f} MiB, {want:,} regions "
          f"{m1 / 1024:.0f} MiB: x{m1 / m2:.2f} for x{want / want_s:.1f} the total (target: bounded by the task size) "
          f"{'ok' if c2 == want_s else 'WRONG'}")

if __name__ == "__main__":
    main()
