"""One accessor on 3-12-12-1 on [-1,1]^3 for callgrind instruction counts (repeatable on a loaded
machine): valgrind --tool=callgrind --toggle-collect='*py_accessor*' is awkward across Python, so
run it twice (enumeration only, enumeration + accessor) and subtract the totals.
    valgrind --tool=callgrind --callgrind-out-file=/dev/null python bench/cg_accessor.py NAME
NAME: none, halfspace_arrays, halfspace_arrays_exact, halfspaces_loop, volumes, adjacency_arrays."""
import os
import sys

sys.path.insert(0, os.environ.get("TG_REPO", os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tropgeom  # noqa: E402
from bench_regions import make_net  # noqa: E402

CALLS = {
    "none": lambda rs: None,
    "halfspace_arrays": lambda rs: rs.halfspace_arrays(),
    "halfspace_arrays_exact": lambda rs: (rs.halfspace_arrays(), rs.halfspace_arrays(exact=True)),
    "halfspaces_loop": lambda rs: [rs.halfspaces(i, exact=True) for i in range(len(rs))],
    "volumes": lambda rs: rs.volumes(),
    "adjacency_arrays": lambda rs: rs.adjacency_arrays(),
}
import scipy.sparse.csgraph  # noqa: E402,F401
net = tropgeom.Network(make_net(3, 2, 12))
rs = tropgeom.regions(net, tropgeom.Box(-1.0, 1.0, dim=3), threads=1)
CALLS[sys.argv[1]](rs)
print(tropgeom.__file__, len(rs), file=sys.stderr)
