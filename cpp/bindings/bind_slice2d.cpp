// 2-D slices: the C++ result stays alive behind a handle (exact coordinates, maps and areas on
// request); float64 arrays and CSR faces cross in bulk.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/slice2d.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

template <class T>
py::array_t<T> array(const std::vector<T>& v, std::vector<py::ssize_t> shape) {
  py::array_t<T> a(shape);
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

py::ssize_t S(std::size_t n) { return static_cast<py::ssize_t>(n); }

}  // namespace

void bind_slice2d(py::module_& m) {
  py::class_<Slice2D> cls(m, "Slice2D", "An exact 2-D slice held by the core (use tropgeom.Slice).");
  py_hooks::def_status(cls, &Slice2D::status);
  cls.def_property_readonly("num_faces", &Slice2D::num_faces)
      .def_readonly("exact_decisions", &Slice2D::exact_decisions)
      .def("vertices", [](const Slice2D& s) {
        std::vector<double> uv(2 * s.u.size());
        for (std::size_t i = 0; i < s.u.size(); ++i) uv[2 * i] = s.u[i], uv[2 * i + 1] = s.v[i];
        return py::make_tuple(array(uv, {S(s.u.size()), 2}), array(s.radius, {S(s.u.size())}));
      }, "((V, 2) float64 positions, (V,) error bounds)")
      .def("faces", [](const Slice2D& s) {
        return py::make_tuple(array(s.face_start, {S(s.face_start.size())}), array(s.face_verts, {S(s.face_verts.size())}),
                              array(s.edge_neuron, {S(s.edge_neuron.size())}));
      }, "(start, vertices, edge_neuron): CSR faces, ccw; edge i made by hidden neuron edge_neuron[i] (-1: domain)")
      .def("packed_patterns", [](const Slice2D& s) { return array(s.patterns, {S(s.num_faces()), S((s.hidden + 7) / 8)}); },
           "(F, ceil(hidden / 8)) uint8: bit j little-endian set where hidden neuron j is active")
      .def_readonly("hidden", &Slice2D::hidden)
      .def("maps", [](const Slice2D& s) {
        return py::make_tuple(array(s.maps, {S(s.num_faces()), S(s.outputs), 3}), array(s.map_errors, {S(s.num_faces()), S(s.outputs), 3}));
      }, "((F, outputs, 3) float64 output maps a u + b v + c, (F, outputs, 3) error bounds)")
      .def("exact_vertices", [](const Slice2D& s, const std::vector<std::size_t>& idx) {
        Vec out;
        {
          py::gil_scoped_release nogil;
          for (std::size_t i : idx) {
            if (i >= s.u.size()) throw InputError("vertex index " + std::to_string(i) + " out of range");
            auto p = s.exact_vertex(i);
            out.push_back(p.first), out.push_back(p.second);
          }
        }
        return to_fraction_array(out, {S(idx.size()), 2});
      })
      .def("exact_map", [](const Slice2D& s, std::size_t f) {
        if (f >= s.num_faces()) throw InputError("face index " + std::to_string(f) + " out of range");
        Matrix Z;
        {
          py::gil_scoped_release nogil;
          Z = s.exact_map(f);
        }
        return to_fraction_array(Z.data, {S(Z.rows), 3});
      })
      .def("exact_area", [](const Slice2D& s, std::size_t f) {
        if (f >= s.num_faces()) throw InputError("face index " + std::to_string(f) + " out of range");
        Rational a;
        {
          py::gil_scoped_release nogil;
          a = s.exact_area(f);
        }
        return to_fraction(a);
      });

  m.def("slice2d",
        [](const Network& net, py::handle origin, py::handle d1, py::handle d2, py::handle polygon,
           std::size_t max_faces, double max_seconds, int threads, const py_hooks::Progress& progress) {
          const Matrix P = to_matrix(polygon, 2);
          std::vector<std::pair<Rational, Rational>> poly;
          for (std::size_t i = 0; i < P.rows; ++i) poly.emplace_back(P(i, 0), P(i, 1));
          SliceOptions opt;
          opt.max_faces = max_faces;
          py_hooks::set_limits(opt.limits, max_seconds, threads, progress);
          const Vec o = to_rationals(origin), a = to_rationals(d1), b = to_rationals(d2);
          py::gil_scoped_release nogil;
          return slice2d(net, o, a, b, poly, opt);
        },
        py::arg("net"), py::arg("origin"), py::arg("d1"), py::arg("d2"), py::arg("polygon"), py::arg("max_faces") = 0,
        py::arg("max_seconds") = 0.0, py::arg("threads") = 1, py::arg("progress") = py::none());
}
