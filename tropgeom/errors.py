"""The tropgeom error tree.

Every error the package raises derives from :class:`TropgeomError`.  Input problems are
:class:`InputError` (also a :class:`ValueError`), carrying the layer and index at fault when there is
one.  Budgets that run out raise :class:`BudgetExceeded` carrying whatever was found so far.
"""
from __future__ import annotations

from typing import Any, Optional

__all__ = ["TropgeomError", "InputError", "BudgetExceeded", "InternalError"]


class TropgeomError(Exception):
    """Base class of every error raised by tropgeom."""


class InputError(TropgeomError, ValueError):
    """Bad input, detected before any geometry runs.

    ``layer`` (1-based, as in messages) and ``index`` (row / data index) name the place at fault when
    there is one.

    Parameters
    ----------
    message : str
        What is wrong.
    layer : int, optional
        The layer at fault (1-based).
    index : optional
        The row / data index at fault.
    """

    def __init__(self, message: str, *, layer: Optional[int] = None, index: Any = None):
        super().__init__(message)
        self.layer = layer
        self.index = index


class BudgetExceeded(TropgeomError):
    """A budget (``max_regions``, ``max_seconds``) ran out, or the run was interrupted.

    ``partial`` holds the result found so far; ``reason`` says which budget stopped the run.

    Parameters
    ----------
    message : str
        What stopped and what was found.
    partial : optional
        The partial result.
    reason : str
        "max_<budget argument>", "max_seconds" or "interrupted".
    """

    def __init__(self, message: str, partial: Any = None, reason: str = ""):
        super().__init__(message)
        self.partial = partial
        self.reason = reason


class InternalError(TropgeomError, RuntimeError):
    """A failure inside the compiled core (a CGAL precondition, an unexpected solver state)."""
