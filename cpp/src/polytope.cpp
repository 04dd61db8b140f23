// Vertices by the double description method on the homogenised cone; volume by a pulling
// triangulation summed face by face over the vertex-facet incidence.
//
// Why this way: the double description method with the combinatorial adjacency test is exact and
// indifferent to degeneracy (non-simple vertices, duplicated or redundant rows need no special case),
// and it needs no LP per row, which keeps small cells in the tens of microseconds.  The faces are
// found combinatorially from the incidence, so no tolerance decides anything.
#include "tropgeom/polytope.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>

#include "facets.hpp"
#include "linalg.hpp"
#include "run.hpp"

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
  bool operator<(const Bits& o) const { return w_ < o.w_; }
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
  const Integer L = clearing_factor(a, n, &rhs);
  IntVec h(n + 1);
  for (std::size_t j = 0; j < n; ++j) h[j] = sign * cleared(a[j], L);
  h[n] = -sign * cleared(rhs, L);
  make_primitive(h);
  return h;
}

// The polytope as the double description method leaves it.
struct VRep {
  std::vector<IntVec> rays;       // one per vertex x: the primitive integer vector t (x, 1), t > 0
  std::vector<Bits> tight;        // per cone row: the vertices where it holds with equality
  std::vector<char> zero_normal;  // per cone row: its a is 0 (then it cuts nothing)
};

// Up to D linearly independent rows among H (in order): the first D a row echelon form accepts.
std::vector<std::size_t> independent_rows(const std::vector<IntVec>& H, std::size_t D) {
  std::vector<std::size_t> picked;
  la::IntEchelon E;
  for (std::size_t i = 0; i < H.size() && picked.size() < D; ++i)
    if (E.add(H[i])) picked.push_back(i);
  return picked;
}

// The extreme rays of the simplicial cone {y : B y <= 0} for an invertible D x D matrix B (rows of
// H listed in `rows`): the columns of -B^{-1}, as primitive integer vectors.
std::vector<IntVec> simplicial_rays(const std::vector<IntVec>& H, const std::vector<std::size_t>& rows) {
  const std::size_t D = rows.size();
  Matrix T(D, 2 * D);  // [B | -I] -> [I | -B^{-1}]
  for (std::size_t i = 0; i < D; ++i) {
    for (std::size_t j = 0; j < D; ++j) T(i, j) = H[rows[i]][j];
    T(i, D + i) = -1;
  }
  rref(T);  // B is invertible
  std::vector<IntVec> rays(D, IntVec(D));
  for (std::size_t k = 0; k < D; ++k) {
    Integer L = 1;
    for (std::size_t i = 0; i < D; ++i) mpz_lcm(L.get_mpz_t(), L.get_mpz_t(), T(i, D + k).get_den_mpz_t());
    for (std::size_t i = 0; i < D; ++i) rays[k][i] = cleared(T(i, D + k), L);
    make_primitive(rays[k]);
  }
  return rays;
}

VRep double_description(const Polyhedron& P, const Budget& budget) {
  const std::size_t n = P.dim, D = n + 1;
  if (P.b.size() != P.A.rows || P.d.size() != P.C.rows || P.A.cols != n || P.C.cols != n)
    throw InputError("polyhedron rows do not match its dimension");
  // The rows of the homogenised cone: t >= 0 first (so the starting cone lies in it), then every
  // inequality and every equality as two.
  std::vector<IntVec> H{IntVec(D, 0)};
  H[0][n] = -1;
  for (std::size_t i = 0; i < P.A.rows; ++i) H.push_back(homogenise(P.A.row(i), P.b[i], n, 1));
  for (std::size_t i = 0; i < P.C.rows; ++i)
    for (int s : {1, -1}) H.push_back(homogenise(P.C.row(i), P.d[i], n, s));
  const std::size_t m = H.size();

  // Start from the simplicial cone of the first D independent rows.
  std::vector<std::size_t> basis = independent_rows(H, D);
  if (basis.size() < D) {
    // A line satisfies every row with equality: P is empty or contains that line.
    if (is_feasible(P)) throw InputError("the polyhedron is unbounded (it contains a line)");
    return {};
  }
  std::vector<IntVec> rays = simplicial_rays(H, basis);
  std::vector<Bits> zeros(D, Bits(m));
  std::vector<char> done(m, 0);
  for (std::size_t k = 0; k < D; ++k) {
    done[basis[k]] = 1;
    for (std::size_t i = 0; i < D; ++i)
      if (i != k) zeros[k].set(basis[i]);
  }

  // Cut by one row at a time.  A violated ray and a satisfied one span a new ray exactly when they
  // are adjacent, which for a pointed cone is decided combinatorially: they share at least D - 2
  // tight rows and no third ray is tight on all of those.
  for (std::size_t i = 1; i < m && !rays.empty(); ++i) {
    if (done[i]) continue;
    std::vector<Integer> s(rays.size());
    std::vector<std::size_t> pos, neg;
    for (std::size_t r = 0; r < rays.size(); ++r) {
      s[r] = dot(H[i], rays[r]);
      if (sgn(s[r]) > 0) pos.push_back(r);
      else if (sgn(s[r]) < 0) neg.push_back(r);
      else zeros[r].set(i);
    }
    budget.tick(i);
    if (pos.empty()) continue;
    std::vector<IntVec> new_rays;
    std::vector<Bits> new_zeros;
    for (std::size_t p : pos) {
      for (std::size_t q : neg) {
        budget.tick(i);
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

// |det of M on its pivot columns| by Bareiss' fraction-free elimination (0 if the rows are
// dependent), and the pivot columns.
Integer eliminate(std::vector<IntVec> M, std::vector<std::size_t>& cols) {
  la::IntEchelon E;
  bool independent = true;
  for (std::size_t r = 0; r < M.size() && independent; ++r) independent = E.add(std::move(M[r]));
  cols = E.pivots();
  return independent ? E.det() : Integer(0);
}

// d! vol(P) by a pulling triangulation computed face by face, each face once.  A k-face G is the
// union of the pyramids from its lowest vertex a over its facets F that miss a.  The facets of G are
// the inclusion-maximal proper sets G ∩ tight[i]: every facet of G is cut out by some row of P and
// every such set is a face, so no rank or tolerance is involved.
//
// Volumes live in homogeneous coordinates, where vertex v is the integer row r_v = t_v (v, 1): the
// simplices S under G sum to lambda_G = sum_S |c_S|, where wedge_{v in S} r_v / t_v = c_S wedge(B_G)
// for a basis B_G of k + 1 vertices of G (the first pyramid's).  Stored as the integer
// Lambda_G = lambda_G delta_G prod_{v in G} t_v, delta_G = |det B_G| on columns where it is non-zero,
//   Lambda_G = sum_F |det [r_a; B_F] on G's columns| Lambda_F / delta_F * prod_{v in G \ F, v != a} t_v
// (the division is exact), and for P itself, with B_P square, d! vol(P) = Lambda_P / prod_v t_v.
// Integers throughout: summing rationals instead spent most of the time in gcds of numbers as long
// as the answer (about #vertices * the bits of t).
class FaceVolume {
 public:
  FaceVolume(const VRep& R, std::size_t d, const Budget& budget) : R_(R), d_(d), budget_(budget) {}

  Rational run() {
    Bits all(R_.rays.size());
    std::vector<const Integer*> ts;
    for (std::size_t v = 0; v < R_.rays.size(); ++v) {
      all.set(v);
      ts.push_back(&t(v));
    }
    Rational r(face(all, d_).Lambda, product(ts, 0, ts.size()));
    r.canonicalize();
    return r;
  }

 private:
  struct Face {
    std::vector<std::size_t> basis, cols;
    Integer delta, Lambda;
  };

  const Face& face(const Bits& G, std::size_t k) {
    auto known = memo_.find(G);
    if (known != memo_.end()) return known->second;
    budget_.tick(memo_.size());
    Face f;
    const std::size_t a = G.next(0);
    if (k == 0) {  // r_a / t_a = (1 / t_a) wedge(r_a)
      f.basis = {a};
      f.cols = {d_};
      f.delta = f.Lambda = t(a);
      return memo_.emplace(G, std::move(f)).first->second;
    }
    for (const Bits& F : facets(G, k)) {
      if (F.test(a)) continue;
      const Face& sub = face(F, k - 1);
      std::vector<std::size_t> rows{a};
      rows.insert(rows.end(), sub.basis.begin(), sub.basis.end());
      Integer det;
      if (f.basis.empty()) {
        f.basis = rows;
        det = f.delta = eliminate(lifted(rows, nullptr), f.cols);
      } else {
        std::vector<std::size_t> unused;
        det = eliminate(lifted(rows, &f.cols), unused);
      }
      Integer term = det * sub.Lambda;
      mpz_divexact(term.get_mpz_t(), term.get_mpz_t(), sub.delta.get_mpz_t());
      std::vector<const Integer*> others;
      for (std::size_t v = G.next(a + 1); v < R_.rays.size(); v = G.next(v + 1))
        if (!F.test(v)) others.push_back(&t(v));
      f.Lambda += term * product(others, 0, others.size());
    }
    return memo_.emplace(G, std::move(f)).first->second;
  }

  // The rows r_v of the given vertices, on the given columns (all if none).
  std::vector<IntVec> lifted(const std::vector<std::size_t>& vs, const std::vector<std::size_t>* cols) const {
    std::vector<IntVec> M;
    for (std::size_t v : vs) {
      if (!cols) {
        M.push_back(R_.rays[v]);
        continue;
      }
      IntVec x;
      for (std::size_t c : *cols) x.push_back(R_.rays[v][c]);
      M.push_back(std::move(x));
    }
    return M;
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
  const Budget& budget_;
  std::map<Bits, Face> memo_;
};

}  // namespace

std::vector<Vec> vertices(const Polyhedron& P, const RunLimits& lim) {
  const Budget budget(lim);
  VRep R = double_description(P, budget);
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

Rational volume(const Polyhedron& P, const RunLimits& lim) {
  const std::size_t n = P.dim;
  const Budget budget(lim);
  VRep R = double_description(P, budget);
  const std::size_t V = R.rays.size();
  if (V == 0) return 0;
  // A row tight on every vertex is an implicit equality: P lies in a hyperplane.
  for (std::size_t i = 0; i < R.tight.size(); ++i)
    if (!R.zero_normal[i] && R.tight[i].count() == V) return 0;

  Rational vol = FaceVolume(R, n, budget).run();
  for (std::size_t j = 2; j <= n; ++j) vol /= static_cast<unsigned long>(j);
  return vol;
}

namespace {

// |det| of the n x n integer matrix with rows R[0..n), n <= 3 (cofactors: multiplications only).
void abs_det(const Integer* const* R, std::size_t n, Integer& out, Integer& t) {
  if (n == 1) {
    out = R[0][0];
  } else if (n == 2) {
    mpz_mul(out.get_mpz_t(), R[0][0].get_mpz_t(), R[1][1].get_mpz_t());
    mpz_submul(out.get_mpz_t(), R[0][1].get_mpz_t(), R[1][0].get_mpz_t());
  } else {
    out = 0;
    for (std::size_t j = 0; j < 3; ++j) {
      const std::size_t j1 = (j + 1) % 3, j2 = (j + 2) % 3;  // (cyclic minors carry the cofactor's sign)
      mpz_mul(t.get_mpz_t(), R[1][j1].get_mpz_t(), R[2][j2].get_mpz_t());
      mpz_submul(t.get_mpz_t(), R[1][j2].get_mpz_t(), R[2][j1].get_mpz_t());
      mpz_addmul(out.get_mpz_t(), R[0][j].get_mpz_t(), t.get_mpz_t());
    }
  }
  mpz_abs(out.get_mpz_t(), out.get_mpz_t());
}

// d <= 3: the pulling triangulation, read off the tight sets alone (in a simple polytope the faces are
// the row sets some vertex is tight on).  Pull the vertex p with the smallest |D|; over every facet
// not containing p pull its first vertex, and so on down to the edges: each chain p, q_1, ..., q_d is a
// full-dimensional simplex (q_k is off the face it is pulled into), and they tile P.  With each vertex
// as homogeneous integers v = s_v / D_v (the adjugate of its primitive rows H_v: D = det H_v) and
// t_v = s_v D_p - s_p D_v (= (v - p) D_v D_p), a simplex has d! volume |det(t_q)| / (|D_p|^d prod |D_q|):
// summed over the common denominator |D_p|^d prod_{v != p} |D_v| (every vertex is in some simplex),
// no spurious factors, so the numbers stay near the answer's size (Lawrence's terms carry the
// products of the c.edge factors that only cancel in the sum).
Rational pulled_volume(const std::vector<std::vector<std::size_t>>& vertex_rows, const std::vector<const IntVec*>& rows,
                       std::size_t n, const Budget& budget, bool lowest) {
  const std::size_t V = vertex_rows.size();
  // a worker's scratch integers, reused from region to region (their limbs stay allocated: fresh ones
  // were a malloc and reallocs each); every entry read below is written first
  thread_local std::vector<Integer> s, D, adj, t, absD;
  s.resize(V * n), D.resize(V), adj.resize(n * n), t.resize(V * n), absD.resize(V);
  for (std::size_t v = 0; v < V; ++v) {
    const IntVec* H[3];
    for (std::size_t i = 0; i < n; ++i) H[i] = rows[vertex_rows[v][i]];
    auto h = [&](std::size_t i, std::size_t j) -> mpz_srcptr { return (*H[i])[j].get_mpz_t(); };
    // adj[j][i] = cofactor (i, j) of H; D = sum_j H[0][j] adj[j][0]; s = adj b
    if (n == 1) {
      adj[0] = 1;
    } else if (n == 2) {
      adj[0] = (*H[1])[1], adj[1] = -(*H[0])[1], adj[2] = -(*H[1])[0], adj[3] = (*H[0])[0];
    } else {
      for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
          const std::size_t i1 = (i + 1) % 3, i2 = (i + 2) % 3, j1 = (j + 1) % 3, j2 = (j + 2) % 3;
          mpz_ptr x = adj[j * 3 + i].get_mpz_t();
          mpz_mul(x, h(i1, j1), h(i2, j2));
          mpz_submul(x, h(i1, j2), h(i2, j1));
        }
    }
    Integer& Dv = D[v];
    Dv = 0;
    for (std::size_t j = 0; j < n; ++j) mpz_addmul(Dv.get_mpz_t(), h(0, j), adj[j * n].get_mpz_t());
    if (sgn(Dv) == 0) throw InternalError("simple_volume: dependent vertex rows");
    for (std::size_t j = 0; j < n; ++j) {
      Integer& sj = s[v * n + j];
      sj = 0;
      for (std::size_t i = 0; i < n; ++i) mpz_addmul(sj.get_mpz_t(), adj[j * n + i].get_mpz_t(), h(i, n));
    }
  }
  std::size_t p = 0;
  for (std::size_t v = 1; v < V; ++v)
    if (mpz_sizeinbase(D[v].get_mpz_t(), 2) < mpz_sizeinbase(D[p].get_mpz_t(), 2)) p = v;
  thread_local Integer others, det, tmp, prod, q;  // (scratch, as s and t: no regrowth per region)
  others = 1;  // prod_{v != p} |D_v|
  for (std::size_t v = 0; v < V; ++v) {
    mpz_abs(absD[v].get_mpz_t(), D[v].get_mpz_t());
    if (v == p) continue;
    others *= absD[v];
    for (std::size_t j = 0; j < n; ++j) {
      mpz_ptr x = t[v * n + j].get_mpz_t();
      mpz_mul(x, s[v * n + j].get_mpz_t(), D[p].get_mpz_t());
      mpz_submul(x, s[p * n + j].get_mpz_t(), D[v].get_mpz_t());
    }
  }
  auto tight = [&](std::size_t v, std::size_t k) {
    return std::find(vertex_rows[v].begin(), vertex_rows[v].end(), k) != vertex_rows[v].end();
  };
  Integer N = 0;
  const Integer* R[3];
  std::vector<std::size_t> chain;  // q_1, ..., q_k so far (p implicit)
  std::size_t simplices = 0;
  auto emit = [&] {
    budget.tick(simplices++);
    prod = 1;
    for (std::size_t i = 0; i < n; ++i) R[i] = &t[chain[i] * n], prod *= absD[chain[i]];
    abs_det(R, n, det, tmp);
    mpz_divexact(q.get_mpz_t(), others.get_mpz_t(), prod.get_mpz_t());
    mpz_addmul(N.get_mpz_t(), det.get_mpz_t(), q.get_mpz_t());
  };
  // face: its vertices (a face of dimension n - depth); one seen / sub buffer per depth (a face's
  // sub-face is read by the next depth while this one's loop goes on)
  std::vector<std::size_t> seen_at[3], sub_at[3];
  std::function<void(const std::vector<std::size_t>&, std::size_t)> pull =
      [&](const std::vector<std::size_t>& face, std::size_t depth) {
        if (depth == n) {  // a vertex: the chain's last point
          if (face.size() != 1) throw InternalError("simple_volume: a vertex face with other vertices");
          chain.push_back(face[0]);
          emit();
          chain.pop_back();
          return;
        }
        const std::size_t top = depth == 0 ? p : face[0];  // pulled into this face
        if (depth > 0) chain.push_back(top);
        std::vector<std::size_t>& seen = seen_at[depth];
        std::vector<std::size_t>& sub = sub_at[depth];
        seen.clear();
        for (std::size_t v : face)
          for (std::size_t k : vertex_rows[v]) {
            // a facet of this face not containing its pulled vertex (rows of the face itself are tight at top)
            if (tight(top, k) || std::find(seen.begin(), seen.end(), k) != seen.end()) continue;
            seen.push_back(k);
            sub.clear();
            for (std::size_t u : face)
              if (tight(u, k)) sub.push_back(u);
            pull(sub, depth + 1);
          }
        if (depth > 0) chain.pop_back();
      };
  std::vector<std::size_t> all(V);
  for (std::size_t v = 0; v < V; ++v) all[v] = v;
  pull(all, 0);
  Integer den = others;
  for (std::size_t i = 0; i < n; ++i) den *= absD[p];
  for (std::size_t j = 2; j <= n; ++j) den *= static_cast<unsigned long>(j);
  Rational vol;
  mpz_swap(vol.get_num_mpz_t(), N.get_mpz_t());
  mpz_swap(vol.get_den_mpz_t(), den.get_mpz_t());
  if (lowest) vol.canonicalize();  // (the gcd is a third of the time)
  return vol;
}

}  // namespace

// No double description and no face recursion: for d <= 3 the pulling triangulation above; beyond,
// Lawrence's formula for a simple polytope.  For c generic (no edge orthogonal to it), with A_v the d
// tight rows at vertex v and gamma_v = A_v^-T c,
//   d! vol(P) = sum_v (c.v)^d / (|det A_v| prod_i gamma_v,i).
// On the primitive integer rows H_v = L (A_v, b_v) (L > 0 per row: the formula does not see it), with
// D = det H_v: s = D v and g = D gamma are integers, and each term is (c.s)^d / (|D| prod g), s and g
// from fraction-free Gauss-Jordan of [H_v | b] (D1 [I | v]) and [H_v^T | c] (D2 [I | gamma]),
// |D1| = |D2|, the sign of D1 D2 carried on c.s.  The terms are summed as a balanced tree.
Rational simple_volume(const Region& r, const std::vector<std::vector<std::size_t>>& vertex_rows, const RunLimits& lim,
                       bool lowest) {
  const std::size_t n = r.A.cols, V = vertex_rows.size(), w = n + 1;
  if (V == 0) return 0;
  const Budget budget(lim);
  // each facet row as primitive integers L (a, b), L > 0: rows[k] (null for rows not at a vertex), in
  // a worker's pool of rows reused from region to region (fresh integers were most of the mallocs)
  thread_local std::vector<IntVec> pool;
  std::vector<int> slot(r.A.rows, -1);
  std::size_t used = 0;
  for (const auto& T : vertex_rows)
    for (std::size_t k : T) {
      if (slot[k] >= 0) continue;
      if (pool.size() <= used) pool.emplace_back();
      IntVec& h = pool[used];
      slot[k] = static_cast<int>(used++);
      h.resize(n + 1);
      const Integer L = clearing_factor(r.A.row(k), n, &r.b[k]);
      for (std::size_t j = 0; j <= n; ++j) h[j] = cleared(j < n ? r.A(k, j) : r.b[k], L);
      make_primitive(h);
    }
  std::vector<const IntVec*> rows(r.A.rows, nullptr);
  for (std::size_t k = 0; k < r.A.rows; ++k)
    if (slot[k] >= 0) rows[k] = &pool[slot[k]];
  if (n <= 3) return pulled_volume(vertex_rows, rows, n, budget, lowest);
  std::vector<Integer> S1(n * w), S2(n * w);
  std::vector<const IntVec*> H(n);
  std::vector<std::size_t> p1, p2;
  Integer D1, D2, cs, E, t;
  for (unsigned long base = 2; base < 10; ++base) {  // c = (1, base, base^2, ...): on the moment curve
    IntVec c(n);
    for (std::size_t j = 0; j < n; ++j) mpz_ui_pow_ui(c[j].get_mpz_t(), base, j);
    std::vector<Integer> nums(V), dens(V);
    bool generic = true;
    for (std::size_t v = 0; v < V && generic; ++v) {
      budget.tick(v);
      for (std::size_t i = 0; i < n; ++i) H[i] = rows[vertex_rows[v][i]];
      cs = 0;
      for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t j = 0; j <= n; ++j) S1[i * w + j] = (*H[i])[j];
        for (std::size_t j = 0; j < n; ++j) S2[j * w + i] = (*H[i])[j];
        S2[i * w + n] = c[i];
      }
      if (!la::gauss_jordan(S1, n, w, n, p1, D1) || !la::gauss_jordan(S2, n, w, n, p2, D2))
        throw InternalError("simple_volume: dependent vertex rows");
      E = abs(D1);
      for (std::size_t j = 0; j < n; ++j) {
        cs += c[j] * S1[p1[j] * w + n];
        const Integer& g = S2[p2[j] * w + n];
        if (sgn(g) == 0) generic = false;
        E *= g;
      }
      if (sgn(D1) != sgn(D2)) cs = -cs;
      mpz_pow_ui(nums[v].get_mpz_t(), cs.get_mpz_t(), n);
      dens[v] = E;
    }
    if (!generic) continue;
    // pairwise: a running common denominator grows by one term per vertex (O(V^2) in operand size);
    // one gcd at the end (per-step lowest terms measured 2-3x slower)
    for (std::size_t step = 1; step < V; step *= 2)
      for (std::size_t v = 0; v + step < V; v += 2 * step) {
        mpz_mul(t.get_mpz_t(), nums[v + step].get_mpz_t(), dens[v].get_mpz_t());
        nums[v] *= dens[v + step];
        nums[v] += t;
        dens[v] *= dens[v + step];
      }
    Rational vol(nums[0], dens[0]);
    vol.canonicalize();
    for (std::size_t j = 2; j <= n; ++j) vol /= static_cast<unsigned long>(j);
    return vol;
  }
  // (every c tried met an edge orthogonal to it) the general way, on the facet rows
  Polyhedron P(n);
  for (std::size_t k = 0; k < r.A.rows; ++k)
    if (rows[k]) P.add_inequality(r.A.row(k), r.b[k]);
  return volume(P, lim);
}

}  // namespace tropgeom
