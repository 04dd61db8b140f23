// Dual subdivisions, tropical hypersurfaces and linear regions of F ⊘ G (DESIGN §5.2).  Kept apart
// from tropical.cpp so that the LP-heavy translation units stay small.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <numeric>
#include <random>

#include "linalg.hpp"
#include "tropgeom/lp.hpp"
#include "tropgeom/tropical.hpp"
#include "tropical_run.hpp"

namespace tropgeom {

namespace {

using Index = std::vector<std::size_t>;


using la::null_space;

// The rows E_i - E_{S[0]} (i in S) restricted to `coords`: their rank is the affine rank of S.
Matrix differences(const TropPoly& p, const Index& S, const Index& coords) {
  Matrix D(0, coords.size());
  Vec row(coords.size());
  for (std::size_t i : S) {
    for (std::size_t l = 0; l < coords.size(); ++l) row[l] = p.E(i, coords[l]) - p.E(S[0], coords[l]);
    D.append_row(row.data(), coords.size());
  }
  return D;
}

Rational dot(const TropPoly& p, std::size_t i, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < p.d; ++j)
    if (sgn(x[j]) != 0) s += p.E(i, j) * x[j];
  return s;
}

// Walks the hypersurface of a canonical polynomial from cell to cell across upper ridges.
class Walker {
 public:
  Walker(const TropPoly& p, const Budget& budget) : p_(p), budget_(budget), V_(upper_vertices(p, budget)) {
    Index all(p.size());
    std::iota(all.begin(), all.end(), 0);
    Matrix D = differences(p, all, identity(p.d));
    out_.lineality = null_space(D);
    out_.coords = rref(D);
    out_.rank = out_.coords.size();
  }

  Subdivision run() {
    Vec x(p_.d, Rational(0));
    Index S = argmax(x);
    // Raise the tie set to a cell: move along the tie space until another monomial catches up.
    while (affine_rank(S) < out_.rank) {
      Matrix N = null_space(differences(p_, S, out_.coords));
      Vec v = embed(N.row(0));
      if (!shoot(S[0], x, v)) {
        for (auto& vj : v) vj = -vj;
        if (!shoot(S[0], x, v)) throw InternalError("subdivision: no monomial leaves the tie space");
      }
      S = argmax(x);
    }
    add_cell(S, x);
    for (std::size_t c = 0; c < out_.cells.size(); ++c) {
      budget_.tick(c);
      for (Index& R : ridges(out_.cells[c].monomials)) walk(c, std::move(R));
    }
    return std::move(out_);
  }

 private:
  static Index identity(std::size_t n) {
    Index I(n);
    std::iota(I.begin(), I.end(), 0);
    return I;
  }

  Vec embed(const Rational* y) const {
    Vec v(p_.d, Rational(0));
    for (std::size_t l = 0; l < out_.rank; ++l) v[out_.coords[l]] = y[l];
    return v;
  }

  std::size_t affine_rank(const Index& S) const { return rank(differences(p_, S, out_.coords)); }

  Index argmax(const Vec& x) const {
    Index S;
    Rational top;
    for (std::size_t i = 0; i < p_.size(); ++i) {
      Rational v = p_.c[i] + dot(p_, i, x);
      if (S.empty() || v > top) {
        S.assign(1, i);
        top = v;
      } else if (v == top) {
        S.push_back(i);
      }
    }
    return S;
  }

  // Moves x along v to the first point where an upper vertex overtakes monomial i (which attains
  // the max at x and keeps attaining it with its tie set); false if none ever does (a ray).
  bool shoot(std::size_t i, Vec& x, const Vec& v) const {
    const Rational rate_i = dot(p_, i, v), val_i = p_.c[i] + dot(p_, i, x);
    bool hit = false;
    Rational best;
    for (std::size_t j : V_) {
      const Rational gain = dot(p_, j, v) - rate_i;
      if (sgn(gain) <= 0) continue;
      Rational t = (val_i - p_.c[j] - dot(p_, j, x)) / gain;
      if (!hit || t < best) best = t, hit = true;
    }
    if (hit)
      for (std::size_t l = 0; l < p_.d; ++l) x[l] += best * v[l];
    return hit;
  }

  // The ridges of a cell: subsets R of S spanning a hyperplane (affine rank r - 1) with all of S on
  // one side.  Their hyperplanes pass through r upper vertices of S (faces of a face are faces).
  std::vector<Index> ridges(const Index& S) const {
    Index T;
    for (std::size_t i : S)
      if (std::binary_search(V_.begin(), V_.end(), i)) T.push_back(i);
    std::vector<Index> out;
    const std::size_t r = out_.rank;
    if (r == 0 || T.size() < r) return out;
    std::vector<char> pick(T.size(), 0);
    std::fill(pick.end() - r, pick.end(), 1);
    do {
      budget_.tick(out_.cells.size());
      Index B;
      for (std::size_t a = 0; a < T.size(); ++a)
        if (pick[a]) B.push_back(T[a]);
      Matrix N = null_space(differences(p_, B, out_.coords));
      if (N.rows != 1) continue;
      int pos = 0, neg = 0;
      Index R;
      for (std::size_t i : S) {
        Rational s = 0;
        for (std::size_t l = 0; l < r; ++l) s += N(0, l) * (p_.E(i, out_.coords[l]) - p_.E(B[0], out_.coords[l]));
        const int g = sgn(s);
        pos += g > 0, neg += g < 0;
        if (g == 0) R.push_back(i);
      }
      if ((pos == 0 || neg == 0) && std::find(out.begin(), out.end(), R) == out.end()) out.push_back(std::move(R));
    } while (std::next_permutation(pick.begin(), pick.end()));
    return out;
  }

  // Follows the edge of ridge R out of cell c: the direction keeps R tied and the rest of the cell
  // below (the ridge's outer normal in the cell), until a new upper vertex ties.
  void walk(std::size_t c, Index R) {
    if (!seen_.insert(R).second) return;
    const Index& S = out_.cells[c].monomials;
    Vec v = embed(null_space(differences(p_, R, out_.coords)).row(0));
    const std::size_t other = *std::find_if(S.begin(), S.end(), [&](std::size_t i) { return !std::binary_search(R.begin(), R.end(), i); });
    if (dot(p_, other, v) > dot(p_, R[0], v))
      for (auto& vj : v) vj = -vj;
    Vec x = out_.cells[c].point;
    SubdivisionEdge e;
    e.cell = c;
    if (shoot(R[0], x, v)) e.other = static_cast<long>(add_cell(argmax(x), x));
    e.monomials = std::move(R);
    e.direction = std::move(v);
    out_.edges.push_back(std::move(e));
  }

  std::size_t add_cell(Index S, const Vec& x) {
    auto it = cell_index_.find(S);
    if (it != cell_index_.end()) return it->second;
    cell_index_.emplace(S, out_.cells.size());
    out_.cells.push_back({std::move(S), x});
    return out_.cells.size() - 1;
  }

  const TropPoly& p_;
  const Budget& budget_;
  const Index V_;  // sorted
  Subdivision out_;
  std::map<Index, std::size_t> cell_index_;
  std::set<Index> seen_;  // ridges walked
};

// {x : E_k x + c_k <= E_i x + c_i for all k}: the region of monomial i, appended to P.
void add_region(Polyhedron& P, const TropPoly& p, std::size_t i) {
  Vec row(p.d);
  for (std::size_t k = 0; k < p.size(); ++k) {
    if (k == i) continue;
    for (std::size_t l = 0; l < p.d; ++l) row[l] = p.E(k, l) - p.E(i, l);
    P.add_inequality(row.data(), p.c[i] - p.c[k]);
  }
}

struct UnionFind {
  std::vector<std::size_t> up;
  explicit UnionFind(std::size_t n) : up(n) { std::iota(up.begin(), up.end(), 0); }
  std::size_t find(std::size_t a) { return up[a] == a ? a : up[a] = find(up[a]); }
  bool unite(std::size_t a, std::size_t b) {
    a = find(a), b = find(b);
    up[a] = b;
    return a != b;
  }
};

}  // namespace

Subdivision subdivision(const TropPoly& canonical_p, const RunLimits& lim) {
  const Budget budget(lim);
  return Walker(canonical_p, budget).run();
}

namespace {

GluedCells glue(const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                const Budget& budget) {
  const std::size_t d = F.d;
  auto cell = [&](std::size_t i, std::size_t j) {
    Polyhedron P(d);
    add_region(P, F, i);
    add_region(P, G, j);
    return P;
  };
  std::map<Vec, std::vector<std::size_t>> by_map;  // affine map (E_i - E_j, c_i - c_j) -> cells
  for (std::size_t a = 0; a < cells.size(); ++a) {
    budget.tick(a);
    const auto [i, j] = cells[a];
    if (i >= F.size() || j >= G.size()) throw InputError("cell (" + std::to_string(i) + ", " + std::to_string(j) + ") out of range");
    Vec key(d + 1);
    for (std::size_t l = 0; l < d; ++l) key[l] = F.E(i, l) - G.E(j, l);
    key[d] = F.c[i] - G.c[j];
    by_map[key].push_back(a);
  }
  UnionFind uf(cells.size());
  for (const auto& [key, group] : by_map)
    for (std::size_t u = 0; u < group.size(); ++u)
      for (std::size_t w = u + 1; w < group.size(); ++w) {
        budget.tick(cells.size());
        if (uf.find(group[u]) == uf.find(group[w])) continue;
        const auto [i, j] = cells[group[u]];
        const auto [i2, j2] = cells[group[w]];
        Polyhedron P = cell(i, j);
        add_region(P, F, i2);
        add_region(P, G, j2);
        if (relative_interior(P).dimension + 1 == static_cast<int>(d)) uf.unite(group[u], group[w]);
      }
  GluedCells out;
  out.label.resize(cells.size());
  std::map<std::size_t, std::size_t> number;  // root -> label, in order of first cell
  for (std::size_t a = 0; a < cells.size(); ++a) {
    auto it = number.emplace(uf.find(a), number.size()).first;
    out.label[a] = it->second;
  }
  out.count = number.size();
  return out;
}

}  // namespace

GluedCells glue_cells(const TropPoly& F, const TropPoly& G, const std::vector<std::pair<std::size_t, std::size_t>>& cells,
                      const RunLimits& lim) {
  if (F.d != G.d) throw InputError("numerator and denominator in different numbers of variables");
  return glue(F, G, cells, Budget(lim));
}

std::size_t linear_regions(const TropPoly& F0, const TropPoly& G0, const RunLimits& lim) {
  if (F0.d != G0.d) throw InputError("numerator and denominator in different numbers of variables");
  const Budget budget(lim);
  const TropPoly F = prune(F0, budget), G = prune(G0, budget);
  const std::size_t d = F.d, nF = F.size(), nG = G.size();
  // Points with a unique maximum in both F and G prove most non-empty pairs without an LP.
  std::vector<char> live(nF * nG, 0), decided(nF * nG, 0);
  std::mt19937_64 rng(0x11e5eedULL);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> decade(-2.0, 2.0);
  Vec x(d);
  for (std::size_t s = 0; s < std::min<std::size_t>(16 + 4 * nF * nG, 4000); ++s) {
    budget.tick();
    const double r = std::pow(10.0, decade(rng));
    for (auto& xj : x) xj = Rational(normal(rng) * r);
    auto unique_top = [&](const TropPoly& p) -> long {
      long best = -1;
      bool tie = false;
      Rational top;
      for (std::size_t i = 0; i < p.size(); ++i) {
        Rational v = p.c[i] + dot(p, i, x);
        if (best < 0 || v > top) best = static_cast<long>(i), top = v, tie = false;
        else if (v == top) tie = true;
      }
      return tie ? -1 : best;
    };
    const long i = unique_top(F), j = unique_top(G);
    if (i >= 0 && j >= 0) live[i * nG + j] = decided[i * nG + j] = 1;
  }
  std::vector<std::pair<std::size_t, std::size_t>> cells;
  for (std::size_t a = 0; a < nF * nG; ++a) {
    budget.tick(a);
    const std::size_t i = a / nG, j = a % nG;
    if (!decided[a]) {
      Polyhedron P(d);
      add_region(P, F, i);
      add_region(P, G, j);
      live[a] = is_full_dimensional(P);
    }
    if (live[a]) cells.emplace_back(i, j);
  }
  return glue(F, G, cells, budget).count;
}

std::vector<char> bounded_regions(const TropPoly& p, const RunLimits& lim) {
  const Budget budget(lim);
  std::vector<char> out(p.size());
  for (std::size_t i = 0; i < p.size(); ++i) {
    budget.tick(i);
    Polyhedron cone(p.d);  // the recession cone of monomial i's region
    add_region(cone, p, i);
    std::fill(cone.b.begin(), cone.b.end(), Rational(0));
    out[i] = relative_interior(cone).dimension == 0;
  }
  return out;
}

}  // namespace tropgeom
