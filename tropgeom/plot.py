"""Pictures of regions, tropical polynomials and activation polytopes (matplotlib, imported lazily).

Every function draws into ``ax`` (a new figure's axes when None) and returns the axes; save with
``ax.figure.savefig("x.png")`` (PNG, SVG, PDF).  Drawing is float64: polygons are the exact regions
clipped to a view box and rounded to doubles, which is what a picture needs.  The answers drawn (the
regions, their patterns and maps) are the exact ones.
"""
from __future__ import annotations

import hashlib
import io
from typing import List, Optional, Sequence

import numpy as np

from .errors import InputError

__all__ = ["plot_regions", "plot_slice", "polygons", "plot_tropical", "plot_activation", "pattern_color", "render"]


def _plt():
    try:
        import matplotlib.pyplot as plt  # picks Agg by itself on a machine without a screen
    except ImportError:
        raise InputError("tropgeom.plot needs matplotlib: pip install 'tropgeom[plot]'") from None
    return plt


def _axes(ax, dim: int = 2):
    if ax is not None:
        return ax
    plt = _plt()
    fig = plt.figure(figsize=(5, 5))
    return fig.add_subplot(projection="3d") if dim == 3 else fig.add_subplot()


def render(draw, fmt: str = "png", **kwargs) -> bytes:
    """The picture ``draw(ax=None, **kwargs)`` makes, as PNG or SVG bytes (for notebook reprs)."""
    ax = draw(ax=None, **kwargs)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format=fmt, bbox_inches="tight", dpi=90)
    _plt().close(ax.figure)
    return buf.getvalue()


def pattern_color(key: bytes):
    """A colour fixed by an activation pattern (its packed bytes): the same pattern always gets the
    same colour, in every picture and every run."""
    from colorsys import hsv_to_rgb
    h = hashlib.sha1(bytes(key)).digest()
    return hsv_to_rgb(h[0] / 255.0, 0.35 + 0.4 * h[1] / 255.0, 0.75 + 0.2 * h[2] / 255.0)


# --- regions ---------------------------------------------------------------------------------------
def _clip(poly: np.ndarray, a: np.ndarray, b: float) -> np.ndarray:
    """The part of convex polygon ``poly`` (k, 2) with a.x <= b (Sutherland-Hodgman, one halfplane)."""
    if len(poly) == 0:
        return poly
    s = poly @ a - b
    out = []
    for k in range(len(poly)):
        p, q, sp, sq = poly[k], poly[(k + 1) % len(poly)], s[k], s[(k + 1) % len(poly)]
        if sp <= 0:
            out.append(p)
        if (sp < 0 < sq) or (sq < 0 < sp):
            out.append(p + (q - p) * (sp / (sp - sq)))
    return np.array(out).reshape(-1, 2)


def _view(rs, view):
    if view is not None:
        v = np.asarray(view, dtype=np.float64)
        if v.shape != (2, 2) or not np.all(np.isfinite(v)) or np.any(v[:, 0] >= v[:, 1]):
            raise InputError(f"view must be ((xmin, xmax), (ymin, ymax)) with finite min < max; got {view!r}")
        return v
    dom = rs.domain
    if dom is not None and getattr(dom, "bounded", False):
        A, b = dom.halfspaces(2)
        poly = _square(np.array([[-1e6, 1e6], [-1e6, 1e6]]))
        for a_, b_ in zip(np.asarray(A, dtype=np.float64), np.asarray(b, dtype=np.float64)):
            poly = _clip(poly, a_, b_)
        if len(poly):
            return np.array([[poly[:, 0].min(), poly[:, 0].max()], [poly[:, 1].min(), poly[:, 1].max()]])
    P = np.asarray(_points(rs), dtype=np.float64)
    lo, hi = P.min(axis=0), P.max(axis=0)
    pad = np.maximum(0.25 * (hi - lo), 1.0)
    return np.stack([lo - pad, hi + pad], axis=1)


def _square(v: np.ndarray) -> np.ndarray:
    (x0, x1), (y0, y1) = v
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)


def _cells(rs):
    """The activation-region view of a RegionSet (a kind="linear" result keeps it in .activation)."""
    return getattr(rs, "activation", rs)


def _points(rs) -> np.ndarray:
    return _cells(rs).interior_points()


def _cell_polygons(rs, view) -> List[np.ndarray]:
    """Every activation region clipped to the view (from the columnar H-representations)."""
    A, b, offsets, _ = _cells(rs).halfspace_arrays()
    out = []
    for i in range(len(offsets) - 1):
        poly = _square(view)
        for k in range(offsets[i], offsets[i + 1]):
            poly = _clip(poly, A[k], b[k])
        out.append(poly)
    return out


def polygons(rs, view=None, *, as_shapely: bool = False):
    """The regions of a 2-input RegionSet as float64 polygons, counter-clockwise, clipped to ``view``
    (default: the domain's bounding box, or a box around the interior points).  One (k, 2) array per
    activation region; for kind="linear", one list of its cells' polygons per linear region.
    ``as_shapely=True``: shapely Polygons (a linear region as the union of its cells)."""
    if rs.net.input_dim != 2:
        raise InputError(f"polygons() draws 2-input nets; this one has {rs.net.input_dim} inputs")
    polys = _cell_polygons(rs, _view(rs, view))
    if rs.kind == "linear":
        groups = [[polys[j] for j in m] for m in rs.members]
    else:
        groups = None
    if as_shapely:
        try:
            from shapely.geometry import Polygon
            from shapely.ops import unary_union
        except ImportError:
            raise InputError("as_shapely=True needs shapely: pip install shapely") from None
        if groups is None:
            return [Polygon(p) for p in polys]
        return [unary_union([Polygon(p) for p in g if len(p) >= 3]) for g in groups]
    return polys if groups is None else groups


def _segment(poly: np.ndarray, g: np.ndarray, h: float):
    """Where the line g.x + h = 0 crosses the convex polygon: a (2, 2) segment, or None."""
    if len(poly) < 3 or not np.any(g):
        return None
    s = poly @ g + h
    pts = []
    for k in range(len(poly)):
        sp, sq = s[k], s[(k + 1) % len(poly)]
        if sp == 0:
            pts.append(poly[k])
        elif (sp < 0 < sq) or (sq < 0 < sp):
            pts.append(poly[k] + (poly[(k + 1) % len(poly)] - poly[k]) * (sp / (sp - sq)))
    if len(pts) < 2:
        return None
    pts = np.array(pts)
    d = pts @ np.array([-g[1], g[0]])
    return pts[[np.argmin(d), np.argmax(d)]]


def _decision(poly, J, c):
    """(class cells, boundary segments) of the argmax of J x + c on a polygon (one output: sign)."""
    if J.shape[0] == 1:
        J, c = np.vstack([J, -J]), np.concatenate([c, -c])  # class 0: f > 0, class 1: f <= 0 -> boundary f = 0
    k = J.shape[0]

    def below(p, i, skip):  # the part of p where f_i is at least every f_l, l not in skip
        for l in range(k):
            if l != i and l not in skip:
                p = _clip(p, J[l] - J[i], c[i] - c[l])
        return p

    cells = [below(poly, i, ()) for i in range(k)]
    segs = []
    for i in range(k):
        for j in range(i + 1, k):  # f_i = f_j crosses where both beat the others
            seg = _segment(below(below(poly, i, (j,)), j, (i,)), J[i] - J[j], c[i] - c[j])
            if seg is not None:
                segs.append(seg)
    return cells, segs


def plot_regions(rs, ax=None, *, color_by: str = "pattern", boundary: bool = True, data=None, view=None,
                 linewidth: float = 0.4):
    """Draw the regions of a 2-input net (a RegionSet, or a Network: its regions on ``view``).

    ``color_by``: "pattern" (a stable colour per activation pattern), "output" (one output: the value
    at each region's interior point; several outputs: the argmax class, split exactly along the
    region's affine maps) or "linear" (one colour per linear region, no edges inside it).
    ``boundary``: the decision boundary (one output: f = 0; several: where the argmax changes).
    ``data=(X, y)``: data points coloured by label.  1-input nets draw the graph of the function
    with its breakpoints instead.  Returns the axes.

    Parameters
    ----------
    rs : RegionSet or Network
        What to draw.
    ax : matplotlib Axes, optional
        Where to draw (default: a new figure).
    color_by : {"pattern", "output", "linear"}
        How faces are coloured.
    boundary : bool
        Draw the decision boundary.
    data : (X, y), optional
        Data points and their labels.
    view : ((xmin, xmax), (ymin, ymax)), optional
        The view box (unbounded regions are clipped to it).
    linewidth : float
        Width of the region edges.

    Returns
    -------
    matplotlib.axes.Axes
        The axes drawn on.
    """
    from .network import Network
    from .regions import Box, RegionSet, regions
    if not isinstance(rs, RegionSet):  # a net in any form Network.from_any reads
        rs = Network.from_any(rs)
        v = np.asarray(view if view is not None else ((-1.0, 1.0),) * rs.input_dim, dtype=np.float64)
        if v.ndim != 2 or v.shape[1] != 2 or len(v) != rs.input_dim:
            raise InputError(f"view must give (min, max) for each of the {rs.input_dim} inputs; got {view!r}")
        rs = regions(rs, Box(v[:, 0], v[:, 1]), kind="linear" if color_by == "linear" else "activation")
    if color_by not in ("pattern", "output", "linear"):
        raise InputError(f"color_by must be 'pattern', 'output' or 'linear'; got {color_by!r}")
    d = rs.net.input_dim
    if d == 1:
        return _plot_function(rs, ax, view)
    if d != 2:
        raise InputError(f"plot_regions draws 1- and 2-input nets; this one has {d} inputs "
                         "(take a 2-D slice first)")
    plt = _plt()
    from matplotlib.collections import LineCollection, PolyCollection
    ax = _axes(ax)
    v = _view(rs, view)
    cells = _cells(rs)
    polys = _cell_polygons(rs, v)
    keys = [bytes(r) for r in cells.packed_patterns]
    J, c = cells.affine_maps()
    maps = list(zip(J, c))
    faces, fill, edge = [], [], []
    if color_by == "linear":
        lin = [m for m in rs.members] if rs.kind == "linear" else [np.array([i]) for i in range(len(polys))]
        owner = np.empty(len(polys), dtype=np.int64)
        for r, m in enumerate(lin):
            owner[m] = r
        for i, p in enumerate(polys):
            col = pattern_color(keys[lin[owner[i]][0]])
            faces.append(p), fill.append(col), edge.append(col)
    elif color_by == "pattern":
        for i, p in enumerate(polys):
            faces.append(p), fill.append(pattern_color(keys[i])), edge.append("k")
    else:
        cmap = plt.get_cmap("tab10")
        out = maps[0][0].shape[0] if maps else 1
        if out == 1:
            vals = np.array([float(J[0] @ x + c[0]) for (J, c), x in zip(maps, _points(rs))])
            m = max(np.abs(vals).max(), 1e-300) if len(vals) else 1.0
            norm = plt.Normalize(-m, m)
            for p, val in zip(polys, vals):
                faces.append(p), fill.append(plt.get_cmap("coolwarm")(norm(val))), edge.append("k")
        else:
            for p, (J, c) in zip(polys, maps):
                for k, q in enumerate(_decision(p, J, c)[0]):
                    if len(q) >= 3:
                        faces.append(q), fill.append(cmap(k % 10)), edge.append("none")
            for p in polys:  # the region edges over the class colours
                faces.append(p), fill.append("none"), edge.append("k")
    ax.add_collection(PolyCollection(faces, facecolors=fill, edgecolors=edge, linewidths=linewidth))
    if color_by == "linear" and rs.kind == "linear":
        try:
            outlines = polygons(rs, v, as_shapely=True)
            for g in outlines:
                for geom in getattr(g, "geoms", [g]):
                    if hasattr(geom, "exterior"):
                        ax.plot(*geom.exterior.xy, color="k", lw=linewidth)
        except InputError:
            pass  # without shapely: no outlines of the unions
    if boundary:
        segs = []
        for p, (J, c) in zip(polys, maps):
            segs += _decision(p, J, c)[1]
        if segs:
            ax.add_collection(LineCollection(segs, colors="k", linewidths=2.0))
    if data is not None:
        X, y = data
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or X.shape[1] != 2 or len(y) != len(X):
            raise InputError(f"data must be (X, y) with X of shape (N, 2) and N labels; got {X.shape}, {y.shape}")
        classes = {v_: k for k, v_ in enumerate(np.unique(y))}
        ax.scatter(X[:, 0], X[:, 1], c=[plt.get_cmap("tab10")(classes[v_] % 10) for v_ in y],
                   edgecolors="k", s=18, zorder=3)
    ax.set_xlim(*v[0]), ax.set_ylim(*v[1])
    ax.set_aspect("equal")
    ax.set_title(f"{len(rs)} {rs.kind} regions")
    return ax


def _plot_function(rs, ax, view):
    ax = _axes(ax)
    cells = _cells(rs)
    Aall, ball, offsets, _ = cells.halfspace_arrays()
    Js, cs = cells.affine_maps()
    ends = []
    for i in range(len(offsets) - 1):
        A, b = Aall[offsets[i]:offsets[i + 1]], ball[offsets[i]:offsets[i + 1]]
        lo = max([bi / a[0] for a, bi in zip(A, b) if a[0] < 0], default=-np.inf)
        hi = min([bi / a[0] for a, bi in zip(A, b) if a[0] > 0], default=np.inf)
        ends.append((lo, hi))
    finite = [e for lh in ends for e in lh if np.isfinite(e)]
    if view is not None:
        x0, x1 = np.asarray(view, dtype=np.float64).reshape(-1)[:2]
    elif finite:
        pad = max(0.25 * (max(finite) - min(finite)), 1.0)
        x0, x1 = min(finite) - pad, max(finite) + pad
    else:
        x0, x1 = -1.0, 1.0
    for i, (lo, hi) in enumerate(ends):
        J, c = Js[i], cs[i]
        xs = np.array([max(lo, x0), min(hi, x1)])
        if xs[0] >= xs[1]:
            continue
        for k in range(J.shape[0]):
            ax.plot(xs, J[k, 0] * xs + c[k], color=f"C{k}", lw=1.5)
    for x in sorted({e for e in finite if x0 <= e <= x1}):
        ax.axvline(x, color="0.6", lw=0.6, ls=":")
    ax.set_xlim(x0, x1)
    ax.set_title(f"{len(rs)} {rs.kind} regions")
    return ax


# --- slices -----------------------------------------------------------------------------------------
def plot_slice(sl, ax=None, *, color_by: str = "pattern", boundary: bool = True, points=None, labels=None):
    """Draw a :class:`tropgeom.Slice` in plane coordinates.  ``color_by``: "pattern" (a stable colour
    per activation pattern, so frames of a training movie compare), "output" (the value at each
    face's centroid), "slope" (the gradient norm of the output), "class" (argmax class, split along
    the exact maps; one output: the sign of f - t) or "layer" (edges coloured by the layer that made
    them).  ``boundary``: the decision boundary over the faces.  ``points``: input-space points to
    mark (projected onto the plane's frame), coloured by ``labels``."""
    if color_by not in ("pattern", "output", "slope", "class", "layer"):
        raise InputError(f"color_by must be 'pattern', 'output', 'slope', 'class' or 'layer'; got {color_by!r}")
    plt = _plt()
    from matplotlib.collections import LineCollection, PolyCollection
    ax = _axes(ax)
    uv = sl.vertices()
    start, verts = sl.faces()
    polys = [uv[verts[start[f]:start[f + 1]]] for f in range(sl.num_faces)]
    maps = sl.maps()
    t = float(sl.threshold)
    fill, edge, faces = [], [], []
    if color_by == "pattern":
        for p, key in zip(polys, sl.packed_patterns):
            faces.append(p), fill.append(pattern_color(bytes(key))), edge.append("k")
    elif color_by in ("output", "slope"):
        if color_by == "output":
            vals = np.array([m[0, :2] @ p.mean(axis=0) + m[0, 2] for p, m in zip(polys, maps)])
            m_ = max(float(np.abs(vals - t).max()), 1e-300) if len(vals) else 1.0
            cmap, norm = plt.get_cmap("coolwarm"), plt.Normalize(t - m_, t + m_)
        else:
            vals = np.linalg.norm(maps[:, 0, :2], axis=1)
            cmap, norm = plt.get_cmap("viridis"), plt.Normalize(0, max(float(vals.max()), 1e-300))
        for p, v in zip(polys, vals):
            faces.append(p), fill.append(cmap(norm(v))), edge.append("k")
    elif color_by == "class":
        cmap = plt.get_cmap("tab10")
        for p, m in zip(polys, maps):
            J, c = m[:, :2], m[:, 2] - (t if m.shape[0] == 1 else 0.0)
            for k, q in enumerate(_decision(p, J, c)[0]):
                if len(q) >= 3:
                    faces.append(q), fill.append(cmap(k % 10)), edge.append("none")
        for p in polys:
            faces.append(p), fill.append("none"), edge.append("k")
    else:
        for p in polys:
            faces.append(p), fill.append("0.93"), edge.append("none")
    ax.add_collection(PolyCollection(faces, facecolors=fill, edgecolors=edge, linewidths=0.3))
    if color_by == "layer":
        pairs, _, neuron = sl.edges()
        net = sl.net
        offsets = np.cumsum([0] + [W.shape[0] for W, r in zip(net.weights, net.relu) if r])
        layer = np.where(neuron < 0, -1, np.searchsorted(offsets, neuron, side="right") - 1)
        cols = [("k" if l < 0 else f"C{l % 10}") for l in layer]
        ax.add_collection(LineCollection(uv[pairs], colors=cols, linewidths=0.6))
    if boundary and sl.boundary is not None:  # the exact boundary (f = t, or where the argmax changes)
        for line in sl.decision_boundary()["polylines"]:
            ax.plot(line[:, 0], line[:, 1], color="k", lw=2.0)
    if points is not None:
        X = np.asarray(points, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != sl.net.input_dim:
            raise InputError(f"points must be (N, {sl.net.input_dim}) input-space points; got shape {X.shape}")
        o, a, b = (np.array([float(v) for v in x]) for x in (sl.origin, sl.d1, sl.d2))
        G = np.array([[a @ a, a @ b], [a @ b, b @ b]])
        P = np.linalg.solve(G, np.stack([(X - o) @ a, (X - o) @ b]))  # least-squares plane coordinates
        y = np.zeros(len(X), dtype=int) if labels is None else np.asarray(labels)
        if len(y) != len(X):
            raise InputError(f"labels must have one entry per point ({len(X)}); got {len(y)}")
        classes = {v: k for k, v in enumerate(np.unique(y))}
        ax.scatter(P[0], P[1], c=[plt.get_cmap("tab10")(classes[v] % 10) for v in y], edgecolors="k", s=18, zorder=3)
    lo, hi = uv.min(axis=0), uv.max(axis=0)
    ax.set_xlim(lo[0], hi[0]), ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    ax.set_title(f"{sl.num_faces} faces")
    return ax


# --- tropical -------------------------------------------------------------------------------------
def plot_tropical(p, ax=None, *, what: str = "subdivision", view=None):
    """A tropical polynomial with d <= 2 exponents.  ``what``: "newton" (the lifted points and the
    upper hull: d = 1 in the plane, d = 2 in 3-D), "subdivision" (the regular subdivision of the
    exponents the coefficients induce) or "hypersurface" (where the maximum is attained twice: points
    for d = 1, a tropical curve for d = 2, rays drawn to the edge of ``view``).

    A 2-input net's map F ⊘ G (from tropicalize) with ``what="regions"``: its linear regions (one
    colour each) with the tropical curves of F (blue) and G (red) over them, in ``view``."""
    from .tropical import TropicalRational
    if isinstance(p, TropicalRational):
        return _plot_tropical_regions(p, ax, what, view)
    if p.dim > 2:
        raise InputError(f"plot_tropical draws d <= 2; this polynomial has d = {p.dim}")
    if what not in ("newton", "subdivision", "hypersurface"):
        raise InputError(f"what must be 'newton', 'subdivision' or 'hypersurface'; got {what!r}")
    E = np.asarray(p.exponents, dtype=np.float64)
    c = np.asarray(p.coefficients, dtype=np.float64)
    up = p.upper_vertices()
    if what == "hypersurface":
        return _plot_hypersurface(p, ax, view)
    if what == "newton" and p.dim == 2:
        ax = _axes(ax, 3)
        ax.scatter(E[:, 0], E[:, 1], c, color="0.5")
        for f in p.upper_hull():
            idx = [i for i in f.monomials if i in set(up)]
            Q = np.column_stack([E[idx], c[idx]])
            if len(Q) >= 3:
                ctr = Q[:, :2].mean(axis=0)
                Q = Q[np.argsort(np.arctan2(Q[:, 1] - ctr[1], Q[:, 0] - ctr[0]))]
                Q = np.vstack([Q, Q[:1]])
            ax.plot(Q[:, 0], Q[:, 1], Q[:, 2], color="C0")
        ax.set_title("lifted points and upper hull")
        return ax
    ax = _axes(ax)
    if p.dim == 1:
        y = c if what == "newton" else np.zeros_like(c)
        ax.scatter(E[:, 0], y, color="0.5", zorder=3)
        for f in p.upper_hull():
            idx = sorted(f.monomials, key=lambda i: E[i, 0])
            ax.plot(E[idx, 0], y[idx], color="C0", marker="|" if what == "subdivision" else None, ms=14)
        ax.set_title("lifted points and upper hull" if what == "newton" else "dual subdivision")
        return ax
    ax.scatter(E[:, 0], E[:, 1], color="0.5", zorder=3)
    upset = set(up)
    for cell in p.dual_subdivision():
        Q = E[[i for i in cell if i in upset]]
        if len(Q) >= 3:
            ctr = Q.mean(axis=0)
            Q = Q[np.argsort(np.arctan2(Q[:, 1] - ctr[1], Q[:, 0] - ctr[0]))]
        ax.fill(Q[:, 0], Q[:, 1], facecolor=pattern_color(repr(sorted(cell)).encode()), edgecolor="k", lw=0.8)
    ax.set_aspect("equal")
    ax.set_title("dual subdivision")
    return ax


def _plot_tropical_regions(m, ax, what, view):
    if what != "regions" or m.dim != 2:
        raise InputError(f"a TropicalRational is drawn with what='regions' for d = 2; got what={what!r}, d = {m.dim}")
    pieces = m.linear_regions()
    view = np.array([[-3.0, 3.0], [-3.0, 3.0]]) if view is None else np.asarray(view, dtype=np.float64)
    if m._source is None:  # a map without its net: its cells (tropical.MapCells), one colour per region
        from matplotlib.collections import PolyCollection
        ax = _axes(ax)
        faces, fill = [], []
        for r, group in enumerate(pieces.regions.polygons(view)):
            col = pattern_color(repr(pieces.pairs[r][0]).encode())
            faces += [q for q in group if len(q) >= 3]
            fill += [col] * sum(len(q) >= 3 for q in group)
        ax.add_collection(PolyCollection(faces, facecolors=fill, edgecolors=fill, linewidths=0.5))
        ax.set_xlim(*view[0]), ax.set_ylim(*view[1])
        ax.set_aspect("equal")
    else:
        ax = plot_regions(pieces.regions, ax, color_by="linear", boundary=False, view=view)
    _plot_hypersurface(m.numerator, ax, view, color="C0")
    _plot_hypersurface(m.denominator, ax, view, color="C3")
    ax.set_title(f"{pieces.count} linear regions; tropical curves of F (blue) and G (red)")
    return ax


def _plot_hypersurface(p, ax, view, color="C3"):
    ax = _axes(ax)
    pieces = p.hypersurface()
    if p.dim == 1:
        xs = np.asarray(pieces, dtype=np.float64)
        ax.scatter(xs, np.zeros_like(xs), color=color, zorder=3)
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_title("tropical hypersurface (breakpoints)")
        return ax
    pts = [np.asarray(q.point, dtype=np.float64) for q in pieces]
    pts += [np.asarray(q.end, dtype=np.float64) for q in pieces if q.end is not None]
    if view is None:
        P = np.array(pts) if pts else np.zeros((1, 2))
        lo, hi = P.min(axis=0), P.max(axis=0)
        pad = np.maximum(0.5 * (hi - lo), 1.0)
        view = np.stack([lo - pad, hi + pad], axis=1)
    v = np.asarray(view, dtype=np.float64)
    reach = 4 * float(np.abs(v).max() + 1)
    for q in pieces:
        x = np.asarray(q.point, dtype=np.float64)
        if q.kind == "segment":
            y = np.asarray(q.end, dtype=np.float64)
        else:
            u = np.asarray(q.direction, dtype=np.float64)
            u = u / np.linalg.norm(u)
            y = x + reach * u
            if q.kind == "line":
                x = x - reach * u
        ax.plot([x[0], y[0]], [x[1], y[1]], color=color, lw=1.5)
    ax.set_xlim(*v[0]), ax.set_ylim(*v[1])
    ax.set_aspect("equal")
    ax.set_title("tropical curve")
    return ax


# --- activation polytopes ---------------------------------------------------------------------------
def plot_activation(ap, ax=None, *, coordinates: Optional[Sequence[int]] = None):
    """The vertex graph of an activation polytope, projected to the plane: onto two of its
    coordinates (``coordinates=(i, j)``), or by default onto its two principal directions.  Vertices
    are coloured by how many data points they label +1."""
    verts = ap.vertices(exact=False)
    V = np.asarray(verts[1] if isinstance(verts, tuple) else verts, dtype=np.float64)
    if coordinates is not None:
        P = V[:, list(coordinates)]
        if P.shape[1] != 2:
            raise InputError(f"coordinates must name two coordinates; got {coordinates!r}")
    else:
        Z = V - V.mean(axis=0)
        _, _, vt = np.linalg.svd(Z, full_matrices=False)
        P = Z @ vt[:2].T if vt.shape[0] >= 2 else np.column_stack([Z @ vt[:1].T, np.zeros(len(Z))])
    plt = _plt()
    from matplotlib.collections import LineCollection
    ax = _axes(ax)
    E = np.asarray(ap.edges())
    if len(E):
        ax.add_collection(LineCollection(P[E[:, :2]], colors="0.4", linewidths=0.6))
    labels = np.asarray(ap.pattern_labels())
    ax.scatter(P[:, 0], P[:, 1], c=(labels > 0).sum(axis=1), cmap="viridis", zorder=3, s=20)
    ax.autoscale()
    ax.set_title(f"activation polytope: {len(P)} vertices, {len(E)} edges")
    return ax
