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
