// The linear-algebra home (cpp/src/linalg.hpp) against values computed by hand: rank, reduced row
// echelon form, null space, Bareiss determinants and pivots, fraction-free Gauss-Jordan, and the
// partially pivoted solver in double and in intervals.
#include <vector>

#include "../src/linalg.hpp"
#include "check.hpp"

using namespace tropgeom;
using Ints = std::vector<Integer>;

static Matrix mat(std::size_t r, std::size_t c, std::vector<Rational> v) {
  Matrix M(r, c);
  M.data = std::move(v);
  return M;
}

static void test_rref_rank_null_space() {
  // [[1, 2, 3], [2, 4, 6], [1, 0, 1]]: row 2 = 2 row 1, so rank 2; rref [[1, 0, 1], [0, 1, 1], 0];
  // the null space is spanned by (-1, -1, 1).
  Matrix M = mat(3, 3, {q(1), q(2), q(3), q(2), q(4), q(6), q(1), q(0), q(1)});
  CHECK(rank(M) == 2);
  Matrix R = M;
  const std::vector<std::size_t> piv = rref(R);
  CHECK((piv == std::vector<std::size_t>{0, 1}));
  CHECK((R.data == std::vector<Rational>{q(1), q(0), q(1), q(0), q(1), q(1), q(0), q(0), q(0)}));
  Matrix N = la::null_space(M);
  CHECK(N.rows == 1 && N.cols == 3);
  CHECK((N.data == std::vector<Rational>{q(-1), q(-1), q(1)}));
  // Rationals: [[1/2, 1/3], [1/4, 1/6]] has rank 1 (row 2 = row 1 / 2); null space (-2/3, 1).
  Matrix P = mat(2, 2, {q(1, 2), q(1, 3), q(1, 4), q(1, 6)});
  CHECK(rank(P) == 1);
  Matrix NP = la::null_space(P);
  CHECK(NP.rows == 1 && NP(0, 0) == q(-2, 3) && NP(0, 1) == q(1));
  // Full rank: no null space; the zero matrix: all of it.
  CHECK(la::null_space(mat(2, 2, {q(2), q(1), q(1), q(1)})).rows == 0);
  CHECK(la::null_space(Matrix(2, 3)).rows == 3);
  CHECK(rank(Matrix(2, 3)) == 0);
}

static void test_bareiss() {
  // det [[2, 1, 1], [1, 3, 2], [1, 0, 0]] = 2 (0 - 0) - 1 (0 - 2) + 1 (0 - 3) = -1: |det| 1.
  la::IntEchelon E;
  CHECK(E.add({2, 1, 1}) && E.add({1, 3, 2}) && E.add({1, 0, 0}));
  CHECK(E.rank() == 3 && E.det() == 1);
  CHECK((E.pivots() == std::vector<std::size_t>{0, 1, 2}));
  // det [[4, 3], [6, 3]] = 12 - 18 = -6.
  la::IntEchelon F;
  CHECK(F.add({4, 3}) && F.add({6, 3}) && F.det() == 6);
  // A dependent row is refused and not stored; the next independent one still is.
  la::IntEchelon G;
  CHECK(G.add({1, 2, 3}));
  CHECK(!G.add({2, 4, 6}));
  CHECK(G.rank() == 1);
  CHECK(G.add({0, 0, 5}));
  // pivots: column 0, then (0,0,5) reduced by (1,2,3): (0*1 - 0*1, ..., 5*1 - 0*3) -> column 2.
  CHECK((G.pivots() == std::vector<std::size_t>{0, 2}) && G.det() == 5);
  // Leading zero column: the pivot moves right.  [[0, 3], [0, 6]]: rank 1, pivot column 1.
  la::IntEchelon H;
  CHECK(H.add({0, 3}) && !H.add({0, 6}) && H.pivots() == std::vector<std::size_t>{1});
  CHECK(la::IntEchelon().det() == 1);
}

static void test_gauss_jordan() {
  // [[2, 1 | 5], [1, 3 | 10]]: x = 1, y = 3; D = det = 5, so the right column ends as (5, 15).
  Ints S = {2, 1, 5, 1, 3, 10};
  std::vector<std::size_t> prow;
  Integer D;
  CHECK(la::gauss_jordan(S, 2, 3, 2, prow, D));
  CHECK(D == 5);
  CHECK(S[prow[0] * 3 + 2] == 5 && S[prow[1] * 3 + 2] == 15);
  CHECK(S[0 * 3 + 0] == 5 && S[1 * 3 + 1] == 5 && S[0 * 3 + 1] == 0 && S[1 * 3 + 0] == 0);
  // A column without a pivot: [[1, 2], [2, 4]] pivoting on both columns fails.
  Ints T = {1, 2, 2, 4};
  CHECK(!la::gauss_jordan(T, 2, 2, 2, prow, D));
  // Three equations, two unknowns: [[1, 0 | 2], [0, 1 | 3], [1, 1 | 5]] -> D = 1, the third row
  // becomes 0 = 0 (consistent).
  Ints U = {1, 0, 2, 0, 1, 3, 1, 1, 5};
  CHECK(la::gauss_jordan(U, 3, 3, 2, prow, D) && D == 1);
  CHECK(U[prow[0] * 3 + 2] == 2 && U[prow[1] * 3 + 2] == 3 && U[2 * 3 + 2] == 0);
}

static void test_solve() {
  // [[0, 2], [1, 1]] y = (4, 3): partial pivoting swaps rows; y = (1, 2), exact in double.
  std::vector<double> y;
  CHECK(la::solve<double>({0, 2, 1, 1}, {4, 3}, 2, y));
  CHECK(y.size() == 2 && y[0] == 1 && y[1] == 2);
  CHECK(!la::solve<double>({1, 2, 2, 4}, {1, 2}, 2, y));  // singular
  // Intervals: [[3, 1], [1, 2]] y = (5, 5): y = (1, 2), enclosed.
  using iv::Interval;
  std::vector<Interval> M = {iv::exact(3), iv::exact(1), iv::exact(1), iv::exact(2)}, r = {iv::exact(5), iv::exact(5)};
  std::vector<Interval> z;
  CHECK(la::solve(M, r, 2, z));
  CHECK(z.size() == 2 && z[0].lo <= 1 && 1 <= z[0].hi && z[1].lo <= 2 && 2 <= z[1].hi);
  CHECK(z[0].hi - z[0].lo < 1e-12 && z[1].hi - z[1].lo < 1e-12);
  // A pivot enclosure containing 0 is refused.
  std::vector<Interval> S = {Interval{-1e-300, 1e-300}, iv::exact(0), iv::exact(0), Interval{-1e-300, 1e-300}};
  CHECK(!la::solve(S, r, 2, z));
  // diag(1e-300, 1) y = (1e10, 1): y0 = 1e310 overflows; its enclosure goes out to infinity.
  std::vector<Interval> B = {iv::exact(1e-300), iv::exact(0), iv::exact(0), iv::exact(1)};
  CHECK(la::solve(B, {iv::exact(1e10), iv::exact(1)}, 2, z));
  CHECK(z[0].lo == std::numeric_limits<double>::max() && z[0].hi == INFINITY && z[1].lo <= 1 && 1 <= z[1].hi);
  // inf - inf is no number: the enclosure is the whole line, which decides nothing.
  CHECK(la::solve(B, {Interval{-INFINITY, INFINITY}, iv::exact(1)}, 2, z));
  CHECK(z[0].lo == -INFINITY && z[0].hi == INFINITY);
}

int main() {
  test_rref_rank_null_space();
  test_bareiss();
  test_gauss_jordan();
  test_solve();
  if (failures) std::fprintf(stderr, "%d check(s) failed\n", failures);
  else std::printf("test_linalg: all checks passed\n");
  return failures ? 1 : 0;
}
