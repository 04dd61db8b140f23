"""High-dimensional box cells (the MNIST path: n1 < d, the float LP in y = W1 x, witnesses checked by
box::below): counts and patterns equal to the box given as its 2d rows, on random d-n1-n2-k nets and
on degenerate ones (dead and zero neurons, duplicate rows, a row scaled by 1e300)."""
import numpy as np
import pytest

import tropgeom as tg
from tropgeom import _core, _seam


def _run(net, box, as_bounds):
    d = net.input_dim
    args = _seam.domain_args(box, d)
    if not as_bounds:
        A, b = box.halfspaces(d)
        return _core.enumerate_regions(net.core, threads=1, box_as_bounds=False, keep_geometry=True,
                                       A=A, b=b, lo=args["lo"], hi=args["hi"])
    return _core.enumerate_regions(net.core, threads=1, keep_geometry=True, **args)


def _mnist_like(d, n1, n2, seed, edit=None):
    rng = np.random.default_rng(seed)
    dims = [d, n1, n2, 3]
    layers = [[rng.normal(0, np.sqrt(2 / a), (b, a)), rng.normal(0, 0.1, b)] for a, b in zip(dims, dims[1:])]
    if edit:
        edit(layers)
    return tg.Network([(W, b) for W, b in layers])


def _dead(L):      # a zero first-layer row with a negative bias, one with a positive bias
    L[0][0][0] = 0.0
    L[0][1][0] = -0.5
    L[0][0][1] = 0.0
    L[0][1][1] = 0.5


def _duplicate(L):  # neuron 1 repeats neuron 0; neuron 2 is twice neuron 0
    L[0][0][1], L[0][1][1] = L[0][0][0], L[0][1][0]
    L[0][0][2], L[0][1][2] = 2 * L[0][0][0], 2 * L[0][1][0]


def _huge(L):       # a first-layer neuron scaled by 1e300, the next layer's weight by 1e-300
    L[0][0][0] *= 1e300
    L[0][1][0] *= 1e300
    L[1][0][:, 0] *= 1e-300


@pytest.mark.parametrize("d,n1,n2,seed,edit", [
    (40, 4, 3, 1, None), (60, 5, 3, 2, None), (24, 3, 4, 3, None),
    (30, 4, 3, 4, _dead), (30, 4, 3, 5, _duplicate), (30, 4, 3, 6, _huge),
])
def test_factored_box_cells_equal_box_as_rows(d, n1, n2, seed, edit):
    net, box = _mnist_like(d, n1, n2, seed, edit), tg.Box(0.0, 1.0)
    fast, slow = _run(net, box, True), _run(net, box, False)
    assert fast.count == slow.count > 1
    assert np.array_equal(fast.patterns(), slow.patterns())
    # Every region's point has its pattern (exact forward pass): the witnesses are inside their cells.
    signs = net.exact_signs(fast.points(True)).reshape(fast.stored, -1)
    assert np.array_equal(signs > 0, fast.patterns().astype(bool)) and (signs != 0).all()


def test_huge_row_counts_as_the_unscaled_net():
    # Scaling a neuron by 1e300 (and its outgoing weights by 1e-300) moves no hyperplane.
    plain, huge = _mnist_like(50, 5, 3, 7), _mnist_like(50, 5, 3, 7, _huge)
    box = tg.Box(0.0, 1.0)
    a, b = _run(plain, box, True), _run(huge, box, True)
    assert a.count == b.count > 1
    assert np.array_equal(a.patterns(), b.patterns())


def _tiny(L):       # a first-layer neuron scaled by 2^-1000, the next layer's weight by 2^1000
    L[0][0][0] *= 2.0 ** -1000
    L[0][1][0] *= 2.0 ** -1000
    L[1][0][:, 0] *= 2.0 ** 1000


def _second(L):     # a zero second-layer neuron, and one repeating another with twice its weights
    L[1][0][0] = 0.0
    L[1][1][0] = 0.25
    L[1][0][2], L[1][1][2] = 2 * L[1][0][1], 2 * L[1][1][1]


@pytest.mark.parametrize("d,n1,n2,seed,edit", [
    (60, 6, 5, 8, None), (30, 4, 3, 9, _tiny), (40, 5, 4, 10, _second), (70, 6, 4, 12, None),
])
def test_outer_lp_cells_equal_box_as_rows(d, n1, n2, seed, edit):
    # Deeper cells than above (more cuts than first-layer neurons), where the LP in y over the
    # zonotope's bounding box and its witnesses mapped back to x decide most neurons: the same
    # regions as the box given as rows, and every witness inside its cell.
    test_factored_box_cells_equal_box_as_rows(d, n1, n2, seed, edit)


def test_outer_lp_on_uneven_box():
    # Bounds other than [0, 1] (the zonotope's bounding box and the affine-scaling steps use them).
    rng = np.random.default_rng(13)
    lo = rng.uniform(-2.0, 0.0, 40)
    net, box = _mnist_like(40, 5, 4, 13), tg.Box(lo, lo + rng.uniform(0.5, 3.0, 40))
    fast, slow = _run(net, box, True), _run(net, box, False)
    assert fast.count == slow.count > 1
    assert np.array_equal(fast.patterns(), slow.patterns())


@pytest.mark.parametrize("n1,n2,seed,count", [(6, 8, 21, 2605), (8, 6, 22, 6510)])
def test_mnist_shapes_count_as_stored(n1, n2, seed, count):
    # d = 784 counts stored from a0c8714 (before the LP in y): the same count on the box as bounds.
    net = _mnist_like(784, n1, n2, seed)
    assert tg.count_regions(net, tg.Box(0.0, 1.0), threads=1, progress=False) == count
