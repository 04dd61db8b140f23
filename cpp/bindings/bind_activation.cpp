// Activation polytopes and one-hidden-layer patterns of a data set: numpy <-> rationals, GIL released.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <optional>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/activation.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

using py_hooks::Progress;

// cells: None (the whole search) or tuples (codes list, witness list of Fractions), as tropgeom/cell.py
// holds them; only the shape is converted here (the search checks each exactly).
std::vector<ActivationCell> cells_from_py(py::handle cells) {
  std::vector<ActivationCell> out;
  std::size_t i = 0;
  for (py::handle item : cells) {
    py::tuple t = py::reinterpret_borrow<py::object>(item).cast<py::tuple>();
    if (t.size() != 2) throw InputError("cells[" + std::to_string(i) + "]: expected (codes, witness)");
    out.push_back({t[0].cast<std::vector<std::int32_t>>(), to_rationals(t[1])});
    ++i;
  }
  return out;
}

struct SearchArgs {
  std::size_t max_results;
  double max_seconds;
  int threads;
  Progress progress;
  py::handle cells;
  std::size_t max_cells;
};

template <class F>
ActivationResult search(F&& f, const SearchArgs& a) {
  ActivationOptions opt;
  opt.max_results = a.max_results;
  opt.max_cells = a.max_cells;
  if (!a.cells.is_none()) {
    opt.from_cells = true;
    opt.cells = cells_from_py(a.cells);
  }
  py_hooks::set_limits(opt, a.max_seconds, a.threads, a.progress);
  py::gil_scoped_release nogil;
  return f(opt);
}

#define SEARCH_ARGS py::arg("max_results") = 0, py::arg("max_seconds") = 0.0, py::arg("threads") = 1, \
                    py::arg("progress") = py::none(), py::arg("cells") = py::none(), py::arg("max_cells") = 0

}  // namespace

void bind_activation(py::module_& m) {
  py::class_<ActivationResult> cls(m, "ActivationResult", "Leaves of an activation search (use tropgeom.activation).");
  py_hooks::def_status(cls, &ActivationResult::status);
  cls.def_readonly("count", &ActivationResult::count)
      .def_property_readonly("codes", [](const ActivationResult& r) {
        py::array_t<std::int32_t> a({static_cast<py::ssize_t>(r.count), static_cast<py::ssize_t>(r.points)});
        std::copy(r.codes.begin(), r.codes.end(), a.mutable_data());
        return a;
      }, "(count, points) int32 choice codes.")
      .def_property_readonly("dims", [](const ActivationResult& r) {
        return py::array_t<std::int32_t>(static_cast<py::ssize_t>(r.dims.size()), r.dims.data());
      })
      .def("witnesses", [](const ActivationResult& r) {
        return to_fraction_array(r.witnesses, {static_cast<py::ssize_t>(r.count), static_cast<py::ssize_t>(r.nvars)});
      }, "(count, nvars) Fractions: exact parameters realising each leaf.")
      .def("open_cells", [](const ActivationResult& r) {
        py::list out;
        for (const ActivationCell& c : r.open) {
          py::list w;
          for (const Rational& v : c.witness) w.append(to_fraction(v));
          out.append(py::make_tuple(py::cast(c.codes), w));
        }
        return out;
      }, "The nodes a stop left undone, as (codes, witness Fractions) tuples (tropgeom.cell.ActivationCell).")
      .def_property_readonly("stats", [](const ActivationResult& r) {
        py::dict s;
        s["lps"] = r.stats.lps;
        s["float_lps"] = r.stats.float_lps;
        s["witness_hits"] = r.stats.witness_hits;
        s["nodes"] = r.stats.nodes;
        return s;
      });

  m.def("activation_dimension", [](py::handle X, std::size_t d, int K) {
    return activation_dimension(to_matrix(X, d), K);
  }, py::arg("X"), py::arg("d"), py::arg("K"));

  m.def("activation_vertices", [](py::handle X, std::size_t d, int K, std::size_t max_results, double max_seconds,
                                  int threads, Progress progress, py::handle cells, std::size_t max_cells) {
    Matrix M = to_matrix(X, d);
    return search([&](const ActivationOptions& o) { return activation_vertices(M, K, o); },
                  {max_results, max_seconds, threads, progress, cells, max_cells});
  }, py::arg("X"), py::arg("d"), py::arg("K"), SEARCH_ARGS);

  m.def("activation_faces", [](py::handle X, std::size_t d, int K, std::size_t max_results, double max_seconds,
                               int threads, Progress progress, py::handle cells, std::size_t max_cells) {
    Matrix M = to_matrix(X, d);
    return search([&](const ActivationOptions& o) { return activation_faces(M, K, o); },
                  {max_results, max_seconds, threads, progress, cells, max_cells});
  }, py::arg("X"), py::arg("d"), py::arg("K"), SEARCH_ARGS);

  m.def("one_hidden_layer", [](py::handle X, std::size_t d, std::vector<int> signs, bool with_labels,
                               std::size_t max_results, double max_seconds, int threads, Progress progress,
                               py::handle cells, std::size_t max_cells) {
    Matrix M = to_matrix(X, d);
    return search([&](const ActivationOptions& o) { return one_hidden_layer(M, signs, with_labels, o); },
                  {max_results, max_seconds, threads, progress, cells, max_cells});
  }, py::arg("X"), py::arg("d"), py::arg("signs"), py::arg("with_labels"), SEARCH_ARGS);

  m.def("activation_edges", [](py::handle X, std::size_t d, int K, const ActivationResult& vertices,
                               double max_seconds, int threads, const Progress& progress,
                               std::optional<std::vector<std::size_t>> from, std::size_t max_cells) {
    Matrix M = to_matrix(X, d);
    RunLimits lim;
    py_hooks::set_limits(lim, max_seconds, threads, progress);
    ActivationEdges res;
    {
      py::gil_scoped_release nogil;
      res = activation_edges(M, K, vertices, lim, from, max_cells);
    }
    const auto& e = res.edges;
    py::array_t<std::int64_t> a({static_cast<py::ssize_t>(e.size()), py::ssize_t(3)});
    auto* p = a.mutable_data();
    for (std::size_t k = 0; k < e.size(); ++k)
      for (int j = 0; j < 3; ++j) p[3 * k + j] = static_cast<std::int64_t>(e[k][j]);
    return py::make_tuple(a, stop_reason_name(res.status.reason), res.done);
  }, py::arg("X"), py::arg("d"), py::arg("K"), py::arg("vertices"), py::arg("max_seconds") = 0.0,
  py::arg("threads") = 1, py::arg("progress") = py::none(), py::arg("from_vertices") = py::none(),
  py::arg("max_cells") = 0,
  "((E, 3) int64 rows (u, v, i): vertices u < v span an edge and differ at data point i, stop reason or '',\n"
  "the number of vertices scanned: a prefix of from_vertices, default all).");
}
