// Internal: the tropical loops under one Budget, so that a whole tropicalize / subdivision /
// linear_regions run shares one clock and its nested prunes poll the same budget.
#pragma once

#include "run.hpp"
#include "tropgeom/tropical.hpp"

namespace tropgeom {

std::vector<std::size_t> upper_vertices(const TropPoly& canonical_p, const Budget& budget);
TropPoly prune(const TropPoly& p, const Budget& budget);

}  // namespace tropgeom
