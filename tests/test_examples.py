"""The scripts in examples/ run (each asserts its own exact claims) and produce what they promise."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def run(script, *args):
    """The script as a user runs it, importing this checkout's package (installed or not)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
           "MPLBACKEND": "Agg"}
    return subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env=env)


def test_two_moons(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("matplotlib")
    p = run("two_moons.py", tmp_path)
    assert p.returncode == 0, p.stderr
    assert "accuracy 1.000" in p.stdout and (tmp_path / "two_moons.png").stat().st_size > 10000


def test_dichotomies():
    p = run("dichotomies.py")
    assert p.returncode == 0, p.stderr
    assert "realises 44 of the 128 labelings" in p.stdout
