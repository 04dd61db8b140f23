#include <pybind11/pybind11.h>

namespace py = pybind11;

void register_errors(py::module_& m);
void bind_activation(py::module_& m);
void bind_lp(py::module_& m);
void bind_network(py::module_& m);
void bind_polytope(py::module_& m);
void bind_regions(py::module_& m);
void bind_slice2d(py::module_& m);
void bind_tropical(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "tropgeom's exact core (CGAL). Use the Python API in tropgeom; this module is internal.";
  register_errors(m);
  bind_lp(m);
  bind_network(m);
  bind_polytope(m);
  bind_regions(m);
  bind_slice2d(m);
  bind_tropical(m);
  bind_activation(m);
}
