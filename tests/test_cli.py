"""The tropgeom command line: one language for every command (the --json envelope, exit codes 0 / 2 / 3,
one-line errors, per-coordinate boxes, quiet closed pipes), checked against the Python API."""
import json
import os
import re
import signal
import subprocess
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

import nets
from tropgeom import Box, Network, RegionSet, regions
from tropgeom.cli import main

ROOT = Path(__file__).resolve().parents[1]
ENVELOPE = {"schema_version", "command", "inputs", "result", "stats", "complete"}


def envelope(capsys) -> dict:
    """stdout must be exactly one JSON envelope (the human text is left out)."""
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == ENVELOPE and doc["schema_version"] == 1
    return doc


def _saved_net(tmp_path):
    rng = np.random.default_rng(0)
    net = Network([(rng.normal(size=(3, 2)), rng.normal(size=3)), (rng.normal(size=(3, 3)), rng.normal(size=3)),
                   (rng.normal(size=(1, 3)), rng.normal(size=1))])
    path = tmp_path / "net.npz"
    net.save(path)
    return path


# --- bounds and info ---------------------------------------------------------------------------------

def test_bounds_table(capsys):
    assert main(["bounds", "2,3,3,1"]) == 0
    out = capsys.readouterr().out
    assert "(2, 3, 3, 1)" in out
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines()[2:]}
    assert lines["serra2018"][2] == "40"          # Serra et al.: sum over J of C(3,j1) C(3,j2)
    assert lines["zhang2018"][2] == "49"          # (1 + 3 + 3)^2


def test_bounds_json(capsys):
    assert main(["bounds", "2,3,3,1", "--json"]) == 0
    doc = envelope(capsys)
    assert doc["command"] == "bounds" and doc["inputs"] == {"architecture": [2, 3, 3, 1]} and doc["complete"]
    data = doc["result"]
    assert data["architecture"] == [2, 3, 3, 1]
    entries = {e["name"]: e for e in data["entries"]}
    assert entries["serra2018"]["value"] == 40
    assert entries["zhang2018"]["value"] == 49
    assert data["upper"] == 40


def test_bounds_one_hidden_layer_is_zaslavsky(capsys):
    # 5 lines in general position cut the plane into 1 + 5 + 10 = 16 regions
    assert main(["bounds", "2,5,1", "--json"]) == 0
    assert envelope(capsys)["result"]["upper"] == 16


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
    data = envelope(capsys)["result"]
    assert data["architecture"] == [2, 3, 3, 1]
    assert data["hidden_neurons"] == 6 and data["parameters"] == 25
    assert data["relu"] == [True, True, False]
    assert data["bounds"]["upper"] == 40


def test_regions_of_an_onnx_file(tmp_path, capsys):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(1)
    W1, b1, W2, b2 = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(1, 4)), rng.normal(size=1)
    inits = [numpy_helper.from_array(a, n) for a, n in ((W1, "W1"), (b1, "b1"), (W2, "W2"), (b2, "b2"))]
    nodes = [helper.make_node("Gemm", ["x", "W1", "b1"], ["h"], transB=1), helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Gemm", ["r", "W2", "b2"], ["y"], transB=1)]
    graph = helper.make_graph(nodes, "mlp", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [1, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [1, 1])], inits)
    onnx.save(helper.make_model(graph), str(tmp_path / "m.onnx"))
    assert main(["regions", str(tmp_path / "m.onnx"), "--json"]) == 0
    assert envelope(capsys)["result"]["count"] == nets.zaslavsky(2, 4) == 11   # 4 generic lines in R^2


# --- one envelope for every command --------------------------------------------------------------------

@pytest.fixture
def files(tmp_path):
    _saved_net(tmp_path)
    (tmp_path / "X.csv").write_text("0\n1\n2\n3\n")
    (tmp_path / "y.csv").write_text("1\n-1\n1\n-1\n")
    return tmp_path


COMMANDS = {
    "bounds": ["bounds", "2,3,1"],
    "info": ["info", "{d}/net.npz"],
    "regions": ["regions", "{d}/net.npz", "--box", "-1", "1", "--threads", "1"],
    "tropical": ["tropical", "{d}/net.npz"],
    "slice": ["slice", "{d}/net.npz", "--box", "-1", "1", "--threads", "1"],
    "dichotomies": ["dichotomies", "{d}/X.csv", "--labels", "{d}/y.csv"],
    "demo": ["demo"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_the_envelope(command, files, capsys):
    argv = [a.format(d=files) for a in COMMANDS[command]]
    assert main(argv + ["--json"]) == 0
    doc = envelope(capsys)
    assert doc["command"] == command and doc["complete"] is True
    assert all(isinstance(doc[k], dict) for k in ("inputs", "result", "stats"))
    if command == "demo":   # the bundled example's counts (also printed by `make demo`)
        assert [r["activation_regions"] for r in doc["result"]["domains"]] == [483, 553]


@pytest.mark.parametrize("command", ["bounds", "regions", "slice"])
def test_json_file_holds_the_same_envelope(command, files, capsys):
    argv = [a.format(d=files) for a in COMMANDS[command]]
    assert main(argv + ["--json"]) == 0
    doc = envelope(capsys)
    out = files / "out.json"
    assert main(argv + ["--json", str(out)]) == 0
    assert capsys.readouterr().out.strip()                 # the human text still goes to stdout
    again = json.loads(out.read_text())
    assert set(again) == ENVELOPE and again["result"] == doc["result"] and again["inputs"] == doc["inputs"]


def test_envelope_results_are_the_api_answers(files, capsys):
    net = Network.load(files / "net.npz")
    assert main(["regions", str(files / "net.npz"), "--linear", "--json"]) == 0
    doc = envelope(capsys)
    rs = RegionSet.from_json(json.dumps(doc["result"]))
    assert rs == regions(net, kind="linear") and doc["stats"]["lps"] == rs.stats["lps"]
    assert doc["inputs"]["linear"] is True and doc["inputs"]["network"] == str(files / "net.npz")
    assert main(["dichotomies", str(files / "X.csv"), "--f-vector", "--labels", str(files / "y.csv"), "--json"]) == 0
    doc = envelope(capsys)["result"]
    # 4 points on a line: 2 * 4 = 8 linear dichotomies, a segment's faces (8, 8, 1); 1010 has loss 1
    assert doc["num_vertices"] == 8 and doc["f_vector"] == [8, 8, 1]
    assert doc["loss"]["minimum"] == 1 and doc["loss"]["levels"]["1"] == 2


def test_json_file_before_the_positional_argument(files):
    assert main(["info", "--json=" + str(files / "i.json"), str(files / "net.npz")]) == 0
    assert json.loads((files / "i.json").read_text())["result"]["parameters"] == 25


# --- boxes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("box, lo, hi", [(["-1", "1"], -1.0, 1.0),
                                         (["-1,0", "1,2"], [-1.0, 0.0], [1.0, 2.0]),
                                         (["-0.5,-2", "3"], [-0.5, -2.0], 3.0)])
def test_box_per_coordinate(box, lo, hi, tmp_path, capsys):
    net = nets.one_layer(2, 12, 0)
    net.save(tmp_path / "n.npz")
    assert main(["regions", str(tmp_path / "n.npz"), "--box", *box, "--threads", "1", "--json"]) == 0
    rs = RegionSet.from_json(json.dumps(envelope(capsys)["result"]))
    assert rs.domain == Box(lo, hi) and rs == regions(net, Box(lo, hi), threads=1)
    # the volumes tile the box: the box the command used is exactly [lo, hi]
    assert sum(rs.volumes(exact=True)) == np.prod(np.broadcast_to(hi, 2) - np.broadcast_to(lo, 2))


def test_slice_box_per_coordinate(tmp_path, capsys):
    from tropgeom.slice2d import Box2D, slice2d
    net = nets.one_layer(2, 6, 0)
    net.save(tmp_path / "n.npz")
    assert main(["slice", str(tmp_path / "n.npz"), "--box", "-1,0", "1,3", "--json"]) == 0
    res = envelope(capsys)["result"]
    s = slice2d(net, domain=Box2D([-1, 0], [1, 3]))
    assert (res["num_faces"], res["num_vertices"], res["num_edges"]) == (s.num_faces, s.num_vertices, s.num_edges)


# --- partial results exit 3 ------------------------------------------------------------------------------

def test_regions_budget_exits_3_with_the_partial_result(files, capsys):
    assert main(["regions", str(files / "net.npz"), "--max-regions", "2", "--json"]) == 3
    doc = envelope(capsys)
    assert doc["complete"] is False and doc["result"]["stop_reason"] == "max_regions"
    assert doc["result"]["count"] == 2 and len(doc["result"]["regions"]) == 2


def test_slice_budget_exits_3_with_a_partial_slice(tmp_path, capsys):
    nets.deep_random(2, [128, 128, 128], 0).save(tmp_path / "big.npz")   # about a second
    assert main(["slice", str(tmp_path / "big.npz"), "--box", "-1", "1", "--max-seconds", "0.05", "--json"]) == 3
    doc = envelope(capsys)
    assert doc["complete"] is False and doc["result"]["complete"] is False
    assert doc["result"]["stop_reason"] == "max_seconds" and doc["result"]["num_faces"] == len(doc["result"]["faces"])


def test_tropical_and_dichotomies_budgets_exit_3(tmp_path, capsys):
    nets.deep_random(2, [8, 8, 8], 0).save(tmp_path / "n.npz")   # pruning takes ~0.1 s
    assert main(["tropical", str(tmp_path / "n.npz"), "--max-seconds", "0.001", "--json"]) == 3
    doc = envelope(capsys)
    assert doc["complete"] is False and doc["result"]["stop_reason"] == "max_seconds"
    np.savetxt(tmp_path / "X.csv", np.random.default_rng(0).normal(size=(12, 2)), delimiter=",")
    assert main(["dichotomies", str(tmp_path / "X.csv"), "--terms", "2,1", "--max-seconds", "0.001", "--json"]) == 3
    doc = envelope(capsys)
    assert doc["complete"] is False and doc["result"]["stop_reason"] == "max_seconds"


def test_ctrl_c_exits_3_with_a_valid_partial_result(tmp_path):
    nets.deep_random(3, [32, 32], 0).save(tmp_path / "n.npz")   # ~4 s on one thread
    out = tmp_path / "r.json"
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from tropgeom.cli import main; "
            f"print('started', flush=True); "
            f"sys.exit(main(['regions', {str(tmp_path / 'n.npz')!r}, '--threads', '1', '--json', {str(out)!r}]))")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        time.sleep(0.5)
        sent = time.monotonic()
        child.send_signal(signal.SIGINT)
        _, err = child.communicate(timeout=30)
        latency = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 3, err
    assert "Traceback" not in err and latency < 2.0
    doc = json.loads(out.read_text())
    assert doc["complete"] is False and doc["result"]["stop_reason"] == "interrupted"
    found = doc["result"]["regions"]
    assert 0 < doc["result"]["count"] == len(found) < 46522     # the whole count (measured)
    assert len({r["pattern"] for r in found}) == len(found)
    net = Network.load(tmp_path / "n.npz")
    some = found[:: max(1, len(found) // 40)]                # each point has its pattern, exactly
    signs = net.exact_signs(np.array([[Fraction(v) for v in r["point"]] for r in some], dtype=object))
    assert ["".join("1" if v > 0 else "0" for v in row) for row in signs] == [r["pattern"] for r in some]


# --- bad input: one line, exit 2 ---------------------------------------------------------------------------

def _bad_files(d):
    (d / "text.npz").write_text("not a zip file")
    np.savez(d / "w1only.npz", W1=np.ones((2, 2)))
    (d / "letters.csv").write_text("a,b\nc,d\n")
    np.save(d / "cube.npy", np.zeros((2, 2, 2)))
    np.save(d / "objects.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    (d / "ragged.csv").write_text("1,2,3\n4,5\n")
    (d / "y3.csv").write_text("1\n-1\n1\n")


BAD = [
    (["info", "{d}/missing.npz"], "no such file"),
    (["info", "{d}/text.npz"], "text.npz"),
    (["info", "{d}/w1only.npz"], "b1"),
    (["regions", "{d}/net.npz", "--box", "-1,0,0", "1,1,1"], "dimension"),
    (["regions", "{d}/net.npz", "--box", "-1,0", "1,2,3"], "different lengths"),
    (["regions", "{d}/net.npz", "--box", "1", "-1"], "empty"),
    (["regions", "{d}/net.npz", "--polytope", "{d}/letters.csv"], "letters.csv"),
    (["regions", "{d}/net.npz", "--polytope", "{d}/ragged.csv"], "ragged.csv"),
    (["regions", "{d}/net.npz", "--polytope", "{d}/w1only.npz"], "keys A and b"),
    (["regions", "{d}/net.npz", "--max-regions", "0"], "max_regions"),
    (["dichotomies", "{d}/letters.csv"], "letters.csv"),
    (["dichotomies", "{d}/cube.npy"], "2-D"),
    (["dichotomies", "{d}/objects.npy"], "objects.npy"),
    (["dichotomies", "{d}/X.csv", "--terms", "x"], "--terms"),
    (["dichotomies", "{d}/X.csv", "--labels", "{d}/y3.csv"], "labels"),
    (["regions", "{d}/net.npz", "--threads", "0"], "threads"),
    (["regions", "{d}/net.npz", "--max-seconds", "-1"], "max_seconds"),
    (["slice", "{d}/net.npz", "--through", "0,1,2", "--data", "{d}/objects.npy"], "objects.npy"),
    (["slice", "{d}/net.npz", "--box", "0,0,0", "1,1,1"], "2 values"),
    (["bounds", "2,3,1", "--json", "{d}/no/such/dir/out.json"], "cannot write"),
]


@pytest.mark.parametrize("argv, says", BAD, ids=[" ".join(a[:1] + a[2:]).replace("{d}/", "") for a, _ in BAD])
def test_bad_input_is_one_line_and_exit_2(argv, says, files, capsys):
    _bad_files(files)
    assert main([a.format(d=files) for a in argv]) == 2
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("InputError: ") and says in lines[0], cap.err
    assert cap.out == ""


@pytest.mark.parametrize("arch", ["2,x,1", "2;3;1", ""])
def test_bad_architecture_string_is_usage_error(arch, capsys):
    with pytest.raises(SystemExit) as e:
        main(["bounds", arch])
    assert e.value.code == 2
    assert "comma-separated widths" in capsys.readouterr().err


def test_bad_box_number_is_usage_error(capsys):
    with pytest.raises(SystemExit) as e:
        main(["regions", "net.npz", "--box", "-1,x", "1"])
    assert e.value.code == 2 and "comma-separated numbers" in capsys.readouterr().err


def test_invalid_width_is_input_error(capsys):
    assert main(["bounds", "2,0,1"]) == 2
    assert "InputError" in capsys.readouterr().err


def test_no_command_is_usage_error():
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


# --- the real process: entry point, no tracebacks, closed pipes --------------------------------------------

def test_console_entry_point_subprocess(tmp_path):
    r = subprocess.run([sys.executable, "-m", "tropgeom", "bounds", "2,16,16,1", "--json"],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)["result"]
    assert data["architecture"] == [2, 16, 16, 1]
    # zhang2018: (1 + 16 + 120)^2
    assert {e["name"]: e["value"] for e in data["entries"]}["zhang2018"] == 137 ** 2
    (tmp_path / "bad.npz").write_text("garbage")
    r = subprocess.run([sys.executable, "-m", "tropgeom", "regions", str(tmp_path / "bad.npz")],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2 and r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_closed_pipe_is_quiet():
    r, w = os.pipe()
    os.close(r)  # the reader is gone before the first write
    p = subprocess.run([sys.executable, "-m", "tropgeom", "bounds", "2,16,16,1"], stdout=w, stderr=subprocess.PIPE,
                       text=True, cwd=ROOT)
    os.close(w)
    assert p.returncode == 0 and p.stderr == ""


def test_head_of_long_json_is_quiet(tmp_path):
    """`tropgeom regions net.npz --json | head -n 1`: the reader leaves after one line of ~1 MB."""
    nets.deep_random(2, [16, 16], 0).save(tmp_path / "n.npz")
    p = subprocess.Popen([sys.executable, "-m", "tropgeom", "regions", str(tmp_path / "n.npz"), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert p.stdout.readline().strip() == b"{"
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(timeout=60) == 0 and err == b""
