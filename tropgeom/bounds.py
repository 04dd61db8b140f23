"""Known bounds on the number of linear regions of a fully connected ReLU network.

An architecture is ``(n_0, n_1, ..., n_{L-1}, n_out)``: input dimension ``d = n_0``, hidden widths
``n_1 .. n_{L-1}`` and the output width, which has no ReLU and therefore never counts.  All values are
exact Python ints.

Upper bounds hold for every choice of weights.  The lower bound (Montufar et al.) is a bound on the
*maximum* number of regions over all weights of the architecture: some network of that shape has at
least that many regions; a given (e.g. randomly initialised) network usually has far fewer.

``zaslavsky`` (one hidden layer only; exact for hyperplanes in general position)
    ``sum_{j=0..d} C(n_1, j)`` -- the number of regions of ``n_1`` hyperplanes in general position in
    ``R^d``; T. Zaslavsky, "Facing up to arrangements", Mem. AMS 154 (1975).
``zhang2018`` (upper; needs every hidden width ``n_l >= d``)
    ``prod_l sum_{i=0..d} C(n_l, i)``; L. Zhang, G. Naitzat, L.-H. Lim, "Tropical geometry of deep
    neural networks", ICML 2018, Thm 6.3.
``serra2018`` (upper; always holds)
    ``sum_{(j_1..j_L) in J} prod_l C(n_l, j_l)`` with
    ``J = {0 <= j_l <= min(n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}``; T. Serra, C. Tjandraatmadja,
    S. Ramalingam, "Bounding and counting linear regions of deep neural networks", ICML 2018, Thm 1.
``montufar2014`` (lower; needs every hidden width ``n_l >= d``)
    ``(prod_{l=1..L-2} floor(n_l / n_0))^{n_0} * sum_{j=0..n_0} C(n_{L-1}, j)``; G. Montufar,
    R. Pascanu, K. Cho, Y. Bengio, "On the number of linear regions of deep neural networks",
    NeurIPS 2014.
``trivial_lower`` (lower; always holds)
    ``1``.

With no hidden layer the network is affine and the only entry is ``trivial`` (value 1).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from math import comb, prod
from typing import Any, Dict, Sequence, Tuple

from . import _seam

__all__ = ["Bound", "Bounds", "bounds"]


@dataclass(frozen=True)
class Bound:
    """One bound: its ``value`` is meaningful as a bound only when ``holds`` is true.

    Parameters
    ----------
    name : str
        The bound's name (``"serra2018"``, ...).
    kind : str
        "upper", "lower" or "exact-if-general-position".
    value : int
        The bound.
    holds : bool
        Whether its condition holds for the architecture.
    condition : str
        The condition, in words.
    reference : str
        Where it comes from.
    """

    name: str
    kind: str  # "upper", "lower" or "exact-if-general-position"
    value: int
    holds: bool
    condition: str
    reference: str


@dataclass(frozen=True)
class Bounds:
    """All known bounds for one architecture, in a fixed order.

    Parameters
    ----------
    architecture : tuple of int
        ``(d, n_1, ..., n_out)``.
    entries : tuple of Bound
        The bounds, in a fixed order; ``b["name"]`` looks one up.
    """

    architecture: Tuple[int, ...]
    entries: Tuple[Bound, ...]

    @property
    def upper(self) -> int:
        """Smallest upper bound that holds (an exact-if-general-position count is an upper bound)."""
        return min(b.value for b in self.entries if b.holds and b.kind != "lower")

    @property
    def lower(self) -> int:
        """Largest lower bound that holds, on the maximum over all weights; at least 1."""
        return max([1] + [b.value for b in self.entries if b.holds and b.kind == "lower"])

    def __getitem__(self, name: str) -> Bound:
        for b in self.entries:
            if b.name == name:
                return b
        raise KeyError(f"no bound named {name!r}; have {[b.name for b in self.entries]}")

    def as_dict(self) -> Dict[str, Any]:
        import warnings
        warnings.warn("Bounds.as_dict is deprecated; use Bounds.to_dict", FutureWarning, stacklevel=2)
        return self.to_dict()

    def to_dict(self) -> Dict[str, Any]:
        return {
            "architecture": list(self.architecture),
            "upper": self.upper,
            "lower": self.lower,
            "entries": [asdict(b) for b in self.entries],
        }

    def __str__(self) -> str:
        rows = [("name", "kind", "value", "holds", "condition")]
        rows += [(b.name, b.kind, str(b.value), "yes" if b.holds else "no", b.condition)
                 for b in self.entries]
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        lines = [f"Bounds for architecture {self.architecture}"]
        for r in rows:
            # values are right-aligned so digit counts line up
            cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].rjust(widths[2]),
                     r[3].ljust(widths[3]), r[4]]
            lines.append("  ".join(cells).rstrip())
        return "\n".join(lines)


def _zaslavsky(d: int, n: int) -> int:
    return sum(comb(n, j) for j in range(d + 1))


def _serra(d: int, widths: Sequence[int]) -> int:
    # Dynamic programming over the running minimum m = min(n_0, n_1 - j_1, ..., n_l - j_l), which
    # alone decides the admissible j_{l+1}; it takes at most d + 1 values, so the cost is
    # O(L * d^2) big-int operations instead of enumerating J.
    counts = {d: 1}
    for n in widths:
        nxt: Dict[int, int] = {}
        for m, c in counts.items():
            for j in range(min(m, n) + 1):
                key = min(m, n - j)
                nxt[key] = nxt.get(key, 0) + c * comb(n, j)
        counts = nxt
    return sum(counts.values())


def bounds(architecture: Any) -> Bounds:
    """Known bounds on the number of linear regions of a ReLU network with this architecture.

    ``architecture`` is ``(d, n_1, ..., n_{L-1}, n_out)`` or any object with such an
    ``.architecture`` attribute.  Raises :class:`InputError` on malformed input.

    Parameters
    ----------
    architecture : sequence of int, or an object with ``.architecture``
        ``(d, n_1, ..., n_out)``, e.g. a Network.

    Returns
    -------
    Bounds
        Every known bound, exact ints with their conditions.
    """
    arch = _seam.architecture(architecture)
    d, hidden = arch[0], arch[1:-1]
    if not hidden:
        return Bounds(arch, (Bound("trivial", "upper", 1, True, "no hidden layer: the network is affine",
                                   "trivial"),))
    wide = all(n >= d for n in hidden)
    entries = []
    if len(hidden) == 1:
        entries.append(Bound(
            "zaslavsky", "exact-if-general-position", _zaslavsky(d, hidden[0]), True,
            "exactly one hidden layer (exact when the hyperplanes are in general position)",
            "Zaslavsky, Facing up to arrangements, Mem. AMS 154 (1975)"))
    entries.append(Bound(
        "zhang2018", "upper", prod(_zaslavsky(d, n) for n in hidden), wide,
        "all hidden widths n_l >= d",
        "Zhang, Naitzat, Lim, Tropical geometry of deep neural networks, ICML 2018, Thm 6.3"))
    entries.append(Bound(
        "serra2018", "upper", _serra(d, hidden), True, "always",
        "Serra, Tjandraatmadja, Ramalingam, Bounding and counting linear regions of deep neural "
        "networks, ICML 2018, Thm 1"))
    entries.append(Bound(
        "montufar2014", "lower",
        prod(n // d for n in hidden[:-1]) ** d * _zaslavsky(d, hidden[-1]), wide,
        "all hidden widths n_l >= d",
        "Montufar, Pascanu, Cho, Bengio, On the number of linear regions of deep neural networks, "
        "NeurIPS 2014"))
    entries.append(Bound("trivial_lower", "lower", 1, True, "always", "trivial"))
    return Bounds(arch, tuple(entries))
