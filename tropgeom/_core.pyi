"""
tropgeom's exact core (CGAL). Use the Python API in tropgeom; this module is internal.
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['Network', 'Polyhedron', 'RegionResult', 'enumerate_regions']
class Polyhedron:
    """
    Exact polyhedron {x : A x <= b, C x = d} (use tropgeom.lp.Polyhedron).
    """
    def __init__(self, dim: typing.SupportsInt | typing.SupportsIndex, A: typing.Any, b: typing.Any, C: typing.Any, d: typing.Any) -> None:
        ...
    def irredundant(self) -> list[int]:
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
    def __init__(self, layers: list, relu: collections.abc.Sequence[bool]) -> None:
        ...
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
    def adjacency(self, threads: typing.SupportsInt | typing.SupportsIndex = 1) -> list[tuple[int, int]]:
        """
        Sorted pairs (i, j), i < j, of regions sharing a facet.
        """
    def affine_map(self, i: typing.SupportsInt | typing.SupportsIndex) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]]:
        """
        (J, c): the network is x -> J x + c on region i, exactly.
        """
    def halfspaces(self, i: typing.SupportsInt | typing.SupportsIndex, irredundant: bool = True) -> tuple[numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], numpy.ndarray[typing.Any, numpy.dtype[typing.Any]], list[int]]:
        """
        (A, b, neuron): region i is {x : A x <= b}; neuron[k] made row k (-1: the domain).
        """
    def is_bounded(self) -> list[bool]:
        ...
    def patterns(self, hidden: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.uint8]:
        """
        (regions, hidden) uint8: 1 where the neuron is active.
        """
    def points(self, d: typing.SupportsInt | typing.SupportsIndex, exact: bool) -> numpy.ndarray[typing.Any, numpy.dtype[typing.Any]]:
        ...
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
def enumerate_regions(net: Network, A: typing.Any, b: typing.Any, max_regions: typing.SupportsInt | typing.SupportsIndex = 0, max_seconds: typing.SupportsFloat | typing.SupportsIndex = 0.0, threads: typing.SupportsInt | typing.SupportsIndex = 1, keep_geometry: bool = True, progress: collections.abc.Callable[[int], None] | None = None) -> RegionResult:
    ...
