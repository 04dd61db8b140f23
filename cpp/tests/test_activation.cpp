// Activation polytopes against closed-form counts (DESIGN §5.4).
#include <cstdio>
#include <vector>

#include "tropgeom/activation.hpp"
#include "check.hpp"

using namespace tropgeom;

static Matrix points(std::size_t d, const std::vector<long>& v) {
  Matrix X(v.size() / d, d);
  for (std::size_t k = 0; k < v.size(); ++k) X.data[k] = v[k];
  return X;
}

int main() {
  ActivationOptions opt;
  // d = 1, N = 4, K = 2: Cover's 2 (C(3,0) + C(3,1)) = 8 chambers.
  CHECK(activation_vertices(points(1, {0, 1, 2, 3}), 2, opt).count == 8);
  // d = 1, N = 3, K = 3: sum_j C(2, j-1) 3!/(3-j)! = 3 + 12 + 6 = 21, on two threads.
  opt.threads = 2;
  CHECK(activation_vertices(points(1, {0, 1, 2}), 3, opt).count == 21);
  opt.threads = 1;
  // A repeated point changes nothing: {0, 0, 1} has the 4 patterns of {0, 1}, the copies agreeing.
  ActivationResult dup = activation_vertices(points(1, {0, 0, 1}), 2, opt);
  CHECK(dup.count == 4);
  for (std::size_t v = 0; v < dup.count; ++v) CHECK(dup.codes[3 * v] == dup.codes[3 * v + 1]);
  // Two points in R^1, K = 2: a parallelogram, f = (4, 4, 1), 4 edges.
  Matrix two = points(1, {0, 1});
  CHECK(activation_dimension(two, 2) == 2);
  ActivationResult faces = activation_faces(two, 2, opt);
  std::vector<int> f(3, 0);
  for (int dim : faces.dims) ++f[dim];
  CHECK(f == std::vector<int>({4, 4, 1}));
  ActivationResult verts = activation_vertices(two, 2, opt);
  CHECK(activation_edges(two, 2, verts, RunLimits{}).edges.size() == 4);
  // Budget: stop after 3 of the 8 patterns.
  opt.max_results = 3;
  ActivationResult part = activation_vertices(points(1, {0, 1, 2, 3}), 2, opt);
  CHECK(!part.status.complete && part.count == 3 && part.status.reason == StopReason::max_count);
  // One neuron with a positive output weight realises the linear dichotomies of 3 points on a line:
  // 2 (1 + 2) = 6 labelings, over the 6 neuron patterns.
  opt.max_results = 0;
  CHECK(one_hidden_layer(points(1, {0, 1, 2}), {1}, false, opt).count == 6);
  CHECK(failures == 0 || (std::fprintf(stderr, "%d failures\n", failures), false));
  return failures ? 1 : 0;
}
