#include "tropgeom/types.hpp"

namespace tropgeom {

void Matrix::append_row(const Rational* r, std::size_t n) {
  if (n != cols) throw InputError("row of length " + std::to_string(n) + "; expected " + std::to_string(cols));
  data.insert(data.end(), r, r + n);
  ++rows;
}

}  // namespace tropgeom
