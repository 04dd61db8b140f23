// Region enumeration: the C++ result lives behind an opaque handle (Regions) whose lazy geometry is
// filled once, under the handle's own lock.  Accessors are columnar: one pass over every region with
// the GIL released (parallel_for, budgeted), then one conversion to numpy.
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <map>
#include <mutex>
#include <optional>

#include "../src/facets.hpp"
#include "../src/layer_map.hpp"
#include "../src/region_geometry.hpp"
#include "../src/run.hpp"  // parallel_for: the one pool
#include "bind_cell.hpp"
#include "convert.hpp"
#include "hooks.hpp"
#include "tropgeom/polytope.hpp"
#include "tropgeom/regions.hpp"

namespace py = pybind11;
using namespace tropgeom;
using namespace tropgeom::py_convert;

namespace {

py::ssize_t S(std::size_t n) { return static_cast<py::ssize_t>(n); }

// An int64 numpy array of v (as py::array(py::cast(v)) gave, without the Python list in between).
template <class T>
py::array_t<std::int64_t> int64s(const std::vector<T>& v) {
  py::array_t<std::int64_t> a(S(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

// The Python-side holder: the result plus everything derived from it lazily.  Python threads may
// share one; `mu` is taken (after the GIL is released, never the other way round) around every
// access that can fill geometry, so a region is materialized exactly once.
struct Regions {
  RegionResult r;
  std::mutex mu;
  std::vector<std::vector<std::size_t>> facets;  // irredundant rows of each region (filled with has_facets)
  // and, where the vertex walk decided them (bounded simple cells), each vertex's d tight rows, flat:
  // the facet pass's by-product that volumes() needs (empty: not simple, or not walked)
  std::vector<std::vector<std::uint32_t>> vertex_rows;
  // has_facets[i]: 0 not yet, 1 found without the vertex walk, 2 with it tried (vertex_rows[i] kept)
  std::vector<char> has_facets, has_volume, volume_lowest;  // (volume[i] in lowest terms)
  std::vector<signed char> bounded;              // -1: not computed yet
  Vec volume;
  std::once_flag volume_once;
  std::size_t ahead = 1, ahead_end = 0;  // halfspaces(i) read ahead: the last block's size and end (plan_ahead)
  // halfspaces(i)'s Fractions of the regions' rows (which stay put), so a scan makes each distinct
  // value once (a Fraction per value was most of a call); emptied past 2^20 values (GIL held)
  FractionCache fractions;

  explicit Regions(RegionResult res) : r(std::move(res)) {
    const std::size_t n = r.regions.size();
    facets.resize(n);
    vertex_rows.resize(n);
    has_facets.assign(n, 0);
    has_volume.assign(n, 0);
    volume_lowest.assign(n, 0);
    bounded.assign(n, -1);  // (volume is sized on first use: n default Rationals are 64 B each)
  }
  std::size_t size() const { return r.regions.size(); }
  std::size_t dim() const { return r.net->input_dim(); }

  Region& geometry(std::size_t i, int worker = 0) {
    lift_point(r, r.regions[i]);  // (facets and adjacency start from the point, in x)
    if (!r.regions[i].has_geometry) {
      // the box's rows and the integer weights, made once (parallel passes call this from every worker)
      std::call_once(once, [this] {
        dom = domain_polyhedron(r);
        wz = weights_as<Integer>(*r.net);
        ix.emplace(*r.net);
      });
      materialize(*r.net, dom, r.regions[i], wz, *ix, &caches[worker]);
    }
    return r.regions[i];
  }
  std::vector<MapCache> caches{1};  // one per worker of the current pass (under mu)
  Polyhedron dom;
  std::vector<LayerWeights<Integer>> wz;
  std::optional<NeuronIndex> ix;
  std::once_flag once;
  // The irredundant rows of region i (facets.hpp; cached).  reference: irredundant_inequalities' exact
  // LP per row, not cached (for tests).  vertices: by the vertex walk whatever d (volumes need them;
  // up to kWalkDim they are a by-product).
  std::vector<std::size_t> irredundant(std::size_t i, bool reference = false, int worker = 0, bool vertices = false) {
    const Region& reg = geometry(i, worker);
    if (reference) {
      Polyhedron P(reg.A.cols);
      P.A = reg.A;
      P.b = reg.b;
      return irredundant_inequalities(P);
    }
    const bool walk = vertices || reg.A.cols <= kWalkDim;
    if (has_facets[i] < (walk ? 2 : 1)) {
      std::vector<std::vector<std::size_t>> verts;
      facets[i].clear();
      for (const Facet& f : tropgeom::facets(reg, false, walk ? &verts : nullptr, /*proofs=*/false))
        facets[i].push_back(f.row);
      for (const auto& T : verts) vertex_rows[i].insert(vertex_rows[i].end(), T.begin(), T.end());
      has_facets[i] = walk ? 2 : 1;
    }
    return facets[i];
  }
  // Region i's exact volume: Lawrence on the simple vertices the facet pass proved, else the general
  // vertex enumeration on the facet rows alone (its cost grows with the rows).
  Rational volume_of(std::size_t i, int worker, bool lowest) {
    irredundant(i, false, worker, /*vertices=*/true);
    const Region& reg = r.regions[i];
    const std::size_t d = reg.A.cols;
    if (!vertex_rows[i].empty()) {
      std::vector<std::vector<std::size_t>> verts;
      for (std::size_t v = 0; v < vertex_rows[i].size(); v += d)
        verts.emplace_back(vertex_rows[i].begin() + v, vertex_rows[i].begin() + v + d);
      return tropgeom::simple_volume(reg, verts, {}, lowest);
    }
    Polyhedron P(d);
    for (std::size_t k : facets[i]) P.add_inequality(reg.A.row(k), reg.b[k]);
    return tropgeom::volume(P);
  }
};

// What a budgeted pass returns besides its data: regions [0, done) are finished.
py::tuple status_of(const ForResult& f) {
  return py::make_tuple(f.done, f.status.complete, stop_reason_name(f.status.reason));
}

// fn(i, worker) for every region (or the first `count`) on lim.threads workers, under the holder's lock, GIL released.
template <class Fn>
ForResult each(Regions& R, double max_seconds, int threads, const py_hooks::Progress& progress, Fn fn,
               std::size_t count = std::size_t(-1)) {
  RunLimits lim;
  py_hooks::set_limits(lim, max_seconds, threads, progress);
  py::gil_scoped_release nogil;
  std::lock_guard<std::mutex> g(R.mu);
  if (R.caches.size() < static_cast<std::size_t>(std::max(1, lim.threads))) R.caches.resize(std::max(1, lim.threads));
  return parallel_for(std::min(count, R.size()), lim, fn);
}

// halfspaces(i) called region after region (one Python call each, against an enumeration on every
// worker): a miss where the last filled block ends is a scan, and fills the next block of facets on
// `threads` workers, doubling up to 1024 regions; any other miss fills region i alone.  The size of
// the block to fill for a miss at k (under R.mu).
std::size_t plan_ahead(Regions& R, std::size_t k) {
  R.ahead = k == R.ahead_end ? std::min<std::size_t>(2 * R.ahead, 1024) : 1;
  const std::size_t n = std::min(R.ahead, R.size() - k);
  R.ahead_end = k + n;
  return n;
}

std::size_t index(const Regions& R, py::ssize_t i) {
  const py::ssize_t n = S(R.size());
  if (i < 0) i += n;
  if (i < 0 || i >= n) throw py::index_error("region index " + std::to_string(i) + " out of range");
  return static_cast<std::size_t>(i);
}

#define BUDGET_ARGS py::arg("max_seconds") = 0.0, py::arg("threads") = 1, py::arg("progress") = py::none()

}  // namespace

void bind_regions(py::module_& m) {
  py::class_<Regions> cls(m, "RegionResult", "Exact regions held by the core (use tropgeom.RegionSet).");
  cls.def_property_readonly("count", [](const Regions& R) { return R.r.count; })
      .def_property_readonly("stored", &Regions::size)
      .def_property_readonly("complete", [](const Regions& R) { return R.r.status.complete; })
      .def_property_readonly("stop_reason", [](const Regions& R) { return stop_reason_name(R.r.status.reason); })
      .def_property_readonly("stats", [](const Regions& R) {
        py::dict s;
        s["lps"] = R.r.stats.lps;
        s["float_lps"] = R.r.stats.float_lps;
        s["exact_decisions"] = R.r.stats.exact_decisions;
        s["cells"] = R.r.stats.cells;
        return s;
      })
      .def("open_cells", [](const Regions& R) { return py_cells::to_py(R.r.open); },
           "The cells a stop left undone, as (layer, neuron, pattern, cuts, point) tuples.")
      .def("patterns", [](const Regions& R) {
            const std::size_t h = R.r.net->num_hidden_neurons();
            py::array_t<std::uint8_t> out({S(R.size()), S(h)});
            auto* p = out.mutable_data();
            for (std::size_t i = 0; i < R.size(); ++i)
              std::copy(R.r.regions[i].pattern.begin(), R.r.regions[i].pattern.end(), p + i * h);
            return out;
          }, "(regions, hidden) uint8: 1 where the neuron is active.")
      .def("points", [](Regions& R, bool exact, int threads) {
            {
              py::gil_scoped_release nogil;
              std::lock_guard<std::mutex> g(R.mu);
              lift_points(R.r, threads);  // (points of a search in y = B x are mapped back on first use)
            }
            const std::size_t d = R.dim();
            if (!exact) {  // doubles read directly where the point is one (the search keeps them dyadic)
              py::array_t<double> out({S(R.size()), S(d)});
              double* p = out.mutable_data();
              py::gil_scoped_release nogil;
              for (std::size_t i = 0; i < R.size(); ++i) {
                const Point& x = R.r.regions[i].point;
                for (std::size_t j = 0; j < d; ++j) p[i * d + j] = x.is_double() ? x.doubles()[j] : to_double(x[j]);
              }
              return py::array(out);
            }
            Vec all;
            all.reserve(R.size() * d);
            for (const auto& reg : R.r.regions) all.insert(all.end(), reg.point.begin(), reg.point.end());
            return to_array(all, {S(R.size()), S(d)}, exact);
          }, py::arg("exact"), py::arg("threads") = 1)
      .def("cuts", [](const Regions& R) {
            std::vector<int> flat;
            std::vector<std::int64_t> offsets{0};
            for (const auto& reg : R.r.regions) {
              flat.insert(flat.end(), reg.cuts.begin(), reg.cuts.end());
              offsets.push_back(static_cast<std::int64_t>(flat.size()));
            }
            return py::make_tuple(int64s(flat), int64s(offsets));
          }, "(flat cutting neurons, offsets): what rebuild() needs to restore the geometry.")
      .def("halfspaces", [](Regions& R, py::ssize_t i, bool irredundant, bool exact, bool reference, int threads) {
            const std::size_t k0 = index(R, i);
            std::vector<const Rational*> A, b;  // (the region's rows stay put: geometry is never dropped)
            std::vector<int> neuron;
            std::size_t d = 0;
            for (bool first = true;; first = false) {
              std::size_t ahead = 0;
              {
                py::gil_scoped_release nogil;
                std::lock_guard<std::mutex> g(R.mu);
                if (first && irredundant && !reference && !R.has_facets[k0]) ahead = plan_ahead(R, k0);
                if (ahead <= 1) {
                  const Region& reg = R.geometry(k0);
                  d = reg.A.cols;
                  std::vector<std::size_t> rows;
                  if (irredundant) rows = R.irredundant(k0, reference);
                  else for (std::size_t k = 0; k < reg.A.rows; ++k) rows.push_back(k);
                  for (std::size_t k : rows) {
                    for (std::size_t j = 0; j < d; ++j) A.push_back(&reg.A(k, j));
                    b.push_back(&reg.b[k]);
                    neuron.push_back(reg.row_neuron[k]);
                  }
                }
              }
              if (ahead <= 1) break;
              const ForResult f = each(R, 0.0, threads, {}, [&](std::size_t j, int t) { R.irredundant(k0 + j, false, t); }, ahead);
              if (f.status.reason == StopReason::interrupted) PyErr_SetInterrupt();  // (the Ctrl-C hook cleared it)
            }
            if (R.fractions.size() > (std::size_t(1) << 20)) R.fractions.release();
            return py::make_tuple(to_array(A, {S(b.size()), S(d)}, exact, &R.fractions),
                                  to_array(b, {S(b.size())}, exact, &R.fractions), int64s(neuron));
          }, py::arg("i"), py::arg("irredundant") = true, py::arg("exact") = true, py::arg("reference") = false,
          py::arg("threads") = 1,
          "(A, b, neuron): region i is {x : A x <= b}; neuron[k] made row k (-1: the domain); threads: "
          "the workers that fill the facets of the regions after i when i is one of a scan.")
      .def("halfspace_arrays", [](Regions& R, bool exact, bool reference, double max_seconds, int threads,
                                  const py_hooks::Progress& progress) {
            std::vector<std::vector<std::size_t>> ref(reference ? R.size() : 0);
            const ForResult f = each(R, max_seconds, threads, progress, [&](std::size_t i, int t) {
              if (reference) ref[i] = R.irredundant(i, true, t);
              else R.irredundant(i, false, t);
            });
            std::vector<const Rational*> A, b;
            std::vector<int> neuron;
            std::vector<std::int64_t> offsets{0};
            {
              py::gil_scoped_release nogil;
              std::size_t rows = 0;  // (reserved: regrowing vectors of this size was measurable)
              for (std::size_t i = 0; i < f.done; ++i) rows += (reference ? ref[i] : R.facets[i]).size();
              A.reserve(rows * R.dim()), b.reserve(rows), neuron.reserve(rows), offsets.reserve(f.done + 1);
              for (std::size_t i = 0; i < f.done; ++i) {
                const Region& reg = R.r.regions[i];
                for (std::size_t k : reference ? ref[i] : R.facets[i]) {
                  for (std::size_t j = 0; j < reg.A.cols; ++j) A.push_back(&reg.A(k, j));
                  b.push_back(&reg.b[k]);
                  neuron.push_back(reg.row_neuron[k]);
                }
                offsets.push_back(static_cast<std::int64_t>(b.size()));
              }
            }
            return py::make_tuple(to_array(A, {S(b.size()), S(R.dim())}, exact), to_array(b, {S(b.size())}, exact),
                                  int64s(offsets), int64s(neuron), status_of(f));
          }, py::arg("exact"), py::arg("reference") = false, BUDGET_ARGS,
          "(A, b, offsets, neuron, (done, complete, reason)): region i is rows offsets[i]:offsets[i+1]; "
          "reference: every row decided by exact LPs (tests).")
      .def("affine_maps", [](Regions& R, bool exact, double max_seconds, int threads, const py_hooks::Progress& progress) {
            const ForResult f = each(R, max_seconds, threads, progress, [&](std::size_t i, int t) { R.geometry(i, t); });
            const std::size_t out = R.r.net->output_dim(), d = R.dim();
            std::vector<const Rational*> J, c;
            J.reserve(f.done * out * d);
            c.reserve(f.done * out);
            for (std::size_t i = 0; i < f.done; ++i) {
              for (const Rational& v : R.r.regions[i].J.data) J.push_back(&v);
              for (const Rational& v : R.r.regions[i].c) c.push_back(&v);
            }
            return py::make_tuple(to_array(J, {S(f.done), S(out), S(d)}, exact), to_array(c, {S(f.done), S(out)}, exact),
                                  status_of(f));
          }, py::arg("exact"), BUDGET_ARGS, "(J (R, out, d), c (R, out), status): the network is x -> J x + c.")
      .def("map_ids", [](Regions& R, double max_seconds, int threads, const py_hooks::Progress& progress) {
            const ForResult f = each(R, max_seconds, threads, progress, [&](std::size_t i, int t) { R.geometry(i, t); });
            // Equal exact maps get one id (first-seen order): exact comparison of (J, c).
            std::map<std::pair<Vec, Vec>, std::int64_t> ids;
            std::vector<std::int64_t> out(f.done);
            {
              py::gil_scoped_release nogil;
              for (std::size_t i = 0; i < f.done; ++i) {
                const Region& reg = R.r.regions[i];
                out[i] = ids.emplace(std::make_pair(reg.J.data, reg.c), static_cast<std::int64_t>(ids.size())).first->second;
              }
            }
            return py::make_tuple(int64s(out), status_of(f));
          }, BUDGET_ARGS, "(ids, status): regions with equal exact affine maps share an id.")
      .def("bounded", [](Regions& R, bool reference, double max_seconds, int threads, const py_hooks::Progress& progress) {
            std::vector<signed char> ref(reference ? R.size() : 0);
            const ForResult f = each(R, max_seconds, threads, progress, [&](std::size_t i, int t) {
              if (reference) ref[i] = tropgeom::bounded(R.geometry(i, t), true);
              else if (R.bounded[i] < 0) R.bounded[i] = tropgeom::bounded(R.geometry(i, t)) ? 1 : 0;
            });
            py::array_t<bool> out(S(f.done));
            for (std::size_t i = 0; i < f.done; ++i) out.mutable_data()[i] = (reference ? ref[i] : R.bounded[i]) == 1;
            return py::make_tuple(out, status_of(f));
          }, py::arg("reference") = false, BUDGET_ARGS,
          "(bounded per region, status), exact; reference: by the exact LP only (tests).")
      .def("volumes", [](Regions& R, bool exact, double max_seconds, int threads, const py_hooks::Progress& progress) {
            const ForResult f = each(R, max_seconds, threads, progress, [&](std::size_t i, int t) {
              std::call_once(R.volume_once, [&] { R.volume.resize(R.size()); });
              // the float view needs no lowest terms: they are made when an exact view asks
              if (!R.has_volume[i]) {
                R.volume[i] = R.volume_of(i, t, exact);
                R.volume_lowest[i] = exact;
                R.has_volume[i] = 1;
              }
              if (exact && !R.volume_lowest[i]) R.volume[i].canonicalize(), R.volume_lowest[i] = 1;
            });
            return py::make_tuple(to_array(f.done, [&](std::size_t i) -> const Rational& { return R.volume[i]; }, {S(f.done)}, exact),
                                  status_of(f));
          }, py::arg("exact"), BUDGET_ARGS, "(exact volume per region of a bounded domain, status).")
      .def("adjacency", [](Regions& R, bool reference, std::optional<std::vector<std::size_t>> only, double max_seconds,
                           int threads, const py_hooks::Progress& progress) {
            for (std::size_t i : only.value_or(std::vector<std::size_t>{})) index(R, S(i));
            RunLimits lim;
            py_hooks::set_limits(lim, max_seconds, threads, progress);
            Adjacency a;
            {
              py::gil_scoped_release nogil;
              std::lock_guard<std::mutex> g(R.mu);
              a = adjacency(R.r, lim, reference, only ? &*only : nullptr);
            }
            py::array_t<std::int64_t> pairs({S(a.pairs.size()), S(2)});
            auto* p = pairs.mutable_data();
            for (std::size_t e = 0; e < a.pairs.size(); ++e) p[2 * e] = a.pairs[e].first, p[2 * e + 1] = a.pairs[e].second;
            return py::make_tuple(pairs, a.status.complete, stop_reason_name(a.status.reason));
          }, py::arg("reference") = false, py::arg("only") = py::none(), BUDGET_ARGS,
          "((E, 2) int64 sorted pairs i < j of regions sharing a facet; complete; stop reason); reference: "
          "facets decided by exact LPs only (tests); only: the pairs among these regions alone.");

  m.def("enumerate_regions",
        [](const Network& net, py::handle A, py::handle b, std::size_t max_regions, double max_seconds, int threads,
           bool keep_geometry, const py_hooks::Progress& progress, py::handle lo, py::handle hi, bool box_as_bounds,
           py::handle cells, std::size_t max_cells, std::size_t stop_at, std::optional<std::function<bool()>> cancel,
           bool reduce_domain) {
          Polyhedron domain(net.input_dim());
          domain.A = to_matrix(A, net.input_dim());
          domain.b = to_rationals(b);
          Vec l, h;
          if (!lo.is_none()) l = to_rationals(lo), h = to_rationals(hi);
          RegionOptions opt;
          opt.max_regions = max_regions;
          opt.keep_geometry = keep_geometry;
          opt.box_as_bounds = box_as_bounds;
          opt.reduce_domain = reduce_domain;
          opt.defer_points = true;  // Regions maps them back when an accessor first reads them
          py_hooks::set_limits(opt, max_seconds, threads, progress);
          // resumable search (cell.hpp): start cells, a step budget, a frontier, a caller's stop flag
          opt.from_cells = !cells.is_none();
          if (opt.from_cells) opt.cells = py_cells::from_py(cells);
          opt.max_cells = max_cells;
          if (stop_at > 0) opt.stop_at = stop_at;
          if (cancel) opt.cancel = [ctrl = opt.cancel, f = *cancel] {
            if (ctrl()) return true;
            py::gil_scoped_acquire gil;
            return f();
          };
          py::gil_scoped_release nogil;
          return std::make_unique<Regions>(lo.is_none() ? enumerate_regions(net, domain, opt)
                                                        : enumerate_regions(net, l, h, opt));
        },
        py::arg("net"), py::arg("A"), py::arg("b"), py::arg("max_regions") = 0, py::arg("max_seconds") = 0.0,
        py::arg("threads") = 1, py::arg("keep_geometry") = true, py::arg("progress") = py::none(),
        py::arg("lo") = py::none(), py::arg("hi") = py::none(), py::arg("box_as_bounds") = true,
        py::arg("cells") = py::none(), py::arg("max_cells") = 0, py::arg("stop_at") = 0, py::arg("cancel") = py::none(),
        py::arg("reduce_domain") = true,
        "A, b: the domain's rows; or lo, hi: a box, passed as bounds (A, b then have no rows). "
        "reduce_domain=False: no per-cell domain-row dropping, no first-layer factorisation (tests).");

  // A stored result (pickle, JSON) back in the core: patterns, exact points and cutting neurons are all
  // materialize() needs; geometry is rebuilt lazily as for a fresh run.
  m.def("rebuild_regions",
        [](const Network& net, py::handle A, py::handle b, py::array_t<std::uint8_t, py::array::c_style | py::array::forcecast> patterns,
           py::handle points, py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> cuts,
           py::array_t<std::int64_t, py::array::c_style | py::array::forcecast> offsets, std::size_t count,
           bool complete, const std::string& reason, const std::map<std::string, std::size_t>& stats,
           py::handle lo, py::handle hi) {
          const std::size_t d = net.input_dim(), h = net.num_hidden_neurons();
          RegionResult r;
          r.net = std::make_shared<const Network>(net);
          r.domain = Polyhedron(d);
          r.domain.A = to_matrix(A, d);
          r.domain.b = to_rationals(b);
          if (!lo.is_none()) {
            r.lo = to_rationals(lo);
            r.hi = to_rationals(hi);
            if (r.lo.size() != d || r.hi.size() != d) throw InputError("stored regions: the box does not fit the network");
          }
          Matrix P = to_matrix(points, d);
          const std::size_t n = P.rows;
          if (patterns.ndim() != 2 || static_cast<std::size_t>(patterns.shape(0)) != n ||
              static_cast<std::size_t>(patterns.shape(1)) != h || static_cast<std::size_t>(offsets.size()) != n + 1)
            throw InputError("stored regions: patterns, points and cuts disagree in shape");
          const std::int64_t* o = offsets.data();
          const std::int64_t* c = cuts.data();
          for (std::size_t i = 0; i < n; ++i) {
            Region reg;
            reg.pattern.assign(patterns.data() + i * h, patterns.data() + (i + 1) * h);
            for (std::uint8_t v : reg.pattern)
              if (v > 1) throw InputError("stored regions: a pattern entry is not 0 or 1");
            reg.point.assign(P.row(i), P.row(i) + d);
            if (o[i] < 0 || o[i] > o[i + 1] || o[i + 1] > cuts.size()) throw InputError("stored regions: bad cut offsets");
            for (std::int64_t k = o[i]; k < o[i + 1]; ++k) {
              if (c[k] < 0 || static_cast<std::size_t>(c[k]) >= h) throw InputError("stored regions: a cut names no hidden neuron");
              reg.cuts.push_back(static_cast<int>(c[k]));
            }
            r.regions.push_back(std::move(reg));
          }
          r.count = count;
          r.status.complete = complete;
          r.status.reason = reason == "max_count" ? StopReason::max_count
                          : reason == "max_seconds" ? StopReason::max_seconds
                          : reason == "interrupted" ? StopReason::interrupted
                          : reason == "max_cells" ? StopReason::max_cells : StopReason::none;
          auto get = [&](const char* k) { auto it = stats.find(k); return it == stats.end() ? 0 : it->second; };
          r.stats.lps = get("lps");
          r.stats.float_lps = get("float_lps");
          r.stats.exact_decisions = get("exact_decisions");
          r.stats.cells = get("cells");
          return std::make_unique<Regions>(std::move(r));
        },
        py::arg("net"), py::arg("A"), py::arg("b"), py::arg("patterns"), py::arg("points"), py::arg("cuts"),
        py::arg("offsets"), py::arg("count"), py::arg("complete"), py::arg("reason"), py::arg("stats"),
        py::arg("lo") = py::none(), py::arg("hi") = py::none());
}
