// Bounded polyhedra (polytopes) given by inequalities: their exact vertices and volume.
//
// The rows may be redundant, duplicated or zero and the polytope may be degenerate (non-simple
// vertices), empty or lower-dimensional; equalities of the Polyhedron are honoured.  Everything is
// decided in exact integer/rational arithmetic; no LP is needed except to tell "empty" from
// "unbounded" when the rows leave a whole line free.
#pragma once

#include <vector>

#include "tropgeom/lp.hpp"

namespace tropgeom {

// Both take RunLimits (time, Ctrl-C, progress) and throw Stopped at a stop: part of a vertex set or
// of a volume is no answer.

// The vertices of P, sorted lexicographically; empty if P is empty.  InputError if P is unbounded.
std::vector<Vec> vertices(const Polyhedron& P, const RunLimits& lim = {});

// The P.dim-dimensional volume of P: 0 if P is empty or lower-dimensional (for dim 0: 1 if P is the
// point, 0 if empty).  InputError if P is unbounded.
Rational volume(const Polyhedron& P, const RunLimits& lim = {});

}  // namespace tropgeom
