// Data-set classifications (Brandenburg–Loho–Montufar 2024, DESIGN §5.4): activation patterns of a
// fixed data set X under a model max of K affine terms, the activation polytope's vertices, edges and
// faces, and the patterns / labelings of one-hidden-layer ReLU nets on X.
//
// Everything is one search: data points are assigned a "choice" one at a time (a set of tied maximal
// terms; or a neuron sign pattern plus a label), and a partial assignment survives iff the relatively
// open cone of parameters realising it is non-empty.  That cone is cut out by homogeneous strict rows
// r.theta > 0 and equalities r.theta = 0; it is non-empty iff max t s.t. r.theta >= t, t <= 1 has
// t* > 0 (exact LP).  Every node keeps an exact witness theta; a child that the witness already
// realises needs no LP, so the cost is about (#results x N x #choices) LPs at worst.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "tropgeom/types.hpp"

namespace tropgeom {

// An open node of a search (resumable, like the region search's Cell): the choices of data points
// 0..codes.size()-1 and exact parameters realising them.  The open nodes of a stopped run are a cut
// of the search tree, so the leaves found plus the leaves below each open node are every leaf once.
// codes are the search's own (vertices: the term index per point).
struct ActivationCell {
  std::vector<std::int32_t> codes;
  Vec witness;
};

struct ActivationOptions : RunLimits {
  std::size_t max_results = 0;  // 0: no limit (budget on stored leaves)
  std::size_t max_cells = 0;    // search steps (0: no limit; deterministic at threads = 1)
  bool from_cells = false;      // search below `cells` only (each checked exactly first), not the root
  std::vector<ActivationCell> cells;
};

struct ActivationStats {
  std::size_t lps = 0;           // exact LPs solved
  std::size_t float_lps = 0;     // float LPs (answers certified exactly, or re-decided by an exact LP)
  std::size_t witness_hits = 0;  // children proven realisable by the parent's witness (no LP)
  std::size_t nodes = 0;         // partial assignments expanded
};

// The leaves of one search: `count` rows of `points` choice codes each (sorted lexicographically).
struct ActivationResult {
  std::size_t points = 0;
  std::vector<std::int32_t> codes;  // count x points
  std::vector<std::int32_t> dims;   // faces only: the dimension of each face
  std::size_t nvars = 0;
  Vec witnesses;                    // count x nvars: exact parameters realising each leaf
  std::size_t count = 0;
  RunStatus status;  // max_count: max_results
  ActivationStats stats;
  std::vector<ActivationCell> open;  // a stop's undone nodes (sorted by codes): resuming them finishes the run
};

// X is N x d (data points as rows).  Terms are 0..K-1; a pattern gives each point its argmax term.
// dim P_X = (K - 1) * rank of the lifted points (1, x).
std::size_t activation_dimension(const Matrix& X, int K);

// Vertices of P_X: the realisable generic patterns, codes = term index per point; witnesses are
// theta_0..theta_{K-2} (theta_{K-1} = 0: adding one vector to all terms changes no argmax).
ActivationResult activation_vertices(const Matrix& X, int K, const ActivationOptions& opt);

// All non-empty faces of P_X: codes = bitmask of the tied maximal terms per point; dims filled.
ActivationResult activation_faces(const Matrix& X, int K, const ActivationOptions& opt);

// Among the vertices (a result of activation_vertices), the pairs (u, v), u < v, that differ on the
// points equal to one data point and span an edge of P_X (the face with both terms tied there is
// realisable: proven from the two witnesses when possible, else by an exact LP).
// Edges (u, v, first differing point), sorted; each edge is found from one endpoint only (the one
// with the smaller term at that point), so the edges found from disjoint sets of vertices are disjoint.
// `from`: scan these vertices only (none: all, in order); `max_cells`: at most that many (0: no limit).
// A stop (max_cells, time, Ctrl-C) returns the edges found from from[0, done): the rest is open.
struct ActivationEdges {
  std::vector<std::array<std::size_t, 3>> edges;
  RunStatus status;
  std::size_t done = 0;  // vertices scanned: a prefix of `from`
};
ActivationEdges activation_edges(const Matrix& X, int K, const ActivationResult& vertices, const RunLimits& lim,
                                 const std::optional<std::vector<std::size_t>>& from = std::nullopt,
                                 std::size_t max_cells = 0);

// One hidden layer of k = signs.size() ReLU neurons on X and output f = sum_j signs[j] relu(<w_j, (1, x)>)
// + c (|output weights| absorbed into w_j).  codes = neuron bits (bit j: neuron j active) | label << k
// (label bit 1: f > 0).  with_labels = false: only the activation patterns (signs then unused).
ActivationResult one_hidden_layer(const Matrix& X, const std::vector<int>& signs, bool with_labels,
                                  const ActivationOptions& opt);

}  // namespace tropgeom
