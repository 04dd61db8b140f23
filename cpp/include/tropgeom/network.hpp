// A fully connected network with exact rational weights.  W has shape (out, in) row-major
// (PyTorch's nn.Linear convention); ReLU follows every layer flagged relu (all hidden layers), or
// LeakyReLU when the layer's slope is not 0: an inactive neuron (z <= 0) passes slope * z on.
#pragma once

#include "tropgeom/types.hpp"

namespace tropgeom {

struct Layer {
  std::size_t out = 0, in = 0;
  Vec W;  // out * in, row-major
  Vec b;  // out
  bool relu = true;
  Rational slope = 0;  // the negative slope of a relu layer, in [0, 1): 0 is ReLU
};

struct Network {
  std::vector<Layer> layers;

  std::size_t input_dim() const { return layers.empty() ? 0 : layers.front().in; }
  std::size_t output_dim() const { return layers.empty() ? 0 : layers.back().out; }
  std::size_t num_hidden_neurons() const;
  void validate() const;  // throws InputError naming the layer (1-based)

  // Exact forward pass of one point.
  Vec forward(const Vec& x) const;
  // Exact sign (-1, 0, +1) of every hidden pre-activation at x, layer by layer.
  std::vector<int> pre_activation_signs(const Vec& x) const;
};

}  // namespace tropgeom
