"""
tropgeom's exact core (CGAL). Use the Python API in tropgeom; this module is internal.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['ActivationResult', 'Network', 'Polyhedron', 'RegionResult', 'Slice2D', 'TropPoly', 'activation_dimension', 'activation_edges', 'activation_faces', 'activation_vertices', 'bounded_regions', 'enumerate_regions', 'glue_cells', 'linear_cells', 'linear_regions', 'one_hidden_layer', 'polytope_vertices', 'polytope_volume', 'rebuild_regions', 'slice2d', 'subdivision', 'tropical_pieces', 'tropicalize', 'tropicalize_expanded']
class Polyhedron:
    """
    Exact polyhedron {x : A x <= b, C x = d} (use tropgeom.lp.Polyhedron).
    """
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex, A: typing.Any, b: typing.Any, C: typing.Any, d: typing.Any) -> None:
        ...
    def irredundant(self, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list[int]:
        ...
    def is_facet(self, i: typing.SupportsInt | typing.SupportsIndex) -> bool:
        ...
    def is_redundant(self, i: typing.SupportsInt | typing.SupportsIndex) -> bool:
        ...
    def optimize(self, c: typing.Any, maximize: bool = True) -> tuple[str, typing.Any, typing.Any]:
        """
        (status, x, value): status is 'optimal', 'infeasible' or 'unbounded'.
        """
    def relative_interior(self) -> dict:
        """
        dimension, a relative-interior point, its l_inf radius (capped at 1), the implicit equalities.
        """
    @property
    def dim(self) -> int:
        ...
    @property
    def num_inequalities(self) -> int:
        ...
class Network:
    """
    Exact rational network (use tropgeom.Network).
    """
    def __init__(self, layers: list, relu: collections.abc.Sequence[bool], slopes: typing.Any = None) -> None:
        """
        slopes: one negative slope per layer (Fractions; 0 is ReLU), None: all 0.
        """
    def forward(self, X: typing.Any) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        """
        Exact outputs (object array of Fraction) of the rows of X.
        """
    def pre_activation_signs(self, X: typing.Any) -> numpy.typing.NDArray[numpy.int8]:
        """
        Exact signs (-1, 0, +1) of every hidden pre-activation, (N, hidden) int8.
        """
    @property
    def input_dim(self) -> int:
        ...
    @property
    def num_hidden_neurons(self) -> int:
        ...
    @property
    def output_dim(self) -> int:
        ...
class RegionResult:
    """
    Exact regions held by the core (use tropgeom.RegionSet).
    """
    def adjacency(self, reference: bool = False, only: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] | None = None, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.typing.NDArray[numpy.int64], bool, str]:
        """
        ((E, 2) int64 sorted pairs i < j of regions sharing a facet; complete; stop reason); reference: facets decided by exact LPs only (tests); only: the pairs among these regions alone.
        """
    def affine_maps(self, exact: bool, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], tuple]:
        """
        (J (R, out, d), c (R, out), status): the network is x -> J x + c.
        """
    def bounded(self, reference: bool = False, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.typing.NDArray[numpy.bool], tuple]:
        """
        (bounded per region, status), exact; reference: by the exact LP only (tests).
        """
    def cuts(self) -> tuple[numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64]]:
        """
        (flat cutting neurons, offsets): what rebuild() needs to restore the geometry.
        """
    def halfspace_arrays(self, exact: bool, reference: bool = False, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64], tuple]:
        """
        (A, b, offsets, neuron, (done, complete, reason)): region i is rows offsets[i]:offsets[i+1]; reference: every row decided by exact LPs (tests).
        """
    def halfspaces(self, i: typing.SupportsInt | typing.SupportsIndex, irredundant: bool = True, exact: bool = True, reference: bool = False, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.typing.NDArray[numpy.int64]]:
        """
        (A, b, neuron): region i is {x : A x <= b}; neuron[k] made row k (-1: the domain); threads: the workers that fill the facets of the regions after i when i is one of a scan.
        """
    def map_ids(self, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.typing.NDArray[numpy.int64], tuple]:
        """
        (ids, status): regions with equal exact affine maps share an id.
        """
    def open_cells(self) -> list:
        """
        The cells a stop left undone, as (layer, neuron, pattern, cuts, point) tuples.
        """
    def patterns(self) -> numpy.typing.NDArray[numpy.uint8]:
        """
        (regions, hidden) uint8: 1 where the neuron is active.
        """
    def points(self, exact: bool, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
    def volumes(self, exact: bool, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], tuple]:
        """
        (exact volume per region of a bounded domain, status).
        """
    @property
    def complete(self) -> bool:
        ...
    @property
    def count(self) -> int:
        ...
    @property
    def stats(self) -> dict:
        ...
    @property
    def stop_reason(self) -> str:
        ...
    @property
    def stored(self) -> int:
        ...
class Slice2D:
    """
    An exact 2-D slice held by the core (use tropgeom.Slice).
    """
    def exact_area(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> typing.Any:
        ...
    def exact_map(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
    def exact_vertices(self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
    def faces(self) -> tuple[numpy.typing.NDArray[numpy.uint32], numpy.typing.NDArray[numpy.uint32], numpy.typing.NDArray[numpy.int32]]:
        """
        (start, vertices, edge_neuron): CSR faces, ccw; edge i made by hidden neuron edge_neuron[i] (-1: domain)
        """
    def maps(self) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
        """
        ((F, outputs, 3) float64 output maps a u + b v + c, (F, outputs, 3) error bounds)
        """
    def packed_patterns(self) -> numpy.typing.NDArray[numpy.uint8]:
        """
        (F, ceil(hidden / 8)) uint8: bit j little-endian set where hidden neuron j is active
        """
    def vertices(self) -> tuple[numpy.typing.NDArray[numpy.float64], numpy.typing.NDArray[numpy.float64]]:
        """
        ((V, 2) float64 positions, (V,) error bounds)
        """
    @property
    def complete(self) -> bool:
        ...
    @property
    def exact_decisions(self) -> int:
        ...
    @property
    def hidden(self) -> int:
        ...
    @property
    def num_faces(self) -> int:
        ...
    @property
    def stop_reason(self) -> str:
        ...
class TropPoly:
    """
    Exact max-plus polynomial, canonical (use tropgeom.TropicalPolynomial).
    """
    def __init__(self, d: typing.SupportsInt | typing.SupportsIndex, exponents: typing.Any, coefficients: typing.Any) -> None:
        ...
    def __len__(self) -> int:
        ...
    def evaluate(self, X: typing.Any, exact: bool = False) -> typing.Any:
        """
        max_i (c_i + E_i . x) at the rows of X, exact (Fraction) or float64.
        """
    def hull_vertices(self, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list[int]:
        """
        Indices of the vertices of conv(exponent rows), sorted (exact).
        """
    def lifted(self) -> TropPoly:
        """
        The lifted points (E_i, c_i) as the exponents of a polynomial with zero coefficients.
        """
    def power(self, arg0: typing.Any) -> TropPoly:
        ...
    def product(self, arg0: TropPoly) -> TropPoly:
        ...
    def prune(self, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[TropPoly, str]:
        """
        (the pruned polynomial, '') or, at a stop, (the same function partly pruned, the reason).
        """
    def shift(self, arg0: typing.Any) -> TropPoly:
        ...
    def sum(self, arg0: TropPoly) -> TropPoly:
        ...
    def upper_vertices(self, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list[int]:
        """
        Indices of the upper-hull vertices (the monomials prune() keeps), sorted (exact).
        """
    @property
    def coefficients(self) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
    @property
    def d(self) -> int:
        ...
    @property
    def exponents(self) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
class ActivationResult:
    """
    Leaves of an activation search (use tropgeom.activation).
    """
    def open_cells(self) -> list:
        """
        The nodes a stop left undone, as (codes, witness Fractions) tuples (tropgeom.cell.ActivationCell).
        """
    def witnesses(self) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        """
        (count, nvars) Fractions: exact parameters realising each leaf.
        """
    @property
    def codes(self) -> numpy.typing.NDArray[numpy.int32]:
        """
        (count, points) int32 choice codes.
        """
    @property
    def complete(self) -> bool:
        ...
    @property
    def count(self) -> int:
        ...
    @property
    def dims(self) -> numpy.typing.NDArray[numpy.int32]:
        ...
    @property
    def stats(self) -> dict:
        ...
    @property
    def stop_reason(self) -> str:
        ...
def activation_dimension(X: typing.Any, d: typing.SupportsInt | typing.SupportsIndex, K: typing.SupportsInt | typing.SupportsIndex) -> int:
    ...
def activation_edges(X: typing.Any, d: typing.SupportsInt | typing.SupportsIndex, K: typing.SupportsInt | typing.SupportsIndex, vertices: ActivationResult, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None, from_vertices: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] | None = None, max_cells: typing.SupportsInt | typing.SupportsIndex = 0) -> tuple[numpy.typing.NDArray[numpy.int64], str, int]:
    """
    ((E, 3) int64 rows (u, v, i): vertices u < v span an edge and differ at data point i, stop reason or '',
    the number of vertices scanned: a prefix of from_vertices, default all).
    """
def activation_faces(X: typing.Any, d: typing.SupportsInt | typing.SupportsIndex, K: typing.SupportsInt | typing.SupportsIndex, max_results: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None, cells: typing.Any = None, max_cells: typing.SupportsInt | typing.SupportsIndex = 0) -> ActivationResult:
    ...
def activation_vertices(X: typing.Any, d: typing.SupportsInt | typing.SupportsIndex, K: typing.SupportsInt | typing.SupportsIndex, max_results: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None, cells: typing.Any = None, max_cells: typing.SupportsInt | typing.SupportsIndex = 0) -> ActivationResult:
    ...
def bounded_regions(p: TropPoly, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list[bool]:
    """
    Per monomial: is the region where it attains the maximum bounded (exact).
    """
def enumerate_regions(net: Network, A: typing.Any, b: typing.Any, max_regions: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, keep_geometry: bool = True, progress: collections.abc.Callable[[int], None] | None = None, lo: typing.Any = None, hi: typing.Any = None, box_as_bounds: bool = True, cells: typing.Any = None, max_cells: typing.SupportsInt | typing.SupportsIndex = 0, stop_at: typing.SupportsInt | typing.SupportsIndex = 0, cancel: collections.abc.Callable[[], bool] | None = None, reduce_domain: bool = True) -> RegionResult:
    """
    A, b: the domain's rows; or lo, hi: a box, passed as bounds (A, b then have no rows). reduce_domain=False: no per-cell domain-row dropping, no first-layer factorisation (tests).
    """
def glue_cells(numerator: TropPoly, denominator: TropPoly, cells: collections.abc.Sequence[tuple[typing.SupportsInt | typing.SupportsIndex, typing.SupportsInt | typing.SupportsIndex]], max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list[int]:
    """
    Per cell (i, j) (full-dimensional F-region i ∩ G-region j): the linear region of F - G it lies in, numbered 0.. in order of first cell (equal maps glued across shared facets, exact).
    """
def linear_cells(numerator: TropPoly, denominator: TropPoly, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> tuple[list[tuple[int, int]], list[int], int]:
    """
    (cells [(i, j)], label per cell, count): the full-dimensional cells {F = f_i} ∩ {G = g_j} (indices into the canonical F, G) found by a walk across facets and their linear regions of F - G, exact.
    """
def linear_regions(numerator: TropPoly, denominator: TropPoly, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> int:
    """
    Number of linear regions of F - G over R^d, exact.
    """
def one_hidden_layer(X: typing.Any, d: typing.SupportsInt | typing.SupportsIndex, signs: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], with_labels: bool, max_results: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None, cells: typing.Any = None, max_cells: typing.SupportsInt | typing.SupportsIndex = 0) -> ActivationResult:
    ...
def polytope_vertices(A: typing.Any, b: typing.Any, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
    """
    Exact vertices of the polytope {x : A x <= b} as a (V, dim) array of Fractions (lexicographic order).
    """
def polytope_volume(A: typing.Any, b: typing.Any, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> typing.Any:
    """
    Exact volume of the polytope {x : A x <= b} as a Fraction (0 if empty or lower-dimensional).
    """
def rebuild_regions(net: Network, A: typing.Any, b: typing.Any, patterns: typing.Annotated[numpy.typing.ArrayLike, numpy.uint8], points: typing.Any, cuts: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], offsets: typing.Annotated[numpy.typing.ArrayLike, numpy.int64], count: typing.SupportsInt | typing.SupportsIndex, complete: bool, reason: str, stats: collections.abc.Mapping[str, typing.SupportsInt | typing.SupportsIndex], lo: typing.Any = None, hi: typing.Any = None) -> RegionResult:
    ...
def slice2d(net: Network, origin: typing.Any, d1: typing.Any, d2: typing.Any, polygon: typing.Any, max_faces: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, progress: collections.abc.Callable[[int], None] | None = None) -> Slice2D:
    ...
def subdivision(p: TropPoly, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> dict:
    """
    The regular subdivision of p's exponents (upper faces of the lifted polytope) and the edges of its tropical hypersurface.
    """
def tropical_pieces(net: Network, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> tuple[list, numpy.typing.NDArray[numpy.bool], numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.int64], bool, str]:
    """
    (maps, patterns (n, hidden) bool, numerator (n, outputs), denominator (n, outputs) monomial indices, complete, reason): the pruned maps read off the activation regions (sorted by pattern); after a stop, those of the regions found.
    """
def tropicalize(net: Network, prune: bool = True, max_monomials: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> list:
    """
    [(numerator, denominator)] per output: the net as tropical rational maps F - G.
    """
def tropicalize_expanded(net: Network, prune: bool = True, max_monomials: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, progress: collections.abc.Callable[[int], None] | None = None) -> list:
    """
    tropicalize by expanding every product (pruned after each when prune): the reference path.
    """
