"""A run directory of the parallel region search (tropgeom.parallel), and its one on-disk format.

``run_dir/run.json`` names the network and domain; ``run_dir/parts/<key>.parquet`` is one finished
task, committed whole by a hard link from a temporary file (the first result of a task wins; a
duplicate is dropped, never counted twice).  Each part's Parquet metadata lists the cells the task
completed and the cells it handed back; its rows (with records) are the regions it found: the packed
activation pattern (little-endian bits) and a float64 interior point (exact "p/q" strings too with
records="exact").  The open cells of a run are the handed-back cells no part has completed.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

from . import _seam
from .cell import Cell
from .errors import InputError

__all__ = ["RegionStore"]

_META = b"tropgeom"


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is in the test extra
        raise ImportError("checkpoints (out=) need pyarrow: pip install 'tropgeom[test]' or pip install pyarrow") from None
    return pyarrow


def task_key(cells: List[bytes]) -> str:
    """A task's name: a hash of the cells it starts from (the same task, the same name)."""
    h = hashlib.sha1()
    for c in sorted(cells):
        h.update(len(c).to_bytes(4, "little") + c)
    return h.hexdigest()[:24]


def _b64(cells: List[bytes]) -> List[str]:
    return [base64.b64encode(c).decode() for c in cells]


def write_part(run_dir, key: str, meta: dict, patterns: Optional[np.ndarray] = None,
               points: Optional[np.ndarray] = None, exact_points: Optional[np.ndarray] = None) -> dict:
    """Commits one finished task (meta: count, completed and handed-back cells as bytes, stats);
    returns the metadata that stands (an earlier identical task's, if one committed first)."""
    pa = _pyarrow()
    import pyarrow.parquet as pq
    parts = Path(run_dir) / "parts"
    parts.mkdir(parents=True, exist_ok=True)
    final = parts / f"{key}.parquet"
    if final.exists():
        return read_meta(final)
    doc = {"schema_version": _seam.SCHEMA_VERSION, "key": key, "count": int(meta["count"]),
           "completed": _b64(meta["completed"]), "handed_back": _b64(meta["handed_back"]),
           "stats": meta.get("stats", {})}
    cols = {}
    if patterns is not None:
        cols["pattern"] = pa.array([bytes(r) for r in patterns], type=pa.binary())
        d = points.shape[1]
        cols["point"] = pa.FixedSizeListArray.from_arrays(pa.array(points.ravel(), type=pa.float64()), d)
        if exact_points is not None:
            cols["point_exact"] = pa.array([[str(v) for v in row] for row in exact_points], type=pa.list_(pa.string()))
    table = pa.table(cols) if cols else pa.table({"pattern": pa.array([], type=pa.binary())})
    table = table.replace_schema_metadata({_META: json.dumps(doc).encode()})
    tmp = parts / f".{key}.{uuid.uuid4().hex}.tmp"
    pq.write_table(table, tmp)
    try:
        os.link(tmp, final)  # atomic, and refuses to replace: the first result of a task stands
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links: rename (atomic; a racing twin may replace it)
        if not final.exists():
            os.replace(tmp, final)
    finally:
        if tmp.exists():
            os.unlink(tmp)
    return read_meta(final)


def read_meta(path) -> dict:
    import pyarrow.parquet as pq
    _pyarrow()
    try:
        raw = pq.read_schema(path).metadata[_META]
        doc = json.loads(raw)
        doc["completed"] = [base64.b64decode(s) for s in doc["completed"]]
        doc["handed_back"] = [base64.b64decode(s) for s in doc["handed_back"]]
    except (OSError, KeyError, TypeError, ValueError) as e:
        raise InputError(f"checkpoint part {path} is unreadable ({type(e).__name__}: {e})") from None
    return doc


def write_run(run_dir, net, domain) -> None:
    """run.json: what the run is of.  A rerun with another network or domain is refused."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    doc = {"schema_version": _seam.SCHEMA_VERSION, "type": "run", "network": net.to_dict(),
           "domain": None if domain is None else domain.to_dict()}
    path = run_dir / "run.json"
    if path.exists():
        old = json.loads(path.read_text())
        if old["network"] != doc["network"] or old["domain"] != doc["domain"]:
            raise InputError(f"{run_dir} holds a run of another network or domain; use a fresh directory")
        return
    tmp = run_dir / f".run.{uuid.uuid4().hex}.tmp"
    tmp.write_text(json.dumps(doc))
    os.replace(tmp, path)


class RegionStore:
    """The regions of a parallel run kept on disk (see the module docstring).

    ``count``: regions found so far (exact: each task's subtree once); ``complete``: the search is
    over; ``open_cells``: the cells still to explore; ``patterns()``/``points()``: the records (runs
    with records=True) in no particular order; ``dataset()``: the parts as a pyarrow dataset.


    Parameters
    ----------
    run_dir : str or os.PathLike
        The run directory given as ``out=`` to tropgeom.parallel (or ``--checkpoint`` to the CLI).
    """

    def __init__(self, run_dir):
        self.run_dir = Path(run_dir)
        path = self.run_dir / "run.json"
        if not path.is_file():
            raise InputError(f"{run_dir} is not a tropgeom run directory (no run.json)")
        from .network import Network
        from .regions import _domain_from_dict
        doc = _seam.json_doc(path.read_text(), "run", "run")
        self.net = Network.from_dict(_seam.field(doc, "network", "run"))
        self.domain = _domain_from_dict(doc.get("domain"))
        self.refresh()

    def refresh(self) -> "RegionStore":
        """Re-reads the parts (a run may still be writing them)."""
        self._parts: Dict[str, dict] = {}
        owner: Dict[bytes, str] = {}
        for p in sorted((self.run_dir / "parts").glob("*.parquet")):
            meta = self._parts[p.stem] = read_meta(p)
            for c in meta["completed"]:  # subtrees are counted once: a cell is searched by one task only
                if owner.setdefault(c, p.stem) != p.stem:
                    raise InputError(f"{self.run_dir}: parts {owner[c]} and {p.stem} searched the same cell "
                                     "(explore parts made from different snapshots of the open cells?)")
        return self

    @property
    def started(self) -> bool:
        """The root task (the first frontier) is committed."""
        return "root" in self._parts

    @property
    def count(self) -> int:
        return sum(m["count"] for m in self._parts.values())

    @property
    def keys(self) -> set:
        return set(self._parts)

    def open_cell_bytes(self, part=None) -> List[bytes]:
        """The open cells, encoded, sorted.  part=(i, n): those below share i of n of the first frontier
        (the root's cells, sorted, every n-th from i): a split that does not depend on when each part
        runs, so parts of a job array started at any time, or rerun, never overlap."""
        done = {c for m in self._parts.values() for c in m["completed"]}
        cells = sorted({c for m in self._parts.values() for c in m["handed_back"]} - done)
        if part is None:
            return cells
        i, n = part
        roots = [Cell.from_bytes(c) for c in sorted(self._parts["root"]["handed_back"])[i::n]]
        if not roots:
            return []
        depth = roots[0].depth  # every cell of a frontier has decided the same neurons
        mine = {r.pattern.tobytes() for r in roots}
        return [c for c in cells if Cell.from_bytes(c).pattern[:depth].tobytes() in mine]

    @property
    def open_cells(self) -> List[Cell]:
        return [Cell.from_bytes(c) for c in self.open_cell_bytes()]

    @property
    def complete(self) -> bool:
        return self.started and not self.open_cell_bytes()

    @property
    def stats(self) -> dict:
        out: Dict[str, int] = {}
        for m in self._parts.values():
            for k, v in m.get("stats", {}).items():
                out[k] = out.get(k, 0) + v
        return out

    def dataset(self):
        """The records as a pyarrow dataset (columns pattern, point[, point_exact])."""
        _pyarrow()
        import pyarrow.dataset as ds
        return ds.dataset(str(self.run_dir / "parts"), format="parquet")

    def _column(self, name):
        import pyarrow.parquet as pq
        tables = [pq.read_table(self.run_dir / "parts" / f"{k}.parquet") for k in sorted(self._parts)]
        return [t.column(name) for t in tables if name in t.column_names and t.num_rows]

    def packed_patterns(self) -> np.ndarray:
        """(regions, ceil(hidden / 8)) uint8: the recorded patterns, packed little-endian."""
        width = (self.net.num_hidden_neurons + 7) // 8
        rows = [bytes(v) for col in self._column("pattern") for v in col.to_pylist()]
        return np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(len(rows), width)

    def patterns(self) -> np.ndarray:
        """(regions, hidden) bool: the recorded activation patterns."""
        h = self.net.num_hidden_neurons
        return np.unpackbits(self.packed_patterns(), axis=1, bitorder="little", count=h).astype(bool)

    def points(self, exact: bool = False) -> np.ndarray:
        """(regions, dim) interior points: float64, or Fractions with exact=True (records="exact")."""
        d = self.net.input_dim
        if exact:
            from fractions import Fraction
            cols = self._column("point_exact")
            if not cols and self.count:
                raise InputError("exact points need a run with records='exact'")
            rows = [[Fraction(v) for v in r] for c in cols for r in c.to_pylist()]
            return np.array(rows, dtype=object).reshape(len(rows), d)
        rows = [np.asarray(c.to_pylist(), dtype=np.float64).reshape(-1, d) for c in self._column("point")]
        return np.concatenate(rows) if rows else np.zeros((0, d))

    def __reduce__(self):  # a handle on a directory: it pickles as its path
        return (RegionStore, (str(self.run_dir),))

    def __eq__(self, other) -> bool:
        if not isinstance(other, RegionStore):
            return NotImplemented
        return self.run_dir.resolve() == other.run_dir.resolve() and self._parts.keys() == other._parts.keys()

    __hash__ = None

    def __repr__(self) -> str:
        state = "complete" if self.complete else f"{len(self.open_cell_bytes())} open cells"
        return f"RegionStore({str(self.run_dir)!r}: {self.count} regions, {state})"
