// Polyhedron and its exact LP queries; numpy <-> rationals, GIL released while solving.
#include <pybind11/stl.h>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/lp.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

Polyhedron make_polyhedron(std::size_t dim, py::handle A, py::handle b, py::handle C, py::handle d) {
  Polyhedron P(dim);
  P.A = to_matrix(A, dim);
  P.b = to_rationals(b);
  P.C = to_matrix(C, dim);
  P.d = to_rationals(d);
  if (P.b.size() != P.A.rows || P.d.size() != P.C.rows) throw InputError("right-hand side length does not match the rows");
  return P;
}

const char* status_name(LPStatus s) {
  switch (s) {
    case LPStatus::optimal: return "optimal";
    case LPStatus::infeasible: return "infeasible";
    default: return "unbounded";
  }
}

}  // namespace

void bind_lp(py::module_& m) {
  py::class_<Polyhedron>(m, "Polyhedron", "Exact polyhedron {x : A x <= b, C x = d} (use tropgeom.lp.Polyhedron).")
      .def(py::init(&make_polyhedron), py::arg("dim"), py::arg("A"), py::arg("b"), py::arg("C"), py::arg("d"))
      .def_readonly("dim", &Polyhedron::dim)
      .def_property_readonly("num_inequalities", &Polyhedron::num_inequalities)
      .def("optimize", [](const Polyhedron& P, py::handle c, bool maximize) {
            Vec cv = to_rationals(c);
            LPResult r;
            {
              py::gil_scoped_release nogil;
              r = optimize(P, cv, maximize);
            }
            py::object x = py::none(), value = py::none();
            if (r.status == LPStatus::optimal) {
              x = to_fraction_array(r.x, {static_cast<py::ssize_t>(P.dim)});
              value = to_fraction(r.value);
            }
            return py::make_tuple(status_name(r.status), x, value);
          }, py::arg("c"), py::arg("maximize") = true,
          "(status, x, value): status is 'optimal', 'infeasible' or 'unbounded'.")
      .def("relative_interior", [](const Polyhedron& P) {
            InteriorResult r;
            {
              py::gil_scoped_release nogil;
              r = relative_interior(P);
            }
            py::dict out;
            out["dimension"] = r.dimension;
            out["point"] = r.feasible ? py::object(to_fraction_array(r.point, {static_cast<py::ssize_t>(P.dim)})) : py::none();
            out["radius"] = r.feasible ? to_fraction(r.radius) : py::none();
            out["implicit_equalities"] = r.implicit_equalities;
            return out;
          }, "dimension, a relative-interior point, its l_inf radius (capped at 1), the implicit equalities.")
      .def("is_redundant", [](const Polyhedron& P, std::size_t i) {
            py::gil_scoped_release nogil;
            return is_redundant(P, i);
          }, py::arg("i"))
      .def("is_facet", [](const Polyhedron& P, std::size_t i) {
            py::gil_scoped_release nogil;
            return is_facet(P, i);
          }, py::arg("i"))
      .def("irredundant", [](const Polyhedron& P, double max_seconds, const py_hooks::Progress& progress) {
            RunLimits lim;
            py_hooks::set_limits(lim, max_seconds, 1, progress);
            py::gil_scoped_release nogil;
            return irredundant_inequalities(P, lim);
          }, py::arg("max_seconds") = 0.0, py::arg("progress") = py::none());
}
