// Vertices and volume of {x : A x <= b}; numpy <-> rationals, GIL released while computing.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/polytope.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

Polyhedron make_polytope(py::handle A, py::handle b) {
  py::array a = py::module_::import("numpy").attr("asarray")(A);
  if (a.ndim() != 2) throw InputError("A must be a (rows, dim) matrix");
  Polyhedron P(static_cast<std::size_t>(a.shape(1)));
  P.A = to_matrix(a, P.dim);
  P.b = to_rationals(b);
  if (P.b.size() != P.A.rows) throw InputError("b has " + std::to_string(P.b.size()) + " entries for " + std::to_string(P.A.rows) + " rows");
  return P;
}

}  // namespace

void bind_polytope(py::module_& m) {
  m.def("polytope_vertices", [](py::handle A, py::handle b, double max_seconds, const py_hooks::Progress& progress) {
        Polyhedron P = make_polytope(A, b);
        RunLimits lim;
        py_hooks::set_limits(lim, max_seconds, 1, progress);
        std::vector<Vec> V;
        {
          py::gil_scoped_release nogil;
          V = vertices(P, lim);
        }
        Vec flat;
        for (Vec& v : V) flat.insert(flat.end(), v.begin(), v.end());
        return to_fraction_array(flat, {static_cast<py::ssize_t>(V.size()), static_cast<py::ssize_t>(P.dim)});
      }, py::arg("A"), py::arg("b"), py::arg("max_seconds") = 0.0, py::arg("progress") = py::none(),
      "Exact vertices of the polytope {x : A x <= b} as a (V, dim) array of Fractions (lexicographic order).");
  m.def("polytope_volume", [](py::handle A, py::handle b, double max_seconds, const py_hooks::Progress& progress) {
        Polyhedron P = make_polytope(A, b);
        RunLimits lim;
        py_hooks::set_limits(lim, max_seconds, 1, progress);
        Rational v;
        {
          py::gil_scoped_release nogil;
          v = volume(P, lim);
        }
        return to_fraction(v);
      }, py::arg("A"), py::arg("b"), py::arg("max_seconds") = 0.0, py::arg("progress") = py::none(),
      "Exact volume of the polytope {x : A x <= b} as a Fraction (0 if empty or lower-dimensional).");
}
