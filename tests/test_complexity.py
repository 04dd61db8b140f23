"""Local complexity against oracles: the closed form at layer 1 (and its equality case), the paper's
measure as a lower bound on the exact neuron count, the exact regions against the 2-D slice engine."""
from __future__ import annotations

import json
import time
from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.complexity import local_complexity, log_local_complexity
from tropgeom.slice2d import Polygon2D, slice2d

import nets


def test_layer_one_is_the_closed_form():
    net = nets.deep_random(4, [12, 6], 1)
    X = np.random.default_rng(0).normal(size=(40, 4)) * 0.5
    V = np.eye(4)[:3]
    r = 0.25
    lc = local_complexity(net, X, r, directions=V)
    W, b = net.weights[0], net.biases[0]
    expected = (np.abs(X @ W.T + b) < r * np.abs(W @ V.T).max(axis=1)).sum(axis=1)
    assert np.array_equal(lc[:, 0], expected)


def test_equality_counts_as_a_zero_sign():
    # neuron x1 - 0.5 = 0; point x = (0.25, 0), r = 0.25, direction e1: the vertex x + r e1 is on it
    net = tg.Network([(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([-0.5, 5.0])), (np.ones((1, 2)), np.zeros(1))])
    x = np.array([[0.25, 0.0]])
    assert local_complexity(net, x, 0.25, directions=np.eye(2)[:1])[0, 0] == 1
    assert local_complexity(net, x, 0.25, directions=np.eye(2)[:1], method="neurons")[0, 0] == 1
    assert local_complexity(net, x, 0.125, directions=np.eye(2)[:1])[0, 0] == 0


@pytest.mark.parametrize("seed", range(3))
def test_paper_measure_is_a_lower_bound_per_layer(seed):
    net = nets.deep_random(3, [5, 5], seed)
    X = np.random.default_rng(seed).normal(size=(6, 3)) * 0.4
    paper = local_complexity(net, X, 0.4, directions=3, seed=seed)
    exact = local_complexity(net, X, 0.4, directions=3, seed=seed, method="neurons")
    assert np.array_equal(paper[:, 0], exact[:, 0])  # exact at layer 1
    assert np.all(paper <= exact)
    regions = local_complexity(net, X, 0.4, directions=3, seed=seed, method="regions")
    assert np.all(regions >= 1 + exact[:, 0])


def test_regions_equal_the_slice_engine_in_two_dimensions():
    net = nets.deep_random(2, [8, 8], 4)
    V = np.array([[1.0, 0.0], [0.0, 1.0]])
    r = 0.5
    for x in np.random.default_rng(2).normal(size=(4, 2)) * 0.5:
        n = local_complexity(net, x[None], r, directions=V, method="regions")[0]
        s = slice2d(net, plane=(x, r * V[0], r * V[1]), domain=Polygon2D([[1, 0], [0, 1], [-1, 0], [0, -1]]))
        assert n == s.num_faces


def test_log_writes_json_lines(tmp_path):
    net = nets.deep_random(3, [4], 0)
    X = np.zeros((3, 3))
    path = tmp_path / "lc.jsonl"
    for epoch in range(2):
        log_local_complexity(net, X, 0.1, path, epoch=epoch)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [r["epoch"] for r in rows] == [0, 1] and len(rows[0]["per_layer"]) == 2


def test_bad_arguments():
    net = nets.deep_random(3, [4], 0)
    with pytest.raises(tg.InputError, match="r must"):
        local_complexity(net, np.zeros((1, 3)), -1.0)
    with pytest.raises(tg.InputError, match="directions"):
        local_complexity(net, np.zeros((1, 3)), 0.1, directions=4)
    with pytest.raises(tg.InputError, match="row 1"):
        local_complexity(net, np.zeros((1, 3)), 0.1, directions=np.array([[1.0, 0, 0], [0, 0, 0]]))
    with pytest.raises(tg.InputError, match="method"):
        local_complexity(net, np.zeros((1, 3)), 0.1, method="exact")


def test_mnist_sized_batch_is_fast_and_matches_the_direct_pass():
    rng = np.random.default_rng(0)
    net = tg.Network([(rng.normal(size=(32, 784)) / 28, rng.normal(size=32) * 0.1),
                      (rng.normal(size=(10, 32)) / 6, np.zeros(10))])
    X = rng.random((10000, 784))
    t = time.monotonic()
    lc = local_complexity(net, X, 0.02, directions=8)
    assert time.monotonic() - t < 20 and lc.shape == (10000, 2)
    V = tropgeom_directions(784, 8)
    for i in range(0, 10000, 997):  # the paper's measure, point by point, at the 2P vertices
        H = np.concatenate([X[i] + 0.02 * V, X[i] - 0.02 * V])
        want = []
        for W, b, relu in zip(net.weights, net.biases, net.relu):
            Z = H @ W.T + b
            S = np.sign(Z)
            want.append(int((S != S[:1]).any(axis=0).sum()))
            H = np.maximum(Z, 0) if relu else Z
        assert lc[i].tolist() == want


def tropgeom_directions(d, P, seed=0):
    from tropgeom.complexity import _directions
    return _directions(P, d, seed)


def test_log_over_torch_training_epochs(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    X = torch.randn(64, 2)
    y = (X[:, :1] * X[:, 1:] > 0).float()
    path = tmp_path / "lc.jsonl"
    rows = []
    for epoch in range(3):
        opt.zero_grad()
        torch.nn.functional.binary_cross_entropy_with_logits(model(X), y).backward()
        opt.step()
        rows.append(log_local_complexity(model, X.numpy().astype(np.float64), 0.1, path, epoch=epoch))
    back = [json.loads(line) for line in path.read_text().splitlines()]
    assert back == rows and [r["epoch"] for r in back] == [0, 1, 2]
    net = tg.Network.from_torch(model)  # the last row is the trained model's measure
    lc = local_complexity(net, X.numpy().astype(np.float64), 0.1)
    assert back[-1]["per_layer"] == lc.mean(axis=0).tolist()


def test_cli_complexity(tmp_path, capsys):
    from tropgeom.cli import main
    net = nets.deep_random(3, [4], 0)
    X = np.random.default_rng(1).normal(size=(5, 3))
    net.save(tmp_path / "net.npz")
    np.save(tmp_path / "X.npy", X)
    assert main(["complexity", str(tmp_path / "net.npz"), str(tmp_path / "X.npy"), "--r", "0.3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["result"]["values"] == local_complexity(net, X, 0.3).tolist() and doc["command"] == "complexity"
