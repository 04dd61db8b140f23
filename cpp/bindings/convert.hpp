// numpy / Python numbers <-> exact rationals.  The only place the seam's number formats live.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <climits>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <unordered_map>
#include <algorithm>
#include <vector>

#include "../src/interval.hpp"
#include "tropgeom/types.hpp"

namespace tropgeom::py_convert {
namespace py = pybind11;
using namespace pybind11::literals;

// A Python int as an exact integer: machine-sized ones directly, larger ones through hex digits.
inline Integer to_integer(py::handle i) {
  int overflow = 0;
  const long v = PyLong_AsLongAndOverflow(i.ptr(), &overflow);
  if (!overflow) {
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    Integer z;
    mpz_set_si(z.get_mpz_t(), v);
    return z;
  }
  py::object hex = py::reinterpret_steal<py::object>(PyNumber_ToBase(i.ptr(), 16));
  if (!hex) throw py::error_already_set();
  std::string s = hex.cast<std::string>();  // "-0x1f" or "0x1f"
  const bool neg = s[0] == '-';
  Integer z(s.substr(neg ? 3 : 2), 16);
  return neg ? Integer(-z) : z;
}

// fractions.Fraction, and the names of its two slots (numerator, denominator) when it has them, so
// that the seam reads and writes Fractions without calling Python code.  Leaked on purpose: no decref
// after the interpreter is gone.
inline PyTypeObject* fraction_type() {
  static py::object& F = *new py::object(py::module_::import("fractions").attr("Fraction"));
  return reinterpret_cast<PyTypeObject*>(F.ptr());
}
inline const py::str* fraction_slots() {
  static const py::str* slots = [] {
    py::object F = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(fraction_type()));
    if (!py::hasattr(F, "_numerator") || !py::hasattr(F, "_denominator")) return static_cast<py::str*>(nullptr);
    return new py::str[2]{py::str("_numerator"), py::str("_denominator")};
  }();
  return slots;
}

// One Python number (float, int, Fraction, numpy scalar) as the exact rational it is.  Floats of any
// width (also longdouble) go through as_integer_ratio; nothing is rounded.
inline Rational to_rational(py::handle v) {
  if (PyFloat_Check(v.ptr())) {
    double x = PyFloat_AS_DOUBLE(v.ptr());
    if (!std::isfinite(x)) throw InputError("non-finite value");
    return Rational(x);  // exact: a double is a dyadic rational
  }
  if (PyLong_Check(v.ptr())) return Rational(to_integer(v));
  py::object num, den;
  if (fraction_slots() && Py_TYPE(v.ptr()) == fraction_type()) {  // a Fraction: its two ints, no Python call
    num = v.attr(fraction_slots()[0]), den = v.attr(fraction_slots()[1]);
  } else if (py::hasattr(v, "numerator") && py::hasattr(v, "denominator")) {  // numpy integers, Rationals
    num = v.attr("numerator"), den = v.attr("denominator");
  } else if (py::hasattr(v, "as_integer_ratio")) {  // numpy floats, longdouble
    py::object x = py::reinterpret_borrow<py::object>(v);
    if (!py::module_::import("math").attr("isfinite")(x).cast<bool>()) throw InputError("non-finite value");
    py::tuple r = x.attr("as_integer_ratio")();
    num = r[0], den = r[1];
  } else {
    throw InputError(std::string("not a real number: ") + py::str(py::type::of(v)).cast<std::string>());
  }
  num = py::reinterpret_steal<py::object>(PyNumber_Index(num.ptr()));
  den = py::reinterpret_steal<py::object>(PyNumber_Index(den.ptr()));
  if (!num || !den) throw py::error_already_set();
  Rational q(to_integer(num), to_integer(den));
  q.canonicalize();
  return q;
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
  if (mpz_fits_slong_p(z.get_mpz_t())) return py::reinterpret_steal<py::object>(PyLong_FromLong(mpz_get_si(z.get_mpz_t())));
  // the bytes of z in two's complement, little-endian, with room for the sign bit: no text round trip
  // and no negation afterwards (a stack buffer for the usual sizes)
  const std::size_t n = mpz_sizeinbase(z.get_mpz_t(), 256) + 1;
  unsigned char small[64];
  std::vector<unsigned char> big(n > sizeof small ? n : 0);
  unsigned char* buf = n > sizeof small ? big.data() : small;
  std::fill(buf, buf + n, 0);
  std::size_t w = 0;
  mpz_export(buf, &w, -1, 1, -1, 0, z.get_mpz_t());
  if (sgn(z) < 0) {  // -m = ~m + 1
    unsigned carry = 1;
    for (std::size_t i = 0; i < n; ++i) {
      const unsigned v = static_cast<unsigned char>(~buf[i]) + carry;
      buf[i] = static_cast<unsigned char>(v);
      carry = v >> 8;
    }
  }
  py::object v = py::reinterpret_steal<py::object>(_PyLong_FromByteArray(buf, n, 1, 1));
  if (!v) throw py::error_already_set();
  return v;
}

// q as a fractions.Fraction; q is canonical, so Python's normalisation is skipped: the object is
// made with object.__new__ and its two slots set (or, without slots, by _from_coprime_ints /
// _normalize=False).
inline py::object to_fraction(const Rational& q) {
  py::object num = to_pyint(q.get_num()), den = to_pyint(q.get_den());
  PyTypeObject* F = fraction_type();
  if (const py::str* slots = fraction_slots()) {
    py::object f = py::reinterpret_steal<py::object>(PyBaseObject_Type.tp_new(F, py::tuple().ptr(), nullptr));
    if (!f || PyObject_SetAttr(f.ptr(), slots[0].ptr(), num.ptr()) || PyObject_SetAttr(f.ptr(), slots[1].ptr(), den.ptr()))
      throw py::error_already_set();
    return f;
  }
  py::object Fr = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(F));
  if (py::hasattr(Fr, "_from_coprime_ints")) return Fr.attr("_from_coprime_ints")(num, den);
  return Fr(num, den, "_normalize"_a = false);
}

// q rounded to the nearest double (ties to even), +-inf beyond the double range: what float(Fraction)
// gives.  Hot (every float view): a double q is read off directly; otherwise |q| 2^s is divided out to
// a 56-57 bit integer whose last bit is made sticky, so one hardware rounding to 53 bits is the correct
// one; the rare results near the ends of the double range take the exact comparison below.
// Only a q with a power of two for denominator can be a double (exact_double's get_d is a division
// otherwise: skip it).
inline bool dyadic(const Rational& q) {
  mpz_srcptr m = q.get_den_mpz_t();
  return mpz_scan1(m, 0) + 1 == mpz_sizeinbase(m, 2);
}

inline double to_double(const Rational& q) {
  double d;
  if (dyadic(q) && iv::exact_double(q, d)) return d;  // (0 is 0/1)
  mpz_srcptr n = q.get_num_mpz_t(), m = q.get_den_mpz_t();
  const long e = static_cast<long>(mpz_sizeinbase(n, 2)) - static_cast<long>(mpz_sizeinbase(m, 2));
  if (e > -1000 && e < 1000) {  // |q| in [2^(e-1), 2^(e+1)): a normal double, no overflow
    thread_local mpz_class a, b, Q, R;
    const long s = 56 - e;  // |q| 2^s in [2^55, 2^57)
    if (s >= 0) mpz_mul_2exp(a.get_mpz_t(), n, s), mpz_set(b.get_mpz_t(), m);
    else mpz_set(a.get_mpz_t(), n), mpz_mul_2exp(b.get_mpz_t(), m, -s);
    mpz_abs(a.get_mpz_t(), a.get_mpz_t());
    mpz_tdiv_qr(Q.get_mpz_t(), R.get_mpz_t(), a.get_mpz_t(), b.get_mpz_t());
    std::uint64_t u = mpz_get_ui(Q.get_mpz_t());
    if (mpz_sgn(R.get_mpz_t()) != 0) u |= 1;  // sticky: below the rounding bit, breaks false ties
    const double v = std::ldexp(static_cast<double>(u), static_cast<int>(-s));
    return sgn(q) < 0 ? -v : v;
  }
  d = q.get_d();
  if (!std::isfinite(d)) return d;
  const double e2 = std::nextafter(d, sgn(q) > 0 ? HUGE_VAL : -HUGE_VAL);
  if (!std::isfinite(e2)) {  // d is the largest finite double: round to inf past its half-ulp
    const Rational half = Rational(d) + (Rational(d) - Rational(std::nextafter(d, 0.0))) / 2;
    return (sgn(q) > 0 ? q >= half : q <= half) ? e2 : d;
  }
  const Rational gap_d = abs(q - Rational(d)), gap_e = abs(Rational(e2) - q);
  if (gap_d != gap_e) return gap_d < gap_e ? d : e2;
  std::int64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return (bits & 1) ? e2 : d;  // a tie: the even mantissa
}

// Hash and equality of rationals by value, through pointers (to_array's cache of equal values).
struct RationalHash {
  static std::size_t limbs(mpz_srcptr z, std::size_t h) {
    const mp_limb_t* d = z->_mp_d;
    h = h * 1000003u ^ static_cast<std::size_t>(z->_mp_size);
    for (int i = 0, n = std::abs(z->_mp_size); i < n; ++i) h = (h ^ static_cast<std::size_t>(d[i])) * 0x9E3779B97F4A7C15ull;
    return h;
  }
  std::size_t operator()(const Rational* q) const { return limbs(q->get_den_mpz_t(), limbs(q->get_num_mpz_t(), 7)); }
};
struct RationalEq {
  bool operator()(const Rational* a, const Rational* b) const { return a == b || *a == *b; }
};

// Fractions by value (equal values are one immutable object), for to_array; a holder may keep one
// across calls when the keys (its rationals) stay put and unchanged while it lives.  GIL held.
struct FractionCache : std::unordered_map<const Rational*, PyObject*, RationalHash, RationalEq> {
  FractionCache() = default;
  FractionCache(const FractionCache&) = delete;
  ~FractionCache() { release(); }
  void release() {
    for (auto& kv : *this) Py_XDECREF(kv.second);
    clear();
  }
  PyObject* get(const Rational& q) {  // a new reference
    PyObject*& c = try_emplace(&q, nullptr).first->second;
    if (!c) c = to_fraction(q).release().ptr();
    Py_INCREF(c);
    return c;
  }
};

// The exact= rule at the seam: exact Fractions or the correctly rounded float64 view, of n values read
// through at(i) (a const Rational&): callers gather pointers, never copies of the rationals.  The float
// view is filled with the GIL released.
template <class At>
py::array to_array(std::size_t n, At at, std::vector<py::ssize_t> shape, bool exact, FractionCache* cache = nullptr) {
  if (exact) {
    py::array a(py::dtype("O"), shape);
    auto** p = static_cast<PyObject**>(a.mutable_data());
    // Equal values share one Fraction: a region's rows recur in its neighbours, and the columnar
    // arrays hold a few distinct values many times over (7k of 50k on a 3-12-12-1 net).
    FractionCache local;
    if (!cache && n >= 64) cache = &local;  // (below that the hashing does not pay)
    for (std::size_t i = 0; i < n; ++i) {
      PyObject* o = cache ? cache->get(at(i)) : to_fraction(at(i)).release().ptr();
      Py_XDECREF(p[i]);
      p[i] = o;
    }
    return a;
  }
  py::array_t<double> a(shape);
  double* p = a.mutable_data();
  {  // only the loop without the GIL: returning a (refcounts) needs it back
    py::gil_scoped_release nogil;
    if (n < 64) {
      for (std::size_t i = 0; i < n; ++i) p[i] = to_double(at(i));
    } else {  // doubles read off directly; the others (a division each) once per distinct value
      std::unordered_map<const Rational*, double, RationalHash, RationalEq> seen;
      for (std::size_t i = 0; i < n; ++i) {
        const Rational& q = at(i);
        if (dyadic(q) && iv::exact_double(q, p[i])) continue;
        auto [it, fresh] = seen.try_emplace(&q, 0.0);
        if (fresh) it->second = to_double(q);
        p[i] = it->second;
      }
    }
  }
  return a;
}

inline py::array to_array(const Vec& v, std::vector<py::ssize_t> shape, bool exact) {
  return to_array(v.size(), [&](std::size_t i) -> const Rational& { return v[i]; }, std::move(shape), exact);
}

inline py::array to_array(const std::vector<const Rational*>& v, std::vector<py::ssize_t> shape, bool exact,
                          FractionCache* cache = nullptr) {
  return to_array(v.size(), [&](std::size_t i) -> const Rational& { return *v[i]; }, std::move(shape), exact, cache);
}

inline py::array to_fraction_array(const Vec& v, std::vector<py::ssize_t> shape) { return to_array(v, std::move(shape), true); }
inline py::array_t<double> to_float_array(const Vec& v, std::vector<py::ssize_t> shape) {
  return to_array(v, std::move(shape), false);
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
