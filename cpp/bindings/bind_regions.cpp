// Region enumeration: the C++ result stays alive behind an opaque handle with lazy, columnar accessors.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/regions.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

// Region i with its exact geometry composed (on first use).
const Region& at(RegionResult& r, py::ssize_t i) {
  if (i < 0) i += static_cast<py::ssize_t>(r.regions.size());
  if (i < 0 || i >= static_cast<py::ssize_t>(r.regions.size()))
    throw py::index_error("region index " + std::to_string(i) + " out of range");
  materialize(*r.net, r.domain, r.regions[i]);
  return r.regions[i];
}

py::ssize_t S(std::size_t n) { return static_cast<py::ssize_t>(n); }

}  // namespace

void bind_regions(py::module_& m) {
  py::class_<RegionResult> cls(m, "RegionResult", "Exact regions held by the core (use tropgeom.RegionSet).");
  py_hooks::def_status(cls, &RegionResult::status);
  cls.def_readonly("count", &RegionResult::count)
      .def_property_readonly("stored", [](const RegionResult& r) { return r.regions.size(); })
      .def_property_readonly("stats", [](const RegionResult& r) {
        py::dict s;
        s["lps"] = r.stats.lps;
        s["float_lps"] = r.stats.float_lps;
        s["exact_decisions"] = r.stats.exact_decisions;
        s["cells"] = r.stats.cells;
        return s;
      })
      .def("patterns", [](const RegionResult& r, std::size_t hidden) {
            py::array_t<std::uint8_t> out({S(r.regions.size()), S(hidden)});
            auto* p = out.mutable_data();
            for (std::size_t i = 0; i < r.regions.size(); ++i)
              std::copy(r.regions[i].pattern.begin(), r.regions[i].pattern.end(), p + i * hidden);
            return out;
          }, py::arg("hidden"), "(regions, hidden) uint8: 1 where the neuron is active.")
      .def("points", [](const RegionResult& r, std::size_t d, bool exact) -> py::array {
            Vec all;
            all.reserve(r.regions.size() * d);
            for (const auto& reg : r.regions) all.insert(all.end(), reg.point.begin(), reg.point.end());
            std::vector<py::ssize_t> shape{S(r.regions.size()), S(d)};
            return exact ? to_fraction_array(all, shape) : py::array(to_float_array(all, shape));
          }, py::arg("d"), py::arg("exact"))
      .def("halfspaces", [](RegionResult& r, py::ssize_t i, bool irredundant) {
            const Region& reg = at(r, i);
            std::vector<std::size_t> rows;
            if (irredundant) {
              Polyhedron P(reg.A.cols);
              P.A = reg.A;
              P.b = reg.b;
              py::gil_scoped_release nogil;
              rows = irredundant_inequalities(P);
            } else {
              for (std::size_t k = 0; k < reg.A.rows; ++k) rows.push_back(k);
            }
            Vec A, b;
            std::vector<int> neuron;
            for (std::size_t k : rows) {
              A.insert(A.end(), reg.A.row(k), reg.A.row(k) + reg.A.cols);
              b.push_back(reg.b[k]);
              neuron.push_back(reg.row_neuron[k]);
            }
            return py::make_tuple(to_fraction_array(A, {S(rows.size()), S(reg.A.cols)}),
                                  to_fraction_array(b, {S(rows.size())}), neuron);
          }, py::arg("i"), py::arg("irredundant") = true,
          "(A, b, neuron): region i is {x : A x <= b}; neuron[k] made row k (-1: the domain).")
      .def("affine_map", [](RegionResult& r, py::ssize_t i) {
            const Region& reg = at(r, i);
            return py::make_tuple(to_fraction_array(reg.J.data, {S(reg.J.rows), S(reg.J.cols)}),
                                  to_fraction_array(reg.c, {S(reg.c.size())}));
          }, py::arg("i"), "(J, c): the network is x -> J x + c on region i, exactly.")
      .def("is_bounded", [](RegionResult& r) {
            std::vector<bool> out(r.regions.size());
            py::gil_scoped_release nogil;
            for (std::size_t i = 0; i < r.regions.size(); ++i) {
              materialize(*r.net, r.domain, r.regions[i]);
              out[i] = is_bounded(r.regions[i]);
            }
            return out;
          })
      .def("adjacency", [](RegionResult& r, double max_seconds, int threads, const py_hooks::Progress& progress) {
            RunLimits lim;
            py_hooks::set_limits(lim, max_seconds, threads, progress);
            Adjacency a;
            {
              py::gil_scoped_release nogil;
              a = adjacency(r, lim);
            }
            return py::make_tuple(a.pairs, a.status.complete, stop_reason_name(a.status.reason));
          }, py::arg("max_seconds") = 0.0, py::arg("threads") = 1, py::arg("progress") = py::none(),
          "(sorted pairs (i, j), i < j, of regions sharing a facet; complete; stop reason).");

  m.def("enumerate_regions",
        [](const Network& net, py::handle A, py::handle b, std::size_t max_regions, double max_seconds, int threads,
           bool keep_geometry, const py_hooks::Progress& progress) {
          Polyhedron domain(net.input_dim());
          domain.A = to_matrix(A, net.input_dim());
          domain.b = to_rationals(b);
          RegionOptions opt;
          opt.max_regions = max_regions;
          opt.keep_geometry = keep_geometry;
          py_hooks::set_limits(opt, max_seconds, threads, progress);
          py::gil_scoped_release nogil;
          return enumerate_regions(net, domain, opt);
        },
        py::arg("net"), py::arg("A"), py::arg("b"), py::arg("max_regions") = 0, py::arg("max_seconds") = 0.0,
        py::arg("threads") = 1, py::arg("keep_geometry") = true, py::arg("progress") = py::none());
}
