// Internal: the layer map, written once.  How a layer acts on an affine map of the input x (a point is
// a map with no columns), in every number type the engine uses: Integer maps with a common positive
// denominator, Rational, Interval enclosures, double.  Also the two conventions every caller shares:
// which pre-activation is active, and which halfspace a neuron's cut keeps.
#pragma once

#include <algorithm>
#include <memory>
#include <type_traits>

#include "interval.hpp"
#include "tropgeom/network.hpp"

namespace tropgeom {

// The activity rule, once: a neuron is active iff its pre-activation is > 0 (zero is inactive).
inline bool is_active(int sign) { return sign > 0; }
inline bool is_active(const Rational& z) { return is_active(sgn(z)); }
// The same rule on an enclosure of z: 1 active, 0 inactive, -1 undecided.
inline int activity(const iv::Interval& z) { return z.positive() ? 1 : z.hi <= 0 ? 0 : -1; }
// The activation of a relu layer with negative slope s (0: ReLU, else LeakyReLU): z if active, else s z.
inline void activate(Rational& z, const Rational& s) {
  if (!is_active(z)) z = sgn(s) == 0 ? Rational(0) : Rational(z * s);
}
// The same on an enclosure (the function is non-decreasing: the ends map to the ends).
inline void activate(iv::Interval& z, const Rational& s) {
  if (sgn(s) == 0) {
    z = {std::max(0.0, z.lo), std::max(0.0, z.hi)};
  } else if (!z.positive()) {
    const iv::Interval f = iv::of(s);
    z = {(iv::exact(z.lo) * f).lo, z.hi > 0 ? z.hi : (iv::exact(z.hi) * f).hi};
  }
}

// x -> (G x + e) / q from R^cols to R^rows; G row-major.  q > 0 is the common denominator of an
// Integer map and stays 1 in every other type.
template <class T>
struct AffineMap {
  std::size_t rows = 0, cols = 0;
  std::vector<T> G, e;
  T q{};
  const T* row(std::size_t i) const { return G.data() + i * cols; }
};

namespace lm {
inline bool is_zero(const Rational& v) { return sgn(v) == 0; }
inline bool is_zero(const Integer& v) { return sgn(v) == 0; }
inline bool is_zero(const iv::Interval& v) { return v.is_zero(); }
inline bool is_zero(double v) { return v == 0; }
inline void addmul(Integer& s, const Integer& a, const Integer& b) { mpz_addmul(s.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t()); }
inline void addmul(Rational& s, const Rational& a, const Rational& b) { s += a * b; }
inline void addmul(iv::Interval& s, const iv::Interval& a, const iv::Interval& b) { s = s + a * b; }
inline void addmul(double& s, double a, double b) { s += a * b; }
template <class T>
T one() {
  if constexpr (std::is_same_v<T, iv::Interval>) return iv::exact(1);
  else return T(1);
}
}  // namespace lm

template <class T>
AffineMap<T> identity_map(std::size_t d) {
  AffineMap<T> m{d, d, std::vector<T>(d * d), std::vector<T>(d), lm::one<T>()};
  for (std::size_t j = 0; j < d; ++j) m.G[j * d + j] = lm::one<T>();
  return m;
}

template <class T>
AffineMap<T> point_map(std::vector<T> x) {
  const std::size_t n = x.size();
  return {n, 0, {}, std::move(x), lm::one<T>()};
}

// A layer's weights in T: W (out x in, row-major) and b.  An Integer layer is W_P / P, b_P / P for
// its common denominator P; in every other type P is 1.  (A Layer itself serves as the Rational one.)
template <class T>
struct LayerWeights {
  std::size_t out = 0, in = 0;
  std::vector<T> W, b;
  T P{};
};

template <class T>
std::vector<LayerWeights<T>> weights_as(const Network& net) {
  std::vector<LayerWeights<T>> out;
  for (const Layer& L : net.layers) {
    LayerWeights<T> w{L.out, L.in, {}, {}, lm::one<T>()};
    if constexpr (std::is_same_v<T, Integer>) {
      w.P = clearing_factor(L.W.data(), L.W.size());
      mpz_lcm(w.P.get_mpz_t(), w.P.get_mpz_t(), clearing_factor(L.b.data(), L.b.size()).get_mpz_t());
      for (const Rational& v : L.W) w.W.emplace_back(v * w.P);
      for (const Rational& v : L.b) w.b.emplace_back(v * w.P);
    } else if constexpr (std::is_same_v<T, iv::Interval>) {
      for (const Rational& v : L.W) w.W.push_back(iv::of(v));
      for (const Rational& v : L.b) w.b.push_back(iv::of(v));
    } else if constexpr (std::is_same_v<T, double>) {  // a float view: nearest doubles
      for (const Rational& v : L.W) w.W.push_back(v.get_d());
      for (const Rational& v : L.b) w.b.push_back(v.get_d());
    } else {
      w.W = L.W;
      w.b = L.b;
    }
    out.push_back(std::move(w));
  }
  return out;
}

struct AllLive {
  bool operator()(std::size_t) const { return true; }
};

// The layer map: z = W (live . h) + b for the input h, with live(k) false zeroing input k (an inactive
// neuron of the layer before).  Integer maps: z = (W_P h' + b_P q') / (P q') for h = h' / q'.  The sums
// run in input order, bias first, so interval enclosures are the same whoever calls.
template <class T, class Weights, class Live = AllLive>
AffineMap<T> push(const Weights& L, const AffineMap<T>& h, Live live = {}) {
  constexpr bool scaled = std::is_same_v<T, Integer>;
  const std::size_t d = h.cols;
  AffineMap<T> z{L.out, d, std::vector<T>(L.out * d), {}, lm::one<T>()};
  if constexpr (scaled) z.e.assign(L.out, T{});
  else z.e.assign(L.b.begin(), L.b.end());
  for (std::size_t i = 0; i < L.out; ++i) {
    T* g = z.G.data() + i * d;
    for (std::size_t k = 0; k < L.in; ++k) {
      const T& w = L.W[i * L.in + k];
      if (lm::is_zero(w) || !live(k)) continue;
      const T* hk = h.row(k);
      for (std::size_t j = 0; j < d; ++j)
        if (!lm::is_zero(hk[j])) lm::addmul(g[j], w, hk[j]);
      if (!lm::is_zero(h.e[k])) lm::addmul(z.e[i], w, h.e[k]);
    }
    if constexpr (scaled) lm::addmul(z.e[i], L.b[i], h.q);
  }
  if constexpr (scaled) z.q = L.P * h.q;
  return z;
}

// Where each hidden neuron sits: layer and index within it.
struct NeuronIndex {
  std::vector<std::size_t> first;  // first hidden index of every layer
  std::size_t hidden = 0;
  explicit NeuronIndex(const Network& net) {
    for (const Layer& L : net.layers) {
      first.push_back(hidden);
      if (L.relu) hidden += L.out;
    }
  }
  std::size_t layer_of(std::size_t n) const {
    return static_cast<std::size_t>(std::upper_bound(first.begin(), first.end(), n) - first.begin()) - 1;
  }
};

// Which outputs of layer l a cell passes on: all of a linear layer, the active neurons of a ReLU one.
struct PatternLive {
  const std::uint8_t* bits;  // the layer's pattern bits; null: a linear layer
  bool operator()(std::size_t k) const { return !bits || bits[k]; }
};
inline PatternLive live_after(const Network& net, const NeuronIndex& ix, const std::vector<std::uint8_t>& pattern,
                              std::size_t l) {
  return {net.layers[l].relu ? pattern.data() + ix.first[l] : nullptr};
}

// The outputs of a LeakyReLU layer on a cell: the map h of its pre-activations with the rows of the
// inactive neurons (bits[k] == 0) times the slope s = a / c.  An Integer map keeps integers: active
// rows times c, inactive rows times a, the denominator times c.
template <class T>
AffineMap<T> leaked(const AffineMap<T>& h, const std::uint8_t* bits, const Rational& s) {
  AffineMap<T> out = h;
  auto scale = [&](std::size_t k, const T& f) {
    for (std::size_t j = 0; j < h.cols; ++j) out.G[k * h.cols + j] = out.G[k * h.cols + j] * f;
    out.e[k] = out.e[k] * f;
  };
  if constexpr (std::is_same_v<T, Integer>) {
    const Integer a = s.get_num(), c = s.get_den();
    for (std::size_t k = 0; k < h.rows; ++k) scale(k, bits[k] ? c : a);
    out.q = h.q * c;
  } else {
    T f;
    if constexpr (std::is_same_v<T, iv::Interval>) f = iv::of(s);
    else if constexpr (std::is_same_v<T, double>) f = s.get_d();
    else f = s;
    for (std::size_t k = 0; k < h.rows; ++k)
      if (!bits[k]) scale(k, f);
  }
  return out;
}

// The pre-activation map of layer l + 1 from h, layer l's, on a cell whose pattern starts with
// `pattern`: layer l's activation applied (inactive neurons dropped, or scaled for LeakyReLU), then
// W (weights of layer l + 1, in T).
template <class T, class Weights>
AffineMap<T> push_after(const Network& net, const Weights& W, const NeuronIndex& ix,
                        const std::vector<std::uint8_t>& pattern, const AffineMap<T>& h, std::size_t l) {
  const Layer& L = net.layers[l];
  if (!L.relu || sgn(L.slope) == 0) return push(W, h, live_after(net, ix, pattern, l));
  return push(W, leaked(h, pattern.data() + ix.first[l], L.slope));
}

// The pre-activation maps of layers maps.size()..nlayers-1 on a cell whose pattern starts with
// `pattern`, each composed from the one before (layer 0 from the identity).
template <class T>
void extend(const Network& net, const std::vector<LayerWeights<T>>& W, const NeuronIndex& ix,
            const std::vector<std::uint8_t>& pattern, std::vector<std::shared_ptr<const AffineMap<T>>>& maps,
            std::size_t nlayers) {
  for (std::size_t l = maps.size(); l < nlayers; ++l)
    maps.push_back(std::make_shared<const AffineMap<T>>(
        l == 0 ? push(W[0], identity_map<T>(net.input_dim())) : push_after(net, W[l], ix, pattern, *maps[l - 1], l - 1)));
}

// The sign convention of a cut, once: the halfspace a.x <= rhs on which the neuron z = g.x + e has
// the given state.  Active: z >= 0, i.e. -g.x <= e; inactive: z <= 0, i.e. g.x <= -e.  (A positive
// denominator q of an Integer map changes nothing.)  a, rhs may alias g, e (a flip in place); no
// temporaries (a GMP temporary is a malloc and a free per entry).
template <class T>
void cut_row(const T* g, const T& e, bool active, std::size_t d, T* a, T& rhs) {
  for (std::size_t j = 0; j < d; ++j) {
    if (active) a[j] = -g[j];  // (gmpxx: negated into a's storage)
    else a[j] = g[j];
  }
  if (active) rhs = e;
  else rhs = -e;
}

// Row i of an Integer map as exact rationals: g = G_i / q, e = e_i / q.
// Set in place (no temporary Rational: two mallocs and frees per entry).
inline void rational_row(const AffineMap<Integer>& m, std::size_t i, Rational* g, Rational& e) {
  auto set = [&m](Rational& v, const Integer& n) {
    mpz_set(mpq_numref(v.get_mpq_t()), n.get_mpz_t());
    mpz_set(mpq_denref(v.get_mpq_t()), m.q.get_mpz_t());
    v.canonicalize();
  };
  for (std::size_t j = 0; j < m.cols; ++j) set(g[j], m.G[i * m.cols + j]);
  set(e, m.e[i]);
}

}  // namespace tropgeom
