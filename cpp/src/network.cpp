#include "tropgeom/network.hpp"

#include "layer_map.hpp"

namespace tropgeom {

std::size_t Network::num_hidden_neurons() const {
  std::size_t n = 0;
  for (const auto& L : layers)
    if (L.relu) n += L.out;
  return n;
}

void Network::validate() const {
  if (layers.empty()) throw InputError("network has no layers");
  for (std::size_t l = 0; l < layers.size(); ++l) {
    const Layer& L = layers[l];
    const std::string name = "layer " + std::to_string(l + 1);
    if (L.out == 0 || L.in == 0) throw InputError(name + " has an empty weight matrix");
    if (L.W.size() != L.out * L.in) throw InputError(name + " weight has the wrong number of entries");
    if (L.b.size() != L.out) throw InputError(name + " bias has the wrong length");
    if (L.relu && (sgn(L.slope) < 0 || L.slope >= 1)) throw InputError(name + " has a negative slope outside [0, 1)");
    if (l > 0 && L.in != layers[l - 1].out)
      throw InputError(name + " takes " + std::to_string(L.in) + " inputs; layer " + std::to_string(l) +
                       " gives " + std::to_string(layers[l - 1].out));
  }
}

Vec Network::forward(const Vec& x) const {
  if (x.size() != input_dim()) throw InputError("point has dimension " + std::to_string(x.size()) + "; expected " + std::to_string(input_dim()));
  AffineMap<Rational> h = point_map(x);
  for (const auto& L : layers) {
    h = push(L, h);
    if (L.relu)
      for (auto& v : h.e) activate(v, L.slope);
  }
  return std::move(h.e);
}

std::vector<int> Network::pre_activation_signs(const Vec& x) const {
  if (x.size() != input_dim()) throw InputError("point has dimension " + std::to_string(x.size()) + "; expected " + std::to_string(input_dim()));
  std::vector<int> s;
  AffineMap<Rational> h = point_map(x);
  for (const auto& L : layers) {
    h = push(L, h);
    if (!L.relu) continue;  // a linear layer composes on, with no signs of its own
    for (auto& v : h.e) {
      s.push_back(sgn(v));
      activate(v, L.slope);
    }
  }
  return s;
}

}  // namespace tropgeom
