"""Checkpoints of the parallel region search (tropgeom.store, tropgeom.parallel with out=).

Oracles: the one-process count and patterns (tropgeom.regions), the exact forward pass for stored
exact points, and the part files themselves (what was committed before a kill is not redone)."""
from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import nets
import tropgeom
from tropgeom import BudgetExceeded, InputError, RegionStore, parallel
from tropgeom.store import task_key

TESTS = str(Path(__file__).parent)


def _rows(patterns) -> set:
    return {bytes(np.asarray(p, dtype=np.uint8)) for p in patterns}


def _parts(run: Path) -> dict:
    return {p.stem: p.stat().st_ino for p in (run / "parts").glob("*.parquet")}


def test_records_and_store(tmp_path):
    net, domain = nets.deep_random(3, [7, 6], 3), tropgeom.Box(-1, 1)
    full = tropgeom.regions(net, domain)
    store = parallel.regions(net, domain, workers=2, task_seconds=0.002, out=tmp_path, records="exact")
    assert isinstance(store, RegionStore) and store.complete and not store.open_cells
    assert store.count == full.count == len(store.patterns())
    assert _rows(store.patterns()) == _rows(full.patterns)
    assert len(store.packed_patterns()) == full.count and store.dataset().count_rows() == full.count
    exact = store.points(exact=True)
    assert (np.asarray(net.exact_signs(exact) > 0).reshape(full.count, -1) == store.patterns()).all()
    assert (store.points() == exact.astype(float)).all()  # float64 = the exact points rounded
    assert pickle.loads(pickle.dumps(store)) == store
    before = _parts(tmp_path)
    # a rerun resumes: nothing left, nothing redone
    assert parallel.count_regions(net, domain, out=tmp_path, records=True) == full.count
    assert _parts(tmp_path) == before
    with pytest.raises(InputError, match="already holds"):
        parallel.count_regions(net, domain, out=tmp_path, resume=False)
    with pytest.raises(InputError, match="records"):
        parallel.count_regions(net, domain, records=True)
    with pytest.raises(InputError, match="another network"):
        parallel.count_regions(nets.deep_random(3, [7, 6], 4), domain, out=tmp_path)
    with pytest.raises(InputError, match="run directory"):
        RegionStore(tmp_path / "nothing")


def test_stopped_run_resumes_without_redoing_work(tmp_path):
    net = nets.one_layer(4, 44, 0)
    with pytest.raises(BudgetExceeded) as e:
        parallel.count_regions(net, workers=2, task_seconds=0.05, max_seconds=0.3, out=tmp_path)
    store = RegionStore(tmp_path)
    assert not store.complete and store.count == e.value.partial
    assert sorted(c.to_bytes() for c in store.open_cells) == sorted(c.to_bytes() for c in e.value.remaining)
    before = _parts(tmp_path)
    assert parallel.count_regions(net, workers=2, task_seconds=0.05, out=tmp_path) == nets.zaslavsky(4, 44)
    after = _parts(tmp_path)
    assert all(after[k] == ino for k, ino in before.items())  # the parts of the first run stand as written
    assert RegionStore(tmp_path).complete


def test_duplicate_task_is_not_counted_twice(tmp_path):
    net = nets.deep_random(3, [7, 6], 2)
    want = tropgeom.count_regions(net)
    assert parallel.count_regions(net, workers=1, out=tmp_path, min_cells=8) == want
    before = _parts(tmp_path)
    part = next(m for k, m in RegionStore(tmp_path)._parts.items() if k != "root")
    again = parallel.explore(net, None, part["completed"], 30.0, False, str(tmp_path))  # the same task rerun
    assert again["key"] == part["key"] == task_key(part["completed"]) and again["count"] == part["count"]
    assert _parts(tmp_path) == before and RegionStore(tmp_path).count == want
    # two results of one task racing: the first committed stands
    from tropgeom.store import write_part
    meta = {"count": 5, "completed": [b"x"], "handed_back": []}
    assert write_part(tmp_path / "other", "k", meta)["count"] == 5
    assert write_part(tmp_path / "other", "k", dict(meta, count=7))["count"] == 5
    # a cell searched by two different tasks (a broken run directory) is refused, not counted twice
    other = [c for c in part["completed"]]
    parallel.explore(net, None, other + [next(iter(RegionStore(tmp_path)._parts["root"]["handed_back"]))],
                     30.0, False, str(tmp_path))
    with pytest.raises(InputError, match="same cell"):
        RegionStore(tmp_path)


_KILLED_DRIVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    import tropgeom, nets
    from tropgeom import parallel
    print("started", flush=True)
    parallel.count_regions(nets.one_layer(4, 44, 0), workers=2, task_seconds=0.1, out={out!r})
""")


def test_killed_driver_restarts_on_a_fresh_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    child = subprocess.Popen([sys.executable, "-c", _KILLED_DRIVER.format(tests=TESTS, out=str(tmp_path))],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started", child.stderr.read()
        t = time.monotonic()
        while len(_parts(tmp_path) if (tmp_path / "parts").exists() else {}) < 4 and time.monotonic() - t < 30:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        child.kill()
    store = RegionStore(tmp_path)
    assert not store.complete and store.count > 0
    before = _parts(tmp_path)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        got = parallel.count_regions(nets.one_layer(4, 44, 0), executor=client.get_executor(), workers=2,
                                     task_seconds=0.1, out=tmp_path)
    assert got == nets.zaslavsky(4, 44)
    after = _parts(tmp_path)
    assert all(after[k] == ino for k, ino in before.items())  # committed work was not redone
    assert RegionStore(tmp_path).count == got


def test_killed_dask_worker(tmp_path):
    distributed = pytest.importorskip("distributed")
    net = nets.one_layer(3, 40, 0)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl, \
            distributed.Client(cl) as client:
        pids = sorted(client.run(os.getpid).values())

        def kill():
            while len(_parts(tmp_path) if (tmp_path / "parts").exists() else {}) < 2:
                time.sleep(0.02)
            os.kill(pids[0], signal.SIGKILL)  # mid-run: a task of it is lost and rerun elsewhere
        killer = threading.Thread(target=kill, daemon=True)
        killer.start()
        got = parallel.count_regions(net, executor=client.get_executor(), workers=2, task_seconds=0.1, out=tmp_path)
        killer.join(5)
        assert not killer.is_alive()
        assert sorted(client.run(os.getpid).values()) != pids  # the nanny restarted the killed worker
    assert got == nets.zaslavsky(3, 40) == RegionStore(tmp_path).count


# --- the CLI: regions --checkpoint, frontier, explore --part, status -----------------------------------
import json  # noqa: E402

from tropgeom.cli import main  # noqa: E402


def test_cli_frontier_explore_parts_status(tmp_path, capsys):
    net = nets.deep_random(3, [7, 6], 3)
    path = tmp_path / "net.npz"
    net.save(path)
    run = tmp_path / "run"
    want = tropgeom.count_regions(net, tropgeom.Box(-1, 1))
    assert main(["frontier", str(path), "--box", "-1", "1", "--min-cells", "12", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["command"] == "frontier" and doc["complete"] and doc["result"]["open_cells"] >= 12
    assert main(["frontier", str(path), "--box", "-1", "1", "--min-cells", "12", "--checkpoint", str(run)]) == 0
    with pytest.raises(SystemExit):  # argparse refuses it
        main(["explore", "--run", str(run), "--part", "5/4"])
    capsys.readouterr()
    counts = []
    for i in range(3):  # a job array of three, from one snapshot of the open cells
        assert main(["explore", "--run", str(run), "--part", f"{i}/3", "--workers", "1", "--task-seconds", "0.01",
                     "--json"]) == 0
        counts.append(json.loads(capsys.readouterr().out)["result"]["count"])
    assert main(["status", str(run), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["result"]["complete"] and st["result"]["count"] == want
    assert RegionStore(run).count == want == sum(counts) + RegionStore(run)._parts["root"]["count"]
    assert main(["status", str(tmp_path / "nothing")]) == 2


_SIGTERM_CLI = [sys.executable, "-m", "tropgeom.cli", "regions", "{net}", "--checkpoint", "{run}", "--workers", "2",
                "--task-seconds", "0.1", "--json", "{out}"]


def test_cli_sigterm_saves_open_cells_and_rerun_finishes(tmp_path):
    net = nets.one_layer(4, 34, 0)
    path, run, out = tmp_path / "net.npz", tmp_path / "run", tmp_path / "out.json"
    net.save(path)
    cmd = [a.format(net=path, run=run, out=out) for a in _SIGTERM_CLI]
    env = dict(os.environ, PYTHONPATH=str(Path(tropgeom.__file__).parent.parent))
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        t = time.monotonic()
        while len(_parts(run) if (run / "parts").exists() else {}) < 2 and time.monotonic() - t < 60:
            assert child.poll() is None, child.stderr.read()
            time.sleep(0.05)
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=60)
    finally:
        child.kill()
    assert child.returncode == 3, (stdout, stderr[-2000:])
    doc = json.loads(out.read_text())
    assert not doc["complete"] and doc["result"]["open_cells"] > 0 and "interrupted" in stdout
    assert RegionStore(run).count == doc["result"]["count"] and RegionStore(run).open_cells
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["complete"] and doc["result"]["count"] == nets.zaslavsky(4, 34)
