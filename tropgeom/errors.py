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

    ``partial`` holds the result found so far; ``reason`` says which budget stopped the run.  For the
    region search, ``remaining`` lists the open cells (tropgeom.Cell) whose search finishes the run
    (``count_regions(net, domain, cells=e.remaining)``); None where nothing can be resumed.

    Parameters
    ----------
    message : str
        What stopped and what was found.
    partial : optional
        The partial result.
    reason : str
        "max_<budget argument>", "max_seconds" or "interrupted".
    remaining : list of Cell, optional
        The open cells of a stopped region search (None where nothing can be resumed).
    """

    def __init__(self, message: str, partial: Any = None, reason: str = "", remaining: Any = None):
        super().__init__(message)
        self.partial = partial
        self.reason = reason
        self.remaining = remaining


class InternalError(TropgeomError, RuntimeError):
    """A failure inside the compiled core (a CGAL precondition, an unexpected solver state)."""
