#include "tropgeom/activation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>
#include <thread>
#include <optional>

#include "float_lp.hpp"
#include "run.hpp"
#include "search.hpp"
#include "tropgeom/lp.hpp"

namespace tropgeom {
namespace {

using Code = std::int32_t;
using Rows = std::function<void(std::size_t point, Code code, Matrix& strict, Matrix& eq)>;

// One search: which codes may each point take, and the rows that a (point, code) adds.
struct Problem {
  std::size_t nvars = 0, npoints = 0;
  std::vector<Code> choices;
  std::vector<long> dup;  // dup[i]: the first earlier point equal to point i, or -1
  Rows rows;
  bool face_dims = false;
};

// Lifted points (1, x) as rows.
Matrix lift(const Matrix& X) {
  Matrix L(X.rows, X.cols + 1);
  for (std::size_t i = 0; i < X.rows; ++i) {
    L(i, 0) = 1;
    for (std::size_t j = 0; j < X.cols; ++j) L(i, j + 1) = X(i, j);
  }
  return L;
}

// Equal data points must take the same choice: the search copies it instead of branching.
std::vector<long> duplicates(const Matrix& X) {
  std::vector<long> dup(X.rows, -1);
  for (std::size_t i = 0; i < X.rows; ++i)
    for (std::size_t j = 0; j < i && dup[i] < 0; ++j)
      if (std::equal(X.row(i), X.row(i) + X.cols, X.row(j))) dup[i] = static_cast<long>(j);
  return dup;
}

thread_local ActivationStats tally;  // per thread, added to the result once per task

Rational dot(const Rational* a, const Vec& x) {
  Rational s = 0;
  for (std::size_t j = 0; j < x.size(); ++j)
    if (sgn(a[j]) != 0) s += a[j] * x[j];
  return s;
}

bool realised_by(const Vec& theta, const Matrix& strict, const Matrix& eq) {
  for (std::size_t r = 0; r < strict.rows; ++r)
    if (sgn(dot(strict.row(r), theta)) <= 0) return false;
  for (std::size_t r = 0; r < eq.rows; ++r)
    if (sgn(dot(eq.row(r), theta)) != 0) return false;
  return true;
}

// A parameter vector with every strict row > 0 and every equality = 0, or nothing: max t subject to
// r.theta >= t (strict rows), r.theta = 0, t <= 1; the cone is non-empty iff t* > 0.  Exact LP.
std::optional<Vec> realise(std::size_t n, const Matrix& strict, const Matrix& eq) {
  Polyhedron P(n + 1);
  Vec row(n + 1);
  const Rational zero(0), one(1);
  for (std::size_t r = 0; r < strict.rows; ++r) {
    for (std::size_t j = 0; j < n; ++j) row[j] = -strict(r, j);
    row[n] = 1;
    P.add_inequality(row.data(), zero);
  }
  for (std::size_t r = 0; r < eq.rows; ++r) {
    for (std::size_t j = 0; j < n; ++j) row[j] = eq(r, j);
    row[n] = 0;
    P.add_equality(row.data(), zero);
  }
  std::fill(row.begin(), row.end(), zero);
  row[n] = 1;
  P.add_inequality(row.data(), one);
  LPResult res = optimize(P, row, true);
  if (res.status != LPStatus::optimal || sgn(res.value) <= 0) return std::nullopt;
  res.x.resize(n);
  return res.x;
}

// q * 2^e, exactly.
Rational times_pow2(const Rational& q, long e) {
  if (e == 0) return q;
  Rational out;
  if (e > 0) mpq_mul_2exp(out.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(e));
  else mpq_div_2exp(out.get_mpq_t(), q.get_mpq_t(), static_cast<mp_bitcnt_t>(-e));
  return out;
}

// Per column of S, the power of two e that brings its largest entry near 1 when that entry is far
// outside the double's comfortable range (data like 1e-300 or 1e300), else 0.  theta_j = 2^e y_j
// describes the same cone, and the float LP on y can certify what it could not on theta; ordinary
// data are left exactly as they were (e = 0).
std::vector<long> column_scales(const Matrix& S) {
  std::vector<long> e(S.cols, 0);
  for (std::size_t j = 0; j < S.cols; ++j) {
    bool any = false;
    long top = 0;
    for (std::size_t r = 0; r < S.rows; ++r) {
      const Rational& v = S(r, j);
      if (sgn(v) == 0) continue;
      const long b = static_cast<long>(mpz_sizeinbase(v.get_num_mpz_t(), 2)) -
                     static_cast<long>(mpz_sizeinbase(v.get_den_mpz_t(), 2));
      top = any ? std::max(top, b) : b;
      any = true;
    }
    if (any && (top > 200 || top < -200)) e[j] = -top;
  }
  return e;
}

// Float first (DESIGN §4), for systems without equalities: a float optimum with t > 0 is checked exactly
// as a witness (its doubles are exact dyadics); one with t <= 0 is confirmed by the exact LP on its
// active rows alone (<= n + 1 rows: a subsystem with no solution proves the whole has none).  Anything
// else, and systems with equalities, go to the exact LP on all rows.  hint: a point for the start.
std::optional<Vec> decide(std::size_t n, const Matrix& S, const Matrix& E, const Vec& hint) {
  if (E.rows == 0 && S.rows > 0) {
    ++tally.float_lps;
    flp::Rows R;
    R.d = n + 1;
    std::vector<double> row(n + 1), start(n + 1), c(n + 1, 0.0);
    const std::vector<long> e = column_scales(S);
    for (std::size_t j = 0; j < n; ++j) start[j] = times_pow2(hint[j], -e[j]).get_d();
    double tmin = 1;
    for (std::size_t r = 0; r < S.rows; ++r) {
      double v = 0;
      for (std::size_t j = 0; j < n; ++j) {
        row[j] = -times_pow2(S(r, j), e[j]).get_d();
        v -= row[j] * start[j];
      }
      row[n] = 1;
      R.add(row.data(), 0.0);
      tmin = std::min(tmin, v);
    }
    std::fill(row.begin(), row.end(), 0.0);
    row[n] = 1;
    R.add(row.data(), 1.0);
    start[n] = tmin - 1 - std::fabs(tmin);  // strictly below every row: a strictly feasible start
    c[n] = -1;
    flp::Result f = flp::minimize(R, c, start);
    const bool finite = std::all_of(f.x.begin(), f.x.end(), [](double v) { return std::isfinite(v); });
    if (f.status == flp::Status::optimal && finite && f.x[n] > 0) {
      Vec theta(n);
      for (std::size_t j = 0; j < n; ++j) theta[j] = times_pow2(Rational(f.x[j]), e[j]);
      if (realised_by(theta, S, E)) return theta;
    } else if (f.status == flp::Status::optimal && !f.active.empty()) {
      Matrix sub(0, n);
      for (int r : f.active)
        if (static_cast<std::size_t>(r) < S.rows) sub.append_row(S.row(r), n);
      ++tally.lps;
      if (sub.rows > 0 && !realise(n, sub, E)) return std::nullopt;
    }
  }
  ++tally.lps;
  return realise(n, S, E);
}

// All rows of a (partial) assignment.
void assignment_rows(const Problem& p, const std::vector<Code>& codes, Matrix& strict, Matrix& eq) {
  strict = Matrix(0, p.nvars);
  eq = Matrix(0, p.nvars);
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (p.dup[i] < 0) p.rows(i, codes[i], strict, eq);
}

struct Node {
  std::vector<Code> codes;  // choices of points 0..codes.size()-1
  Vec witness;              // realises them all
};

// Depth-first search over points with a shared stack for idle threads (as the region engine).
class Search {
 public:
  Search(const Problem& p, const ActivationOptions& opt) : p_(p), opt_(opt) {}

  ActivationResult run() {
    res_.points = p_.npoints;
    res_.nvars = p_.nvars;
    std::vector<Node> roots;
    if (opt_.from_cells) {
      for (std::size_t i = 0; i < opt_.cells.size(); ++i) roots.push_back(resume(opt_.cells[i], i));
    } else {
      roots.push_back(Node{{}, Vec(p_.nvars, Rational(0))});
    }
    ParallelSearch<Node> search(opt_);
    search_ = &search;
    search.run(std::move(roots),
               [this](Node&& cur, const ParallelSearch<Node>::Push& push) { step(std::move(cur), push); },
               [this] { flush(); });
    res_.status = search.status();
    sort_leaves();
    for (Node& n : search.take_open()) res_.open.push_back({std::move(n.codes), std::move(n.witness)});
    std::sort(res_.open.begin(), res_.open.end(),
              [](const ActivationCell& a, const ActivationCell& b) { return a.codes < b.codes; });
    return std::move(res_);
  }

 private:
  // One partial assignment: a leaf, a repeated point (copies its first copy's choice), or expanded.
  // A node the run cannot finish (max_cells, or a stop mid-node) is handed back whole: no leaf lost.
  void step(Node&& cur, const ParallelSearch<Node>::Push& push) {
    if (opt_.max_cells && steps_.fetch_add(1) >= opt_.max_cells) {
      search_->stop(StopReason::max_cells, /*lost=*/true);
      return search_->hand_back(std::move(cur));
    }
    ++tally.nodes;
    const std::size_t i = cur.codes.size();
    if (i == p_.npoints) {
      emit(std::move(cur));
    } else if (p_.dup[i] >= 0) {
      cur.codes.push_back(cur.codes[p_.dup[i]]);
      push(std::move(cur));
    } else {
      std::vector<Node> kids;
      try {
        kids = expand(cur);
      } catch (const Abandoned&) {  // a stop mid-node: the node goes back undone (its LPs are redone)
        search_->stop(StopReason::interrupted, /*lost=*/true);  // keeps the first reason
        return search_->hand_back(std::move(cur));
      }
      for (auto& k : kids) push(std::move(k));
    }
  }

  void flush() {
    std::lock_guard<std::mutex> g(res_mu_);
    res_.stats.lps += tally.lps;
    res_.stats.float_lps += tally.float_lps;
    res_.stats.witness_hits += tally.witness_hits;
    res_.stats.nodes += tally.nodes;
    tally = ActivationStats{};
  }

  // The realisable children of cur at the next point, each with a witness.
  std::vector<Node> expand(const Node& cur) {
    const std::size_t i = cur.codes.size();
    std::vector<Node> kids;
    Matrix prefix_strict, prefix_eq;  // built on the first LP only
    bool have_prefix = false;
    for (Code c : p_.choices) {
      if (search_->stopped()) throw Abandoned{};  // do not finish the node's LPs
      Matrix s(0, p_.nvars), e(0, p_.nvars);
      p_.rows(i, c, s, e);
      Node k{cur.codes, {}};
      k.codes.push_back(c);
      if (realised_by(cur.witness, s, e)) {
        ++tally.witness_hits;
        k.witness = cur.witness;
      } else {
        if (!have_prefix) {
          assignment_rows(p_, cur.codes, prefix_strict, prefix_eq);
          have_prefix = true;
        }
        Matrix S = prefix_strict, E = prefix_eq;
        for (std::size_t r = 0; r < s.rows; ++r) S.append_row(s.row(r), p_.nvars);
        for (std::size_t r = 0; r < e.rows; ++r) E.append_row(e.row(r), p_.nvars);
        auto w = decide(p_.nvars, S, E, cur.witness);
        if (!w) continue;
        k.witness = std::move(*w);
      }
      kids.push_back(std::move(k));
    }
    return kids;
  }

  void emit(Node&& n) {
    std::int32_t dim = 0;
    if (p_.face_dims) {
      Matrix S, E;
      assignment_rows(p_, n.codes, S, E);
      dim = static_cast<std::int32_t>(rank(E));
    }
    std::lock_guard<std::mutex> g(res_mu_);
    if (opt_.max_results && res_.count >= opt_.max_results) {
      search_->stop(StopReason::max_count, /*lost=*/true);
      return search_->hand_back(std::move(n));  // a leaf over the budget: resuming it emits it
    }
    res_.codes.insert(res_.codes.end(), n.codes.begin(), n.codes.end());
    res_.witnesses.insert(res_.witnesses.end(), n.witness.begin(), n.witness.end());
    if (p_.face_dims) res_.dims.push_back(dim);
    ++res_.count;
    search_->found.store(res_.count);
  }

  // Leaves in lexicographic order of their codes, so results do not depend on thread timing.
  void sort_leaves() {
    const std::size_t N = p_.npoints;
    std::vector<std::size_t> idx(res_.count);
    for (std::size_t k = 0; k < idx.size(); ++k) idx[k] = k;
    auto row = [&](std::size_t k) { return res_.codes.begin() + k * N; };
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
      return std::lexicographical_compare(row(a), row(a) + N, row(b), row(b) + N);
    });
    std::vector<Code> codes;
    codes.reserve(res_.codes.size());
    std::vector<std::int32_t> dims;
    Vec wit;
    wit.reserve(res_.witnesses.size());
    const std::size_t n = p_.nvars;
    for (std::size_t k : idx) {
      codes.insert(codes.end(), row(k), row(k) + N);
      wit.insert(wit.end(), res_.witnesses.begin() + k * n, res_.witnesses.begin() + (k + 1) * n);
      if (p_.face_dims) dims.push_back(res_.dims[k]);
    }
    res_.codes.swap(codes);
    res_.witnesses.swap(wit);
    res_.dims.swap(dims);
  }

  // The node of cell c, checked exactly first: a choice of this search at every point (a repeated
  // point repeats its first copy's), and parameters that realise them all.  No LP.
  Node resume(const ActivationCell& c, std::size_t i) const {
    const std::string at = "cells[" + std::to_string(i) + "]: ";
    if (c.codes.size() > p_.npoints || c.witness.size() != p_.nvars)
      throw InputError(at + "its choices and parameters do not fit this data set and model");
    for (std::size_t j = 0; j < c.codes.size(); ++j) {
      const bool ok = p_.dup[j] >= 0 ? c.codes[j] == c.codes[p_.dup[j]]
                                     : std::find(p_.choices.begin(), p_.choices.end(), c.codes[j]) != p_.choices.end();
      if (!ok) throw InputError(at + "choice " + std::to_string(c.codes[j]) + " at data point " + std::to_string(j) +
                                " is not one of this search");
    }
    Matrix S, E;
    assignment_rows(p_, c.codes, S, E);
    if (!realised_by(c.witness, S, E)) throw InputError(at + "its parameters do not realise its choices");
    return Node{c.codes, c.witness};
  }

  struct Abandoned {};  // a stop came while a node was being expanded

  const Problem& p_;
  const ActivationOptions& opt_;
  ActivationResult res_;
  ParallelSearch<Node>* search_ = nullptr;
  std::atomic<std::size_t> steps_{0};  // search steps taken (max_cells)
  std::mutex res_mu_;
};

void check(const Matrix& X, int K) {
  if (K < 2) throw InputError("the model needs at least two terms; got K = " + std::to_string(K));
  if (K > 30) throw InputError("at most 30 terms are supported; got K = " + std::to_string(K));
}

// Parameters: the terms' vectors theta_0..theta_{K-2} in R^{d+1}; theta_{K-1} = 0 removes the lineality
// (adding one vector to every term changes no argmax).  A face code is the mask S of tied maximal terms
// at a point: theta_k.x = theta_s.x for k in S (s = min S), theta_s.x > theta_l.x for l not in S.
Problem term_problem(const Matrix& X, int K, std::vector<Code> choices, bool face_dims) {
  check(X, K);
  Problem p;
  const std::size_t D = X.cols + 1;
  p.nvars = static_cast<std::size_t>(K - 1) * D;
  p.npoints = X.rows;
  p.choices = std::move(choices);
  p.dup = duplicates(X);
  p.face_dims = face_dims;
  auto L = std::make_shared<Matrix>(lift(X));
  p.rows = [L, K, D, n = p.nvars](std::size_t i, Code S, Matrix& strict, Matrix& eq) {
    const int s = __builtin_ctz(static_cast<unsigned>(S));
    Vec r(n);
    auto diff = [&](int a, int b, Matrix& M) {  // (e_a - e_b) (x) x^_i, block K-1 dropped
      std::fill(r.begin(), r.end(), Rational(0));
      for (std::size_t j = 0; j < D; ++j) {
        if (a < K - 1) r[a * D + j] += (*L)(i, j);
        if (b < K - 1) r[b * D + j] -= (*L)(i, j);
      }
      M.append_row(r.data(), n);
    };
    for (int k = 0; k < K; ++k) {
      if (k == s) continue;
      if (S >> k & 1) diff(k, s, eq);
      else diff(s, k, strict);
    }
  };
  return p;
}

// Witnesses theta_u, theta_v of two patterns that differ only at point i (terms k, l).  Along the
// segment between them every other point keeps its term (each cone is convex); if at the parameter
// where k and l tie at x_i no third term reaches them, that parameter lies in the relative interior of
// the common facet: the edge is proven without an LP (always so for K = 2).
bool segment_crosses_wall(const Matrix& L, std::size_t i, int K, int k, int l, Vec::const_iterator tu,
                          Vec::const_iterator tv) {
  const std::size_t D = L.cols;
  auto value = [&](Vec::const_iterator th, int m) -> Rational {  // <theta_m, x^_i>; theta_{K-1} = 0
    Rational s = 0;
    if (m < K - 1)
      for (std::size_t j = 0; j < D; ++j) s += th[m * D + j] * L(i, j);
    return s;
  };
  const Rational gu = value(tu, k) - value(tu, l), gv = value(tv, k) - value(tv, l);  // gu > 0 > gv
  const Rational s = gu / (gu - gv);
  auto at = [&](int m) -> Rational { return (1 - s) * value(tu, m) + s * value(tv, m); };
  const Rational top = at(k);
  for (int m = 0; m < K; ++m)
    if (m != k && m != l && !(at(m) < top)) return false;
  return true;
}

}  // namespace

std::size_t activation_dimension(const Matrix& X, int K) {
  check(X, K);
  return static_cast<std::size_t>(K - 1) * rank(lift(X));
}

ActivationResult activation_vertices(const Matrix& X, int K, const ActivationOptions& opt) {
  std::vector<Code> choices;
  for (int k = 0; k < K; ++k) choices.push_back(Code(1) << k);
  Problem p = term_problem(X, K, choices, false);
  ActivationOptions o = opt;  // cells speak of term indices; the search of masks
  for (ActivationCell& c : o.cells)
    for (auto& k : c.codes) k = (k >= 0 && k < K) ? (Code(1) << k) : 0;  // 0: refused by resume
  ActivationResult r = Search(p, o).run();
  for (auto& c : r.codes) c = __builtin_ctz(static_cast<unsigned>(c));
  for (ActivationCell& c : r.open)
    for (auto& k : c.codes) k = __builtin_ctz(static_cast<unsigned>(k));
  return r;
}

ActivationResult activation_faces(const Matrix& X, int K, const ActivationOptions& opt) {
  if (K > 16) throw InputError("face enumeration supports at most 16 terms");
  std::vector<Code> choices;
  for (Code S = 1; S < (Code(1) << K); ++S) choices.push_back(S);
  return Search(term_problem(X, K, choices, true), opt).run();
}

ActivationEdges activation_edges(const Matrix& X, int K, const ActivationResult& vertices, const RunLimits& lim,
                                 const std::optional<std::vector<std::size_t>>& from, std::size_t max_cells) {
  const int threads = std::max(1, lim.threads);
  const std::size_t N = X.rows;
  const std::vector<Code>& patterns = vertices.codes;
  Problem p = term_problem(X, K, {}, false);
  if (vertices.points != N || vertices.nvars != p.nvars) throw InputError("vertices of another data set or model");
  const std::size_t V = vertices.count;
  const Matrix L = lift(X);
  auto witness = [&](std::size_t v) { return vertices.witnesses.begin() + v * p.nvars; };
  std::map<std::vector<Code>, std::size_t> index;
  auto pattern = [&](std::size_t v) { return std::vector<Code>(patterns.begin() + v * N, patterns.begin() + (v + 1) * N); };
  for (std::size_t v = 0; v < V; ++v) index.emplace(pattern(v), v);
  std::vector<std::size_t> first_row(N);  // point i's K - 1 rows start here in assignment_rows
  for (std::size_t i = 0, r = 0; i < N; ++i) {
    first_row[i] = r;
    if (p.dup[i] < 0) r += K - 1;
  }

  for (std::size_t u : from.value_or(std::vector<std::size_t>{}))
    if (u >= V) throw InputError("vertex " + std::to_string(u) + " out of range for " + std::to_string(V) + " vertices");
  const std::size_t todo = from ? from->size() : V;
  const std::size_t n = max_cells ? std::min(todo, max_cells) : todo;  // a max_cells stop: the rest stays open

  std::vector<std::vector<std::array<std::size_t, 3>>> found(threads);
  const ForResult run = parallel_for(n, lim, [&](std::size_t item, int t) {
    const std::size_t u = from ? (*from)[item] : item;
    const std::vector<Code> su = pattern(u);
    for (std::size_t i = 0; i < N; ++i) {
      if (p.dup[i] >= 0) continue;
      for (Code l = su[i] + 1; l < K; ++l) {
        std::vector<Code> sv = su;
        for (std::size_t j = 0; j < N; ++j)
          if (j == i || p.dup[j] == static_cast<long>(i)) sv[j] = l;
        auto it = index.find(sv);
        if (it == index.end()) continue;
        if (segment_crosses_wall(L, i, K, su[i], l, witness(u), witness(it->second))) {
          found[t].push_back({std::min(u, it->second), std::max(u, it->second), i});
          continue;
        }
        // Else: the row "k beats l at x_i" defines a facet of u's cone iff reversing it leaves a
        // non-empty strict system (float filter, exact certificate); across that facet lies v.
        std::vector<Code> masks(N);
        for (std::size_t j = 0; j < N; ++j) masks[j] = Code(1) << su[j];
        Matrix S, E;
        assignment_rows(p, masks, S, E);
        const std::size_t row = first_row[i] + (l < su[i] ? l : l - 1);
        for (std::size_t j = 0; j < p.nvars; ++j) S(row, j) = -S(row, j);
        Vec hint(witness(it->second), witness(it->second) + p.nvars);
        if (decide(p.nvars, S, E, hint)) found[t].push_back({std::min(u, it->second), std::max(u, it->second), i});
      }
    }
  });
  ActivationEdges out;
  out.status = run.status;
  out.done = run.done;
  if (out.status.complete && n < todo) out.status = RunStatus{false, StopReason::max_cells};
  for (auto& f : found) out.edges.insert(out.edges.end(), f.begin(), f.end());
  std::sort(out.edges.begin(), out.edges.end());
  return out;
}

ActivationResult one_hidden_layer(const Matrix& X, const std::vector<int>& signs, bool with_labels,
                                  const ActivationOptions& opt) {
  const int k = static_cast<int>(signs.size());
  if (k < 1 || k > 12) throw InputError("one_hidden_layer supports 1 to 12 neurons; got " + std::to_string(k));
  for (int s : signs)
    if (s != 1 && s != -1) throw InputError("output-weight signs must be +1 or -1");
  Problem p;
  const std::size_t D = X.cols + 1;
  // Parameters: w_0..w_{k-1} in R^{d+1}, then the output bias c.
  p.nvars = k * D + 1;
  p.npoints = X.rows;
  p.dup = duplicates(X);
  for (Code c = 0; c < (Code(1) << (k + with_labels)); ++c) p.choices.push_back(c);
  auto L = std::make_shared<Matrix>(lift(X));
  p.rows = [L, k, D, n = p.nvars, signs, with_labels](std::size_t i, Code code, Matrix& strict, Matrix&) {
    Vec r(n), f(n);
    for (int j = 0; j < k; ++j) {
      const bool on = code >> j & 1;
      std::fill(r.begin(), r.end(), Rational(0));
      for (std::size_t q = 0; q < D; ++q) {
        r[j * D + q] = on ? (*L)(i, q) : Rational(-(*L)(i, q));
        if (on) f[j * D + q] = signs[j] * (*L)(i, q);
      }
      strict.append_row(r.data(), n);
    }
    if (!with_labels) return;
    f[n - 1] = 1;  // f(x_i) = sum over active neurons of signs[j] <w_j, x^_i> + c
    if (!(code >> k & 1))
      for (auto& v : f) v = -v;
    strict.append_row(f.data(), n);
  };
  return Search(p, opt).run();
}

}  // namespace tropgeom
