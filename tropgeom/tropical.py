"""Tropical (max-plus) polynomials and networks as tropical rational maps (DESIGN §5.2).

``TropicalPolynomial(exponents, coefficients)`` is f(x) = max_i (c_i + <alpha_i, x>), stored exactly
(rationals; float64 entries are taken as the dyadic rationals they are) and canonically: exponent rows
distinct and sorted, duplicates merged by the max of their coefficients.  Exponents may be any
rationals, negative ones included (a max-plus Laurent polynomial); those of :func:`tropicalize` are
non-negative.  ``+`` is the tropical sum (max), ``*`` the tropical product (pointwise +, the Minkowski
sum of lifted points), ``**`` a non-negative rational power.

``prune()`` keeps exactly the monomials that are vertices of the upper hull of the lifted points
(alpha_i, c_i), i.e. that are the strict maximum on a non-empty open set; the function is unchanged.
"""
from __future__ import annotations

import json
from fractions import Fraction
from numbers import Rational as _RationalNumber
from typing import List, Optional

import numpy as np

from .errors import InputError
from .network import Network, _check_points

__all__ = ["TropicalPolynomial", "TropicalRational", "tropicalize"]


def _exact_entries(a, name: str) -> np.ndarray:
    """An object array of Fractions, rejecting non-numbers and NaN/inf with the row at fault."""
    arr = np.asarray(a, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        where = f"row {idx[0]}" + (f", column {idx[1]}" if len(idx) > 1 else "")
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (_RationalNumber, float, np.integer, np.floating)):
            raise InputError(f"{name} has a non-numeric value {v!r} at {where}", index=idx[0])
        if isinstance(v, (float, np.floating)) and not np.isfinite(v):
            raise InputError(f"{name} has a non-finite value ({v}) at {where}", index=idx[0])
        out[idx] = Fraction(v) if not isinstance(v, (float, np.floating)) else Fraction(float(v))
    return out


def _exact_scalar(v, name: str) -> Fraction:
    return _exact_entries(np.array([v], dtype=object), name)[0]


def _fmt(q: Fraction) -> str:
    return str(q)


class TropicalPolynomial:
    """max_i (c_i + <alpha_i, x>), exact and immutable.

    ``exponents``: (k, d) numbers or Fractions; ``coefficients``: (k,).  ``len(p)`` is the number of
    distinct monomials after merging duplicates.
    """

    __slots__ = ("_core", "_E", "_c")

    def __init__(self, exponents, coefficients):
        E = np.asarray(exponents, dtype=object)
        if E.ndim != 2 or E.shape[0] == 0 or E.shape[1] == 0:
            raise InputError(f"exponents have shape {E.shape}; expected (k, d) with k, d >= 1")
        c = np.asarray(coefficients, dtype=object)
        if c.shape != (E.shape[0],):
            raise InputError(f"coefficients have shape {c.shape}; expected ({E.shape[0]},), one per exponent row")
        from . import _core
        self._set(_core.TropPoly(E.shape[1], _exact_entries(E, "exponents"), _exact_entries(c, "coefficients")))

    def _set(self, core) -> None:
        self._core, self._E, self._c = core, None, None

    @classmethod
    def _wrap(cls, core) -> "TropicalPolynomial":
        p = cls.__new__(cls)
        p._set(core)
        return p

    # --- data ---------------------------------------------------------------------------------------
    @property
    def dim(self) -> int:
        """Number of variables d."""
        return self._core.d

    @property
    def exponents(self) -> np.ndarray:
        """(k, d) read-only object array of Fractions, rows sorted lexicographically."""
        if self._E is None:
            self._E = self._core.exponents
            self._E.setflags(write=False)
        return self._E

    @property
    def coefficients(self) -> np.ndarray:
        """(k,) read-only object array of Fractions, matching the exponent rows."""
        if self._c is None:
            self._c = self._core.coefficients
            self._c.setflags(write=False)
        return self._c

    def __len__(self) -> int:
        return len(self._core)

    # --- algebra ------------------------------------------------------------------------------------
    def _other(self, q) -> "TropicalPolynomial":
        if isinstance(q, TropicalPolynomial):
            if q.dim != self.dim:
                raise InputError(f"tropical polynomials in {self.dim} and {q.dim} variables")
            return q
        # A number is the constant monomial.
        return TropicalPolynomial(np.zeros((1, self.dim), dtype=object), [_exact_scalar(q, "constant")])

    def __add__(self, q) -> "TropicalPolynomial":
        """Tropical sum p ⊕ q = max(p, q)."""
        return TropicalPolynomial._wrap(self._core.sum(self._other(q)._core))

    def __mul__(self, q) -> "TropicalPolynomial":
        """Tropical product p ⊙ q = p + q (a number shifts every coefficient)."""
        if not isinstance(q, TropicalPolynomial):
            return TropicalPolynomial._wrap(self._core.shift(_exact_scalar(q, "constant")))
        return TropicalPolynomial._wrap(self._core.product(self._other(q)._core))

    __radd__ = __add__
    __rmul__ = __mul__

    def __pow__(self, r) -> "TropicalPolynomial":
        """p^r = r p for a non-negative rational r (p^0 is the constant 0)."""
        rq = _exact_scalar(r, "power")
        if rq < 0:
            raise InputError(f"tropical power must be a non-negative rational; got {r!r}")
        return TropicalPolynomial._wrap(self._core.power(rq))

    def __eq__(self, q) -> bool:
        """Formal equality (same canonical monomials); use prune() first for functional equality."""
        if not isinstance(q, TropicalPolynomial):
            return NotImplemented
        return (self.dim == q.dim and len(self) == len(q) and np.array_equal(self.exponents, q.exponents)
                and np.array_equal(self.coefficients, q.coefficients))

    __hash__ = None

    # --- function -----------------------------------------------------------------------------------
    def evaluate(self, x, *, exact: bool = True):
        """f at one point (d,) or at the rows of (N, d).  exact: Fraction(s); else float64."""
        P, single = _check_points(x, self.dim, "x")
        out = self._core.evaluate(P, exact)
        return out[0] if single else out

    __call__ = evaluate

    def prune(self) -> "TropicalPolynomial":
        """The same function with only the upper-hull vertices of the lifted points (exact)."""
        return TropicalPolynomial._wrap(self._core.prune())

    def count_regions(self) -> int:
        """Number of linear regions of max_i(c_i + <alpha_i, x>) with distinct monomials: the number of
        upper-hull vertices (each is the maximum on one convex full-dimensional region)."""
        return len(self.prune())

    def newton_polytope(self) -> np.ndarray:
        """Vertices of conv(alpha_i) as a (v, d) object array of Fractions, sorted.

        alpha_i is a vertex iff <alpha_i, x> is the strict maximum on an open cone: prune() with all
        coefficients zero decides exactly that."""
        flat = TropicalPolynomial(self.exponents, np.full(len(self), Fraction(0), dtype=object))
        return flat.prune().exponents

    # --- text ---------------------------------------------------------------------------------------
    def _monomial(self, i: int) -> str:
        terms = []
        for j, a in enumerate(self.exponents[i], start=1):
            if a == 0:
                continue
            coef = "" if a == 1 else ("-" if a == -1 else (f"{a}" if a.denominator == 1 else f"({a})"))
            terms.append(f"{coef}x{j}")
        c = self.coefficients[i]
        if not terms:
            return _fmt(c)
        body = " + ".join(terms).replace("+ -", "- ")
        return body if c == 0 else f"{_fmt(c)} + {body}".replace("+ -", "- ")

    def __str__(self) -> str:
        # Highest exponents first, as usually written.
        parts = [self._monomial(i) for i in reversed(range(len(self)))]
        return parts[0] if len(parts) == 1 else "max(" + ", ".join(parts) + ")"

    def __repr__(self) -> str:
        return f"TropicalPolynomial({self}, d={self.dim})"

    def to_dict(self) -> dict:
        return {
            "type": "TropicalPolynomial",
            "dim": self.dim,
            "exponents": [[str(a) for a in row] for row in self.exponents],
            "coefficients": [str(c) for c in self.coefficients],
        }

    def to_json(self) -> str:
        """Exact JSON: rationals as strings "p/q"."""
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text: str) -> "TropicalPolynomial":
        data = json.loads(text) if isinstance(text, str) else text
        try:
            E = [[Fraction(a) for a in row] for row in data["exponents"]]
            c = [Fraction(v) for v in data["coefficients"]]
        except (KeyError, TypeError, ValueError) as e:
            raise InputError(f"not a TropicalPolynomial JSON document ({e})") from None
        return cls(np.array(E, dtype=object).reshape(len(E), int(data.get("dim", len(E[0]) if E else 0))), c)


class TropicalRational:
    """numerator ⊘ denominator: the function x -> numerator(x) - denominator(x)."""

    __slots__ = ("numerator", "denominator")

    def __init__(self, numerator: TropicalPolynomial, denominator: TropicalPolynomial):
        if not isinstance(numerator, TropicalPolynomial) or not isinstance(denominator, TropicalPolynomial):
            raise InputError("TropicalRational needs two TropicalPolynomial objects")
        if numerator.dim != denominator.dim:
            raise InputError(f"numerator has {numerator.dim} variables, denominator {denominator.dim}")
        object.__setattr__(self, "numerator", numerator)
        object.__setattr__(self, "denominator", denominator)

    def __setattr__(self, name, value):
        raise AttributeError("TropicalRational is immutable")

    @property
    def dim(self) -> int:
        return self.numerator.dim

    def evaluate(self, x, *, exact: bool = True):
        """F(x) - G(x) at one point or at the rows of X (exact Fractions, or float64)."""
        return self.numerator.evaluate(x, exact=exact) - self.denominator.evaluate(x, exact=exact)

    __call__ = evaluate

    def prune(self) -> "TropicalRational":
        return TropicalRational(self.numerator.prune(), self.denominator.prune())

    def __str__(self) -> str:
        return f"{self.numerator} - {self.denominator}"

    def __repr__(self) -> str:
        return f"TropicalRational({self}, d={self.dim})"

    def to_dict(self) -> dict:
        return {"type": "TropicalRational", "numerator": self.numerator.to_dict(),
                "denominator": self.denominator.to_dict()}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())


def tropicalize(net: Network, *, prune: bool = True, max_monomials: Optional[int] = None) -> List[TropicalRational]:
    """The net as one tropical rational map F ⊘ G per output, exactly: F(x) - G(x) is the forward pass.

    Layer recursion of Zhang–Naitzat–Lim (DESIGN §5.2).  ``prune=True`` prunes after every product and
    every layer (the function is unchanged; sizes stay near the number of linear pieces).  Unpruned
    sizes grow like products of powers of the widths: ``max_monomials`` (default 10^6 when unpruned)
    stops such a run with InputError instead of exhausting memory.
    """
    if not isinstance(net, Network):
        raise InputError(f"tropicalize needs a tropgeom.Network; got {type(net).__name__}")
    if max_monomials is None:
        max_monomials = 0 if prune else 10 ** 6
    if not isinstance(max_monomials, (int, np.integer)) or max_monomials < 0:
        raise InputError(f"max_monomials must be a non-negative integer; got {max_monomials!r}")
    from . import _core
    pairs = _core.tropicalize(net.core, bool(prune), int(max_monomials))
    return [TropicalRational(TropicalPolynomial._wrap(F), TropicalPolynomial._wrap(G)) for F, G in pairs]
