"""One square ReLU layer as a cone projection (Vallin-Larsson-Larson) against the exact forward
pass: A project(x) + b = relu(A x + b), idempotence, sectors = activation patterns, the normal form
h = c g_k(T x), the piece count 2^d - 2^(d-k) against the boundary engine, named degenerate cases."""
from __future__ import annotations

import pickle
from fractions import Fraction

import numpy as np
import pytest

import tropgeom as tg
from tropgeom.boundary import decision_boundary
from tropgeom.cone import OneLayer, one_layer


def square(d, k, seed, c=1.0, w=None):
    rng = np.random.default_rng(seed)
    A, b = rng.normal(size=(d, d)), rng.normal(size=d)
    if w is None:
        w = np.abs(rng.normal(size=d)) + 0.1
        w[:k] *= -1
    return tg.Network([(A, b), (np.asarray(w, dtype=float).reshape(1, d), np.array([c]))])


def rational_points(d, n, seed):
    rng = np.random.default_rng(seed)
    return np.array([[Fraction(int(v), 7) for v in row] for row in rng.integers(-40, 40, size=(n, d))], dtype=object)


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_projection_is_the_layer_exactly(d):
    net = square(d, 1, d)
    cone = one_layer(net)
    (A, b), _ = net.exact_layers
    X = rational_points(d, 30, d)
    P = cone.project(X, exact=True)
    for x, p in zip(X, P):
        y = A @ x + b
        assert list(A @ p + b) == [max(v, 0) for v in y]
    assert np.array_equal(cone.project(P, exact=True), P)               # idempotent
    S = cone.sector(X)
    assert np.array_equal(S, np.array([[v > 0 for v in A @ x + b] for x in X]))
    # the apex is where every zero set meets; x = apex + sum t_i v_i has pattern t > 0
    p, E = cone.apex(exact=True), cone.edges(exact=True)
    assert all(v == 0 for v in A @ p + b)
    t = np.array([Fraction(1) if i % 2 else Fraction(-2) for i in range(d)], dtype=object)
    assert cone.sector(p + t @ E).tolist() == [bool(i % 2) for i in range(d)]
    assert cone.project(p + t @ E, exact=True).tolist() == list(p + np.where(t > 0, t, 0) @ E)


def test_sector_is_the_activation_pattern():
    net = square(3, 2, 5)
    cone = one_layer(net)
    X = np.random.default_rng(0).normal(size=(200, 3))
    assert np.array_equal(cone.sector(X), net.activation_patterns(X).astype(bool))


@pytest.mark.parametrize("d,k", [(1, 1), (2, 1), (2, 2), (3, 0), (3, 1), (3, 3), (4, 2)])
def test_boundary_class_and_piece_count(d, k):
    net = square(d, k, 3 * d + k, c=-0.5 if k % 2 else 2.0)
    if k % 2:  # c < 0: k weights opposite to c means k positive weights
        (A, b), (W, c) = net.layers
        net = tg.Network([(A, b), (-W, c)])
    cone = one_layer(net)
    assert cone.boundary_class == k and cone.degenerate is None
    assert cone.expected_pieces == 2 ** d - 2 ** (d - k)
    assert len(decision_boundary(net)) == cone.expected_pieces
    # h(x) = c g_k(T x) exactly
    M, m = cone.normalizing_map(exact=True)
    X = rational_points(d, 20, k)
    h = net.forward(X, exact=True)[:, 0]
    assert all(hv == cone.output_bias * cone.normal_form(M @ x + m, exact=True) for hv, x in zip(h, X))


def test_degenerate_cases_are_named():
    net = square(3, 1, 0, w=[1.0, 0.0, -2.0])
    cone = one_layer(net)
    assert cone.degenerate == "zero output weights"
    with pytest.raises(tg.InputError, match="zero output weights"):
        cone.boundary_class
    net = square(2, 1, 0, c=0.0)
    cone = one_layer(net)
    assert cone.degenerate == "zero output bias"
    B = decision_boundary(net)
    assert len(B.zero_regions) == 1  # the sector where both neurons are off: h = 0 on an open set


def test_not_square_or_singular_is_an_input_error():
    with pytest.raises(tg.InputError, match="square"):
        one_layer(tg.Network([(np.ones((3, 2)), np.zeros(3)), (np.ones((1, 3)), np.zeros(1))]))
    with pytest.raises(tg.InputError, match="singular"):
        one_layer(tg.Network([(np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]))
    with pytest.raises(tg.InputError, match="one ReLU hidden layer"):
        one_layer(tg.Network([(np.eye(2), np.zeros(2)), (np.eye(2), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]))
    with pytest.raises(tg.InputError, match="layer 1 is a LeakyReLU"):  # the cone projection is ReLU's
        one_layer(tg.Network([(np.eye(2), np.ones(2)), (np.ones((1, 2)), np.ones(1))], negative_slopes=0.25))


def test_pickle_json_repr_float_views():
    cone = one_layer(square(3, 2, 1))
    assert pickle.loads(pickle.dumps(cone)) == cone and OneLayer.from_json(cone.to_json()) == cone
    assert "k=2" in repr(cone)
    assert cone.apex().dtype == np.float64
    assert np.array_equal(cone.apex(), np.array([float(v) for v in cone.apex(exact=True)]))
    with pytest.raises(tg.InputError):
        OneLayer.from_json("{}")
