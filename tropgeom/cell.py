"""Cells: resumable pieces of the exact region search (docs/scale-out.md).

The region search refines cells neuron by neuron, depth first.  A :class:`Cell` is the persistent
part of one node of that search tree: its position (the next layer and neuron to decide), the
pattern of the neurons decided so far, the neurons that cut it out, and an exact point strictly
inside.  The open cells of a stopped run are a cut of the tree: their subtrees are disjoint, so the
regions found before the stop plus the regions below each open cell are every region exactly once.
``count_regions(net, domain, cells=...)`` / ``regions(..., cells=...)`` finish them; resuming composes
the layer maps from the pattern prefix (no LP, no earlier decision redone).

A cell encodes to a few tens of bytes (:meth:`Cell.to_bytes`, versioned), pickles, and is checked
exactly against the network before the core resumes it.
"""
from __future__ import annotations

import base64
import json
from fractions import Fraction
from typing import List, Optional, Sequence, Tuple

import numpy as np

from . import _run, _seam
from .errors import BudgetExceeded, InputError

__all__ = ["Cell", "ActivationCell", "Frontier", "frontier"]

_VERSION = 1  # first byte of every encoding
_ACTIVATION = 0x41  # first byte of an ActivationCell's encoding (its version 1): never a Cell's


def _put(out: bytearray, n: int) -> None:
    """n >= 0 as a LEB128 varint."""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def _put_fraction(out: bytearray, q: Fraction) -> None:
    """q as a zigzag numerator and a denominator (a power of two in one byte)."""
    n, d = q.numerator, q.denominator
    _put(out, 2 * n if n >= 0 else -2 * n - 1)
    _put(out, 2 * (d.bit_length() - 1) if d & (d - 1) == 0 else 2 * d + 1)


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def uint(self) -> int:
        n = shift = 0
        while True:
            if self.at >= len(self.data):
                raise InputError("Cell bytes: truncated")
            b = self.data[self.at]
            self.at += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n

    def fraction(self) -> Fraction:
        z, dc = self.uint(), self.uint()
        num = z // 2 if z % 2 == 0 else -(z + 1) // 2
        den = (1 << (dc // 2)) if dc % 2 == 0 else dc // 2
        if den == 0:
            raise InputError("Cell bytes: a zero denominator")
        return Fraction(num, den)

    def end(self) -> None:
        if self.at != len(self.data):
            raise InputError("Cell bytes: trailing data")

    def take(self, k: int) -> bytes:
        if self.at + k > len(self.data):
            raise InputError("Cell bytes: truncated")
        self.at += k
        return self.data[self.at - k:self.at]


class Cell:
    """One open node of the region search (see the module docstring).

    ``layer``, ``neuron``: the next neuron to decide (0-based; ``layer == len(net.layers)``: a finished
    region not yet counted); ``pattern``: (decided,) bool, the states of the hidden neurons decided so
    far (layer order); ``cuts``: the neurons whose hyperplanes bound the cell; :meth:`point`: a point
    strictly inside.  Immutable; equal cells have equal :meth:`to_bytes`.


    Parameters
    ----------
    layer, neuron : int
        The next neuron to decide (0-based).
    pattern : sequence of bool
        The states of the hidden neurons decided so far, in layer order.
    cuts : sequence of int
        The neurons whose hyperplanes bound the cell.
    point : sequence of numbers
        A point strictly inside the cell (kept exactly).
    """

    __slots__ = ("layer", "neuron", "_pattern", "cuts", "_point", "_bytes")

    def __init__(self, layer: int, neuron: int, pattern, cuts: Sequence[int], point):
        self.layer = _seam.nonnegative_int(layer, "Cell layer")
        self.neuron = _seam.nonnegative_int(neuron, "Cell neuron")
        self._pattern = bytes(int(bool(v)) for v in np.asarray(pattern, dtype=bool).ravel())
        self.cuts = tuple(int(c) for c in cuts)
        if any(not 0 <= c < len(self._pattern) for c in self.cuts) or list(self.cuts) != sorted(set(self.cuts)):
            raise InputError("Cell cuts must be increasing indices of decided neurons")
        self._point = tuple(_seam.fractions(_seam.numbers_array(point, "Cell point")).ravel())
        self._bytes = None

    # --- views ------------------------------------------------------------------------------------
    @property
    def position(self) -> Tuple[int, int]:
        """(layer, neuron): the next neuron to decide."""
        return self.layer, self.neuron

    @property
    def depth(self) -> int:
        """The number of hidden neurons decided."""
        return len(self._pattern)

    @property
    def pattern(self) -> np.ndarray:
        """(depth,) bool: the decided neurons' states (True: active)."""
        return np.frombuffer(self._pattern, dtype=np.uint8).astype(bool)

    def point(self, exact: bool = False) -> np.ndarray:
        """A point strictly inside the cell: float64, or exact Fractions with exact=True."""
        p = np.array(self._point, dtype=object)
        return p if exact else _seam.floats(p)

    # --- the core's form ----------------------------------------------------------------------------
    def _core(self) -> tuple:
        return self.layer, self.neuron, self._pattern, list(self.cuts), list(self._point)

    @classmethod
    def _from_core(cls, t) -> "Cell":
        c = cls.__new__(cls)
        c.layer, c.neuron, c._pattern, c.cuts, c._point = int(t[0]), int(t[1]), bytes(t[2]), tuple(t[3]), tuple(t[4])
        c._bytes = None
        return c

    # --- encoding -------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """The compact versioned encoding: varints for the position and cuts (as gaps), the pattern
        packed 8 neurons a byte, each coordinate as a zigzag numerator and a denominator (a power of
        two in one byte).  Tens of bytes for small nets."""
        if self._bytes is None:
            out = bytearray([_VERSION])
            for n in (self.layer, self.neuron, len(self._pattern)):
                _put(out, n)
            out += np.packbits(np.frombuffer(self._pattern, dtype=np.uint8), bitorder="little").tobytes()
            _put(out, len(self.cuts))
            last = -1
            for c in self.cuts:
                _put(out, c - last - 1)
                last = c
            _put(out, len(self._point))
            for q in self._point:
                _put_fraction(out, q)
            self._bytes = bytes(out)
        return self._bytes

    @classmethod
    def from_bytes(cls, data) -> "Cell":
        """The inverse of to_bytes; bad or truncated bytes -> InputError."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InputError(f"Cell bytes: expected bytes; got {type(data).__name__}")
        data = bytes(data)
        if not data or data[0] != _VERSION:
            raise InputError(f"Cell bytes: unknown encoding version {data[:1]!r}")
        r = _Reader(data)
        r.at = 1
        layer, neuron, npat = r.uint(), r.uint(), r.uint()
        bits = np.unpackbits(np.frombuffer(r.take((npat + 7) // 8), dtype=np.uint8), bitorder="little")[:npat]
        cuts, last = [], -1
        for _ in range(r.uint()):
            last += r.uint() + 1
            cuts.append(last)
        point = [r.fraction() for _ in range(r.uint())]
        r.end()
        if any(c >= npat for c in cuts):
            raise InputError("Cell bytes: a cut names an undecided neuron")
        cell = cls._from_core((layer, neuron, bits.tobytes(), cuts, point))
        cell._bytes = data
        return cell

    def __reduce__(self):
        return (Cell.from_bytes, (self.to_bytes(),))

    def __eq__(self, other) -> bool:
        if not isinstance(other, Cell):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"Cell(layer={self.layer}, neuron={self.neuron}, depth={self.depth}, cuts={len(self.cuts)})"


class ActivationCell:
    """One open node of an activation-pattern search (tropgeom.activation): the choices of data points
    0..depth-1 and exact parameters realising them all.  A stop of ActivationPolytope.vertex_patterns
    / count_vertices / labelings (``kind`` "vertices": a term index per point), f_vector ("faces": a
    bitmask of tied maximal terms per point), edges ("edges": a vertex not yet scanned, its whole
    pattern and witness) or one_hidden_layer_patterns' labelings ("labelings": neuron bits | label << k
    per point; its neuron patterns are "vertices" cells of the m = n = 1 polytope) keeps its open
    nodes in BudgetExceeded.remaining; they are a cut of the search tree, so the same call with
    ``cells=e.remaining`` finds exactly the rest (the results below disjoint cells are disjoint).  The
    search checks a cell exactly before it resumes it (its parameters realise its choices; no LP).
    Immutable, pickles, encodes to tens of bytes (:meth:`to_bytes`, versioned).

    Parameters
    ----------
    kind : {"vertices", "faces", "edges", "labelings"}
        The search the cell belongs to.
    codes : sequence of int
        The choices of the first ``depth`` data points.
    witness : sequence of numbers
        Parameters realising them (theta_0..theta_{K-2} flattened, kept exactly).
    """

    KINDS = ("vertices", "faces", "edges", "labelings")
    __slots__ = ("kind", "codes", "_witness", "_bytes")

    def __init__(self, kind: str, codes: Sequence[int], witness):
        if kind not in self.KINDS:
            raise InputError(f"ActivationCell kind must be one of {self.KINDS}; got {kind!r}")
        self.kind = kind
        self.codes = tuple(_seam.nonnegative_int(c, "ActivationCell codes") for c in codes)
        self._witness = tuple(_seam.fractions(_seam.numbers_array(witness, "ActivationCell witness")).ravel())
        self._bytes = None

    @property
    def depth(self) -> int:
        """The number of data points decided."""
        return len(self.codes)

    def witness(self, exact: bool = False) -> np.ndarray:
        """Parameters realising the cell's choices: float64, or exact Fractions with exact=True."""
        w = np.array(self._witness, dtype=object)
        return w if exact else _seam.floats(w)

    def _core(self) -> tuple:
        return list(self.codes), list(self._witness)

    @classmethod
    def _from_core(cls, kind: str, t) -> "ActivationCell":
        c = cls.__new__(cls)
        c.kind, c.codes, c._witness, c._bytes = kind, tuple(int(v) for v in t[0]), tuple(t[1]), None
        return c

    def to_bytes(self) -> bytes:
        """Versioned: a marker byte, the kind, the codes and the witness as varints (as Cell)."""
        if self._bytes is None:
            out = bytearray([_ACTIVATION, self.KINDS.index(self.kind)])
            _put(out, len(self.codes))
            for c in self.codes:
                _put(out, c)
            _put(out, len(self._witness))
            for q in self._witness:
                _put_fraction(out, q)
            self._bytes = bytes(out)
        return self._bytes

    @classmethod
    def from_bytes(cls, data) -> "ActivationCell":
        """The inverse of to_bytes; bad or truncated bytes -> InputError."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise InputError(f"ActivationCell bytes: expected bytes; got {type(data).__name__}")
        data = bytes(data)
        if len(data) < 2 or data[0] != _ACTIVATION or data[1] >= len(cls.KINDS):
            raise InputError(f"ActivationCell bytes: unknown encoding {data[:2]!r}")
        r = _Reader(data)
        r.at = 2
        codes = [r.uint() for _ in range(r.uint())]
        witness = [r.fraction() for _ in range(r.uint())]
        r.end()
        cell = cls._from_core(cls.KINDS[data[1]], (codes, witness))
        cell._bytes = data
        return cell

    def __reduce__(self):
        return (ActivationCell.from_bytes, (self.to_bytes(),))

    def __eq__(self, other) -> bool:
        if not isinstance(other, ActivationCell):
            return NotImplemented
        return self.to_bytes() == other.to_bytes()

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return f"ActivationCell({self.kind!r}, depth={self.depth})"


class Frontier:
    """A cut of the region search: the open ``cells`` below it and the regions finished above it
    (``leaves``, an activation RegionSet).  Exploring every cell (count_regions(net, domain,
    cells=f.cells)) and adding ``len(f.leaves)`` gives the exact region count; the pattern sets are
    disjoint.


    Parameters
    ----------
    net : Network
        The network.
    domain : None, Box or Polytope
        The domain searched.
    cells : list of Cell
        The open cells below the cut.
    leaves : RegionSet
        The regions finished above it.
    position : int
        The number of hidden neurons the cells have decided.
    """

    def __init__(self, net, domain, cells: List[Cell], leaves, position: int):
        self.net, self.domain, self.cells, self.leaves, self.position = net, domain, list(cells), leaves, position

    @property
    def num_leaves(self) -> int:
        return len(self.leaves)

    def __len__(self) -> int:
        return len(self.cells)

    def __repr__(self) -> str:
        return f"Frontier({len(self.cells)} open cells, {self.num_leaves} regions above, position {self.position})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Frontier):
            return NotImplemented
        return (self.position == other.position and self.cells == other.cells and self.leaves == other.leaves)

    __hash__ = None

    def __reduce__(self):
        return (Frontier, (self.net, self.domain, self.cells, self.leaves, self.position))

    def to_json(self) -> str:
        """JSON (schema_version 1): position, the cells (base64 of to_bytes) and the leaves' RegionSet."""
        return json.dumps({"schema_version": _seam.SCHEMA_VERSION, "type": "Frontier", "position": self.position,
                           "cells": [base64.b64encode(c.to_bytes()).decode() for c in self.cells],
                           "leaves": json.loads(self.leaves.to_json())})

    @classmethod
    def from_json(cls, text) -> "Frontier":
        """The inverse of to_json; bad text -> InputError."""
        from .regions import RegionSet
        doc = _seam.json_doc(text, "Frontier", "Frontier")
        leaves = RegionSet.from_json(json.dumps(_seam.field(doc, "leaves", "Frontier")))
        try:
            cells = [Cell.from_bytes(base64.b64decode(s, validate=True)) for s in _seam.field(doc, "cells", "Frontier")]
        except (TypeError, ValueError) as e:
            raise InputError(f"Frontier: bad cells ({e})") from None
        position = _seam.field(doc, "position", "Frontier")
        if not isinstance(position, int):
            raise InputError("Frontier: position must be an integer")
        return cls(leaves.net, leaves.domain, cells, leaves, position)


def frontier(net, domain=None, *, min_cells: Optional[int] = None, position=None, max_seconds=None,
             threads: Optional[int] = None, progress=None) -> Frontier:
    """A cut of the exact region search of ``net`` on ``domain``: the open cells that have decided
    ``position`` hidden neurons (an int, or (layer, neuron) 0-based), plus the regions finished above.
    With ``min_cells`` instead, the first position (from 1 on) with at least that many open cells
    (or the end of the search: then every region is a leaf).  Default: min_cells=64.

    A stop (max_seconds, Ctrl-C) raises BudgetExceeded (partial: None; rerun the call).


    Parameters
    ----------
    net : Network or anything Network.from_any reads
        The network.
    domain : None, Box or Polytope, optional
        None: all of R^d.
    min_cells : int, optional
        Cut at the first position with at least this many open cells.
    position : int or (int, int), optional
        Cut after this many decided hidden neurons (or at (layer, neuron)).
    max_seconds : float, optional
        Budget (BudgetExceeded, reason "max_seconds").
    threads : int, optional
        Worker threads (None: the cores this process may use).
    progress : None, bool or callable, optional
        A bar, none, or a callable receiving the regions so far.

    Returns
    -------
    Frontier
        The open cells and the regions above them.
    """
    from .regions import RegionSet, _Store, _enumerate
    net = _seam.network(net)
    if position is not None and min_cells is not None:
        raise InputError("frontier: pass position or min_cells, not both")
    hidden = net.num_hidden_neurons
    if position is not None:
        positions = [_frontier_position(net, position)]
    else:
        want = _seam.positive_int(64 if min_cells is None else min_cells, "min_cells")
        positions = range(1, hidden + 1)
    seconds = _seam.positive_seconds(max_seconds)
    threads = _run.threads(threads)
    deadline = _run.Deadline(seconds)
    with _run.interruptible("frontier"):  # one core call per position, Python between them
        for p in positions:
            res = _enumerate(net, domain, keep_geometry=True, max_regions=None,
                             max_seconds=deadline.left(what="frontier"), threads=threads, progress=progress, stop_at=p)
            _run.stopped(res.complete, res.stop_reason, partial=None, what="frontier")
            cells = [Cell._from_core(t) for t in res.open_cells()]
            if position is not None or len(cells) >= want or p == hidden:
                leaves = RegionSet(_Store(net, domain, threads, res=res), "activation")
                return Frontier(net, domain, cells, leaves, p)
    raise InputError("frontier: the network has no hidden neurons")  # (positions was empty)


def _frontier_position(net, position) -> int:
    """position (an int, or (layer, neuron) 0-based) as the number of hidden neurons decided before it."""
    hidden = net.num_hidden_neurons
    if isinstance(position, tuple):
        if len(position) != 2:
            raise InputError(f"position: expected (layer, neuron); got {position!r}")
        layer, neuron = (_seam.nonnegative_int(v, "position") for v in position)
        sizes, relu = net.architecture[1:], net.relu
        if layer >= len(sizes) or not relu[layer] or neuron > sizes[layer]:
            raise InputError(f"position {position!r} is not a ReLU neuron of {net.architecture}")
        position = sum(n for n, r in zip(sizes[:layer], relu) if r) + neuron
    p = _seam.positive_int(position, "position")
    if p > hidden:
        raise InputError(f"position {p} is past the last hidden neuron ({hidden})")
    return p
