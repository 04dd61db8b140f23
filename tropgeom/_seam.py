"""The seam between Python and the core: every input check and every exact/float conversion.

Inputs are validated here, once, before the core sees them; messages name the argument, layer, row
or data index at fault and raise :class:`InputError` (a ValueError).  Numbers cross the seam in two
forms only: float64 C-contiguous arrays (exact: a double is a dyadic rational), or exact values
(Fraction / int) that are never rounded.
"""
from __future__ import annotations

import json
import numbers
import operator
from fractions import Fraction
from typing import Optional, Tuple

import numpy as np

from .errors import InputError

__all__ = ["positive_int", "positive_seconds", "MAX_COUNT", "SCHEMA_VERSION", "numbers_array", "is_exact", "floats",
           "fractions", "snap", "parse_fractions", "plain", "unplain", "points", "vector", "flags",
           "boolean", "choice", "network", "relu_only", "slopes", "nonnegative_int", "cells", "solve_exact", "domain_rows", "domain_args", "json_doc", "field", "architecture"]

# Count budgets cross the seam as size_t; larger ones mean "no limit" in practice, so they are refused.
MAX_COUNT = 2 ** 63 - 1
# The version every to_json / to_dict writes and every from_json / from_dict checks.
SCHEMA_VERSION = 1


# --- numbers: float64 where every value is a double, exact Fractions otherwise -----------------------
_EXACT_INT = 2 ** 53  # integers beyond this are not all doubles


def _fraction(v) -> Fraction:
    """One finite real number as the exact rational it is (floats and longdoubles exactly)."""
    if isinstance(v, (bool, np.bool_)):
        return Fraction(int(v))
    if isinstance(v, (Fraction, int, np.integer)):
        return Fraction(v)
    if isinstance(v, (float, np.floating)):
        if not np.isfinite(v):
            raise ValueError("non-finite")
        return Fraction(*v.as_integer_ratio())  # exact for float16..longdouble
    if isinstance(v, numbers.Rational):
        return Fraction(int(v.numerator), int(v.denominator))
    raise TypeError(type(v).__name__)


def _where(idx: tuple) -> str:
    if len(idx) == 2:
        return f"row {idx[0]}, column {idx[1]}"
    return "index " + ", ".join(map(str, idx)) if idx else "the value"


def numbers_array(a, what: str, *, layer: Optional[int] = None) -> np.ndarray:
    """A numeric array as the core should see it: float64 (C-contiguous) when every entry is a double
    exactly, else an object array of exact Fractions (Fraction entries, ints beyond 2**53, longdouble
    values that are not doubles).  Never rounds; non-finite or non-numeric entries -> InputError naming
    ``what`` and the index."""
    at = f"layer {layer} {what}" if layer is not None else what
    arr = np.asarray(a) if not isinstance(a, np.ndarray) else a
    kind = arr.dtype.kind
    if kind in "biu" or (kind == "f" and arr.dtype.itemsize <= 8):
        if kind in "iu" and arr.size and ((arr > _EXACT_INT) | (arr < -_EXACT_INT)).any():
            return _numbers_array(arr, at, layer)
        out = np.asarray(arr, dtype=np.float64, order="C")  # keeps 0-d shapes
        bad = np.argwhere(~np.isfinite(out))
        if len(bad):
            idx = tuple(int(i) for i in bad[0])
            raise InputError(f"{at} has a non-finite value ({out[idx]}) at {_where(idx)}", layer=layer,
                             index=idx if len(idx) != 1 else idx[0])
        return out
    if kind == "f" or kind == "O":
        return _numbers_array(arr, at, layer)
    raise InputError(f"{at} is not numeric (dtype {arr.dtype})", layer=layer)


def _numbers_array(arr: np.ndarray, at: str, layer) -> np.ndarray:
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        try:
            out[idx] = _fraction(v)
        except ValueError:
            raise InputError(f"{at} has a non-finite value ({v}) at {_where(idx)}", layer=layer,
                             index=idx if len(idx) != 1 else idx[0]) from None
        except TypeError:
            raise InputError(f"{at} has a non-numeric value ({v!r}) at {_where(idx)}", layer=layer,
                             index=idx if len(idx) != 1 else idx[0]) from None
    flat = out.ravel()
    if all(_is_double(q) for q in flat):
        return np.array([float(q) for q in flat], dtype=np.float64).reshape(out.shape)  # all doubles
    return out


def _is_double(q: Fraction) -> bool:
    """q is exactly a float64 (beyond the double range it is not)."""
    if q.denominator & (q.denominator - 1):
        return False
    try:
        return float(q) == q
    except OverflowError:
        return False


def is_exact(a: np.ndarray) -> bool:
    """True for an exact (object, Fraction) array, False for float64."""
    return a.dtype == object


def floats(a) -> np.ndarray:
    """The float64 view of an exact array: each value rounded to the nearest double (ties to even;
    beyond the double range +-inf)."""
    a = np.asarray(a)
    if a.dtype != object:
        return np.asarray(a, dtype=np.float64)
    out = np.empty(a.shape, dtype=np.float64)
    for idx, q in np.ndenumerate(a):
        try:
            out[idx] = float(q)
        except OverflowError:
            out[idx] = np.inf if q > 0 else -np.inf
    return out


def fractions(a: np.ndarray) -> np.ndarray:
    """An object array of Fractions equal to a (float64 values exactly)."""
    out = np.empty(np.shape(a), dtype=object)
    for idx, v in np.ndenumerate(np.asarray(a)):
        out[idx] = _fraction(v)
    return out


def snap(a: np.ndarray, max_den: int) -> np.ndarray:
    """Every entry snapped to the nearest Fraction with denominator at most max_den."""
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = _fraction(v).limit_denominator(max_den)
    return out


def parse_fractions(a, what: str) -> np.ndarray:
    """An array of "p/q" strings (as written by to_dict / save) as exact Fractions."""
    arr = np.asarray(a)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        try:
            out[idx] = Fraction(str(v))
        except (ValueError, ZeroDivisionError):
            raise InputError(f"{what} has {v!r} at {_where(idx)}; expected an exact number 'p/q'") from None
    return out


def plain(a: np.ndarray):
    """A numeric array as JSON-ready nested lists: doubles as numbers (exact through repr), exact
    values as "p/q" strings."""
    a = np.asarray(a)
    if a.dtype == object:
        return np.vectorize(lambda v: str(_fraction(v)), otypes=[object])(a).tolist() if a.size else a.tolist()
    return a.astype(np.float64).tolist()


def unplain(x, what: str) -> np.ndarray:
    """The inverse of plain: nested lists of numbers and "p/q" strings (bad entries -> InputError)."""
    try:
        arr = np.array(x, dtype=object)
    except (TypeError, ValueError):
        raise InputError(f"{what} is not a rectangular array") from None
    if any(isinstance(v, str) for v in arr.ravel()):
        out = np.empty(arr.shape, dtype=object)
        for idx, v in np.ndenumerate(arr):
            if isinstance(v, bool):
                raise InputError(f"{what} has a boolean at {_where(idx)}")
            try:
                out[idx] = Fraction(v) if isinstance(v, str) else _fraction(v)
            except (ValueError, ZeroDivisionError, TypeError):
                raise InputError(f"{what} has {v!r} at {_where(idx)}; expected a number or 'p/q'") from None
        return out
    if any(isinstance(v, (bool, list, dict)) or v is None for v in arr.ravel()):
        raise InputError(f"{what} has an entry that is not a number")
    return numbers_array(arr, what)


def points(X, d: int, what: str = "X") -> Tuple[np.ndarray, bool]:
    """Validated (N, d) points (float64, or exact Fractions where given); the flag says one point."""
    try:
        arr = numbers_array(X, what)
    except InputError as e:  # points are named by their row
        raise InputError(str(e), index=e.index[0] if isinstance(e.index, tuple) else e.index) from None
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise InputError(f"{what} has shape {np.shape(X)}; expected (N, {d}) or ({d},)")
    return arr, single


def vector(v, name: str, dim: Optional[int] = None) -> np.ndarray:
    """A scalar (repeated dim times) or a vector of finite numbers; float64 or exact."""
    arr = numbers_array(v, name)
    if arr.ndim == 0 and dim is not None:
        arr = np.full(dim, arr[()], dtype=arr.dtype)
    if arr.ndim != 1:
        raise InputError(f"{name} must be a scalar or a vector; got shape {arr.shape}")
    return arr


def flags(value, name: str, n: int) -> list:
    """n booleans: bools, 0/1 or the strings "true"/"false"/"1"/"0" (any case); anything else refused."""
    try:
        items = list(value)
    except TypeError:
        raise InputError(f"{name} must be a sequence of {n} booleans; got {value!r}") from None
    if len(items) != n:
        raise InputError(f"{name} has {len(items)} flags; expected one per layer ({n})")
    out = []
    for i, v in enumerate(items):
        if isinstance(v, bytes):
            v = v.decode("ascii", "replace")
        if isinstance(v, str):
            t = v.strip().lower()
            if t not in ("true", "false", "1", "0"):
                raise InputError(f"{name}[{i}] is {v!r}; expected true or false", index=i)
            out.append(t in ("true", "1"))
        elif isinstance(v, (bool, np.bool_)) or (isinstance(v, (int, np.integer)) and v in (0, 1)):
            out.append(bool(v))
        else:
            raise InputError(f"{name}[{i}] is {v!r}; expected a boolean", index=i)
    return out


def boolean(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise InputError(f"{name} must be True or False; got {value!r}")
    return bool(value)


def choice(value, name: str, options: tuple) -> str:
    if not isinstance(value, str) or value not in options:
        raise InputError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def network(net):
    """The one coercion of a net argument: whatever Network.from_any reads (a Network, (W, b) pairs,
    a torch module or state_dict, an ONNX model, a path to .npz / .onnx / .pt / .pth / .json)."""
    from .network import Network  # the seam is imported by network.py
    return Network.from_any(net)


def relu_only(net, what: str):
    """net, refused (InputError naming the first LeakyReLU layer) where only ReLU is supported."""
    for l, s in enumerate(net._layer_slopes(), start=1):
        if s:
            raise InputError(f"{what} supports ReLU networks only; layer {l} is a LeakyReLU (negative slope {s})",
                             layer=l)
    return net


def slopes(value, n: int, max_den: Optional[int] = None) -> Tuple[Fraction, ...]:
    """The negative slopes of n activated layers, exact: None (0 each: ReLU), one number for all, or
    one per layer; each in [0, 1) (a float is its exact binary value, or snapped to the nearest
    fraction with denominator <= max_den)."""
    if value is None:
        value = 0
    items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else [value] * n
    if len(items) != n:
        raise InputError(f"negative_slopes has {len(items)} values; expected one per activated layer ({n})")
    out = []
    for i, v in enumerate(items):
        try:
            if isinstance(v, str):
                q = Fraction(v)
            elif isinstance(v, (bool, np.bool_)):
                raise TypeError
            else:
                q = _fraction(v)
        except (TypeError, ValueError, ZeroDivisionError):
            raise InputError(f"negative_slopes[{i}] is {v!r}; expected a number in [0, 1)", index=i) from None
        if max_den is not None:
            q = q.limit_denominator(max_den)
        if not 0 <= q < 1:
            raise InputError(f"negative_slopes[{i}] is {v!r}; expected a number in [0, 1)", index=i)
        out.append(q)
    return tuple(out)


def domain_rows(domain, d: int):
    """(A, b, bounded) of a domain (None: R^d, a Box, a Polytope) for the core."""
    from .regions import Box, Polytope
    if domain is None:
        return np.zeros((0, d)), np.zeros(0), False
    if not isinstance(domain, (Box, Polytope)):
        raise InputError(f"domain must be None, tropgeom.Box or tropgeom.Polytope; got {type(domain).__name__}")
    A, b = domain.halfspaces(d)
    return A, b, domain.bounded


def domain_args(domain, d: int) -> dict:
    """The domain as the core's keyword arguments: rows A, b, and for a Box its bounds lo, hi instead
    of rows (a box in R^784 as 2d dense exact rows cost more than the whole count)."""
    from .regions import Box
    if isinstance(domain, Box):
        domain.dim_for(d)
        lo, hi = (np.ascontiguousarray(np.broadcast_to(v, d)) for v in (domain.lo, domain.hi))
        return {"A": np.zeros((0, d)), "b": np.zeros(0), "lo": lo, "hi": hi}
    A, b, _ = domain_rows(domain, d)
    return {"A": A, "b": b}


def json_doc(text, what: str, kind: Optional[str] = None) -> dict:
    """A JSON object written by to_json (schema_version 1); bad text -> InputError."""
    if isinstance(text, (bytes, bytearray)):
        text = text.decode("utf-8", "replace")
    if isinstance(text, str):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"{what}: not valid JSON ({e})") from None
    else:
        doc = text
    if not isinstance(doc, dict):
        raise InputError(f"{what}: expected a JSON object; got {type(doc).__name__}")
    if doc.get("schema_version") != SCHEMA_VERSION:
        raise InputError(f"{what}: schema_version {doc.get('schema_version')!r} is not {SCHEMA_VERSION}")
    if kind is not None and doc.get("type") != kind:
        raise InputError(f"{what}: type {doc.get('type')!r} is not {kind!r}")
    return doc


def field(doc: dict, key: str, what: str):
    """doc[key], or an InputError naming the missing key."""
    if key not in doc:
        raise InputError(f"{what}: missing key {key!r}")
    return doc[key]



def _width(i: int, x) -> int:
    where = f"architecture entry {i} (n_{i}{', the input dimension' if i == 0 else ''})"
    layer = i if i > 0 else None
    # bool is an int subclass (and numpy bools refuse __index__), so reject them explicitly
    if isinstance(x, bool) or type(x).__name__ in ("bool", "bool_"):
        raise InputError(f"{where} is a bool ({x!r}); widths must be positive integers",
                         layer=layer, index=i)
    try:
        v = operator.index(x)
    except TypeError:
        if isinstance(x, numbers.Real) and float(x).is_integer():
            v = int(x)
        else:
            raise InputError(f"{where} is {x!r} ({type(x).__name__}); widths must be positive "
                             "integers", layer=layer, index=i) from None
    if v <= 0:
        raise InputError(f"{where} is {v}; widths must be positive integers", layer=layer, index=i)
    return v


def architecture(architecture) -> Tuple[int, ...]:
    """(d, n_1, ..., n_out) of positive ints, from a sequence or an object with .architecture."""
    if hasattr(architecture, "architecture"):
        architecture = architecture.architecture
    if isinstance(architecture, (str, bytes)):
        raise InputError(f"architecture must be a sequence of integers, got a string {architecture!r}")
    try:
        raw = tuple(architecture)
    except TypeError:
        raise InputError("architecture must be a sequence of integers, got "
                         f"{type(architecture).__name__}") from None
    if len(raw) < 2:
        raise InputError(f"architecture has {len(raw)} entr{'y' if len(raw) == 1 else 'ies'}; it "
                         "needs at least 2 (input dimension and output width)")
    return tuple(_width(i, x) for i, x in enumerate(raw))


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


# --- shapes of exact inputs (tropical, activation, polytope, lp) ---
def exact_matrix(a, name: str, *, cols: Optional[int] = None, min_rows: int = 0,
                 expected: Optional[str] = None) -> np.ndarray:
    """A 2-D :func:`exact_array` with ``cols`` columns (any if None, but at least one) and at least
    ``min_rows`` rows; ``expected`` describes the shape in the message."""
    arr = numbers_array(a, name)
    if arr.ndim == 1 and arr.size == 0:
        arr = arr.reshape(0, cols or 0)
    if arr.ndim != 2 or (cols is not None and arr.shape[1] != cols) or arr.shape[0] < min_rows or arr.shape[1] == 0:
        want = expected or f"(rows, {cols if cols is not None else 'dim'})"
        raise InputError(f"{name} has shape {arr.shape}; expected {want}")
    return arr


def exact_vector(a, name: str, n: int) -> np.ndarray:
    """A 1-D :func:`exact_array` of length n."""
    arr = numbers_array(a, name)
    if arr.size == 0 and n == 0:
        return arr.reshape(0)
    if arr.shape != (n,):
        raise InputError(f"{name} has shape {arr.shape}; expected ({n},)")
    return arr


def exact_scalar(v, name: str):
    """One number, exactly: a float, or an int / Fraction kept exact."""
    arr = numbers_array(np.array([v], dtype=object), name)
    x = arr[0]
    return float(x) if arr.dtype == np.float64 else x





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


def nonnegative_int(value, name: str) -> int:
    """An integer >= 0 (bools and floats refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)) or value < 0:
        raise InputError(f"{name} must be a non-negative integer; got {value!r}")
    return int(value)


def cells(value, net) -> Optional[list]:
    """``cells=`` of the region search: None (the whole domain), or Cells (or their to_bytes) of this
    network, as the core takes them.  The core checks each exactly (point inside, pattern) before use."""
    if value is None:
        return None
    from .cell import Cell
    if isinstance(value, (Cell, bytes, str)) or not hasattr(value, "__iter__"):
        raise InputError(f"cells must be a list of Cell; got {type(value).__name__}")
    out = []
    hidden, d = net.num_hidden_neurons, net.input_dim
    for i, c in enumerate(value):
        if isinstance(c, (bytes, bytearray, memoryview)):
            c = Cell.from_bytes(c)
        if not isinstance(c, Cell):
            raise InputError(f"cells[{i}] is a {type(c).__name__}, not a Cell", index=i)
        if c.depth > hidden or len(c._point) != d or c.layer > len(net.architecture) - 1:
            raise InputError(f"cells[{i}] does not belong to a network of architecture {net.architecture}", index=i)
        out.append(c._core())
    return out


def activation_cells(value, kind: str, npoints: int, nvars: int) -> Optional[list]:
    """``cells=`` of an activation search: None (the whole search), or ActivationCells (or their
    to_bytes) of that ``kind`` and shape, as the core takes them.  The core checks each exactly (its
    witness realises its choices) before use."""
    if value is None:
        return None
    from .cell import ActivationCell
    if isinstance(value, (ActivationCell, bytes, str)) or not hasattr(value, "__iter__"):
        raise InputError(f"cells must be a list of ActivationCell; got {type(value).__name__}")
    out = []
    for i, c in enumerate(value):
        if isinstance(c, (bytes, bytearray, memoryview)):
            c = ActivationCell.from_bytes(c)
        if not isinstance(c, ActivationCell):
            raise InputError(f"cells[{i}] is a {type(c).__name__}, not an ActivationCell", index=i)
        if c.kind != kind:
            raise InputError(f"cells[{i}] is a cell of the {c.kind} search, not of the {kind} search", index=i)
        if c.depth > npoints or len(c._witness) != nvars:
            raise InputError(f"cells[{i}] does not belong to this data set and model "
                             f"({npoints} points, {nvars} parameters)", index=i)
        out.append(c._core())
    return out


def count_budget(value, name: str) -> int:
    """A count budget as the core takes it: 0 for no limit (None)."""
    return positive_int(value, name, allow_none=True) or 0


def solve_exact(M, B) -> Optional[list]:
    """X with M X = B exactly (Gauss-Jordan in Fractions; M square n x n, B n rows of k columns), as
    rows of Fractions; None when M is singular.  For the small systems Python decides exactly."""
    n = len(M)
    T = [[Fraction(v) for v in M[i]] + [Fraction(v) for v in B[i]] for i in range(n)]
    for col in range(n):
        piv = next((r for r in range(col, n) if T[r][col] != 0), None)
        if piv is None:
            return None
        T[col], T[piv] = T[piv], T[col]
        p = T[col][col]
        T[col] = [v / p for v in T[col]]
        for r in range(n):
            if r != col and T[r][col] != 0:
                f = T[r][col]
                T[r] = [a - f * b for a, b in zip(T[r], T[col])]
    return [row[n:] for row in T]
