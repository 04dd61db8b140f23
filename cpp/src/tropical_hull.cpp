// Exact vertices of the convex hull of a point set in low affine dimension: CGAL's 2-D hull and 3-D
// extreme points on the exact kernel (Epeck: filtered predicates, exact rationals underneath), run on
// indices.  Above affine dimension 3 CGAL's dD hulls are slow or crash (DESIGN §4): the LP pruner.
// Kept apart from tropical.cpp so that the CGAL-heavy translation unit stays small.
#include <CGAL/Convex_hull_traits_adapter_2.h>
#include <CGAL/Exact_predicates_exact_constructions_kernel.h>
#include <CGAL/Extreme_points_traits_adapter_3.h>
#include <CGAL/convex_hull_2.h>
#include <CGAL/convex_hull_3.h>
#include <CGAL/property_map.h>

#include <algorithm>
#include <numeric>

#include "tropical_run.hpp"

namespace tropgeom {

namespace {

using K = CGAL::Exact_predicates_exact_constructions_kernel;

K::FT ft(const Rational& q) { return K::FT(q); }  // Epeck's exact type is mpq_class here

}  // namespace

std::vector<std::size_t> hull_vertices(const TropPoly& p, const RunLimits& lim) {
  const Budget budget(lim);
  const std::size_t n = p.size(), D = p.d;
  if (n <= 1) return std::vector<std::size_t>(n, 0);
  // The affine hull, one point at a time (a full-dimensional set stops after a few): each new
  // direction is reduced on the earlier pivots, so the basis is triangular on the pivot columns and
  // the projection onto them is one-to-one on the hull: it keeps the vertices.
  std::vector<Vec> basis;
  std::vector<std::size_t> piv;
  Vec v(D);
  for (std::size_t i = 1; i < n && basis.size() < D; ++i) {
    budget.tick();
    for (std::size_t j = 0; j < D; ++j) v[j] = p.E(i, j) - p.E(0, j);
    for (std::size_t k = 0; k < basis.size(); ++k)
      if (sgn(v[piv[k]]) != 0) {
        const Rational f = v[piv[k]] / basis[k][piv[k]];
        for (std::size_t j = 0; j < D; ++j) v[j] -= f * basis[k][j];
      }
    const auto lead = std::find_if(v.begin(), v.end(), [](const Rational& a) { return sgn(a) != 0; });
    if (lead == v.end()) continue;
    piv.push_back(static_cast<std::size_t>(lead - v.begin()));
    basis.push_back(v);
  }
  const std::size_t r = piv.size();
  std::vector<std::size_t> idx(n), out;
  std::iota(idx.begin(), idx.end(), 0);
  if (r == 0) return {0};
  if (r == 1) {
    const auto less = [&](std::size_t a, std::size_t b) { return p.E(a, piv[0]) < p.E(b, piv[0]); };
    out = {*std::min_element(idx.begin(), idx.end(), less), *std::max_element(idx.begin(), idx.end(), less)};
  } else if (r == 2) {
    std::vector<K::Point_2> pts;
    pts.reserve(n);
    for (std::size_t i = 0; i < n; ++i) pts.emplace_back(ft(p.E(i, piv[0])), ft(p.E(i, piv[1])));
    using Traits = CGAL::Convex_hull_traits_adapter_2<K, CGAL::Pointer_property_map<K::Point_2>::type>;
    CGAL::convex_hull_2(idx.begin(), idx.end(), std::back_inserter(out), Traits(CGAL::make_property_map(pts)));
  } else if (r == 3) {
    std::vector<K::Point_3> pts;
    pts.reserve(n);
    for (std::size_t i = 0; i < n; ++i) pts.emplace_back(ft(p.E(i, piv[0])), ft(p.E(i, piv[1])), ft(p.E(i, piv[2])));
    CGAL::extreme_points_3(idx, std::back_inserter(out),
                           CGAL::make_extreme_points_traits_adapter(CGAL::make_property_map(pts)));
  } else {
    TropPoly flat = p;  // a vertex is the strict maximum of a linear form: the pruner with c = 0
    std::fill(flat.c.begin(), flat.c.end(), Rational(0));
    return upper_vertices(flat, budget);
  }
  budget.tick();
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace tropgeom
