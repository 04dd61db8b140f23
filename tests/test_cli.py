"""The tropgeom command line: bounds and info, text and JSON, error exits."""
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from tropgeom import Network
from tropgeom.cli import main


def test_bounds_table(capsys):
    assert main(["bounds", "2,3,3,1"]) == 0
    out = capsys.readouterr().out
    assert "(2, 3, 3, 1)" in out
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines()[2:]}
    assert lines["serra2018"][2] == "40"          # Serra et al.: sum over J of C(3,j1) C(3,j2)
    assert lines["zhang2018"][2] == "49"          # (1 + 3 + 3)^2


def test_bounds_json(capsys):
    assert main(["bounds", "2,3,3,1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["architecture"] == [2, 3, 3, 1]
    entries = {e["name"]: e for e in data["entries"]}
    assert entries["serra2018"]["value"] == 40
    assert entries["zhang2018"]["value"] == 49
    assert data["upper"] == 40


def test_bounds_one_hidden_layer_is_zaslavsky(capsys):
    # 5 lines in general position cut the plane into 1 + 5 + 10 = 16 regions
    assert main(["bounds", "2,5,1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["upper"] == 16


def _saved_net(tmp_path):
    rng = np.random.default_rng(0)
    net = Network([(rng.normal(size=(3, 2)), rng.normal(size=3)), (rng.normal(size=(3, 3)), rng.normal(size=3)),
                   (rng.normal(size=(1, 3)), rng.normal(size=1))])
    path = tmp_path / "net.npz"
    net.save(path)
    return path


def test_info_text(tmp_path, capsys):
    path = _saved_net(tmp_path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Network(2,3,3,1)" in out
    assert "hidden neurons 6" in out
    assert "parameters 25" in out                 # (2*3+3) + (3*3+3) + (3+1)
    assert re.search(r"\b40\b", out)              # the serra2018 bound of (2, 3, 3, 1)


def test_info_json(tmp_path, capsys):
    path = _saved_net(tmp_path)
    assert main(["info", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["architecture"] == [2, 3, 3, 1]
    assert data["hidden_neurons"] == 6 and data["parameters"] == 25
    assert data["relu"] == [True, True, False]
    assert data["bounds"]["upper"] == 40


@pytest.mark.parametrize("arch", ["2,x,1", "2;3;1", ""])
def test_bad_architecture_string_is_usage_error(arch, capsys):
    with pytest.raises(SystemExit) as e:
        main(["bounds", arch])
    assert e.value.code == 2
    assert "comma-separated widths" in capsys.readouterr().err


def test_invalid_width_is_input_error(capsys):
    assert main(["bounds", "2,0,1"]) == 2
    assert "InputError" in capsys.readouterr().err


def test_info_missing_file(tmp_path, capsys):
    assert main(["info", str(tmp_path / "missing.npz")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("InputError") and "missing.npz" in err


def test_no_command_is_usage_error():
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


def test_console_entry_point_subprocess():
    r = subprocess.run([sys.executable, "-m", "tropgeom", "bounds", "2,16,16,1", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["architecture"] == [2, 16, 16, 1]
    # zhang2018: (1 + 16 + 120)^2
    assert {e["name"]: e["value"] for e in data["entries"]}["zhang2018"] == 137 ** 2


def test_regions_json_round_trips_and_missing_polytope(tmp_path, capsys):
    from tropgeom import RegionSet, regions
    path = _saved_net(tmp_path)
    out = tmp_path / "r.json"
    assert main(["regions", str(path), "--box", "-1", "1", "--json", str(out), "--threads", "1"]) == 0
    rs = RegionSet.from_json(out.read_text())
    assert rs == regions(Network.load(path), rs.domain, threads=1)
    assert f"{len(rs)} activation regions" in capsys.readouterr().out
    assert main(["regions", str(path), "--polytope", str(tmp_path / "missing.csv")]) == 2
    assert "InputError: no such file" in capsys.readouterr().err



def test_closed_pipe_is_quiet():
    import os
    import subprocess
    import sys
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first write, as with `| head` on long output
    p = subprocess.run([sys.executable, "-m", "tropgeom", "bounds", "2,16,16,1"], stdout=w, stderr=subprocess.PIPE,
                       text=True)
    os.close(w)
    assert p.returncode == 0 and p.stderr == ""
