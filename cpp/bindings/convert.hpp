// numpy / Python numbers <-> exact rationals.  The only place the seam's number formats live.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "tropgeom/types.hpp"

namespace tropgeom::py_convert {
namespace py = pybind11;
using namespace pybind11::literals;

inline Integer to_integer(py::handle i) {
  return Integer(py::str(i).cast<std::string>(), 10);
}

// One Python number (float, int, Fraction or numpy scalar) as an exact rational.
inline Rational to_rational(py::handle v) {
  if (PyFloat_Check(v.ptr())) {
    double x = v.cast<double>();
    if (!std::isfinite(x)) throw InputError("non-finite value");
    return Rational(x);  // exact: a double is a dyadic rational
  }
  if (py::hasattr(v, "numerator") && py::hasattr(v, "denominator") && !py::isinstance<py::float_>(v)) {
    Rational q(to_integer(v.attr("numerator")), to_integer(v.attr("denominator")));
    q.canonicalize();
    return q;
  }
  return to_rational(py::reinterpret_borrow<py::object>(v).attr("__float__")());
}

// Any array-like, flattened in C order: float64 arrays go through the buffer, others element-wise.
inline Vec to_rationals(py::handle obj) {
  Vec out;
  if (py::isinstance<py::array_t<double>>(obj)) {
    auto a = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(obj);
    const double* p = a.data();
    out.reserve(a.size());
    for (py::ssize_t i = 0; i < a.size(); ++i) {
      if (!std::isfinite(p[i])) throw InputError("non-finite value at flat index " + std::to_string(i));
      out.emplace_back(p[i]);
    }
    return out;
  }
  py::array a = py::module_::import("numpy").attr("asarray")(obj, "dtype"_a = "object").attr("ravel")();
  out.reserve(a.size());
  for (py::handle v : a) out.push_back(to_rational(v));
  return out;
}

inline py::object to_pyint(const Integer& z) {
  std::string s = z.get_str(16);
  return py::reinterpret_steal<py::object>(PyLong_FromString(s.c_str(), nullptr, 16));
}

inline py::object to_fraction(const Rational& q) {
  static py::object Fraction = py::module_::import("fractions").attr("Fraction");
  return Fraction(to_pyint(q.get_num()), to_pyint(q.get_den()));
}

// A numpy object array of fractions.Fraction with the given shape.
inline py::array to_fraction_array(const Vec& v, std::vector<py::ssize_t> shape) {
  py::list items(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) items[i] = to_fraction(v[i]);
  py::module_ np = py::module_::import("numpy");
  py::array a = np.attr("empty")(v.size(), "dtype"_a = "object");
  for (std::size_t i = 0; i < v.size(); ++i) a.attr("__setitem__")(i, items[i]);
  return a.attr("reshape")(py::tuple(py::cast(shape)));
}

// The double nearest to q (ties to even; +-inf beyond the range), as Python's float(Fraction) gives:
// GMP's get_d truncates, so the neighbour towards q wins when q lies past their exact midpoint.
inline double nearest_double(const Rational& q) {
  const double t = q.get_d();
  if (!std::isfinite(t) || Rational(t) == q) return t;  // beyond the range: +-inf
  const double away = std::nextafter(t, sgn(q) > 0 ? HUGE_VAL : -HUGE_VAL);
  const Rational mid = std::isfinite(away) ? Rational((Rational(t) + Rational(away)) / 2)
                                           : Rational(Rational(t) + (Rational(t) - Rational(std::nextafter(t, 0.0))) / 2);
  const int c = cmp(abs(q), abs(mid));
  if (c != 0) return c > 0 ? away : t;
  // A tie goes to the even mantissa; past DBL_MAX the even neighbour is 2^1024, i.e. infinity.
  return (!std::isfinite(away) || (reinterpret_cast<const std::uint64_t&>(away) & 1) == 0) ? away : t;
}

inline py::array_t<double> to_float_array(const Vec& v, std::vector<py::ssize_t> shape) {
  py::array_t<double> a(shape);
  double* p = a.mutable_data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = nearest_double(v[i]);
  return a;
}

// Rows of a 2-D array-like with `cols` columns, as a rational matrix.
inline Matrix to_matrix(py::handle obj, std::size_t cols) {
  Vec flat = to_rationals(obj);
  if (cols == 0 ? !flat.empty() : flat.size() % cols != 0)
    throw InputError("array of " + std::to_string(flat.size()) + " entries is not a matrix with " + std::to_string(cols) + " columns");
  Matrix M;
  M.cols = cols;
  M.rows = cols ? flat.size() / cols : 0;
  M.data = std::move(flat);
  return M;
}

}  // namespace tropgeom::py_convert
