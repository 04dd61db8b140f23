// The exact geometry of one region: its cell, its affine map, the pattern just past a point,
// boundedness.
#include "region_geometry.hpp"

#include <algorithm>

namespace tropgeom {

Polyhedron cell_polyhedron(const Polyhedron& domain, const NeuronIndex& ix, const IntMaps& maps,
                           const std::vector<int>& cuts, const std::vector<std::uint8_t>& pattern,
                           std::vector<int>* row_neuron, RowCache* rows) {
  const std::size_t d = domain.dim;
  // Reserved before the domain's rows go in (a Rational moved by a reallocation is a malloc and a
  // free), and each cut copied once from its row, then flipped in place: exact-size copies, no
  // temporaries.
  Polyhedron P(d);
  P.A.data.reserve((domain.A.rows + cuts.size()) * d);
  P.b.reserve(domain.A.rows + cuts.size());
  P.A.data.insert(P.A.data.end(), domain.A.data.begin(), domain.A.data.end());
  P.b.insert(P.b.end(), domain.b.begin(), domain.b.end());
  P.A.rows = domain.A.rows;
  P.C = domain.C;
  P.d = domain.d;
  if (row_neuron) row_neuron->assign(domain.A.rows, -1);
  Vec g(d + 1);
  for (int n : cuts) {
    const std::size_t l = ix.layer_of(n), i = n - ix.first[l];
    Vec* ge = rows ? &(*rows)[l][i] : &g;
    if (!rows || ge->empty()) {
      ge->resize(d + 1);
      rational_row(*maps[l], i, ge->data(), (*ge)[d]);
    }
    const std::size_t at = P.A.data.size();
    P.A.data.insert(P.A.data.end(), ge->begin(), ge->begin() + d);
    P.b.push_back((*ge)[d]);
    ++P.A.rows;
    cut_row(&P.A.data[at], P.b.back(), pattern[n] != 0, d, &P.A.data[at], P.b.back());
    if (row_neuron) row_neuron->push_back(n);
  }
  return P;
}

Polyhedron domain_polyhedron(const RegionResult& res) {
  if (res.lo.empty()) return res.domain;
  return box_polyhedron(res.lo, res.hi);
}

Polyhedron box_polyhedron(const Vec& lo, const Vec& hi) {
  const std::size_t d = lo.size();
  Polyhedron P(d);
  P.A = Matrix(2 * d, d);
  P.b.resize(2 * d);
  for (std::size_t j = 0; j < d; ++j) {
    P.A(j, j) = 1;
    P.b[j] = hi[j];
    P.A(d + j, j) = -1;
    P.b[d + j] = -lo[j];
  }
  return P;
}

void materialize(const Network& net, const Polyhedron& domain, Region& r) {
  if (!r.has_geometry) materialize(net, domain, r, weights_as<Integer>(net), NeuronIndex(net));
}

void materialize(const Network& net, const Polyhedron& domain, Region& r, const std::vector<LayerWeights<Integer>>& wz,
                 const NeuronIndex& ix, MapCache* cache) {
  if (r.has_geometry) return;
  IntMaps local;
  IntMaps& maps = cache ? cache->maps : local;
  if (cache) {
    // keep the maps of the layers whose earlier bits agree with the cached pattern
    const auto diff = std::mismatch(r.pattern.begin(), r.pattern.end(), cache->pattern.begin(), cache->pattern.end());
    const std::size_t same = static_cast<std::size_t>(diff.first - r.pattern.begin());
    std::size_t keep = 0;
    while (keep < maps.size() && ix.first[keep] <= same) ++keep;
    maps.resize(keep);
    cache->rows.resize(keep);
    cache->pattern = r.pattern;
  }
  extend(net, wz, ix, r.pattern, maps, net.layers.size());
  if (cache)
    for (std::size_t l = cache->rows.size(); l < maps.size(); ++l) cache->rows.emplace_back(maps[l]->rows);
  Polyhedron P = cell_polyhedron(domain, ix, maps, r.cuts, r.pattern, &r.row_neuron, cache ? &cache->rows : nullptr);
  // The network on the cell: the last layer's map, its activation applied if it has one.
  const AffineMap<Integer>& z = *maps.back();
  const Layer& last = net.layers.back();
  const PatternLive live = live_after(net, ix, r.pattern, net.layers.size() - 1);
  r.J = Matrix(z.rows, z.cols);
  r.c = Vec(z.rows);
  for (std::size_t i = 0; i < z.rows; ++i) {
    if (!live(i) && sgn(last.slope) == 0) continue;
    rational_row(z, i, &r.J(i, 0), r.c[i]);
    if (live(i)) continue;
    for (std::size_t j = 0; j < z.cols; ++j) r.J(i, j) *= last.slope;
    r.c[i] *= last.slope;
  }
  r.A = std::move(P.A);
  r.b = std::move(P.b);
  r.has_geometry = true;
}

std::vector<std::uint8_t> pattern_towards(const Network& net, const Vec& x, const Vec& u) {
  const NeuronIndex ix(net);
  std::vector<std::uint8_t> pattern;
  AffineMap<Rational> h{x.size(), 1, u, x, Rational(1)};  // x + eps u, a map of eps
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const Layer& L = net.layers[l];
    h = l == 0 ? push(L, h) : push_after(net, L, ix, pattern, h, l - 1);
    for (std::size_t i = 0; L.relu && i < L.out; ++i)  // a linear layer composes on, no bits
      pattern.push_back(is_active(sgn(h.e[i]) != 0 ? sgn(h.e[i]) : sgn(h.G[i])));  // value, then slope
  }
  return pattern;
}

bool is_bounded(const Region& r) {
  if (!r.has_geometry) throw InternalError("is_bounded: region not materialized");
  Polyhedron cone(r.A.cols);
  cone.A = r.A;
  cone.b.assign(r.A.rows, Rational(0));
  return relative_interior(cone).dimension == 0;
}

}  // namespace tropgeom
