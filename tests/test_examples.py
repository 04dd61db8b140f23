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


def test_tropicalize_two_moons(tmp_path):
    p = run("tropicalize_two_moons.py", tmp_path)
    assert p.returncode == 0, p.stderr
    assert "accuracy 1.000" in p.stdout and "F - G equals the forward pass exactly on 250 points" in p.stdout
    if "no picture" not in p.stdout:
        assert (tmp_path / "tropical_two_moons.png").stat().st_size > 10000


def test_mnist_size():
    p = run("mnist_size.py")
    assert p.returncode == 0, p.stderr
    assert "Network(784,8,10) on [0,1]^784: 256 activation regions = 2^8 exactly" in p.stdout
    assert "Network(784,6,3,10) on [0,1]^784: 365 activation regions" in p.stdout


def test_pictures(tmp_path):
    """The script behind docs/img: every picture is drawn, not blank, several colours."""
    pytest.importorskip("matplotlib")
    import matplotlib.image as mpimg
    import numpy as np
    p = run("pictures.py", tmp_path)
    assert p.returncode == 0, p.stderr
    names = sorted(f.name for f in (ROOT / "docs" / "img").glob("*.png"))
    assert names and sorted(f.name for f in tmp_path.glob("*.png")) == names   # the committed set
    for name in names:
        img = mpimg.imread(tmp_path / name)
        rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
        assert img.shape[0] > 150 and len({tuple(c) for c in rgb[::7]}) >= 4, name
