// Internal: the exact cell of an activation pattern, shared by the enumeration (its exact decisions)
// and by materialize.
#pragma once

#include "layer_map.hpp"
#include "tropgeom/regions.hpp"

namespace tropgeom {

// Integer pre-activation maps, one per layer, shared between cells (a split's two sides share them).
using IntMaps = std::vector<std::shared_ptr<const AffineMap<Integer>>>;

// Per layer of `maps`, each neuron's exact row (g, e) = (G_i, e_i) / q as d + 1 rationals, made on
// first use (empty until then): canonical rationals cost gcds, and neighbouring regions share rows.
using RowCache = std::vector<std::vector<Vec>>;

// The exact cell {x : A x <= b}: the domain's rows, then one row per cut, on the side of its bit
// (row_neuron, if given: the neuron of each row, -1 for the domain's; rows, if given: a cache
// belonging to these maps).
Polyhedron cell_polyhedron(const Polyhedron& domain, const NeuronIndex& ix, const IntMaps& maps,
                           const std::vector<int>& cuts, const std::vector<std::uint8_t>& pattern,
                           std::vector<int>* row_neuron = nullptr, RowCache* rows = nullptr);

// The box as rows, in domain_polyhedron's order.
Polyhedron box_polyhedron(const Vec& lo, const Vec& hi);

// The pre-activation maps of the region one worker materialized last.  Layer l's map depends only on
// the pattern bits of the layers before l, and regions come sorted by pattern: neighbours in the list
// share their first layers' maps, which are then reused instead of recomposed.
struct MapCache {
  std::vector<std::uint8_t> pattern;
  IntMaps maps;
  RowCache rows;  // rows[l] belongs to maps[l]
};

// materialize with the net's integer weights and index made once by a caller that materializes many
// regions (weights_as<Integer> per region was a tenth of adjacency's time), and a worker's cache.
void materialize(const Network& net, const Polyhedron& domain, Region& r, const std::vector<LayerWeights<Integer>>& wz,
                 const NeuronIndex& ix, MapCache* cache = nullptr);

}  // namespace tropgeom
