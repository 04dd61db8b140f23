// Vertices by the double description method on the homogenised cone, volume by a pulling
// triangulation over the vertex-facet incidence.
//
// Why this way: the double description method with the combinatorial adjacency test is exact and
// indifferent to degeneracy (non-simple vertices, duplicated or redundant rows need no special case),
// and it needs no LP per row, which keeps small cells in the tens of microseconds.  The faces of the
// triangulation are found combinatorially from the incidence, so no tolerance decides anything.
#include "tropgeom/polytope.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace tropgeom {
namespace {

using IntVec = std::vector<Integer>;

// A fixed-size set of small indices (rows or vertices).
class Bits {
 public:
  explicit Bits(std::size_t n = 0) : w_((n + 63) / 64, 0) {}
  void set(std::size_t i) { w_[i >> 6] |= std::uint64_t(1) << (i & 63); }
  bool test(std::size_t i) const { return (w_[i >> 6] >> (i & 63)) & 1; }
  std::size_t count() const {
    std::size_t c = 0;
    for (std::uint64_t x : w_) c += static_cast<std::size_t>(__builtin_popcountll(x));
    return c;
  }
  bool subset_of(const Bits& o) const {
    for (std::size_t k = 0; k < w_.size(); ++k)
      if (w_[k] & ~o.w_[k]) return false;
    return true;
  }
  Bits operator&(const Bits& o) const {
    Bits r = *this;
    for (std::size_t k = 0; k < w_.size(); ++k) r.w_[k] &= o.w_[k];
    return r;
  }
  bool operator==(const Bits& o) const { return w_ == o.w_; }
  // The smallest member at or after i (size of the universe rounded up to 64 if none).
  std::size_t next(std::size_t i) const {
    for (std::size_t k = i >> 6; k < w_.size(); ++k) {
      std::uint64_t x = w_[k] & (k == (i >> 6) ? ~std::uint64_t(0) << (i & 63) : ~std::uint64_t(0));
      if (x) return (k << 6) + static_cast<std::size_t>(__builtin_ctzll(x));
    }
    return w_.size() << 6;
  }

 private:
  std::vector<std::uint64_t> w_;
};

void make_primitive(IntVec& v) {
  Integer g = 0;
  for (const Integer& x : v) mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), x.get_mpz_t());
  if (g > 1)
    for (Integer& x : v) mpz_divexact(x.get_mpz_t(), x.get_mpz_t(), g.get_mpz_t());
}

Integer dot(const IntVec& h, const IntVec& y) {
  Integer s = 0;
  for (std::size_t j = 0; j < h.size(); ++j) s += h[j] * y[j];
  return s;
}

// a x <= rhs as the integer row h = L (a, -rhs) of the cone {(x, t) : h.(x, t) <= 0}.
IntVec homogenise(const Rational* a, const Rational& rhs, std::size_t n, int sign) {
  Integer L = rhs.get_den();
  for (std::size_t j = 0; j < n; ++j) mpz_lcm(L.get_mpz_t(), L.get_mpz_t(), a[j].get_den_mpz_t());
  IntVec h(n + 1);
  for (std::size_t j = 0; j < n; ++j) h[j] = sign * Integer(a[j] * L);
  h[n] = -sign * Integer(rhs * L);
  make_primitive(h);
  return h;
}

// The polytope as the double description method leaves it.
struct VRep {
  std::vector<IntVec> rays;  // one per vertex x: the primitive integer vector t (x, 1), t > 0
  std::vector<Bits> tight;   // per row: the vertices where it holds with equality
  std::vector<char> zero_normal;  // per row: its a is 0 (then it cuts nothing)
};

// Up to D linearly independent rows among H (in order), by elimination over Q.
std::vector<std::size_t> independent_rows(const std::vector<IntVec>& H, std::size_t D) {
  std::vector<std::size_t> picked;
  std::vector<Vec> echelon;
  std::vector<std::size_t> pivot;
  for (std::size_t i = 0; i < H.size() && picked.size() < D; ++i) {
    Vec v(H[i].begin(), H[i].end());
    for (std::size_t r = 0; r < echelon.size(); ++r) {
      if (sgn(v[pivot[r]]) == 0) continue;
      Rational f = v[pivot[r]] / echelon[r][pivot[r]];
      for (std::size_t j = 0; j < D; ++j) v[j] -= f * echelon[r][j];
    }
    std::size_t p = 0;
    while (p < D && sgn(v[p]) == 0) ++p;
    if (p == D) continue;
    picked.push_back(i);
    pivot.push_back(p);
    echelon.push_back(std::move(v));
  }
  return picked;
}

// The extreme rays of the simplicial cone {y : B y <= 0} for an invertible D x D matrix B (rows of
// H listed in `rows`): the columns of -B^{-1}, as primitive integer vectors.
std::vector<IntVec> simplicial_rays(const std::vector<IntVec>& H, const std::vector<std::size_t>& rows) {
  const std::size_t D = rows.size();
  std::vector<Vec> T(D, Vec(2 * D));  // [B | -I] -> [I | -B^{-1}]
  for (std::size_t i = 0; i < D; ++i) {
    for (std::size_t j = 0; j < D; ++j) T[i][j] = H[rows[i]][j];
    T[i][D + i] = -1;
  }
  for (std::size_t c = 0; c < D; ++c) {
    std::size_t p = c;
    while (sgn(T[p][c]) == 0) ++p;  // B is invertible
    std::swap(T[c], T[p]);
    Rational inv = 1 / T[c][c];
    for (Rational& v : T[c]) v *= inv;
    for (std::size_t i = 0; i < D; ++i) {
      if (i == c || sgn(T[i][c]) == 0) continue;
      Rational f = T[i][c];
      for (std::size_t j = c; j < 2 * D; ++j) T[i][j] -= f * T[c][j];
    }
  }
  std::vector<IntVec> rays(D, IntVec(D));
  for (std::size_t k = 0; k < D; ++k) {
    Integer L = 1;
    for (std::size_t i = 0; i < D; ++i) mpz_lcm(L.get_mpz_t(), L.get_mpz_t(), T[i][D + k].get_den_mpz_t());
    for (std::size_t i = 0; i < D; ++i) rays[k][i] = Integer(T[i][D + k] * L);
    make_primitive(rays[k]);
  }
  return rays;
}

VRep double_description(const Polyhedron& P) {
  const std::size_t n = P.dim, D = n + 1;
  if (P.b.size() != P.A.rows || P.d.size() != P.C.rows || P.A.cols != n || P.C.cols != n)
    throw InputError("polyhedron rows do not match its dimension");
  // The rows of the homogenised cone: every inequality, every equality as two, and t >= 0 last.
  std::vector<IntVec> H;
  for (std::size_t i = 0; i < P.A.rows; ++i) H.push_back(homogenise(P.A.row(i), P.b[i], n, 1));
  for (std::size_t i = 0; i < P.C.rows; ++i)
    for (int s : {1, -1}) H.push_back(homogenise(P.C.row(i), P.d[i], n, s));
  const std::size_t m = H.size();
  H.push_back(IntVec(D, 0));
  H[m][n] = -1;

  // Start from the simplicial cone of D independent rows, t >= 0 among them.
  std::vector<std::size_t> order{m};
  for (std::size_t i = 0; i < m; ++i) order.push_back(i);
  std::vector<IntVec> ordered;
  for (std::size_t i : order) ordered.push_back(H[i]);
  std::vector<std::size_t> basis = independent_rows(ordered, D);
  for (std::size_t& k : basis) k = order[k];
  if (basis.size() < D) {
    // A line satisfies every row with equality: P is empty or contains that line.
    if (is_feasible(P)) throw InputError("the polyhedron is unbounded (it contains a line)");
    return {};
  }
  std::vector<IntVec> rays = simplicial_rays(H, basis);
  std::vector<Bits> zeros(D, Bits(m + 1));
  std::vector<char> done(m + 1, 0);
  for (std::size_t k = 0; k < D; ++k) {
    done[basis[k]] = 1;
    for (std::size_t i = 0; i < D; ++i)
      if (i != k) zeros[k].set(basis[i]);
  }

  // Cut by one row at a time.  A violated ray and a satisfied one span a new ray exactly when they
  // are adjacent, which for a pointed cone is decided combinatorially: they share at least D - 2
  // tight rows and no third ray is tight on all of those.
  for (std::size_t i = 0; i < m && !rays.empty(); ++i) {
    if (done[i]) continue;
    std::vector<Integer> s(rays.size());
    std::vector<std::size_t> pos, neg;
    for (std::size_t r = 0; r < rays.size(); ++r) {
      s[r] = dot(H[i], rays[r]);
      if (sgn(s[r]) > 0) pos.push_back(r);
      else if (sgn(s[r]) < 0) neg.push_back(r);
      else zeros[r].set(i);
    }
    if (pos.empty()) continue;
    std::vector<IntVec> new_rays;
    std::vector<Bits> new_zeros;
    for (std::size_t p : pos) {
      for (std::size_t q : neg) {
        Bits common = zeros[p] & zeros[q];
        if (common.count() + 2 < D) continue;
        bool adjacent = true;
        for (std::size_t r = 0; r < rays.size() && adjacent; ++r)
          if (r != p && r != q && common.subset_of(zeros[r])) adjacent = false;
        if (!adjacent) continue;
        IntVec y(D);
        for (std::size_t j = 0; j < D; ++j) y[j] = s[p] * rays[q][j] - s[q] * rays[p][j];
        make_primitive(y);
        common.set(i);
        new_rays.push_back(std::move(y));
        new_zeros.push_back(std::move(common));
      }
    }
    std::vector<char> violated(rays.size(), 0);
    for (std::size_t p : pos) violated[p] = 1;
    std::size_t w = 0;
    for (std::size_t r = 0; r < rays.size(); ++r) {
      if (violated[r]) continue;
      if (w != r) {  // a self-move would empty the vector
        rays[w] = std::move(rays[r]);
        zeros[w] = std::move(zeros[r]);
      }
      ++w;
    }
    rays.resize(w);
    zeros.resize(w);
    for (std::size_t k = 0; k < new_rays.size(); ++k) {
      rays.push_back(std::move(new_rays[k]));
      zeros.push_back(std::move(new_zeros[k]));
    }
  }

  // Rays with t = 0 are recession directions: with a vertex present, P is unbounded; alone, P is empty.
  bool has_vertex = std::any_of(rays.begin(), rays.end(), [n](const IntVec& y) { return sgn(y[n]) > 0; });
  VRep R;
  if (!has_vertex) return R;
  if (std::any_of(rays.begin(), rays.end(), [n](const IntVec& y) { return sgn(y[n]) == 0; }))
    throw InputError("the polyhedron is unbounded");
  R.rays = std::move(rays);
  R.tight.assign(m, Bits(R.rays.size()));
  for (std::size_t v = 0; v < R.rays.size(); ++v)
    for (std::size_t i = 0; i < m; ++i)
      if (zeros[v].test(i)) R.tight[i].set(v);
  for (std::size_t i = 0; i < m; ++i)
    R.zero_normal.push_back(std::all_of(H[i].begin(), H[i].end() - 1, [](const Integer& x) { return sgn(x) == 0; }));
  return R;
}

// The product of *f[lo, hi), halving so that the factors meet at balanced sizes (a running product
// of n numbers costs O(n^2)).
Integer product(const std::vector<const Integer*>& f, std::size_t lo, std::size_t hi) {
  if (hi - lo == 0) return 1;
  if (hi - lo == 1) return *f[lo];
  std::size_t mid = lo + (hi - lo) / 2;
  return product(f, lo, mid) * product(f, mid, hi);
}

// Pulling triangulation: a k-face is the cone from its lowest vertex over its facets that miss that
// vertex.  The facets of a face G are the inclusion-maximal proper sets G ∩ tight[i]: every facet of
// G is cut out by some row of P, and every such set is a face, so no rank or tolerance is involved.
//
// A simplex's vertices v contribute their rows t_v (v, 1), whose determinant is (prod t_v) d! vol.
// Homogeneous rows keep each determinant as small as its own vertices, and since the simplices share
// the chain of apexes above them, Bareiss' fraction-free elimination is done row by row down the
// chain: a simplex costs one row reduction, not a whole determinant.
class PullingVolume {
 public:
  PullingVolume(const VRep& R, std::size_t d) : R_(R), d_(d), reduced_(d + 1), pivot_(d + 1) {}

  // d! vol(P).
  Rational run() {
    Bits all(R_.rays.size());
    std::vector<const Integer*> ts;
    for (std::size_t v = 0; v < R_.rays.size(); ++v) {
      all.set(v);
      ts.push_back(&t(v));
    }
    Rational r(visit(all, d_), product(ts, 0, ts.size()));
    r.canonicalize();
    return r;
  }

 private:
  // N(G) = sum over the simplices S under G of |det S| * prod_{v in G \ S} t_v, so that G contributes
  // N(G) / prod_{v in G} t_v.  Integers throughout: summing rationals instead spent most of the time
  // in gcds of numbers as long as the answer's denominator (~ #vertices * bits of t).
  Integer visit(const Bits& G, std::size_t k) {
    std::size_t apex = G.next(0);
    push(apex);
    Integer sum = 0;
    if (k == 0) {
      sum = abs(reduced_[d_][pivot_[d_]]);
    } else if (k == 1) {  // an edge: its other vertex closes the simplex
      push(G.next(apex + 1));
      sum = abs(reduced_[d_][pivot_[d_]]);
      --depth_;
    } else {
      for (const Bits& F : facets(G, k)) {
        if (F.test(apex)) continue;
        std::vector<const Integer*> others;
        for (std::size_t v = G.next(apex + 1); v < R_.rays.size(); v = G.next(v + 1))
          if (!F.test(v)) others.push_back(&t(v));
        sum += visit(F, k - 1) * product(others, 0, others.size());
      }
    }
    --depth_;
    return sum;
  }

  // Appends vertex v's row to the chain, eliminated by the rows above it.  Bareiss' step s turns row x
  // into x * p[c] - x[c] * p, divided exactly by the previous pivot, for the stored row p and its pivot
  // column c; entries stay minors of the chain, and row d's one non-zero entry is +-det.  The rows of
  // a chain are independent (each apex lies off the face below it), so a pivot always exists.
  void push(std::size_t v) {
    IntVec& x = reduced_[depth_];
    x = R_.rays[v];
    for (std::size_t s = 0; s < depth_; ++s) {
      const IntVec& p = reduced_[s];
      const Integer xc = x[pivot_[s]];
      for (std::size_t j = 0; j <= d_; ++j) {
        x[j] = x[j] * p[pivot_[s]] - xc * p[j];
        if (s > 0) mpz_divexact(x[j].get_mpz_t(), x[j].get_mpz_t(), reduced_[s - 1][pivot_[s - 1]].get_mpz_t());
      }
    }
    std::size_t c = 0;
    while (sgn(x[c]) == 0) ++c;
    pivot_[depth_++] = c;
  }

  const Integer& t(std::size_t v) const { return R_.rays[v][d_]; }

  std::vector<Bits> facets(const Bits& G, std::size_t k) const {
    std::vector<Bits> cand;
    for (const Bits& T : R_.tight) {
      Bits F = G & T;
      // A (k-1)-face has at least k vertices.
      if (F.count() < k || F == G || std::find(cand.begin(), cand.end(), F) != cand.end()) continue;
      cand.push_back(std::move(F));
    }
    std::vector<Bits> out;
    for (std::size_t a = 0; a < cand.size(); ++a) {
      bool maximal = true;
      for (std::size_t c = 0; c < cand.size() && maximal; ++c)
        if (c != a && cand[a].subset_of(cand[c])) maximal = false;
      if (maximal) out.push_back(cand[a]);
    }
    return out;
  }

  const VRep& R_;
  std::size_t d_;
  std::vector<IntVec> reduced_;      // reduced_[s]: the chain's row s after elimination by rows < s
  std::vector<std::size_t> pivot_;  // its pivot column
  std::size_t depth_ = 0;
};

}  // namespace

std::vector<Vec> vertices(const Polyhedron& P) {
  VRep R = double_description(P);
  std::vector<Vec> out;
  for (const IntVec& y : R.rays) {
    Vec x(P.dim);
    for (std::size_t j = 0; j < P.dim; ++j) {
      x[j] = Rational(y[j], y[P.dim]);
      x[j].canonicalize();
    }
    out.push_back(std::move(x));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Rational volume(const Polyhedron& P) {
  const std::size_t n = P.dim;
  VRep R = double_description(P);
  const std::size_t V = R.rays.size();
  if (V == 0) return 0;
  // A row tight on every vertex is an implicit equality: P lies in a hyperplane.
  for (std::size_t i = 0; i < R.tight.size(); ++i)
    if (!R.zero_normal[i] && R.tight[i].count() == V) return 0;

  Rational vol = PullingVolume(R, n).run();
  for (std::size_t j = 2; j <= n; ++j) vol /= static_cast<unsigned long>(j);
  return vol;
}

}  // namespace tropgeom
