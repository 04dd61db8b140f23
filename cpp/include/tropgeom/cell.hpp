// A cell: the persistent part of a node of the region search (regions.hpp), small enough to store,
// ship to another process and resume.  The search tree is cut by its open cells: their subtrees are
// disjoint, so the regions found above a cut plus those below each open cell are every region once.
// Resuming composes the cell's layer maps from its pattern prefix; no earlier decision is redone.
#pragma once

#include <cstdint>
#include <vector>

#include "tropgeom/types.hpp"

namespace tropgeom {

struct Cell {
  std::size_t layer = 0, neuron = 0;  // the next neuron to decide; layer == #layers: a finished region
  std::vector<std::uint8_t> pattern;  // the decided hidden neurons (layer order), 1 active
  std::vector<int> cuts;              // the neurons whose hyperplanes bound it, in order
  Vec point;                          // exact point strictly inside
};

}  // namespace tropgeom
