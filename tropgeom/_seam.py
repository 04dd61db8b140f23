"""The seam between Python and the core: every input check and every exact/float conversion.

Inputs are validated here, once, before the core sees them; messages name the argument, layer, row
or data index at fault and raise :class:`InputError` (a ValueError).  Numbers cross the seam in two
forms only: float64 C-contiguous arrays (exact: a double is a dyadic rational), or exact values
(Fraction / int) that are never rounded.
"""
from __future__ import annotations

import numbers
from typing import Optional

import numpy as np

from .errors import InputError

__all__ = ["positive_int", "positive_seconds", "MAX_COUNT"]

# Count budgets cross the seam as size_t; larger ones mean "no limit" in practice, so they are refused.
MAX_COUNT = 2 ** 63 - 1


def positive_int(value, name: str, *, allow_none: bool = False) -> Optional[int]:
    """A positive integer argument (bools and floats refused), or None when allowed."""
    if value is None and allow_none:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
        raise InputError(f"{name} must be a positive integer; got {value!r}")
    value = int(value)
    if value < 1:
        raise InputError(f"{name} must be a positive integer; got {value}")
    if value > MAX_COUNT:
        raise InputError(f"{name} must be at most 2**63 - 1; got {value}")
    return value


def positive_seconds(value, name: str = "max_seconds") -> Optional[float]:
    """A positive finite number of seconds, or None (no limit)."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise InputError(f"{name} must be a positive number of seconds or None; got {value!r}")
    v = float(value)
    if not (v > 0 and np.isfinite(v)):
        raise InputError(f"{name} must be a positive finite number of seconds or None; got {value!r}")
    return v


# --- tropical, activation, polytope, lp ---
from fractions import Fraction  # noqa: E402  (kept in this section: one owner per section)

# Numbers go to the core as float64 arrays when every entry is exactly a double (floats, integers up
# to 2**53), else as object arrays of exact ints / Fractions (never rounded).  Non-numbers, bools and
# NaN/inf are refused with the row and column at fault.

_EXACT_INT = 2 ** 53


def _where(idx) -> str:
    return f"row {idx[0]}" + (f", column {idx[1]}" if len(idx) > 1 else "") if idx else "its only entry"


def exact_array(a, name: str) -> np.ndarray:
    """``a`` as the core takes it: a C-contiguous float64 array, or an object array of exact numbers."""
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError):
        arr = np.asarray(a, dtype=object)
    kind = arr.dtype.kind
    if kind in "fiu" and arr.dtype != np.longdouble:
        if kind in "iu" and arr.size and (int(arr.max()) > _EXACT_INT or int(arr.min()) < -_EXACT_INT):
            return arr.astype(object)  # large integers stay exact
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        bad = np.argwhere(~np.isfinite(arr))
        if len(bad):
            idx = tuple(int(i) for i in bad[0])
            raise InputError(f"{name} has a non-finite value ({arr[idx]}) at {_where(idx)}",
                             index=idx[0] if idx else None)
        return arr
    arr = np.asarray(a, dtype=object)  # element by element: exact numbers, or the entry at fault
    out = np.empty(arr.shape, dtype=object)
    floats = True
    for idx, v in np.ndenumerate(arr):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Rational, float, np.integer, np.floating)):
            raise InputError(f"{name} has a non-numeric value {v!r} at {_where(idx)}", index=idx[0] if idx else None)
        if isinstance(v, (float, np.floating)):
            if not np.isfinite(v):
                raise InputError(f"{name} has a non-finite value ({v}) at {_where(idx)}", index=idx[0] if idx else None)
            v = Fraction(*v.as_integer_ratio()) if isinstance(v, np.longdouble) else float(v)
        elif isinstance(v, np.integer):
            v = int(v)
        floats = floats and (isinstance(v, float) or (isinstance(v, int) and abs(v) <= _EXACT_INT))
        out[idx] = v
    return np.ascontiguousarray(out.astype(np.float64)) if floats else out


def exact_matrix(a, name: str, *, cols: Optional[int] = None, min_rows: int = 0,
                 expected: Optional[str] = None) -> np.ndarray:
    """A 2-D :func:`exact_array` with ``cols`` columns (any if None, but at least one) and at least
    ``min_rows`` rows; ``expected`` describes the shape in the message."""
    arr = exact_array(a, name)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, cols or 0)
    if arr.ndim != 2 or (cols is not None and arr.shape[1] != cols) or arr.shape[0] < min_rows or arr.shape[1] == 0:
        want = expected or f"(rows, {cols if cols is not None else 'dim'})"
        raise InputError(f"{name} has shape {arr.shape}; expected {want}")
    return arr


def exact_vector(a, name: str, n: int) -> np.ndarray:
    """A 1-D :func:`exact_array` of length n."""
    arr = exact_array(a, name)
    if arr.size == 0 and n == 0:
        return arr.reshape(0)
    if arr.shape != (n,):
        raise InputError(f"{name} has shape {arr.shape}; expected ({n},)")
    return arr


def exact_scalar(v, name: str):
    """One number, exactly: a float, or an int / Fraction kept exact."""
    arr = exact_array(np.array([v], dtype=object), name)
    x = arr[0]
    return float(x) if arr.dtype == np.float64 else x


def exact_points(x, d: int, name: str = "x"):
    """(N, d) points (float64 or exact) and whether a single point (d,) was given."""
    arr = exact_array(x, name)
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise InputError(f"{name} has shape {np.shape(x)}; expected (N, {d}) or ({d},)")
    return arr, single


def to_fractions(a) -> np.ndarray:
    """An object array of Fractions equal to the entries of ``a`` (floats exactly, as dyadics)."""
    a = np.asarray(a)
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = Fraction(float(v)) if isinstance(v, (float, np.floating)) else Fraction(v)
    return out


def to_floats(a) -> np.ndarray:
    """float64 view of exact values, each rounded to nearest (inf beyond the double range)."""
    a = np.asarray(a)
    if a.dtype != object:
        return np.asarray(a, dtype=np.float64)
    out = np.empty(a.shape, dtype=np.float64)
    for idx, v in np.ndenumerate(a):
        try:
            out[idx] = float(v)
        except OverflowError:
            out[idx] = np.inf if v > 0 else -np.inf
    return out


def data_points(X, name: str = "data X") -> np.ndarray:
    """Data points (N, d) as C-contiguous float64 (a 1-D array is N points on a line)."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InputError(f"{name} must be a numeric (N, d) array of finite doubles") from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise InputError(f"{name} has shape {arr.shape}; expected (N, d) with N, d >= 1")
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        i = int(bad[0][0])
        raise InputError(f"data point {i} has a non-finite coordinate ({arr[i, bad[0][1]]})", index=i)
    return np.ascontiguousarray(arr)


def labels(y, n: int) -> np.ndarray:
    """n labels +1/-1 (or 1/0, bools: 1 positive) as an int array of +1/-1."""
    y = np.asarray(y).reshape(-1)
    if y.shape != (n,):
        raise InputError(f"labels have shape {np.shape(y)}; expected ({n},)")
    ok = np.isin(y, (-1, 0, 1))
    if not np.all(ok):
        i = int(np.flatnonzero(~ok)[0])
        raise InputError(f"label {i} is {y[i]!r}; expected +1/-1 (or 1/0)", index=i)
    return np.where(y > 0, 1, -1)


def count_budget(value, name: str) -> int:
    """A count budget as the core takes it: 0 for no limit (None)."""
    return positive_int(value, name, allow_none=True) or 0


def json_document(text, kind: str) -> dict:
    """A result's JSON document (str or dict) of the given "type" and schema_version 1, or InputError."""
    import json
    try:
        data = json.loads(text) if isinstance(text, (str, bytes, bytearray)) else text
    except (ValueError, TypeError) as e:
        raise InputError(f"not a {kind} JSON document ({e})") from None
    if not isinstance(data, dict) or data.get("type") != kind:
        raise InputError(f"not a {kind} JSON document (type is {data.get('type') if isinstance(data, dict) else None!r})")
    if data.get("schema_version") != 1:
        raise InputError(f"{kind} JSON schema_version {data.get('schema_version')!r} is not supported (expected 1)")
    return data
