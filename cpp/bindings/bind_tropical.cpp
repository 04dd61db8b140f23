// Tropical polynomials and tropicalize(); numpy/Fraction arrays <-> rationals, GIL released around
// the work.  Use tropgeom.tropical.
#include <pybind11/stl.h>

#include <algorithm>
#include <cmath>

#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/tropical.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

TropPoly make_poly(std::size_t d, py::handle E, py::handle c) {
  // float64 arrays (what the seam sends for ints and doubles): ordered and merged before conversion
  if (d > 0 && py::isinstance<py::array_t<double>>(E) && py::isinstance<py::array_t<double>>(c)) {
    auto e = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(E);
    auto v = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(c);
    const std::size_t k = static_cast<std::size_t>(v.size());
    if (static_cast<std::size_t>(e.size()) == k * d) {
      const auto finite = [](const double* a, std::size_t n) { return std::all_of(a, a + n, [](double x) { return std::isfinite(x); }); };
      if (!finite(e.data(), k * d) || !finite(v.data(), k)) throw InputError("non-finite value");
      py::gil_scoped_release release;
      return canonical_from_doubles(d, k, e.data(), v.data());
    }
  }
  TropPoly p;
  p.d = d;
  p.E = to_matrix(E, d);
  p.c = to_rationals(c);
  return canonical(std::move(p));
}

// f(x) without the GIL, for f one of the binary operations.
template <class Op>
TropPoly nogil(Op op) {
  py::gil_scoped_release release;
  return op();
}

RunLimits limits(double max_seconds, const py_hooks::Progress& progress, int threads = 1) {
  RunLimits lim;
  py_hooks::set_limits(lim, max_seconds, threads, progress);
  return lim;
}

py::list maps_list(std::vector<TropRational>& maps) {
  py::list out;
  for (auto& r : maps) out.append(py::make_tuple(std::move(r.numerator), std::move(r.denominator)));
  return out;
}

#define RUN_ARGS py::arg("max_seconds") = 0.0, py::arg("progress") = py::none()

}  // namespace

void bind_tropical(py::module_& m) {
  py::class_<TropPoly>(m, "TropPoly", "Exact max-plus polynomial, canonical (use tropgeom.TropicalPolynomial).")
      .def(py::init(&make_poly), py::arg("d"), py::arg("exponents"), py::arg("coefficients"))
      .def_readonly("d", &TropPoly::d)
      .def("__len__", &TropPoly::size)
      .def_property_readonly("exponents", [](const TropPoly& p) {
            return to_fraction_array(p.E.data, {static_cast<py::ssize_t>(p.size()), static_cast<py::ssize_t>(p.d)});
          })
      .def_property_readonly("coefficients", [](const TropPoly& p) {
            return to_fraction_array(p.c, {static_cast<py::ssize_t>(p.size())});
          })
      .def("sum", [](const TropPoly& p, const TropPoly& q) { return nogil([&] { return trop_sum(p, q); }); })
      .def("product", [](const TropPoly& p, const TropPoly& q) { return nogil([&] { return trop_product(p, q); }); })
      .def("power", [](const TropPoly& p, py::handle r) {
            Rational rq = to_rational(r);
            return nogil([&] { return trop_power(p, rq); });
          })
      .def("shift", [](const TropPoly& p, py::handle a) { return trop_shift(p, to_rational(a)); })
      .def("prune", [](const TropPoly& p, double max_seconds, const py_hooks::Progress& progress) {
            const RunLimits lim = limits(max_seconds, progress);
            Pruned r;
            {
              py::gil_scoped_release release;
              r = prune_within(p, lim);
            }
            return py::make_tuple(std::move(r.poly), stop_reason_name(r.status.reason));
          }, RUN_ARGS, "(the pruned polynomial, '') or, at a stop, (the same function partly pruned, the reason).")
      .def("lifted", [](const TropPoly& p) {
            TropPoly l;  // rows (E_i, c_i), coefficients 0: still distinct and sorted
            l.d = p.d + 1;
            l.E = Matrix(p.size(), p.d + 1);
            for (std::size_t i = 0; i < p.size(); ++i) {
              for (std::size_t j = 0; j < p.d; ++j) l.E(i, j) = p.E(i, j);
              l.E(i, p.d) = p.c[i];
            }
            l.c.assign(p.size(), Rational(0));
            return l;
          }, "The lifted points (E_i, c_i) as the exponents of a polynomial with zero coefficients.")
      .def("upper_vertices", [](const TropPoly& p, double max_seconds, const py_hooks::Progress& progress) {
            const RunLimits lim = limits(max_seconds, progress);
            py::gil_scoped_release release;
            return upper_vertices(p, lim);
          }, RUN_ARGS, "Indices of the upper-hull vertices (the monomials prune() keeps), sorted (exact).")
      .def("hull_vertices", [](const TropPoly& p, double max_seconds, const py_hooks::Progress& progress) {
            const RunLimits lim = limits(max_seconds, progress);
            py::gil_scoped_release release;
            return hull_vertices(p, lim);
          }, RUN_ARGS, "Indices of the vertices of conv(exponent rows), sorted (exact).")
      .def("evaluate", [](const TropPoly& p, py::handle X, bool exact) {
            Matrix M = to_matrix(X, p.d);
            Vec out(M.rows);
            {
              py::gil_scoped_release release;
              for (std::size_t i = 0; i < M.rows; ++i) out[i] = evaluate(p, M.row(i));
            }
            std::vector<py::ssize_t> shape{static_cast<py::ssize_t>(M.rows)};
            return exact ? py::object(to_fraction_array(out, shape)) : py::object(to_float_array(out, shape));
          }, py::arg("X"), py::arg("exact") = false, "max_i (c_i + E_i . x) at the rows of X, exact (Fraction) or float64.");

  m.def("subdivision", [](const TropPoly& p, double max_seconds, const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        Subdivision s;
        {
          py::gil_scoped_release release;
          s = subdivision(p, lim);
        }
        const auto vec = [&](const Vec& v) { return to_fraction_array(v, {static_cast<py::ssize_t>(v.size())}); };
        py::list cells, edges;
        for (const auto& c : s.cells) cells.append(py::make_tuple(c.monomials, vec(c.point)));
        for (const auto& e : s.edges) edges.append(py::make_tuple(e.monomials, e.cell, e.other, vec(e.direction)));
        return py::dict("rank"_a = s.rank, "coords"_a = s.coords, "cells"_a = cells, "edges"_a = edges,
                        "lineality"_a = to_fraction_array(s.lineality.data, {static_cast<py::ssize_t>(s.lineality.rows), static_cast<py::ssize_t>(p.d)}));
      },
      py::arg("p"), RUN_ARGS,
      "The regular subdivision of p's exponents (upper faces of the lifted polytope) and the edges of its tropical hypersurface.");

  m.def("bounded_regions", [](const TropPoly& p, double max_seconds, const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        std::vector<char> b;
        {
          py::gil_scoped_release release;
          b = bounded_regions(p, lim);
        }
        return std::vector<bool>(b.begin(), b.end());
      },
      py::arg("p"), RUN_ARGS, "Per monomial: is the region where it attains the maximum bounded (exact).");

  m.def("linear_regions", [](const TropPoly& F, const TropPoly& G, double max_seconds, const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        py::gil_scoped_release release;
        return linear_regions(F, G, lim);
      },
      py::arg("numerator"), py::arg("denominator"), RUN_ARGS, "Number of linear regions of F - G over R^d, exact.");

  m.def("linear_cells", [](const TropPoly& F, const TropPoly& G, double max_seconds, const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        LinearCells t;
        {
          py::gil_scoped_release release;
          t = linear_cells(F, G, lim);
        }
        return py::make_tuple(t.cells, t.glued.label, t.glued.count);
      },
      py::arg("numerator"), py::arg("denominator"), RUN_ARGS,
      "(cells [(i, j)], label per cell, count): the full-dimensional cells {F = f_i} ∩ {G = g_j} (indices into the "
      "canonical F, G) found by a walk across facets and their linear regions of F - G, exact.");

  m.def("glue_cells", [](const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                         double max_seconds, const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        py::gil_scoped_release release;
        return glue_cells(F, G, cells, lim).label;
      },
      py::arg("numerator"), py::arg("denominator"), py::arg("cells"), RUN_ARGS,
      "Per cell (i, j) (full-dimensional F-region i ∩ G-region j): the linear region of F - G it lies in, "
      "numbered 0.. in order of first cell (equal maps glued across shared facets, exact).");

  m.def("tropicalize", [](const Network& net, bool prune, std::size_t max_monomials, double max_seconds,
                          const py_hooks::Progress& progress, int threads) {
        const RunLimits lim = limits(max_seconds, progress, threads);
        std::vector<TropRational> maps;
        {
          py::gil_scoped_release release;
          maps = tropicalize(net, prune, lim, max_monomials);
        }
        return maps_list(maps);
      },
      py::arg("net"), py::arg("prune") = true, py::arg("max_monomials") = 0, RUN_ARGS, py::arg("threads") = 1,
      "[(numerator, denominator)] per output: the net as tropical rational maps F - G.");

  m.def("tropicalize_expanded", [](const Network& net, bool prune, std::size_t max_monomials, double max_seconds,
                                   const py_hooks::Progress& progress) {
        const RunLimits lim = limits(max_seconds, progress);
        std::vector<TropRational> maps;
        {
          py::gil_scoped_release release;
          maps = tropicalize_expanded(net, prune, lim, max_monomials);
        }
        return maps_list(maps);
      },
      py::arg("net"), py::arg("prune") = true, py::arg("max_monomials") = 0, RUN_ARGS,
      "tropicalize by expanding every product (pruned after each when prune): the reference path.");

  m.def("tropical_pieces", [](const Network& net, double max_seconds, const py_hooks::Progress& progress, int threads) {
        const RunLimits lim = limits(max_seconds, progress, threads);
        TropicalPieces t;
        {
          py::gil_scoped_release release;
          t = tropical_pieces(net, lim);
        }
        const py::ssize_t n = static_cast<py::ssize_t>(t.patterns.size()), outs = static_cast<py::ssize_t>(t.maps.size());
        const py::ssize_t h = n ? static_cast<py::ssize_t>(t.patterns[0].size()) : 0;
        py::array_t<bool> patterns({n, h});
        auto P = patterns.mutable_unchecked<2>();
        for (py::ssize_t r = 0; r < n; ++r)
          for (py::ssize_t j = 0; j < h; ++j) P(r, j) = t.patterns[r][j] != 0;
        py::array_t<std::int64_t> num({n, outs}), den({n, outs});
        std::copy(t.numerator.begin(), t.numerator.end(), num.mutable_data());
        std::copy(t.denominator.begin(), t.denominator.end(), den.mutable_data());
        return py::make_tuple(maps_list(t.maps), patterns, num, den, t.status.complete,
                              stop_reason_name(t.status.reason));
      },
      py::arg("net"), RUN_ARGS, py::arg("threads") = 1,
      "(maps, patterns (n, hidden) bool, numerator (n, outputs), denominator (n, outputs) monomial indices, "
      "complete, reason): the pruned maps read off the activation regions (sorted by pattern); after a stop, "
      "those of the regions found.");
}
