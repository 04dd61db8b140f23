// The few helpers every C++ unit test shares: CHECK counts failures instead of aborting, so one run
// reports them all; main() returns failures != 0.
#pragma once

#include <cstdio>

#include "tropgeom/types.hpp"

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
