"""Resumable region search (tropgeom.cell) and the parallel driver (tropgeom.parallel).

Oracles: the cut identity (regions above a frontier plus the regions below each of its cells is the
full count, with disjoint pattern sets whose union is regions().patterns), the gallery's closed-form
counts, and the one-process search itself."""
from __future__ import annotations

import pickle
import signal
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import nets
import tropgeom
from tropgeom import BudgetExceeded, Cell, InputError

TESTS = str(Path(__file__).parent)

TRIANGLE = tropgeom.Polytope(np.array([[-1.0, 0.0], [0.0, -1.0], [1.0, 1.0]]), np.array([1.0, 1.0, 1.0]))

CASES = {
    "one_layer": (nets.one_layer(3, 9, 1), None),
    "deep": (nets.deep_random(3, [7, 6], 2), None),
    "deep_box": (nets.deep_random(3, [7, 6], 3), tropgeom.Box(-1, 1)),
    "deep_polytope": (nets.deep_random(2, [6, 5], 4), TRIANGLE),
    "concurrent": (nets.concurrent_lines(5), None),
    "parallel": (nets.parallel_lines(4), None),
    "duplicate": (nets.duplicate_neurons(), None),
    "dead": (nets.dead_neuron_net(), None),
    "zero_neuron": (nets.zero_neuron_net(), None),
    "sawtooth_box": (nets.sawtooth(3), tropgeom.Box(0, 1)),
    "zero_bias": (nets.zero_bias_net(2, [5, 5], 1), None),
}


def _rows(patterns) -> set:
    return {bytes(np.asarray(p, dtype=np.uint8)) for p in patterns}


@pytest.mark.parametrize("name", list(CASES))
def test_cut_identity(name):
    net, domain = CASES[name]
    full = tropgeom.regions(net, domain, threads=1)
    want = _rows(full.patterns)
    assert len(want) == full.count
    hidden = net.num_hidden_neurons
    for position in sorted({1, hidden // 2 or 1, hidden}):
        f = tropgeom.frontier(net, domain, position=position)
        assert all(c.depth == position for c in f.cells)
        seen = [_rows(f.leaves.patterns)]
        for c in f.cells:
            rs = tropgeom.regions(net, domain, cells=[c], threads=1)
            assert (rs.patterns[:, :position] == c.pattern).all()  # the subtree of c
            assert tropgeom.count_regions(net, domain, cells=[c]) == rs.count
            seen.append(_rows(rs.patterns))
        assert sum(map(len, seen)) == full.count, position  # disjoint ...
        assert set().union(*seen) == want                  # ... and together every region


def test_frontier_min_cells_and_positions():
    net, domain = CASES["deep"]
    total = tropgeom.count_regions(net, domain)
    f = tropgeom.frontier(net, domain, min_cells=20)
    assert len(f.cells) >= 20
    assert f.num_leaves + tropgeom.count_regions(net, domain, cells=f.cells, threads=2) == total
    g = tropgeom.frontier(net, domain, position=(1, 0))  # the start of layer 1: all 7 of layer 0 decided
    assert g.position == 7 and all(c.position == (1, 0) or c.position == (0, 7) for c in g.cells)
    with pytest.raises(InputError, match="position"):
        tropgeom.frontier(net, domain, position=(2, 0))  # the output layer
    with pytest.raises(InputError, match="past"):
        tropgeom.frontier(net, domain, position=100)
    with pytest.raises(InputError, match="not both"):
        tropgeom.frontier(net, domain, position=3, min_cells=3)
    assert pickle.loads(pickle.dumps(f)) == f
    assert tropgeom.Frontier.from_json(f.to_json()) == f
    with pytest.raises(InputError):
        tropgeom.Frontier.from_json('{"schema_version": 1, "type": "Frontier"}')


def test_frontier_budget():
    net = nets.one_layer(4, 44, 0)  # 1.6 s to its last position: well past the budget
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        tropgeom.frontier(net, position=44, max_seconds=0.2, progress=False)
    assert e.value.reason == "max_seconds" and time.monotonic() - t < 0.2 + 0.2
    ticks = []
    f = tropgeom.frontier(net, min_cells=50, progress=ticks.append)
    assert len(f.cells) >= 50


def _finish(net, domain, cells, step):
    """Counts below cells in rounds of `step` search steps; (total, rounds)."""
    total = rounds = 0
    while cells:
        try:
            total += tropgeom.count_regions(net, domain, cells=cells, max_cells=step, threads=1)
            cells = []
        except BudgetExceeded as e:
            assert e.reason == "max_cells"
            total += e.partial
            cells = e.remaining
        rounds += 1
    return total, rounds


@pytest.mark.parametrize("name", ["deep", "deep_box", "deep_polytope", "concurrent", "sawtooth_box", "zero_bias"])
def test_tiny_max_cells_hands_back_many_times(name):
    net, domain = CASES[name]
    full = tropgeom.count_regions(net, domain, threads=1)
    with pytest.raises(BudgetExceeded) as e:
        tropgeom.count_regions(net, domain, max_cells=2, threads=1)
    total, rounds = _finish(net, domain, e.value.remaining, 3 if full < 100 else 10)
    assert e.value.partial + total == full
    assert rounds > 3
    # deterministic at threads=1: the same stop hands back the same cells
    with pytest.raises(BudgetExceeded) as again:
        tropgeom.count_regions(net, domain, max_cells=2, threads=1)
    assert again.value.remaining == e.value.remaining


def test_regions_resume_gives_disjoint_patterns():
    net, domain = CASES["deep_box"]
    full = tropgeom.regions(net, domain, threads=1)
    with pytest.raises(BudgetExceeded) as e:
        tropgeom.regions(net, domain, max_regions=100, threads=2)
    part = e.value.partial
    assert e.value.reason == "max_regions" and part.count == 100 and e.value.remaining
    rest = tropgeom.regions(net, domain, cells=e.value.remaining, threads=2)
    a, b = _rows(part.patterns), _rows(rest.patterns)
    assert not a & b and a | b == _rows(full.patterns)
    # exact points of the resumed regions have their patterns (exact forward pass)
    signs = net.exact_signs(rest.interior_points(exact=True)) > 0
    assert (signs.reshape(rest.count, -1) == rest.patterns).all()


def test_max_seconds_stop_keeps_open_cells():
    net = nets.one_layer(4, 44, 0)  # 2.5 s at one thread (4-30 now takes 0.34 s: too near the budget)
    with pytest.raises(BudgetExceeded) as e:
        tropgeom.count_regions(net, max_seconds=0.2, threads=1)
    assert e.value.reason == "max_seconds" and e.value.remaining
    rest = tropgeom.count_regions(net, cells=e.value.remaining, threads=2)
    assert e.value.partial + rest == nets.zaslavsky(4, 44)


def test_cell_encoding():
    net, domain = CASES["deep"]
    f = tropgeom.frontier(net, domain, min_cells=10)
    for c in f.cells:
        raw = c.to_bytes()
        assert len(raw) < 64  # tens of bytes
        assert Cell.from_bytes(raw) == c and pickle.loads(pickle.dumps(c)) == c
        assert Cell(c.layer, c.neuron, c.pattern, c.cuts, c.point(exact=True)) == c
        assert (c.point() == c.point(exact=True).astype(float)).all()
    c = Cell(1, 2, [True, False, True], [0, 2], [Fraction(1, 3), -2.5, Fraction(1, 2 ** 1200)])
    assert Cell.from_bytes(c.to_bytes()) == c and Cell.from_bytes(c.to_bytes()).point(exact=True)[2] == Fraction(1, 2 ** 1200)
    for bad in (b"", b"\x07abc", c.to_bytes()[:-1], c.to_bytes() + b"\x00"):
        with pytest.raises(InputError, match="Cell bytes"):
            Cell.from_bytes(bad)
    with pytest.raises(InputError, match="cuts"):
        Cell(0, 1, [True], [3], [0.0])


def test_bad_cells_are_refused_exactly():
    net, domain = CASES["deep"]
    f = tropgeom.frontier(net, domain, position=4)
    c = next(c for c in f.cells if c.cuts)
    k = c.cuts[-1]
    flipped = c.pattern.copy()
    flipped[k] = not flipped[k]
    with pytest.raises(InputError, match=r"cells\[0\].*pattern"):
        tropgeom.count_regions(net, domain, cells=[Cell(c.layer, c.neuron, flipped, c.cuts, c.point(exact=True))])
    with pytest.raises(InputError, match="belong"):
        tropgeom.count_regions(net, domain, cells=[Cell(0, 0, [], [], [0.0, 0.0])])
    with pytest.raises(InputError, match="inside the domain"):
        tropgeom.count_regions(net, tropgeom.Box(-1, 1), cells=[Cell(c.layer, c.neuron, c.pattern, c.cuts, [5.0, 0, 0])])
    with pytest.raises(InputError, match="cells must be"):
        tropgeom.count_regions(net, domain, cells=c)
    with pytest.raises(InputError, match="kind"):
        tropgeom.count_regions(net, domain, kind="linear", cells=[c])
    assert tropgeom.count_regions(net, domain, cells=[]) == 0
    assert tropgeom.count_regions(net, domain, cells=[c.to_bytes()]) == tropgeom.count_regions(net, domain, cells=[c])


_SIGINT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    import tropgeom, nets
    net = nets.one_layer(4, 44, 0)  # seconds long: still running at the SIGINT
    print("started", flush=True)
    try:
        tropgeom.count_regions(net, threads=1)
        print("finished")
    except tropgeom.BudgetExceeded as e:
        rest = tropgeom.count_regions(net, cells=e.remaining, threads=2)
        print(e.reason, e.partial > 0, e.partial + rest == nets.zaslavsky(4, 44), flush=True)
""")


def test_ctrl_c_keeps_open_cells():
    child = subprocess.Popen([sys.executable, "-c", _SIGINT.format(tests=TESTS)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started", child.stderr.read()
        time.sleep(0.5)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert out.split() == ["interrupted", "True", "True"], (out, err[-2000:])


# --- the driver (tropgeom.parallel) -----------------------------------------------------------------
import concurrent.futures as cf  # noqa: E402

from tropgeom import parallel  # noqa: E402


@pytest.mark.parametrize("name", ["deep", "deep_box", "deep_polytope", "concurrent", "sawtooth_box"])
def test_driver_count_equals_count_regions(name):
    net, domain = CASES[name]
    want = tropgeom.count_regions(net, domain)
    assert parallel.count_regions(net, domain, workers=2, task_seconds=0.002) == want  # many hand-backs
    assert parallel.count_regions(net, domain, workers=1) == want


def test_driver_regions_equal_regions():
    net, domain = CASES["deep_box"]
    rs = parallel.regions(net, domain, workers=2, task_seconds=0.002)
    assert rs == tropgeom.regions(net, domain)
    assert pickle.loads(pickle.dumps(rs)) == rs


class TwiceExecutor(cf.Executor):
    """Runs every task twice (a scheduler that re-ran a task whose first result was lost)."""

    def __init__(self):
        self.pool = cf.ThreadPoolExecutor(2)

    def submit(self, fn, *args, **kwargs):
        fn(*args, **kwargs)
        return self.pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait=True, **kw):
        self.pool.shutdown(wait)


def test_duplicate_task_results_count_once(tmp_path):
    net, domain = CASES["deep"]
    want = tropgeom.count_regions(net, domain)
    ex = TwiceExecutor()
    try:
        assert parallel.count_regions(net, domain, executor=ex, workers=2, task_seconds=0.002) == want
        assert parallel.count_regions(net, domain, executor=ex, workers=2, task_seconds=0.002, out=tmp_path) == want
    finally:
        ex.shutdown()
    assert tropgeom.RegionStore(tmp_path).count == want


def test_driver_processes_and_pickles():
    net, domain = CASES["deep_polytope"]
    assert pickle.loads(pickle.dumps(net)) == net
    assert pickle.loads(pickle.dumps(domain)) == domain
    assert parallel.count_regions(net, domain, isolate=True, workers=2) == tropgeom.count_regions(net, domain)


def test_driver_max_seconds_hands_back_open_cells():
    net = nets.one_layer(4, 40, 0)  # ~10^5 regions: over a second on any machine
    t = time.monotonic()
    with pytest.raises(BudgetExceeded) as e:
        parallel.count_regions(net, workers=2, max_seconds=0.3)  # tasks of 30 s: the stop reaches them
    assert time.monotonic() - t < 0.3 + 0.35  # the contract's 0.2 s, plus thread wake-ups on a loaded machine
    assert e.value.reason == "max_seconds" and e.value.remaining
    assert e.value.partial + tropgeom.count_regions(net, cells=e.value.remaining, threads=2) == nets.zaslavsky(4, 40)


def test_driver_on_dask_local_cluster():
    distributed = pytest.importorskip("distributed")
    net, domain = CASES["deep_box"]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        got = parallel.count_regions(net, domain, executor=client.get_executor(), workers=2, task_seconds=0.01)
    assert got == tropgeom.count_regions(net, domain)


def test_driver_bad_input():
    net, domain = CASES["deep"]
    with pytest.raises(InputError, match="task_seconds"):
        parallel.count_regions(net, domain, task_seconds=0)
    with pytest.raises(InputError, match="threads"):
        parallel.count_regions(net, domain, workers=0)


_DRIVER_SIGINT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    import tropgeom, nets
    from tropgeom import parallel
    net = nets.one_layer(4, 44, 0)  # seconds long: still running at the SIGINT
    print("started", flush=True)
    try:
        parallel.count_regions(net, workers=2, task_seconds=0.2)
        print("finished")
    except tropgeom.BudgetExceeded as e:
        rest = tropgeom.count_regions(net, cells=e.remaining, threads=2)  # (None: stopped while splitting)
        print(e.reason, e.partial + rest == nets.zaslavsky(4, 44), flush=True)
""")


def test_driver_ctrl_c_keeps_open_cells():
    child = subprocess.Popen([sys.executable, "-c", _DRIVER_SIGINT.format(tests=TESTS)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started", child.stderr.read()
        time.sleep(0.4)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()
    assert out.split() == ["interrupted", "True"], (out, err[-2000:])


def test_an_idle_worker_gets_cells_from_a_running_task(monkeypatch):
    """No task runs on alone: with 30 s tasks and two cells, the task still running when the other
    finishes is asked to hand its cells back, and the count stays exact (closed form)."""
    seen = []
    explore = parallel.explore

    def logged(*args, **kw):
        r = explore(*args, **kw)
        seen.append(len(r.get("handed_back", ())))
        return r

    monkeypatch.setattr(parallel, "explore", logged)
    net = nets.one_layer(4, 44, 0)
    assert parallel.count_regions(net, workers=2, task_seconds=30, min_cells=1, progress=False) == nets.zaslavsky(4, 44)
    assert len(seen) > 2 and max(seen) > 0  # a 30 s task handed cells back: it was split for the idle worker


def test_ctrl_c_in_python_between_core_calls_is_a_stop():
    """The run contract's one fix (_run.interruptible): a SIGINT landing in Python code inside a long
    call (here certainly: a pure-Python loop; then frontier's per-position passes) raises
    BudgetExceeded("interrupted") with what was found, never a KeyboardInterrupt."""
    from sigint import interrupt
    setup = "from tropgeom import _run"
    call = "exec('with _run.interruptible(\"a loop\", partial=7) as found:\\n    found.remaining = [1]\\n    while True: pass')"
    words, latency = interrupt(setup, call, check="partial == 7 and e.remaining == [1]", wait=0.2)
    assert words == ["stopped", "interrupted", "True"], words
    setup = "import nets\nnet = nets.one_layer(4, 60, 0)"
    words, latency = interrupt(setup, "tg.frontier(net, min_cells=10 ** 9, threads=2, progress=False)",
                               check="partial is None", wait=0.5)
    assert words == ["stopped", "interrupted", "True"], words
    assert latency < 5
