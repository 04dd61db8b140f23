"""The scripts in examples/ run (each asserts its own exact claims) and produce what they promise."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script, *args):
    return subprocess.run([sys.executable, str(EXAMPLES / script), *map(str, args)], capture_output=True, text=True,
                          timeout=300)


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
