"""Pictures: rendered PNGs are non-blank and many-coloured, SVGs parse, and what is drawn agrees with
the exact answers (polygon areas with exact volumes, boundary segments with f = 0)."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg
import matplotlib.pyplot as plt

import tropgeom as tg
from tropgeom import plot
from tropgeom.tropical import tropicalize

import nets

BOX = tg.Box([-1.0, -1.0], [1.0, 1.0])


def png_stats(ax):
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=60)
    plt.close(ax.figure)
    img = mpimg.imread(io.BytesIO(buf.getvalue()))
    rgb = (img[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    colours = {tuple(c) for c in rgb[::7]}
    non_white = np.mean(np.any(rgb < 250, axis=1))
    return img.shape, len(colours), non_white


def area(p):
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


@pytest.mark.parametrize("color_by", ["pattern", "output", "linear"])
def test_regions_picture_renders_with_many_colours(color_by):
    net = nets.one_layer(2, 6, 0, out=3)
    rs = tg.regions(net, BOX, kind="linear" if color_by == "linear" else "activation")
    X = np.random.default_rng(0).uniform(-1, 1, (20, 2))
    shape, colours, ink = png_stats(plot.plot_regions(rs, color_by=color_by, data=(X, np.arange(20) % 3)))
    assert shape[0] > 100 and shape[1] > 100
    assert colours >= (8 if color_by != "output" else 3) and ink > 0.3


def test_polygons_are_the_exact_regions_rounded():
    net = nets.one_layer(2, 7, 4)
    rs = tg.regions(net, BOX)
    polys = plot.polygons(rs)
    assert len(polys) == len(rs)
    areas = [area(p) for p in polys]
    assert all(a > 0 for a in areas)  # counter-clockwise
    assert areas == pytest.approx(list(rs.volumes()), rel=1e-9, abs=1e-12)
    assert sum(areas) == pytest.approx(4.0)


def test_region_set_methods_draw():
    rs = tg.regions(nets.one_layer(2, 5, 2), BOX)
    assert [area(p) for p in rs.polygons()] == pytest.approx(list(rs.volumes()), rel=1e-9)
    img = mpimg.imread(io.BytesIO(rs._repr_png_()))
    assert img.shape[0] > 100
    assert tg.regions(nets.one_layer(3, 3, 0), tg.Box([-1.0] * 3, [1.0] * 3))._repr_png_() is None


def test_linear_polygons_union_their_cells():
    pytest.importorskip("shapely")
    net = nets.one_layer(2, 5, 1, out_weights=[[1.0, 0.0, -1.0, 0.0, 2.0]])  # two neurons do not change the map
    lin = tg.regions(net, BOX, kind="linear")
    shapes = plot.polygons(lin, as_shapely=True)
    assert len(shapes) == len(lin) < lin.num_activation_regions
    assert [s.area for s in shapes] == pytest.approx(list(lin.volumes()), rel=1e-9)


def test_boundary_segments_lie_on_the_zero_set():
    net = nets.one_layer(2, 5, 1)
    rs = tg.regions(net, BOX)
    ax = plot.plot_regions(rs, color_by="output")
    segs = np.concatenate([np.asarray(s) for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)
                           for s in c.get_segments()])
    plt.close(ax.figure)
    assert len(segs) > 0
    assert np.abs(net.forward(segs.reshape(-1, 2))).max() < 1e-9


def test_one_input_net_draws_its_graph():
    net = nets.one_layer(1, 4, 2)
    rs = tg.regions(net)
    ax = plot.plot_regions(rs)
    pieces = [l for l in ax.get_lines() if l.get_linestyle() == "-"]
    for l in pieces:  # every drawn piece is the network on that piece
        x, y = l.get_data()
        assert np.asarray(y) == pytest.approx(net.forward(np.asarray(x)[:, None])[:, 0], abs=1e-9)
    assert len(pieces) == len(rs)
    plt.close(ax.figure)


def test_network_is_drawn_on_its_view_and_svg_parses():
    net = nets.one_layer(2, 4, 3)
    svg = plot.render(lambda ax: plot.plot_regions(net, ax=ax, view=((-2, 2), (-1, 1))), fmt="svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")


@pytest.mark.parametrize("what", ["newton", "subdivision", "hypersurface"])
@pytest.mark.parametrize("d", [1, 2])
def test_tropical_pictures(what, d):
    p = tropicalize(nets.one_layer(d, 3, 3))[0].numerator
    shape, colours, ink = png_stats(plot.plot_tropical(p, what=what))
    assert colours >= 3 and ink > 0.01


def test_tropical_curve_segments_tie():
    p = tg.TropicalPolynomial([[0, 0], [1, 0], [0, 1], [1, 1]], [Fraction(0), Fraction(1, 2), Fraction(-1, 3), 0])
    ax = plot.plot_tropical(p, what="hypersurface", view=((-3, 3), (-3, 3)))
    for line in ax.get_lines():
        x, y = line.get_data()
        mid = np.array([(x[0] + x[1]) / 2, (y[0] + y[1]) / 2])
        vals = np.sort([float(c) + e @ mid for e, c in zip(np.asarray(p.exponents, float), np.asarray(p.coefficients, float))])
        assert vals[-1] - vals[-2] < 1e-9  # the maximum is attained twice on the curve
    plt.close(ax.figure)


def test_activation_polytope_graph():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    ap = tg.ActivationPolytope(X, 1, 1)
    ax = plot.plot_activation(ap)
    lines = [c for c in ax.collections if isinstance(c, matplotlib.collections.LineCollection)]
    assert len(lines[0].get_segments()) == len(ap.edges())
    plt.close(ax.figure)


def test_bad_requests_say_what_is_wrong():
    rs3 = tg.regions(nets.one_layer(3, 3, 0), tg.Box([-1.0] * 3, [1.0] * 3))
    with pytest.raises(tg.InputError, match="3 inputs"):
        plot.plot_regions(rs3)
    rs = tg.regions(nets.one_layer(2, 3, 0), BOX)
    with pytest.raises(tg.InputError, match="color_by"):
        plot.plot_regions(rs, color_by="rainbow")
    with pytest.raises(tg.InputError, match="view"):
        plot.plot_regions(rs, view=((1, 0), (0, 1)))
    with pytest.raises(tg.InputError, match="data"):
        plot.plot_regions(rs, data=(np.zeros((3, 3)), [0, 1, 2]))
