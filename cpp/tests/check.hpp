// The few helpers every C++ unit test shares: CHECK counts failures instead of aborting, so one run
// reports them all; main() returns failures != 0.
#pragma once

#include <cstdio>

#include <random>
#include <vector>

#include "tropgeom/network.hpp"

static int failures = 0;
#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                                    \
    }                                                                                \
  } while (0)

// The rational n/d in lowest terms.
inline tropgeom::Rational q(long n, long d = 1) {
  tropgeom::Rational r(n, d);
  r.canonicalize();
  return r;
}

// One layer of a network: W (out x in, row-major), b, and whether ReLU follows.
inline tropgeom::Layer layer(std::size_t out, std::size_t in, tropgeom::Vec W, tropgeom::Vec b, bool relu) {
  tropgeom::Layer L;
  L.out = out, L.in = in, L.W = std::move(W), L.b = std::move(b), L.relu = relu;
  return L;
}

// A random net with small rational weights: d inputs, hidden widths, one linear output.
inline tropgeom::Network random_net(std::size_t d, std::vector<std::size_t> widths, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> num(-9, 9), den(1, 7);
  tropgeom::Network net;
  std::size_t in = d;
  widths.push_back(1);
  for (std::size_t l = 0; l < widths.size(); ++l) {
    tropgeom::Vec W(widths[l] * in), b(widths[l]);
    for (auto& v : W) v = q(num(rng), den(rng));
    for (auto& v : b) v = q(num(rng), den(rng));
    net.layers.push_back(layer(widths[l], in, W, b, l + 1 < widths.size()));
    in = widths[l];
  }
  return net;
}
