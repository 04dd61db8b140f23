// The exact 2-D slice engine (see slice2d.hpp).  Float part: every map entry and vertex carries a
// rigorous error bound (unit roundoff u = 2^-53, gamma_n = n u / (1 - n u), plus an absolute term for
// underflow; a non-finite value is simply doubtful).  Exact part (SliceEngine): maps composed in
// rationals from a face's pattern, vertices from their definitions, both on demand and cached.
#include "tropgeom/slice2d.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <mutex>
#include <unordered_map>

#include "layer_map.hpp"
#include "run.hpp"

namespace tropgeom {
namespace {

constexpr double kU = 1.1102230246251565e-16;  // 2^-53
constexpr double kTiny = 1e-307;               // covers the underflow error of a few hundred operations
double gamma(std::size_t n) { return (n + 1) * kU / (1 - (n + 1) * kU) * (1 + 4 * kU); }

// A rational as a double with an error bound (mpq_get_d truncates: at most one ulp).
double to_dbl(const Rational& q, double& err) {
  const double x = q.get_d();
  // most inputs are float64 and convert back exactly: then there is no error to carry
  err = std::isfinite(x) && Rational(x) == q ? 0.0 : 2 * kU * std::fabs(x) + kTiny;
  return x;
}

struct Vertex {
  double u = 0, v = 0, r = 0;  // float position, error bound (max norm)
  std::int32_t l1 = -1, l2 = -1;  // the two lines it lies on (-1: a domain corner, exact given)
  std::unique_ptr<std::pair<Rational, Rational>> exact;
};

// A line a u + b v + c = 0 in the plane, with error bounds: a domain side (exact given) or the zero
// set of hidden neuron `neuron` on the face whose hidden bits are prefixes[prefix].
struct Line {
  double a = 0, b = 0, c = 0, ea = 0, eb = 0, ec = 0;
  std::int32_t neuron = -1;
  std::uint32_t prefix = 0;
  std::unique_ptr<std::array<Rational, 3>> exact;
};

struct EdgeKey {
  std::uint64_t ends;
  std::int32_t neuron;
  bool operator==(const EdgeKey& o) const { return ends == o.ends && neuron == o.neuron; }
};
struct EdgeKeyHash {
  std::size_t operator()(const EdgeKey& k) const { return std::hash<std::uint64_t>()(k.ends * 0x9E3779B97F4A7C15ULL ^ k.neuron); }
};

// v_c += w z_c for the three columns: the hot loop of compose.
void axpy3(const double* __restrict w, double z0, double z1, double z2, double* __restrict v0, double* __restrict v1,
           double* __restrict v2, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) v0[i] += w[i] * z0, v1[i] += w[i] * z1, v2[i] += w[i] * z2;
}

struct Maps {
  std::vector<double> Z, E;
};

// A face at the start of layer m: its polygon, the hidden bits of the layers before m, and the layer's
// pre-activation map (n_m x 3: a u + b v + c, double with error bounds), composed from the parent's
// map when the face is first worked on (so a long list of waiting faces holds no maps).
struct Node {
  std::size_t layer = 0;
  std::vector<std::int32_t> vs, ln;  // ccw vertices; the line of the edge from each to the next
  std::vector<std::uint8_t> bits;
  std::shared_ptr<const Maps> maps, parent;
  std::int64_t prefix_id = -1;  // registered lazily, when a vertex is defined on this face
};

}  // namespace

// Stable-address storage, ids handed out by the owner under its mutex (readers need no lock: an id
// reaches another thread only through that mutex).
template <class T>
class Store {
 public:
  Store() : chunks_(new std::unique_ptr<T[]>[kMaxChunks]) {}
  T& operator[](std::int32_t i) const { return chunks_[i >> kBits][i & (kChunk - 1)]; }
  std::int32_t push() {
    if (count_ >= kChunk * kMaxChunks) throw InputError("slice too large: more than 2^30 vertices or lines");
    const std::size_t c = count_ >> kBits;
    if (!chunks_[c]) chunks_[c].reset(new T[kChunk]);
    return static_cast<std::int32_t>(count_++);
  }

 private:
  static constexpr int kBits = 14;
  static constexpr std::size_t kChunk = std::size_t(1) << kBits, kMaxChunks = std::size_t(1) << 16;
  std::unique_ptr<std::unique_ptr<T[]>[]> chunks_;
  std::size_t count_ = 0;
};

class SliceEngine {
 public:
  // The plane x = origin + u d1 + v d2 is the affine map the first layer is pushed through.
  SliceEngine(const Network& net, const Vec& origin, const Vec& d1, const Vec& d2) : net_(net), ix_(net) {
    const std::size_t d = net.input_dim();
    plane_ = {d, 2, std::vector<Rational>(2 * d), origin, Rational(1)};
    for (std::size_t j = 0; j < d; ++j) plane_.G[2 * j] = d1[j], plane_.G[2 * j + 1] = d2[j];
    for (const Layer& L : net.layers) {
      Wt_.emplace_back(L.W.size()), Wte_.emplace_back(L.W.size());
      bd_.emplace_back(L.b.size()), be_.emplace_back(L.b.size());
      for (std::size_t i = 0; i < L.out; ++i)
        for (std::size_t j = 0; j < L.in; ++j)
          Wt_.back()[j * L.out + i] = to_dbl(L.W[i * L.in + j], Wte_.back()[j * L.out + i]);
      // row sums of |W| and of the weights' errors, rounded up, for the error bounds of compose
      abs_rows_.emplace_back(L.out), err_rows_.emplace_back(L.out);
      for (std::size_t i = 0; i < L.out; ++i) {
        double a = 0, e = 0;
        for (std::size_t j = 0; j < L.in; ++j) a += std::fabs(Wt_.back()[j * L.out + i]), e += Wte_.back()[j * L.out + i];
        abs_rows_.back()[i] = a * (1 + gamma(L.in)) + kTiny, err_rows_.back()[i] = e * (1 + gamma(L.in)) + kTiny;
      }
      for (std::size_t k = 0; k < L.b.size(); ++k) bd_.back()[k] = to_dbl(L.b[k], be_.back()[k]);
    }
  }

  std::size_t hidden() const { return ix_.hidden; }
  std::size_t offset(std::size_t m) const { return ix_.first[m]; }
  const Network& net() const { return net_; }
  Vertex& vert(std::int32_t i) const { return verts_[i]; }
  Line& line(std::int32_t i) const { return lines_[i]; }

  // The domain: its corners and sides, exact.
  std::int32_t add_corner(const Rational& u, const Rational& v) {
    std::lock_guard<std::mutex> g(mu_);
    const std::int32_t id = verts_.push();
    Vertex& x = verts_[id];
    double eu, ev;
    x.u = to_dbl(u, eu), x.v = to_dbl(v, ev), x.r = std::max(eu, ev);
    x.exact.reset(new std::pair<Rational, Rational>(u, v));
    return id;
  }
  std::int32_t add_side(const Rational& a, const Rational& b, const Rational& c) {
    std::lock_guard<std::mutex> g(mu_);
    const std::int32_t id = lines_.push();
    Line& l = lines_[id];
    l.a = to_dbl(a, l.ea), l.b = to_dbl(b, l.eb), l.c = to_dbl(c, l.ec);
    l.exact.reset(new std::array<Rational, 3>{a, b, c});
    return id;
  }
  // The zero set of a hidden neuron on a face: row z (with errors ez) of the face's layer map.
  std::int32_t add_line(const double* z, const double* ez, std::int32_t neuron, std::uint32_t prefix) {
    std::lock_guard<std::mutex> g(mu_);
    const std::int32_t id = lines_.push();
    Line& l = lines_[id];
    l.a = z[0], l.b = z[1], l.c = z[2], l.ea = ez[0], l.eb = ez[1], l.ec = ez[2];
    l.neuron = neuron, l.prefix = prefix;
    return id;
  }

  // The vertex where `neuron` crosses segment a-b, created by `make` if it is new: the identity is
  // symbolic (segment and neuron), so both faces along a segment get the same vertex.
  template <class Make>
  std::int32_t crossing(std::int32_t a, std::int32_t b, std::int32_t neuron, Make make) {
    const EdgeKey key{(static_cast<std::uint64_t>(std::min(a, b)) << 32) | static_cast<std::uint32_t>(std::max(a, b)), neuron};
    std::lock_guard<std::mutex> g(mu_);
    auto it = edges_.find(key);
    if (it != edges_.end()) return it->second;
    const std::int32_t id = verts_.push();
    make(verts_[id]);
    edges_.emplace(key, id);
    return id;
  }

  std::uint32_t register_prefix(const std::vector<std::uint8_t>& bits) {
    std::lock_guard<std::recursive_mutex> g(exact_mu_);
    prefixes_.push_back(bits);
    return static_cast<std::uint32_t>(prefixes_.size() - 1);
  }

  // --- the exact fallback (rare: one lock is enough) ---
  // Pre-activation map of layer m, (u, v) -> a u + b v + c, on the face with hidden bits `bits`
  // (layers < m): the one layer map, in rationals.
  using ExactMap = AffineMap<Rational>;
  std::shared_ptr<const ExactMap> exact_map(std::size_t m, const std::vector<std::uint8_t>& bits) {
    std::lock_guard<std::recursive_mutex> g(exact_mu_);
    std::string key(reinterpret_cast<const char*>(bits.data()), bits.size());
    key += static_cast<char>(m);
    auto it = maps_.find(key);
    if (it != maps_.end()) return it->second;
    ExactMap Z = push<Rational>(net_.layers[0], plane_);
    for (std::size_t l = 0; l < m; ++l) Z = push_after(net_, net_.layers[l + 1], ix_, bits, Z, l);
    auto out = std::make_shared<const ExactMap>(std::move(Z));
    maps_.emplace(std::move(key), out);
    return out;
  }

  const std::array<Rational, 3>& exact_line(std::int32_t i) {
    std::lock_guard<std::recursive_mutex> g(exact_mu_);
    Line& l = lines_[i];
    if (!l.exact) {
      const std::size_t m = ix_.layer_of(l.neuron);
      const ExactMap& Z = *exact_map(m, prefixes_[l.prefix]);
      const std::size_t k = l.neuron - ix_.first[m];
      l.exact.reset(new std::array<Rational, 3>{Z.row(k)[0], Z.row(k)[1], Z.e[k]});
    }
    return *l.exact;
  }

  const std::pair<Rational, Rational>& exact_vertex(std::int32_t i) { return exact_of(verts_[i]); }

  // A vertex's exact position: where its two lines meet (computed once).
  const std::pair<Rational, Rational>& exact_of(Vertex& x) {
    std::lock_guard<std::recursive_mutex> g(exact_mu_);
    if (!x.exact) {
      const auto& p = exact_line(x.l1);
      const auto& q = exact_line(x.l2);
      const Rational det = p[0] * q[1] - q[0] * p[1];
      if (sgn(det) == 0) throw InternalError("slice2d: a vertex on two parallel lines (please report)");
      x.exact.reset(new std::pair<Rational, Rational>((p[1] * q[2] - q[1] * p[2]) / det, (q[0] * p[2] - p[0] * q[2]) / det));
    }
    return *x.exact;
  }

  int exact_sign(const ExactMap& Z, std::size_t k, std::int32_t p) {
    const auto& P = exact_vertex(p);
    return sgn(Rational(Z.row(k)[0] * P.first + Z.row(k)[1] * P.second + Z.e[k]));
  }

  // Layer m's weights as doubles, transposed (in x out), their errors, and whether all are exact.
  const std::vector<double>& Wt(std::size_t m) const { return Wt_[m]; }
  const std::vector<double>& abs_row_sums(std::size_t m) const { return abs_rows_[m]; }
  const std::vector<double>& err_row_sums(std::size_t m) const { return err_rows_[m]; }
  const std::vector<double>& bd(std::size_t m) const { return bd_[m]; }
  const std::vector<double>& be(std::size_t m) const { return be_[m]; }
  std::atomic<std::size_t> exact_decisions{0};

 private:
  Network net_;
  NeuronIndex ix_;
  AffineMap<Rational> plane_;
  std::vector<std::vector<double>> Wt_, Wte_, bd_, be_, abs_rows_, err_rows_;
  Store<Vertex> verts_;
  Store<Line> lines_;
  std::unordered_map<EdgeKey, std::int32_t, EdgeKeyHash> edges_;
  std::mutex mu_;
  std::recursive_mutex exact_mu_;
  std::vector<std::vector<std::uint8_t>> prefixes_;
  std::unordered_map<std::string, std::shared_ptr<const ExactMap>> maps_;
};

namespace {

// Hidden bits packed 8 to a byte, little-endian (numpy's packbits(bitorder="little")).
std::vector<std::uint8_t> pack(const std::vector<std::uint8_t>& bits) {
  std::vector<std::uint8_t> out((bits.size() + 7) / 8, 0);
  for (std::size_t j = 0; j < bits.size(); ++j) out[j / 8] |= static_cast<std::uint8_t>(bits[j] << (j % 8));
  return out;
}

struct Emitted {
  std::vector<std::int32_t> vs, ln;
  std::vector<std::uint8_t> bits;  // packed
  std::vector<double> map, err;    // outputs x 3, and error bounds
};

class Builder {
 public:
  Builder(SliceEngine& e, std::size_t max_faces) : e_(e), L_(e.net().layers.size()), max_faces_(max_faces) {}

  std::atomic<bool> full{false};
  std::atomic<std::size_t> faces{0};

  // Root node: the domain polygon (exact corners, ccw) with the first layer's map.
  Node root(const std::vector<std::pair<Rational, Rational>>& polygon) {
    Node n;
    const std::size_t m = polygon.size();
    for (const auto& p : polygon) n.vs.push_back(e_.add_corner(p.first, p.second));
    for (std::size_t i = 0; i < m; ++i) {
      const auto &p = polygon[i], &q = polygon[(i + 1) % m];
      const Rational a = p.second - q.second, b = q.first - p.first;
      n.ln.push_back(e_.add_side(a, b, -(a * p.first + b * p.second)));
    }
    const auto Z = e_.exact_map(0, {});
    auto maps = std::make_shared<Maps>();
    maps->Z.resize(Z->rows * 3), maps->E.resize(Z->rows * 3);
    for (std::size_t i = 0; i < Z->rows; ++i)
      for (int c = 0; c < 3; ++c) maps->Z[3 * i + c] = to_dbl(c < 2 ? Z->row(i)[c] : Z->e[i], maps->E[3 * i + c]);
    n.maps = std::move(maps);
    return n;
  }

  // One layer of one node: its children (cells waiting for the next layer's map), or emitted faces.
  void expand(Node& n, std::vector<Node>& children, std::vector<Emitted>& out) {
    if (!n.maps) {
      n.maps = compose(n.layer - 1, *n.parent, n.bits);
      n.parent.reset();
    }
    const Layer& Lm = e_.net().layers[n.layer];
    std::vector<Cell> cells(1);
    cells[0].vs = n.vs, cells[0].ln = n.ln;
    cells[0].bits.assign(Lm.relu ? Lm.out : 0, 0);
    bound(cells[0]);
    if (Lm.relu)
      for (std::size_t k = 0; k < Lm.out; ++k) split(n, k, cells);
    for (Cell& c : cells) {
      Node child;
      child.layer = n.layer + 1;
      child.bits = n.bits;
      child.bits.insert(child.bits.end(), c.bits.begin(), c.bits.end());
      child.vs = std::move(c.vs), child.ln = std::move(c.ln);
      if (child.layer == L_) {
        if (faces.fetch_add(1) >= max_faces_ && max_faces_) {
          full = true;
          return;
        }
        auto m = compose(n.layer, *n.maps, child.bits);
        out.push_back(Emitted{std::move(child.vs), std::move(child.ln), pack(child.bits), m->Z, m->E});
      } else {
        child.parent = n.maps;
        children.push_back(std::move(child));
      }
    }
  }

  void dfs(Node& n, std::vector<Emitted>& out) {
    if (full) return;
    std::vector<Node> children;
    expand(n, children, out);
    n.maps.reset();
    for (Node& c : children) dfs(c, out);
  }

 private:
  struct Cell {
    std::vector<std::int32_t> vs, ln;
    std::vector<std::uint8_t> bits;  // this layer's
    double cu = 0, cv = 0, hu = -1, hv = 0;  // a box holding every vertex (with its error radius)
  };

  void bound(Cell& c) const {
    double u0 = INFINITY, u1 = -INFINITY, v0 = INFINITY, v1 = -INFINITY, r = 0;
    for (std::int32_t p : c.vs) {
      const Vertex& x = e_.vert(p);
      u0 = std::min(u0, x.u), u1 = std::max(u1, x.u), v0 = std::min(v0, x.v), v1 = std::max(v1, x.v);
      r = std::max(r, x.r);
    }
    c.cu = 0.5 * (u0 + u1), c.cv = 0.5 * (v0 + v1);
    // half-widths rounded outward, so [c - h, c + h] holds the vertices' true positions
    c.hu = (0.5 * (u1 - u0) + r) * (1 + 8 * kU) + 4 * kU * std::max(std::fabs(u0), std::fabs(u1)) + kTiny;
    c.hv = (0.5 * (v1 - v0) + r) * (1 + 8 * kU) + 4 * kU * std::max(std::fabs(v0), std::fabs(v1)) + kTiny;
    if (!std::isfinite(c.hu) || !std::isfinite(c.hv)) c.hu = -1;  // no box: test the vertices
  }

  // The sign neuron k has on the whole cell when its line misses the cell's box by more than the
  // error bound (most neurons miss most small cells); 0 when the box cannot tell.
  int box_sign(const Node& n, std::size_t k, const Cell& c) const {
    if (c.hu < 0) return 0;
    const double* z = &n.maps->Z[3 * k];
    const double* ez = &n.maps->E[3 * k];
    const double val = z[0] * c.cu + z[1] * c.cv + z[2];
    const double spread = std::fabs(z[0]) * c.hu + std::fabs(z[1]) * c.hv;
    const double err = (ez[0] * (std::fabs(c.cu) + c.hu) + ez[1] * (std::fabs(c.cv) + c.hv) + ez[2] +
                        gamma(4) * (std::fabs(z[0] * c.cu) + std::fabs(z[1] * c.cv) + std::fabs(z[2]) + spread)) *
                           (1 + 8 * kU) + kTiny;
    if (val > spread + err) return 1;
    if (-val > spread + err) return -1;
    return 0;
  }

  // Sign of neuron k at vertex p: the float value decides when it exceeds its error bound.
  int sign_at(Node& n, std::size_t k, std::int32_t p) {
    const Vertex& x = e_.vert(p);
    const double* z = &n.maps->Z[3 * k];
    const double* ez = &n.maps->E[3 * k];
    const double val = z[0] * x.u + z[1] * x.v + z[2];
    const double err = (ez[0] * (std::fabs(x.u) + x.r) + ez[1] * (std::fabs(x.v) + x.r) + ez[2] +
                        (std::fabs(z[0]) + std::fabs(z[1])) * x.r +
                        gamma(3) * (std::fabs(z[0] * x.u) + std::fabs(z[1] * x.v) + std::fabs(z[2]))) * (1 + 8 * kU) + kTiny;
    if (std::fabs(val) > err) return val > 0 ? 1 : -1;  // false for NaN: then exact
    ++e_.exact_decisions;
    return e_.exact_sign(*e_.exact_map(n.layer, n.bits), k, p);
  }

  // Splits every cell of `cells` that neuron k crosses, in place (the negative side is appended).
  void split(Node& n, std::size_t k, std::vector<Cell>& cells) {
    const std::int32_t gk = static_cast<std::int32_t>(e_.offset(n.layer) + k);
    std::int32_t chord = -1;  // this neuron's line on this face, made on the first split
    const std::size_t count = cells.size();
    for (std::size_t ci = 0; ci < count; ++ci) {
      Cell& c = cells[ci];
      if (const int side = box_sign(n, k, c)) {
        c.bits[k] = is_active(side);
        continue;
      }
      const std::size_t m = c.vs.size();
      s_.resize(m);
      bool pos = false, neg = false;
      for (std::size_t i = 0; i < m; ++i) {
        s_[i] = sign_at(n, k, c.vs[i]);
        pos |= s_[i] > 0, neg |= s_[i] < 0;
      }
      if (!(pos && neg)) {  // no split; zero is inactive: active only with a positive vertex
        c.bits[k] = is_active(pos ? 1 : 0);
        continue;
      }
      if (chord < 0) {
        if (n.prefix_id < 0) n.prefix_id = e_.register_prefix(n.bits);
        chord = e_.add_line(&n.maps->Z[3 * k], &n.maps->E[3 * k], gk, static_cast<std::uint32_t>(n.prefix_id));
      }
      Cell P, N;
      P.bits = c.bits, N.bits = std::move(c.bits);
      P.bits[k] = 1, N.bits[k] = 0;
      P.vs.reserve(m + 1), P.ln.reserve(m + 1), N.vs.reserve(m + 1), N.ln.reserve(m + 1);
      const std::vector<int>& s = s_;
      for (std::size_t i = 0; i < m; ++i) {
        const std::size_t j = (i + 1) % m;
        const std::int32_t a = c.vs[i], b = c.vs[j];
        if (s[i] >= 0) P.vs.push_back(a), P.ln.push_back(c.ln[i]);
        if (s[i] <= 0) N.vs.push_back(a), N.ln.push_back(c.ln[i]);
        if (s[i] == 0) {  // a vertex on the line: the side it leaves continues along the chord
          if (s[j] < 0) P.ln.back() = chord;
          if (s[j] > 0) N.ln.back() = chord;
        }
        if (s[i] * s[j] < 0) {
          const std::int32_t w = e_.crossing(a, b, gk, [&](Vertex& x) { meet(x, c.ln[i], chord); });
          P.vs.push_back(w), N.vs.push_back(w);
          // after w: the old edge on the side b lies on, the chord on the other
          if (s[j] > 0) P.ln.push_back(c.ln[i]), N.ln.push_back(chord);
          else P.ln.push_back(chord), N.ln.push_back(c.ln[i]);
        }
      }
      bound(P), bound(N);
      cells[ci] = std::move(P);  // c is gone from here on
      cells.push_back(std::move(N));
    }
  }


  // Vertex x where lines l1 and l2 meet: Cramer's rule in double with a bound from the lines' error
  // bounds (so errors do not compound from vertex to vertex); exact when the bound is too weak.
  void meet(Vertex& x, std::int32_t l1, std::int32_t l2) {
    x.l1 = l1, x.l2 = l2;
    const Line &p = e_.line(l1), &q = e_.line(l2);
    auto cross = [](double a1, double e1, double b2, double f2, double a2, double e2, double b1, double f1, double& err) {
      const double x1 = a1 * b2, x2 = a2 * b1;
      err = (std::fabs(a1) * f2 + std::fabs(b2) * e1 + e1 * f2 + std::fabs(a2) * f1 + std::fabs(b1) * e2 + e2 * f1 +
             2 * kU * (std::fabs(x1) + std::fabs(x2))) * (1 + 8 * kU) + kTiny;
      return x1 - x2;
    };
    double edet, eu, ev;
    const double det = cross(p.a, p.ea, q.b, q.eb, q.a, q.ea, p.b, p.eb, edet);
    const double nu = cross(p.b, p.eb, q.c, q.ec, q.b, q.eb, p.c, p.ec, eu);
    const double nv = cross(q.a, q.ea, p.c, p.ec, p.a, p.ea, q.c, q.ec, ev);
    const double low = std::fabs(det) - edet;
    if (low > 0) {
      x.u = nu / det, x.v = nv / det;
      x.r = (std::max((eu + std::fabs(x.u) * edet), (ev + std::fabs(x.v) * edet)) / low +
             2 * kU * std::max(std::fabs(x.u), std::fabs(x.v))) * (1 + 8 * kU) + kTiny;
      if (std::isfinite(x.u) && std::isfinite(x.v) && std::isfinite(x.r)) return;
    }
    const auto& P = e_.exact_of(x);  // nearly parallel lines, or the doubles overflowed
    double e1, e2;
    x.u = to_dbl(P.first, e1), x.v = to_dbl(P.second, e2), x.r = std::max(e1, e2);
  }

  // The map after layer m on a face whose hidden bits (all layers up to m) are `bits`: the next
  // layer's Z' = W D Z + b, or after the last layer the output map (D Z, or Z without ReLU).
  std::shared_ptr<const Maps> compose(std::size_t m, const Maps& pre, const std::vector<std::uint8_t>& all_bits) {
    const Layer& Lm = e_.net().layers[m];
    const std::size_t rows = Lm.out;
    const std::uint8_t* bits = Lm.relu ? all_bits.data() + e_.offset(m) : nullptr;
    const bool relu = Lm.relu && sgn(Lm.slope) == 0;  // inactive rows dropped
    // LeakyReLU: the inactive rows times the slope s (a double within es of it), then every row passes:
    // |s' z' - fl(s z)| <= (s + es) ez + es |z| + u |s z| for the true s', z'.
    Maps leaked;
    if (Lm.relu && !relu) {
      leaked = pre;
      double es;
      const double s = to_dbl(Lm.slope, es);
      for (std::size_t j = 0; j < rows; ++j)
        for (int c = 0; c < 3 && !bits[j]; ++c) {
          const double z = pre.Z[3 * j + c], ez = pre.E[3 * j + c];
          leaked.Z[3 * j + c] = s * z;
          leaked.E[3 * j + c] = ((s + es) * ez + es * std::fabs(z) + 2 * kU * std::fabs(s * z)) * (1 + 8 * kU) + kTiny;
        }
    }
    const Maps& in = Lm.relu && !relu ? leaked : pre;
    auto res = std::make_shared<Maps>();
    std::vector<double>& Zo = res->Z;
    std::vector<double>& Eo = res->E;
    if (m + 1 == L_) {
      Zo = in.Z, Eo = in.E;
      if (relu)
        for (std::size_t i = 0; i < rows; ++i)
          if (!bits[i]) std::fill(Zo.begin() + 3 * i, Zo.begin() + 3 * i + 3, 0.0), std::fill(Eo.begin() + 3 * i, Eo.begin() + 3 * i + 3, 0.0);
      return res;
    }
    // Values: column by column of W (stored transposed), the inner loop contiguous over outputs.
    // Errors: sum_j |w_ij| t_j <= (sum_j |w_ij|) max_j t_j, with the row sums taken once per layer.
    const Layer& N = e_.net().layers[m + 1];
    const std::size_t out = N.out;
    const auto& Wt = e_.Wt(m + 1);
    std::size_t active = 0;
    double T1[3] = {0, 0, 0}, T2[3] = {0, 0, 0};
    for (std::size_t j = 0; j < rows; ++j) active += !relu || bits[j];
    const double g = gamma(active + 1);
    std::vector<double> acc(3 * out, 0.0);
    double *v0 = acc.data(), *v1 = v0 + out, *v2 = v1 + out;
    for (std::size_t j = 0; j < rows; ++j) {
      if (relu && !bits[j]) continue;
      const double z0 = in.Z[3 * j], z1 = in.Z[3 * j + 1], z2 = in.Z[3 * j + 2];
      for (int c = 0; c < 3; ++c) {
        const double z = std::fabs(in.Z[3 * j + c]), ez = in.E[3 * j + c];
        T1[c] = std::max(T1[c], ez + g * z), T2[c] = std::max(T2[c], z + ez);
      }
      axpy3(&Wt[j * out], z0, z1, z2, v0, v1, v2, out);
    }
    const auto& b = e_.bd(m + 1);
    const auto& be = e_.be(m + 1);
    const auto& absrow = e_.abs_row_sums(m + 1);
    const auto& errrow = e_.err_row_sums(m + 1);
    Zo.resize(out * 3), Eo.resize(out * 3);
    for (std::size_t i = 0; i < out; ++i) {
      Zo[3 * i] = v0[i], Zo[3 * i + 1] = v1[i], Zo[3 * i + 2] = v2[i] + b[i];
      for (int c = 0; c < 3; ++c)
        Eo[3 * i + c] = (absrow[i] * T1[c] + errrow[i] * T2[c] + (c == 2 ? be[i] + g * std::fabs(b[i]) : 0.0)) *
                            (1 + 8 * kU) + kTiny;
    }
    return res;
  }

  SliceEngine& e_;
  std::size_t L_;
  std::size_t max_faces_;
  static thread_local std::vector<int> s_;  // vertex signs, per worker
};

thread_local std::vector<int> Builder::s_;

}  // namespace

std::pair<Rational, Rational> Slice2D::exact_vertex(std::size_t i) const { return engine->exact_vertex(engine_ids.at(i)); }

Matrix Slice2D::exact_map(std::size_t f) const {
  const std::size_t L = engine->net().layers.size();
  const std::size_t row = (hidden + 7) / 8;
  std::vector<std::uint8_t> bits(hidden);
  for (std::size_t j = 0; j < hidden; ++j) bits[j] = (patterns[f * row + j / 8] >> (j % 8)) & 1;
  const auto Y = engine->exact_map(L - 1, bits);
  Matrix Z(Y->rows, 3);
  const Layer& last = engine->net().layers[L - 1];
  for (std::size_t i = 0; i < Y->rows; ++i) {
    const bool inactive = last.relu && !bits[engine->offset(L - 1) + i];
    if (inactive && sgn(last.slope) == 0) continue;
    Z(i, 0) = Y->row(i)[0], Z(i, 1) = Y->row(i)[1], Z(i, 2) = Y->e[i];
    for (std::size_t c = 0; c < 3 && inactive; ++c) Z(i, c) *= last.slope;
  }
  return Z;
}

Rational Slice2D::exact_area(std::size_t f) const {
  Rational twice = 0;
  const std::size_t a = face_start[f], n = face_start[f + 1] - a;
  for (std::size_t i = 0; i < n; ++i) {
    const auto p = exact_vertex(face_verts[a + i]);
    const auto q = exact_vertex(face_verts[a + (i + 1) % n]);
    twice += p.first * q.second - p.second * q.first;
  }
  return twice / 2;
}

Slice2D slice2d(const Network& net, const Vec& origin, const Vec& d1, const Vec& d2,
                const std::vector<std::pair<Rational, Rational>>& polygon, const SliceOptions& opt) {
  net.validate();
  const std::size_t d = net.input_dim();
  if (origin.size() != d || d1.size() != d || d2.size() != d) throw InputError("the plane's frame must have the input dimension");
  if (polygon.size() < 3) throw InputError("the domain polygon needs at least 3 vertices");
  auto engine = std::make_shared<SliceEngine>(net, origin, d1, d2);
  Builder build(*engine, opt.max_faces);
  const RunLimits& lim = opt.limits;
  const int threads = std::max(1, lim.threads);

  // The first layer splits the domain on this thread; its faces are then worked on depth-first, in
  // parallel (each holds the map it needs only while it is being split).
  std::vector<std::vector<Emitted>> out(threads);
  Slice2D res;
  const Budget budget(lim);
  Node top = build.root(polygon);
  std::vector<Node> frontier;
  build.expand(top, frontier, out[0]);
  const StopReason r = budget.poll(build.faces);
  if (r != StopReason::none) {
    res.status = {false, r};
  } else if (!frontier.empty()) {
    RunLimits rest = lim;  // the time the first layer took counts against the budget
    if (lim.max_seconds > 0) rest.max_seconds = std::max(1e-6, lim.max_seconds - budget.elapsed());
    const ForResult fr = parallel_for(frontier.size(), rest, [&](std::size_t i, int t) {
      if (!build.full) build.dfs(frontier[i], out[t]);
      frontier[i] = Node();
    });
    res.status = fr.status;
  }
  if (build.full) res.status = {false, StopReason::max_count};

  // One canonical order whatever the threads: faces by pattern, each cycle from its lowest vertex,
  // vertices numbered as they first appear.
  std::vector<Emitted> faces;
  for (auto& o : out)
    for (auto& f : o) faces.push_back(std::move(f));
  std::sort(faces.begin(), faces.end(), [](const Emitted& a, const Emitted& b) { return a.bits < b.bits; });
  res.hidden = engine->hidden();
  res.outputs = net.output_dim();
  std::unordered_map<std::int32_t, std::uint32_t> number;
  for (Emitted& f : faces) {
    auto lower = [&](std::int32_t a, std::int32_t b) {
      const Vertex &x = engine->vert(a), &y = engine->vert(b);
      return x.u < y.u || (x.u == y.u && x.v < y.v);
    };
    const std::size_t start = std::min_element(f.vs.begin(), f.vs.end(), lower) - f.vs.begin();
    std::rotate(f.vs.begin(), f.vs.begin() + start, f.vs.end());
    std::rotate(f.ln.begin(), f.ln.begin() + start, f.ln.end());
    for (std::size_t i = 0; i < f.vs.size(); ++i) {
      auto it = number.emplace(f.vs[i], static_cast<std::uint32_t>(res.engine_ids.size()));
      if (it.second) {
        const Vertex& x = engine->vert(f.vs[i]);
        res.engine_ids.push_back(f.vs[i]);
        res.u.push_back(x.u), res.v.push_back(x.v), res.radius.push_back(x.r);
      }
      res.face_verts.push_back(it.first->second);
      res.edge_neuron.push_back(engine->line(f.ln[i]).neuron);
    }
    res.face_start.push_back(static_cast<std::uint32_t>(res.face_verts.size()));
    res.patterns.insert(res.patterns.end(), f.bits.begin(), f.bits.end());  // packed
    res.maps.insert(res.maps.end(), f.map.begin(), f.map.end());
    res.map_errors.insert(res.map_errors.end(), f.err.begin(), f.err.end());
  }
  res.exact_decisions = engine->exact_decisions;
  res.engine = std::move(engine);
  return res;
}

}  // namespace tropgeom
