// The few helpers every C++ unit test shares: CHECK counts failures instead of aborting, so one run
// reports them all; main() returns failures != 0.
#pragma once

#include <cstdio>

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
