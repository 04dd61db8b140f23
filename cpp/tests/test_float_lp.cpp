// The exact dual certificate of the float LP filter (flp::certify_lower_bound) on instances whose answer
// is known by construction: c = -A^T mu for chosen multipliers mu, so min c.x over {A x <= b} is
// -mu.b when mu >= 0 and the rows are independent.
#include <random>
#include <vector>

#include "../src/float_lp.hpp"
#include "check.hpp"

using namespace tropgeom;
using Ints = std::vector<Integer>;

// Rank of the k x d integer matrix A, by rational elimination (independent of the code under test).
static std::size_t rank(const Ints& A, std::size_t k, std::size_t d) {
  std::vector<Vec> M(k, Vec(d));
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j < d; ++j) M[i][j] = A[i * d + j];
  std::size_t r = 0;
  for (std::size_t col = 0; col < d && r < k; ++col) {
    std::size_t p = r;
    while (p < k && sgn(M[p][col]) == 0) ++p;
    if (p == k) continue;
    std::swap(M[p], M[r]);
    for (std::size_t i = r + 1; i < k; ++i) {
      Rational f = M[i][col] / M[r][col];
      for (std::size_t j = col; j < d; ++j) M[i][j] -= f * M[r][j];
    }
    ++r;
  }
  return r;
}

int main() {
  std::mt19937 rng(7);
  auto small = [&](int lo, int hi) { return Integer(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  int checked = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const std::size_t d = 1 + trial % 6, k = 1 + (trial / 6) % d;
    Ints A(k * d), b(k), mu(k);
    for (auto& v : A) v = small(-5, 5);
    if (rank(A, k, d) < k) {
      CHECK(!flp::certify_lower_bound(A, b, Ints(d, Integer(1)), Integer(0)));  // no unique multipliers
      continue;
    }
    for (auto& v : b) v = small(-9, 9);
    for (auto& v : mu) v = small(0, 4);
    Ints c(d, Integer(0));
    Integer value = 0;
    for (std::size_t i = 0; i < k; ++i) {
      for (std::size_t j = 0; j < d; ++j) c[j] -= mu[i] * A[i * d + j];
      value -= mu[i] * b[i];
    }
    CHECK(flp::certify_lower_bound(A, b, c, value));
    CHECK(!flp::certify_lower_bound(A, b, c, value + 1));
    // Rows and objective scaled by positive (large) factors: the same answers.
    Ints As = A, bs = b, cs = c;
    for (std::size_t i = 0; i < k; ++i) {
      Integer f = (Integer(1) << (60 * (i + 1))) + small(0, 99);
      for (std::size_t j = 0; j < d; ++j) As[i * d + j] *= f;
      bs[i] *= f;
    }
    const Integer g = (Integer(1) << 97) + 3;
    for (auto& v : cs) v *= g;
    CHECK(flp::certify_lower_bound(As, bs, cs, value * g));
    CHECK(!flp::certify_lower_bound(As, bs, cs, value * g + 1));
    // A negative multiplier: no proof (the multipliers are unique).
    std::size_t i0 = trial % k;
    Ints cn = c;
    for (std::size_t j = 0; j < d; ++j) cn[j] += 2 * (mu[i0] + 1) * A[i0 * d + j];  // mu[i0] -> -mu[i0]-2
    CHECK(!flp::certify_lower_bound(A, b, cn, Integer(-1000000)));
    // c off the span of the rows (k < d): no proof at any bound.
    if (k < d) {
      Ints Ae = A;
      Ae.resize((k + 1) * d);
      for (int tries = 0; tries < 20 && rank(Ae, k + 1, d) <= k; ++tries)
        for (std::size_t j = 0; j < d; ++j) Ae[k * d + j] = small(-3, 3);
      if (rank(Ae, k + 1, d) == k + 1) {
        Ints co = c;
        for (std::size_t j = 0; j < d; ++j) co[j] += Ae[k * d + j];
        CHECK(!flp::certify_lower_bound(A, b, co, Integer(-1000000)));
      }
    }
    ++checked;
  }
  CHECK(checked > 300);
  return failures != 0;
}
