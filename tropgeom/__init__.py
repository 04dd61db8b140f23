"""tropgeom: exact polyhedral and tropical geometry of ReLU networks.

The heavy geometry runs in a C++ core on CGAL's exact number types (``tropgeom._core``); tight
float64 passes run in numpy, and the loops where Cython measured faster (hashing packed activation
patterns) in ``tropgeom._kernels``.  Counts and combinatorics are exact.
"""
from .activation import ActivationPolytope, LossLevels, OneHiddenLayerPatterns, one_hidden_layer_patterns
from .bounds import Bound, Bounds, bounds
from .errors import BudgetExceeded, InputError, InternalError, TropgeomError
from .lp import LPResult, Polyhedron
from .network import Network
from .regions import Box, Polytope, Region, RegionSet, count_regions, regions
from .cell import ActivationCell, Cell, Frontier, frontier
from .store import RegionStore
from . import parallel
from .tropical import TropicalPolynomial, TropicalRational, Zonotope, tropicalize, zonotope
from .slice2d import Box2D, Polygon2D, Slice, slice2d
from .complexity import local_complexity
from .sampling import estimate_regions, expected_hits, samples_needed, sampling_radius, symmetric_count
from .boundary import Boundary, decision_boundary
from .cone import OneLayer, one_layer
from . import plot
from .plot import plot_regions

__version__ = "0.1.0"

__all__ = [
    "Network", "regions", "count_regions", "Cell", "ActivationCell", "Frontier", "frontier", "RegionStore", "parallel", "RegionSet", "Region", "Box", "Polytope", "Polyhedron", "LPResult", "bounds", "Bound", "Bounds",
    "TropicalPolynomial", "TropicalRational", "tropicalize", "Zonotope", "zonotope",
    "ActivationPolytope", "LossLevels", "OneHiddenLayerPatterns", "one_hidden_layer_patterns",
    "slice2d", "Slice", "Box2D", "Polygon2D", "plot", "plot_regions",
    "local_complexity", "sampling_radius", "expected_hits", "estimate_regions",
    "TropgeomError", "InputError", "BudgetExceeded", "InternalError",
    "decision_boundary", "Boundary", "one_layer", "OneLayer", "samples_needed", "symmetric_count",
]
