// Exact 2-D slices: the tessellation of a plane through input space into activation regions.
//
// The plane is x = origin + u d1 + v d2 (rational frame), the domain a convex polygon in (u, v).
// Layer by layer, every neuron is affine on each face that exists at the start of its layer, so a
// face splits by lines, independently of other faces.  Decisions use double maps and vertices with
// rigorous error bounds; every doubtful one is re-decided in exact rationals.  Vertices are shared by
// symbolic identity (the edge they split and the neuron), so concurrent and duplicated neurons need
// no special case: a later neuron through an existing vertex has sign exactly 0 there.
#pragma once

#include <cstdint>
#include <memory>

#include "tropgeom/network.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom {

struct SliceOptions {
  RunLimits limits;
  std::size_t max_faces = 0;  // 0: no limit
};

class SliceEngine;  // the exact fallback, kept alive for exact coordinates on request

struct Slice2D {
  // Vertices: float64 position in plane coordinates and a bound on its error (max norm).
  std::vector<double> u, v, radius;
  // Faces, CSR: face f has vertices face_verts[face_start[f] .. face_start[f+1]) in ccw order; the
  // edge from the i-th to the next vertex was made by hidden neuron edge_neuron[i] (-1: the domain).
  std::vector<std::uint32_t> face_start{0}, face_verts;
  std::vector<std::int32_t> edge_neuron;
  std::vector<std::uint8_t> patterns;  // faces x hidden: 1 where active
  std::vector<double> maps;            // faces x outputs x 3: output k = a u + b v + c (float64)
  std::vector<double> map_errors;      // a bound on each entry's error
  std::size_t hidden = 0, outputs = 0;
  RunStatus status;
  std::size_t exact_decisions = 0;  // decisions the float filter left to exact arithmetic
  std::shared_ptr<SliceEngine> engine;
  std::vector<std::int32_t> engine_ids;  // vertex i is the engine's vertex engine_ids[i]

  std::size_t num_faces() const { return face_start.size() - 1; }
  // Exact coordinates of vertex i; exact output map of face f (outputs x 3); exact area of face f.
  std::pair<Rational, Rational> exact_vertex(std::size_t i) const;
  Matrix exact_map(std::size_t f) const;
  Rational exact_area(std::size_t f) const;
};

// origin, d1, d2 in input space (input_dim each); polygon: convex, counter-clockwise, in (u, v).
Slice2D slice2d(const Network& net, const Vec& origin, const Vec& d1, const Vec& d2,
                const std::vector<std::pair<Rational, Rational>>& polygon, const SliceOptions& opt);

}  // namespace tropgeom
