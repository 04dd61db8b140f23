// The slice engine against an independent oracle: CGAL's Arrangement_2 on Epeck (exact), for one
// hidden layer (lines clipped to the box), with random, concurrent, parallel and duplicated lines.
// `test_slice2d bench W` times a [2, W, W, W, 1] He net instead (for profiling).
#include <CGAL/Arr_segment_traits_2.h>
#include <CGAL/Arrangement_2.h>
#include <CGAL/Exact_predicates_exact_constructions_kernel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include "tropgeom/slice2d.hpp"
#include "check.hpp"

using namespace tropgeom;
using K = CGAL::Exact_predicates_exact_constructions_kernel;
using Arrangement = CGAL::Arrangement_2<CGAL::Arr_segment_traits_2<K>>;

static std::vector<std::pair<Rational, Rational>> box() { return {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}; }

// Faces of the arrangement of the lines w.x + b = 0 inside [-1, 1]^2, by CGAL (each line clipped to
// the box by hand: where it meets the sides).
static std::size_t oracle(const Vec& W, const Vec& b) {
  Arrangement arr;
  std::vector<K::Segment_2> segs;
  const K::Point_2 corner[4] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
  for (int i = 0; i < 4; ++i) segs.emplace_back(corner[i], corner[(i + 1) % 4]);
  for (std::size_t i = 0; i < b.size(); ++i) {
    const Rational &a1 = W[2 * i], &a2 = W[2 * i + 1];
    std::vector<std::pair<Rational, Rational>> hits;
    for (int s = -1; s <= 1; s += 2) {
      if (sgn(a2) != 0) {  // x = s
        const Rational y = -(a1 * s + b[i]) / a2;
        if (y >= -1 && y <= 1) hits.emplace_back(Rational(s), y);
      }
      if (sgn(a1) != 0) {  // y = s
        const Rational x = -(a2 * s + b[i]) / a1;
        if (x >= -1 && x <= 1) hits.emplace_back(x, Rational(s));
      }
    }
    std::sort(hits.begin(), hits.end());
    hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
    if (hits.size() == 2)
      segs.emplace_back(K::Point_2(K::FT(hits[0].first), K::FT(hits[0].second)),
                        K::Point_2(K::FT(hits[1].first), K::FT(hits[1].second)));
  }
  CGAL::insert(arr, segs.begin(), segs.end());
  return arr.number_of_faces() - 1;  // minus the unbounded face
}

static std::size_t slice_faces(const Vec& W, const Vec& b, int threads = 1) {
  Network net;
  const std::size_t n = b.size();
  net.layers.push_back(layer(n, 2, W, b, true));
  net.layers.push_back(layer(1, n, Vec(n, Rational(1)), {Rational(0)}, false));
  SliceOptions opt;
  opt.limits.threads = threads;
  Slice2D s = slice2d(net, {0, 0}, {1, 0}, {0, 1}, box(), opt);
  CHECK(s.status.complete);
  return s.num_faces();
}

static void test_random_lines() {
  std::mt19937 rng(7);
  std::normal_distribution<double> g(0, 1);
  for (int t = 0; t < 20; ++t) {
    Vec W, b;
    for (int i = 0; i < 12; ++i) W.emplace_back(g(rng)), W.emplace_back(g(rng)), b.emplace_back(0.5 * g(rng));
    CHECK(slice_faces(W, b) == oracle(W, b));
    CHECK(slice_faces(W, b, 2) == oracle(W, b));
  }
}

static void test_degenerate_lines() {
  // five lines through the origin, two parallel pairs, a duplicate, a line along the box's side,
  // a line through a corner, a zero neuron
  Vec W = {q(1), q(0), q(0), q(1), q(1), q(1), q(1), q(-1), q(2), q(1), q(1), q(0), q(1), q(0),
           q(-1), q(-1), q(1), q(0), q(1), q(1), q(0), q(0)};
  Vec b = {q(0), q(0), q(0), q(0), q(0), q(1, 2), q(1, 2), q(1, 3), q(-1), q(0), q(1)};
  CHECK(slice_faces(W, b) == oracle(W, b));
  // lines nearly concurrent: through (1/3, 1/7) with biases perturbed by 2^-40
  Vec W2, b2;
  const Rational px(1, 3), py(1, 7), eps = Rational(1) / (Rational(1 << 20) * (1 << 20));
  for (int i = 0; i < 6; ++i) {
    const Rational a(i + 1, 3), c(2 - i, 5);
    W2.push_back(a), W2.push_back(c), b2.push_back(-(a * px + c * py) + (i % 2 ? eps : Rational(0)));
  }
  CHECK(slice_faces(W2, b2) == oracle(W2, b2));
}

static void bench(int width) {
  std::mt19937 rng(1);
  Network net;
  std::size_t in = 2;
  for (int l = 0; l < 4; ++l) {
    const std::size_t out = l < 3 ? width : 1;
    std::normal_distribution<double> g(0, std::sqrt(2.0 / in)), gb(0, 0.1);
    Vec W, b;
    for (std::size_t k = 0; k < out * in; ++k) W.emplace_back(g(rng));
    for (std::size_t k = 0; k < out; ++k) b.emplace_back(gb(rng));
    net.layers.push_back(layer(out, in, W, b, l < 3));
    in = out;
  }
  SliceOptions opt;
  const auto t = std::chrono::steady_clock::now();
  Slice2D s = slice2d(net, {0, 0}, {1, 0}, {0, 1}, box(), opt);
  std::printf("%zu faces, %zu vertices in %.3f s (%zu exact decisions)\n", s.num_faces(), s.u.size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count(), s.exact_decisions);
}

int main(int argc, char** argv) {
  if (argc > 2 && std::strcmp(argv[1], "bench") == 0) {
    bench(std::atoi(argv[2]));
    return 0;
  }
  test_random_lines();
  test_degenerate_lines();
  std::printf("test_slice2d: %d failures\n", failures);
  return failures != 0;
}
