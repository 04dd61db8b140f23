// Adjacency of activation regions: which pairs share a facet, decided by a float filter whose doubtful
// cases are decided exactly.
#include <algorithm>
#include <unordered_map>

#include "facets.hpp"
#include "layer_map.hpp"
#include "region_geometry.hpp"
#include "run.hpp"
#include "tropgeom/regions.hpp"

namespace tropgeom {

namespace {

using iv::Interval;
using IWeights = std::vector<LayerWeights<Interval>>;

// Hidden pre-activations at the interval point y, layer by layer (the activations on intervals).
std::vector<Interval> hidden_iv(const Network& net, const IWeights& W, std::vector<Interval> y) {
  std::vector<Interval> all;
  AffineMap<Interval> h = point_map(std::move(y));
  for (std::size_t l = 0; l < W.size(); ++l) {
    h = push(W[l], h);
    if (!net.layers[l].relu) continue;
    for (auto& v : h.e) {
      all.push_back(v);
      activate(v, net.layers[l].slope);
    }
  }
  return all;
}

// Activation patterns just beyond each facet of r made by a neuron (facets.hpp decides which rows are
// facets).  A float proof gives q past the facet only: the segment from r's point p to q meets it at y
// in its relative interior; if no other neuron vanishes at y (intervals), the pattern beyond is r's
// with that neuron flipped.  Otherwise the pattern is decided exactly (pattern_towards from an exact
// relative interior point of the facet).
std::vector<std::vector<std::uint8_t>> region_neighbours(const Network& net, const IWeights& Wi, const Region& r,
                                                         bool reference) {
  const std::size_t d = r.A.cols;
  std::vector<std::vector<std::uint8_t>> out;
  std::vector<double> p(d);
  for (std::size_t j = 0; j < d; ++j) p[j] = r.point[j].get_d();  // facets() proved it inside if beyond is set
  for (const Facet& f : facets(r, reference)) {
    const std::size_t k = f.row;
    if (r.row_neuron[k] < 0) continue;  // the domain's boundary has no neighbour
    const std::size_t n = static_cast<std::size_t>(r.row_neuron[k]);
    if (!f.beyond.empty()) {
      std::vector<Interval> ak(d);
      for (std::size_t j = 0; j < d; ++j) ak[j] = iv::of(r.A(k, j));
      const Interval bk = iv::of(r.b[k]);
      const Interval num = bk - iv::dot(ak.data(), p.data(), d),
                     den = iv::dot(ak.data(), f.beyond.data(), d) - iv::dot(ak.data(), p.data(), d);
      if (den.positive()) {
        const Interval t = num / den;
        std::vector<Interval> y(d);
        for (std::size_t j = 0; j < d; ++j) y[j] = iv::exact(p[j]) + t * (iv::exact(f.beyond[j]) - iv::exact(p[j]));
        const std::vector<Interval> z = hidden_iv(net, Wi, y);
        bool generic = true;
        for (std::size_t h = 0; h < z.size() && generic; ++h) generic = h == n || z[h].positive() || z[h].negative();
        if (generic) {
          out.push_back(r.pattern);
          out.back()[n] ^= 1;
          continue;
        }
      }
    }
    const Vec y = f.on.empty() ? facet_point(r, k) : f.on;
    out.push_back(pattern_towards(net, y, Vec(r.A.row(k), r.A.row(k) + d)));
  }
  return out;
}

}  // namespace

Adjacency adjacency(RegionResult& res, const RunLimits& lim, bool reference, const std::vector<std::size_t>* only) {
  const Network& net = *res.net;
  const IWeights Wi = weights_as<Interval>(net);
  const std::vector<LayerWeights<Integer>> Wz = weights_as<Integer>(net);
  const NeuronIndex ix(net);
  std::vector<Region>& regions = res.regions;
  const Polyhedron domain = domain_polyhedron(res);
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < regions.size(); ++i)
    index.emplace(std::string(regions[i].pattern.begin(), regions[i].pattern.end()), i);
  std::vector<char> in(only ? regions.size() : 0, 0);
  if (only)
    for (std::size_t i : *only) in.at(i) = 1;

  std::vector<std::vector<std::pair<std::size_t, std::size_t>>> found(std::max(1, lim.threads));
  std::vector<MapCache> caches(found.size());
  const ForResult run = parallel_for(only ? only->size() : regions.size(), lim, [&](std::size_t s, int t) {
    const std::size_t i = only ? (*only)[s] : s;
    Region& r = regions[i];
    materialize(net, domain, r, Wz, ix, &caches[t]);
    for (const auto& p : region_neighbours(net, Wi, r, reference)) {
      auto it = index.find(std::string(p.begin(), p.end()));
      if (it == index.end()) {
        if (!res.status.complete) continue;  // a partial set need not hold the neighbour
        throw InternalError("adjacency: no region beyond a facet of region " + std::to_string(i));
      }
      if (i < it->second && (!only || in[it->second])) found[t].emplace_back(i, it->second);
    }
  });
  Adjacency out;
  out.status = run.status;
  for (auto& f : found) out.pairs.insert(out.pairs.end(), f.begin(), f.end());
  std::sort(out.pairs.begin(), out.pairs.end());
  out.pairs.erase(std::unique(out.pairs.begin(), out.pairs.end()), out.pairs.end());
  return out;
}

}  // namespace tropgeom
