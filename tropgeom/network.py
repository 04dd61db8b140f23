"""The network model: a list of affine layers with ReLU (or LeakyReLU) after each hidden layer.

``W`` has shape ``(out, in)`` (PyTorch's ``nn.Linear`` convention).  Float64 weights are exact dyadic
rationals, so the exact core sees exactly the network the user gave.  Weights that are not doubles
(Fractions, integers beyond 2**53, longdouble values) are kept exact: the exact core uses exactly
them, the float passes their nearest doubles.  ``rationalize=q`` first snaps every weight to the
nearest fraction with denominator at most ``q``.

``Network.from_any`` reads every format there is an adapter for (npz, ONNX, torch modules, state
dicts and files, JSON); every API entry point that takes a net coerces it through it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Optional, Sequence, Tuple

import json
import os
import re
import warnings
from fractions import Fraction

import numpy as np

from . import _seam
from .errors import InputError

__all__ = ["Network"]


class Network:
    """A fully connected ReLU (or LeakyReLU) network.

    ``Network([(W1, b1), (W2, b2), ...])``: ReLU after every layer but the last unless ``relu`` (one
    flag per layer) says otherwise.  ``negative_slopes``: LeakyReLU instead, z -> max(z,
    alpha z) with alpha a rational in [0, 1): one number for every activated layer or one per
    activated layer (a float is taken as its exact binary value; ``rationalize`` snaps it too).
    Weights are stored as float64 for fast passes; ``exact_layers`` gives them as
    :class:`fractions.Fraction` arrays (equal to the floats unless ``rationalize``).

    Parameters
    ----------
    layers : iterable of (W, b) pairs
        ``W`` of shape (out, in), ``b`` of shape (out,): floats, integers or Fractions (kept exact).
    relu : sequence of bool, optional
        One flag per layer (ReLU after it); default: every layer but the last.
    negative_slopes : number or sequence of numbers, optional
        LeakyReLU slopes alpha in [0, 1), one for every activated layer or one per activated layer
        (0: ReLU).
    rationalize : int, optional
        Snap every weight (and slope) to the nearest fraction with denominator at most this.

    Raises
    ------
    InputError
        A malformed layer, naming it.
    """

    def __init__(self, layers: Iterable[Tuple[object, object]], *, relu: Optional[Sequence[bool]] = None,
                 negative_slopes=None, rationalize: Optional[int] = None):
        try:
            layers = list(layers)
        except TypeError:
            raise InputError(f"layers must be a list of (W, b) pairs; got {type(layers).__name__}") from None
        if not layers:
            raise InputError("network has no layers")
        Ws, bs = [], []
        for l, pair in enumerate(layers, start=1):
            try:
                W, b = pair
            except (TypeError, ValueError):
                raise InputError(f"layer {l} is not a (W, b) pair", layer=l) from None
            W = _seam.numbers_array(W, "weight", layer=l)
            b = _seam.numbers_array(b, "bias", layer=l)
            if W.ndim != 2:
                raise InputError(f"layer {l} weight has {W.ndim} dimensions; expected a matrix (out, in)", layer=l)
            if 0 in W.shape:
                raise InputError(f"layer {l} weight has shape {W.shape}; a layer needs at least one neuron "
                                 "and one input", layer=l)
            if l > 1 and W.shape[1] != Ws[-1].shape[0]:
                raise InputError(f"layer {l} weight has shape {W.shape}; expected ({W.shape[0]}, "
                                 f"{Ws[-1].shape[0]})", layer=l)
            if b.shape != (W.shape[0],):
                raise InputError(f"layer {l} bias has shape {b.shape}; expected ({W.shape[0]},)", layer=l)
            Ws.append(W)
            bs.append(b)
        relu = [True] * (len(Ws) - 1) + [False] if relu is None else _seam.flags(relu, "relu", len(Ws))
        self._rationalized = rationalize is not None
        q = None if rationalize is None else _seam.positive_int(rationalize, "rationalize")
        slopes = _seam.slopes(negative_slopes, sum(relu), q)
        if q is not None:
            exact = [(_seam.snap(W, q), _seam.snap(b, q)) for W, b in zip(Ws, bs)]
        elif any(_seam.is_exact(a) for a in Ws + bs):
            exact = [(_seam.fractions(W), _seam.fractions(b)) for W, b in zip(Ws, bs)]
        else:
            exact = None
        self._set(Ws, bs, relu, exact, slopes)

    def _set(self, Ws, bs, relu, exact, slopes=None) -> None:
        # _W, _b: float64 (the exact values rounded when _exact holds them); _exact: the exact core's
        # weights when they are not all doubles (or rationalized), else None.
        if exact is not None:
            Ws = [_seam.floats(Wq) for Wq, _ in exact]
            bs = [_seam.floats(bq) for _, bq in exact]
            for Wq, bq in exact:
                Wq.setflags(write=False)
                bq.setflags(write=False)
        Ws = [np.ascontiguousarray(W, dtype=np.float64) for W in Ws]
        bs = [np.ascontiguousarray(b, dtype=np.float64) for b in bs]
        for a in Ws + bs:
            a.setflags(write=False)
        self._W, self._b, self._relu, self._exact = Ws, bs, list(relu), exact
        # one exact slope per activated layer (0: ReLU); the float pass uses the nearest doubles
        self._slopes = tuple(slopes) if slopes is not None else (Fraction(0),) * sum(self._relu)
        self._core = None

    # --- pickle, dict, JSON -------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        # plain data only: the cached exact core is rebuilt on first use
        return {"W": self._W, "b": self._b, "relu": self._relu, "exact": self._exact,
                "rationalized": self._rationalized, "negative_slopes": self._slopes}

    def __setstate__(self, state: dict) -> None:
        self._rationalized = state["rationalized"]
        self._set(state["W"], state["b"], state["relu"], state["exact"], state.get("negative_slopes"))

    def __eq__(self, other) -> bool:
        """Same architecture, flags, slopes and exact weights (a Fraction equals the double it is)."""
        if not isinstance(other, Network):
            return NotImplemented
        mine, theirs = self._exact or self.layers, other._exact or other.layers
        return self.architecture == other.architecture and self._relu == other._relu and \
            self._slopes == other._slopes and \
            all(np.array_equal(x, y) for p, q in zip(mine, theirs) for x, y in zip(p, q))

    __hash__ = None

    def to_dict(self) -> dict:
        """Plain data: weights as numbers (doubles) or "p/q" strings (exact), relu flags, negative
        slopes as "p/q" strings."""
        layers = self._exact if self._exact is not None else self.layers
        return {"schema_version": _seam.SCHEMA_VERSION, "type": "Network",
                "layers": [{"W": _seam.plain(W), "b": _seam.plain(b)} for W, b in layers],
                "relu": list(self._relu), "negative_slopes": [str(s) for s in self._slopes],
                "rationalized": self._rationalized}

    @classmethod
    def from_dict(cls, doc: dict) -> "Network":
        """The inverse of to_dict (bad data -> InputError)."""
        doc = _seam.json_doc(doc, "Network", "Network")
        layers = _seam.field(doc, "layers", "Network")
        if not isinstance(layers, list) or not all(isinstance(L, dict) for L in layers):
            raise InputError("Network: 'layers' must be a list of {'W': ..., 'b': ...}")
        pairs = [(_seam.unplain(_seam.field(L, "W", f"Network layer {l}"), f"layer {l} weight"),
                  _seam.unplain(_seam.field(L, "b", f"Network layer {l}"), f"layer {l} bias"))
                 for l, L in enumerate(layers, start=1)]
        net = cls(pairs, relu=_seam.field(doc, "relu", "Network"), negative_slopes=doc.get("negative_slopes"))
        net._rationalized = bool(doc.get("rationalized", False)) and net._exact is not None
        return net

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_json(cls, text) -> "Network":
        return cls.from_dict(_seam.json_doc(text, "Network", "Network"))

    # --- description --------------------------------------------------------------------------------
    @property
    def weights(self) -> list:
        return list(self._W)

    @property
    def biases(self) -> list:
        return list(self._b)

    @property
    def relu(self) -> tuple:
        return tuple(self._relu)

    @property
    def negative_slopes(self) -> tuple:
        """One exact slope (Fraction) per activated (hidden) layer: 0 for ReLU, alpha for LeakyReLU."""
        return self._slopes

    @property
    def is_leaky(self) -> bool:
        """True when some activated layer is a LeakyReLU (a non-zero negative slope)."""
        return any(self._slopes)

    def _layer_slopes(self) -> list:
        """The slope of every layer (0 for a linear one), for the core."""
        it = iter(self._slopes)
        return [next(it) if r else Fraction(0) for r in self._relu]

    @property
    def layers(self) -> list:
        return list(zip(self._W, self._b))

    @property
    def input_dim(self) -> int:
        return self._W[0].shape[1]

    @property
    def output_dim(self) -> int:
        return self._W[-1].shape[0]

    @property
    def architecture(self) -> tuple:
        """(d, n_1, ..., n_out): input dimension, then every layer's width."""
        return (self.input_dim,) + tuple(W.shape[0] for W in self._W)

    @property
    def num_hidden_neurons(self) -> int:
        return sum(W.shape[0] for W, r in zip(self._W, self._relu) if r)

    @property
    def is_rationalized(self) -> bool:
        return self._rationalized

    @property
    def is_exact(self) -> bool:
        """True when some weight is not a double (the float passes use the nearest doubles)."""
        return self._exact is not None and not self._rationalized

    @property
    def exact_layers(self) -> list:
        """[(W, b)] as object arrays of Fraction: the weights the exact core uses."""
        if self._exact is not None:
            return [(W.copy(), b.copy()) for W, b in self._exact]
        return [(_seam.fractions(W), _seam.fractions(b)) for W, b in zip(self._W, self._b)]

    def __repr__(self) -> str:
        arch = ",".join(map(str, self.architecture))
        extra = ", rationalized" if self.is_rationalized else ""
        if self.is_leaky:
            extra += ", leaky " + "/".join(map(str, self._slopes))
        return f"Network({arch}{extra})"

    def info(self) -> dict:
        """Architecture, flags, sizes (and the negative slopes of a LeakyReLU net)."""
        out = {
            "architecture": list(self.architecture),
            "layers": len(self._W),
            "relu": list(self._relu),
            "hidden_neurons": self.num_hidden_neurons,
            "parameters": int(sum(W.size + b.size for W, b in zip(self._W, self._b))),
            "rationalized": self.is_rationalized,
        }
        if self.is_leaky:
            out["negative_slopes"] = [str(s) for s in self._slopes]
        return out

    # --- evaluation ---------------------------------------------------------------------------------
    @property
    def core(self):
        """The exact C++ network (built once, on first use)."""
        if self._core is None:
            from . import _core
            layers = self._exact if self._exact is not None else list(zip(self._W, self._b))
            slopes = np.array(self._layer_slopes(), dtype=object)
            self._core = _core.Network(layers, self._relu, slopes if self.is_leaky else None)
        return self._core

    def forward(self, X, *, exact: bool = False):
        """Outputs at the rows of X (or at one point).

        ``exact=False`` (default): float64 (numpy, contiguous weights).  ``exact=True``: exact
        rationals (object array of Fraction), X taken as exact too (floats are dyadic rationals;
        Fractions are accepted and kept exact).
        """
        P, single = _seam.points(X, self.input_dim)
        out = self.core.forward(P) if exact else self._float_pass(_seam.floats(P))[0]
        return out[0] if single else out

    __call__ = forward

    def _float_pass(self, X: np.ndarray, want_bits: bool = False):
        """Float64 forward pass (numpy: measured faster than the Cython loop, bench/bench_network.py);
        with want_bits also the (N, hidden) bools (pre-activation > 0)."""
        cur, bits = X, []
        for W, b, r, s in zip(self._W, self._b, self._relu, self._layer_slopes()):
            Z = cur @ W.T
            Z += b
            if r:
                if want_bits:
                    bits.append(Z > 0)
                if s:
                    Z = np.where(Z > 0, Z, float(s) * Z)
                else:
                    np.maximum(Z, 0, out=Z)
            cur = Z
        if not want_bits:
            return cur, None
        return cur, (np.concatenate(bits, axis=1) if bits else np.zeros((len(X), 0), dtype=bool))

    def _preactivations(self, X: np.ndarray) -> np.ndarray:
        """(N, hidden) float64 hidden pre-activations at the float64 rows of X (layer order)."""
        cur, cols = X, []
        for W, b, r, s in zip(self._W, self._b, self._relu, self._layer_slopes()):
            Z = cur @ W.T + b
            if r:
                cols.append(Z)
                Z = np.where(Z > 0, Z, float(s) * Z) if s else np.maximum(Z, 0)
            cur = Z
        return np.concatenate(cols, axis=1) if cols else np.zeros((len(X), 0))

    def activation_patterns(self, X, *, exact: bool = False, packed=None) -> np.ndarray:
        """Activation patterns, (N, hidden) bool: entry j is True iff hidden neuron j (layer order)
        has a positive pre-activation.  ``exact=False``: the float64 pass (approximate next to
        boundaries); ``exact=True``: decided exactly (a float pass with a rigorous error bound per
        pre-activation; the rows with a doubtful sign are redone by ``exact_signs``).
        ``packed_activation_patterns`` gives packed rows."""
        if packed is not None:
            warnings.warn("activation_patterns(packed=...) is deprecated; use activation_patterns (bool) "
                          "or packed_activation_patterns (packed uint8 rows)", FutureWarning, stacklevel=2)
            if packed:
                return self.packed_activation_patterns(X)
        P, single = _seam.points(X, self.input_dim)
        bits = self._signs(P) > 0 if exact else self._float_pass(_seam.floats(P), True)[1]
        return bits[0] if single else bits

    def _signs(self, P: np.ndarray) -> np.ndarray:
        """Exact (N, hidden) int8 signs at validated points P: the float pass's where an error bound
        proves them (u = 2^-53, gamma_n sums, an absolute term for underflow), the core's exact
        signs for the rows with any doubtful one (measured: 20,000 points of a [4,16,16] net in
        0.08 s against 3 s all exact)."""
        u = 2.0 ** -53
        if P.dtype != np.float64 or self._exact is not None:  # points or weights that are not doubles
            return self.core.pre_activation_signs(P).reshape(len(P), -1)
        H, E = P, np.zeros_like(P)
        bits, doubt = [], np.zeros(len(P), dtype=bool)
        with np.errstate(all="ignore"):  # an overflow or NaN only makes its row doubtful
            for W, b, r, s in zip(self._W, self._b, self._relu, self._layer_slopes()):
                aW = np.abs(W)
                g = (W.shape[1] + 2) * u / (1 - (W.shape[1] + 2) * u)
                Z = H @ W.T + b
                err = (E @ aW.T + g * (np.abs(H) @ aW.T + np.abs(b))) * (1 + 4 * u) + 1e-300
                if r:
                    doubt |= ~(np.abs(Z) > err).all(axis=1)
                    bits.append(np.sign(Z).astype(np.int8))
                    if s:  # s Z with s rounded to a double: |s z - fl(s' Z)| <= s' (1 + 2u) err + 4u |s' Z|
                        sf = float(s)
                        neg = Z <= 0
                        Z = np.where(neg, sf * Z, Z)
                        err = np.where(neg, sf * (1 + 2 * u) * err + 4 * u * np.abs(Z) + 1e-300, err)
                    else:
                        Z, err = np.maximum(Z, 0), np.where(Z > 0, err, 0.0)
                H, E = Z, err
        out = np.concatenate(bits, axis=1) if bits else np.zeros((len(P), 0), dtype=np.int8)
        if doubt.any():
            idx = np.flatnonzero(doubt)
            out[idx] = self.core.pre_activation_signs(P[idx]).reshape(len(idx), -1)
        return out

    def packed_activation_patterns(self, X) -> np.ndarray:
        """activation_patterns packed little-endian into uint8 rows (bit j of a row: neuron j)."""
        P, single = _seam.points(X, self.input_dim)
        bits = np.packbits(self._float_pass(_seam.floats(P), True)[1], axis=1, bitorder="little")
        return bits[0] if single else bits

    def exact_signs(self, X) -> np.ndarray:
        """Exact sign (-1, 0, +1) of every hidden pre-activation, as an (N, hidden) int8 array."""
        P, single = _seam.points(X, self.input_dim)
        s = self._signs(P)
        return s[0] if single else s

    # --- files and other frameworks -----------------------------------------------------------------
    def save(self, path) -> None:
        """Save to .npz with keys W1, b1, W2, b2, ..., relu (and W1_exact, ... as "p/q" strings when
        the weights are exact or rationalized)."""
        data = {"relu": np.array(self._relu), "rationalized": np.array(self._rationalized)}
        if self.is_leaky:
            data["negative_slopes"] = np.array([str(s) for s in self._slopes], dtype=str)
        for l, (W, b) in enumerate(zip(self._W, self._b), start=1):
            data[f"W{l}"], data[f"b{l}"] = W, b
            if self._exact is not None:
                Wq, bq = self._exact[l - 1]
                data[f"W{l}_exact"] = np.array(_seam.plain(Wq), dtype=str).reshape(Wq.shape)
                data[f"b{l}_exact"] = np.array(_seam.plain(bq), dtype=str).reshape(bq.shape)
        np.savez(path, **data)

    @classmethod
    def load(cls, path) -> "Network":
        """Load a net from a file, by its suffix: .npz (save's format), .onnx (from_onnx), .pt / .pth
        (torch.save of a module or a state_dict: from_torch), .json (to_json).  Any other suffix is
        read as .npz.  A pickled module (torch.save(model)) can only be read by unpickling it, which
        runs the file's code: read only files you trust (a state_dict needs no unpickling)."""
        path = Path(path)
        if not path.is_file():
            raise InputError(f"no such file: {path}")
        suffix = path.suffix.lower()
        if suffix == ".onnx":
            return cls.from_onnx(path)
        if suffix in (".pt", ".pth"):
            return cls.from_torch(_torch_load(path))
        if suffix == ".json":
            try:
                text = path.read_text()
            except (OSError, UnicodeDecodeError) as e:
                raise InputError(f"{path} is not a readable JSON file ({e})") from None
            return cls.from_json(text)
        return cls._load_npz(path)

    @classmethod
    def _load_npz(cls, path: Path) -> "Network":
        """An .npz with keys W1, b1, ..., WL, bL (every layer, no gaps), optional ``relu`` flags,
        ``negative_slopes`` and the exact forms written by save; any other key -> InputError naming it."""
        try:
            z = np.load(path, allow_pickle=False)
        except Exception:
            raise InputError(f"{path}: not a network file tropgeom reads (.npz with W1, b1, ...; .onnx; "
                             ".pt/.pth; .json)") from None
        if not isinstance(z, np.lib.npyio.NpzFile):  # a bare .npy array
            raise InputError(f"{path} holds one array, not a network: expected an .npz with W1, b1, W2, b2, ...")
        with z:
            keys = set(z.files)
            layer_keys = {k for k in keys if re.fullmatch(r"[Wb][1-9][0-9]*(_exact)?", k)}
            n = max((int(re.sub(r"\D", "", k)) for k in layer_keys), default=0)
            if n == 0:
                raise InputError(f"{path} has no key W1; expected W1, b1, W2, b2, ...")
            extra = sorted(keys - layer_keys - {"relu", "rationalized", "negative_slopes"})
            if extra:
                raise InputError(f"{path} has unexpected key {extra[0]!r}; expected W1, b1, W2, b2, ..., relu")
            for l in range(1, n + 1):
                missing = [k for k in (f"W{l}", f"b{l}") if k not in keys]
                if missing:
                    have = f"W{l}" if f"W{l}" in keys else (f"b{l}" if f"b{l}" in keys else f"W{n}")
                    raise InputError(f"{path} has {have} but no {missing[0]} (layer keys must run W1, b1, ..., "
                                     f"W{n}, b{n} without gaps)", layer=l)
            exact = [f"W{l}_exact" in keys and f"b{l}_exact" in keys for l in range(1, n + 1)]
            if any(exact) and not all(exact):
                l = exact.index(False) + 1
                raise InputError(f"{path} has exact weights for some layers but not W{l}_exact/b{l}_exact", layer=l)
            if all(exact):
                layers = [(_seam.parse_fractions(z[f"W{l}_exact"], f"W{l}_exact"),
                           _seam.parse_fractions(z[f"b{l}_exact"], f"b{l}_exact")) for l in range(1, n + 1)]
            else:
                layers = [(z[f"W{l}"], z[f"b{l}"]) for l in range(1, n + 1)]
            relu = _seam.flags(z["relu"].ravel().tolist(), "relu", n) if "relu" in keys else None
            slopes = ([str(v) for v in z["negative_slopes"].ravel().tolist()]
                      if "negative_slopes" in keys else None)
            rationalized = (_seam.flags(z["rationalized"].ravel().tolist(), "rationalized", 1)[0]
                            if "rationalized" in keys else all(exact))
        net = cls(layers, relu=relu, negative_slopes=slopes)
        net._rationalized = rationalized and net._exact is not None
        if rationalized and net._exact is None:  # rationalized weights that happen to be doubles
            net._set(net._W, net._b, net._relu, [(_seam.fractions(W), _seam.fractions(b)) for W, b in net.layers],
                     net._slopes)
            net._rationalized = True
        return net

    from_npz = load

    @classmethod
    def from_torch(cls, module, *, layers: Optional[Sequence[str]] = None, activation="relu") -> "Network":
        """From a PyTorch model whose forward is an MLP, or from a state_dict.

        A module: its forward, traced with ``torch.fx``, must be a chain of ``Linear``, ``ReLU``,
        ``LeakyReLU``, ``Identity``, ``Flatten`` and ``Dropout`` modules (or ``F.relu``,
        ``F.leaky_relu``, ``torch.flatten``, ``F.dropout`` calls) in any nesting of containers;
        Dropout is read as in eval mode (the identity).  When tracing fails (data-dependent control
        flow) the leaf modules are taken in registration order, and kept only if they reproduce the
        module's forward at random points.  Anything else -> InputError naming the submodule.  Weights
        convert to float64 exactly; a LeakyReLU slope is its exact binary value.

        A state_dict (or a checkpoint dict holding one under "state_dict" / "model_state_dict"): the
        ``<name>.weight`` / ``<name>.bias`` pairs in order, or those of ``layers`` (a list of names);
        ``activation`` after every layer but the last: "relu", a negative slope alpha (LeakyReLU), or
        one of these per hidden layer.
        """
        if isinstance(module, dict):
            return cls._from_state_dict(module, layers, activation)
        import torch.nn as nn  # optional dependency, imported only here

        if not isinstance(module, nn.Module):
            raise InputError(f"from_torch needs a torch.nn.Module or a state_dict; got {type(module).__name__}")
        if layers is not None or activation != "relu":
            raise InputError("layers= and activation= are for a state_dict; a module says them itself")
        steps = _torch_steps(module)
        traced = steps is not None
        if not traced:
            steps = [(name, m) for name, m in module.named_modules() if not any(True for _ in m.children())]
        pairs, relu, slopes = [], [], []
        for name, op in steps:
            where = f"submodule {name!r}" if name else "the module"
            if op is None:  # the identity: Identity, Flatten, Dropout
                continue
            if type(op) is nn.Linear:  # exactly: a subclass may change forward
                W = op.weight.detach().cpu().double().numpy()  # float16/32/bfloat16 -> float64 exactly
                b = op.bias.detach().cpu().double().numpy() if op.bias is not None else np.zeros(W.shape[0])
                pairs.append((W, b))
                relu.append(False)
                continue
            kind = _torch_kind(op) if isinstance(op, nn.Module) else op
            if kind == "identity":
                continue
            if not isinstance(kind, Fraction):
                raise InputError(f"unsupported {where} ({type(op).__name__}); supported: {_TORCH_SUPPORTED}",
                                 index=_index(name))
            if not pairs or relu[-1]:
                raise InputError(f"{type(op).__name__ if isinstance(op, nn.Module) else 'activation'} at {where} "
                                 "does not follow a Linear layer", index=_index(name))
            relu[-1] = True
            slopes.append(kind)
        if not pairs:
            raise InputError("the torch module has no Linear layer")
        try:
            net = cls(pairs, relu=relu, negative_slopes=slopes)
        except InputError as e:
            raise InputError(f"{type(module).__name__}: {e}") from None
        if not traced:
            _check_against_torch(net, module)
        return net

    @classmethod
    def _from_state_dict(cls, sd: dict, names, activation) -> "Network":
        for key in ("state_dict", "model_state_dict"):
            if isinstance(sd.get(key), dict):
                sd = sd[key]
        weights = [k[:-len(".weight")] for k, v in sd.items() if k.endswith(".weight") and getattr(v, "ndim", 0) == 2]
        if names is None:
            names = weights
            used = {f"{n}.weight" for n in names} | {f"{n}.bias" for n in names}
            extra = [k for k in sd if k not in used]
            if extra:
                raise InputError(f"state_dict key {extra[0]!r} is not a Linear layer's weight or bias; pass "
                                 "layers=[names of the Linear layers] to pick them")
        else:
            names = [str(n) for n in names]
            missing = [n for n in names if f"{n}.weight" not in sd]
            if missing:
                raise InputError(f"state_dict has no {missing[0]}.weight (its Linear layers: {', '.join(weights)})")
        if not names:
            raise InputError("the state_dict has no 2-D '<name>.weight' entry (no Linear layer)")

        def array(v):
            v = v.detach().cpu().double().numpy() if hasattr(v, "detach") else v
            return np.asarray(v) if getattr(v, "dtype", object) != object else v

        pairs = [(array(sd[f"{n}.weight"]), array(sd[f"{n}.bias"]) if f"{n}.bias" in sd
                  else np.zeros(np.shape(sd[f"{n}.weight"])[0])) for n in names]
        hidden = len(pairs) - 1
        acts = list(activation) if isinstance(activation, (list, tuple)) else [activation] * hidden
        if len(acts) != hidden:
            raise InputError(f"activation has {len(acts)} entries; expected one per hidden layer ({hidden})")
        slopes = [0 if isinstance(a, str) and a.lower() == "relu" else a for a in acts]
        if any(isinstance(a, str) for a in slopes):
            raise InputError(f"activation must be 'relu' or a negative slope in [0, 1); got {activation!r}")
        return cls(pairs, negative_slopes=slopes)

    @classmethod
    def from_any(cls, obj) -> "Network":
        """A Network from whatever holds one: a Network (itself), a list of (W, b) pairs (Fractions
        and other exact numbers stay exact), a torch module or state_dict (from_torch), an ONNX
        ModelProto (from_onnx), a Network dict (from_dict), or a path read by :meth:`load`.  Every
        API entry point that takes a net coerces it here."""
        if isinstance(obj, Network):
            return obj
        if isinstance(obj, (str, os.PathLike)):
            return cls.load(obj)
        mro = [c.__module__ or "" for c in type(obj).__mro__]
        if any(m.startswith("torch") for m in mro):
            return cls.from_torch(obj)
        if any(m.startswith("onnx") for m in mro):
            return cls.from_onnx(obj)
        if isinstance(obj, dict):
            if obj.get("type") == "Network":
                return cls.from_dict(obj)
            return cls.from_torch(obj)
        if not hasattr(obj, "__iter__"):
            raise InputError(f"expected a tropgeom.Network, a list of (W, b) pairs, a torch module or state_dict, "
                             f"an ONNX model or a path; got {type(obj).__name__}")
        return cls(obj)

    @classmethod
    def from_onnx(cls, model) -> "Network":
        """From an ONNX model (path or ModelProto) whose graph, followed from its one input along the
        actual edges to its one output, is a plain chain of Gemm, MatMul + Add, Relu / LeakyRelu (and
        Identity / Flatten) nodes with constant weights; nodes the output does not depend on are dead code and
        ignored.  Anything else -> InputError naming the node."""
        import onnx  # optional dependency, imported only here
        from onnx import numpy_helper

        if not isinstance(model, onnx.ModelProto):
            path = Path(str(model))
            if not path.is_file():
                raise InputError(f"no such file: {path}")
            try:
                model = onnx.load(str(path))
            except Exception as e:
                raise InputError(f"{path} is not a readable ONNX model ({e})") from None
        g = model.graph
        init = {t.name: numpy_helper.to_array(t) for t in g.initializer}
        inputs = [i.name for i in g.input if i.name not in init]
        if len(inputs) != 1 or len(g.output) != 1:
            raise InputError(f"the ONNX graph needs exactly one input and one output; it has {len(inputs)} "
                             f"inputs and {len(g.output)} outputs")
        # Only nodes the output depends on count (an unused side branch is dead code).
        producer = {o: i for i, node in enumerate(g.node) for o in node.output}
        live, todo = set(), [g.output[0].name]
        while todo:
            i = producer.get(todo.pop())
            if i is not None and i not in live:
                live.add(i)
                todo.extend(g.node[i].input)
        supported = ("Gemm", "MatMul", "Add", "Relu", "LeakyRelu", "Identity", "Flatten")
        bad = [f"{n.op_type} (node {i})" for i, n in enumerate(g.node) if i in live and n.op_type not in supported]
        if bad:
            raise InputError("unsupported ONNX operators: " + ", ".join(bad) + "; supported: a chain of "
                             + ", ".join(supported))
        readers = {}
        for i, node in enumerate(g.node):
            if i in live:
                for name in set(node.input):
                    readers.setdefault(name, []).append((i, node))
        label = lambda i, node: f"{node.op_type} node {node.name or i!r}"  # noqa: E731

        def const(i, node, name, what):
            if name not in init:
                raise InputError(f"{label(i, node)}: {what} {name!r} is not a constant", index=i)
            return init[name].astype(np.float64) if init[name].dtype.kind == "f" else init[name]

        layers, relu, slopes, open_layer = [], [], [], False
        cur, out = inputs[0], g.output[0].name
        while True:
            nxt = readers.get(cur, [])
            if cur == out:
                if nxt:
                    raise InputError(f"the graph output {out!r} is also read by {label(*nxt[0])}", index=nxt[0][0])
                break
            if len(nxt) != 1:
                if not nxt:
                    raise InputError(f"tensor {cur!r} is read by no node and is not the graph output")
                raise InputError(f"tensor {cur!r} is read by {len(nxt)} nodes ({', '.join(label(*n) for n in nxt)}); "
                                 "only a plain chain of layers is supported", index=nxt[1][0])
            i, node = nxt[0]
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if len(node.output) != 1:
                raise InputError(f"{label(i, node)} has {len(node.output)} outputs; expected 1", index=i)
            op = node.op_type
            data = [k for k, name in enumerate(node.input) if name == cur]
            if op in ("Gemm", "MatMul") and data != [0]:
                raise InputError(f"{label(i, node)} reads the data as operand {data}; expected operand 0 only", index=i)
            if op == "Gemm":
                if attrs.get("transA", 0):
                    raise InputError(f"{label(i, node)} has transA = 1; expected 0", index=i)
                B = const(i, node, node.input[1], "B")
                W = attrs.get("alpha", 1.0) * (B if attrs.get("transB", 0) else B.T)
                c = const(i, node, node.input[2], "C") if len(node.input) > 2 and node.input[2] else None
                b = attrs.get("beta", 1.0) * c if c is not None else np.zeros(W.shape[0])
                layers.append([W, np.broadcast_to(b, (W.shape[0],)).astype(np.float64)])
                relu.append(False)
                open_layer = c is None
            elif op == "MatMul":
                B = const(i, node, node.input[1], "right operand")
                if B.ndim != 2:
                    raise InputError(f"{label(i, node)}: the right operand has shape {B.shape}; expected a matrix", index=i)
                layers.append([B.T, np.zeros(B.shape[1])])
                relu.append(False)
                open_layer = True
            elif op == "Add":
                if len(data) != 1 or len(node.input) != 2:
                    raise InputError(f"{label(i, node)} does not add a constant to the data", index=i)
                c = const(i, node, node.input[1 - data[0]], "addend")
                if not layers or not open_layer:
                    raise InputError(f"{label(i, node)} does not add a bias directly after a MatMul", index=i)
                try:
                    layers[-1][1] = layers[-1][1] + np.broadcast_to(c, layers[-1][1].shape)
                except ValueError:
                    raise InputError(f"{label(i, node)}: the addend has shape {c.shape}; expected "
                                     f"({layers[-1][1].shape[0]},)", index=i) from None
                open_layer = False
            elif op in ("Relu", "LeakyRelu"):
                if not layers or relu[-1]:
                    raise InputError(f"{label(i, node)} does not follow a linear layer", index=i)
                relu[-1] = True
                # ONNX's alpha is a float32 attribute (default 0.01): its exact binary value
                slopes.append(_slope(np.float32(attrs.get("alpha", 0.01)), label(i, node)) if op == "LeakyRelu"
                              else Fraction(0))
                open_layer = False
            elif op in ("Identity",) or (op == "Flatten" and attrs.get("axis", 1) == 1):
                pass
            else:
                raise InputError(f"unsupported {label(i, node)}; supported: a chain of Gemm, MatMul, Add, "
                                 "Relu, LeakyRelu, Identity, Flatten(axis=1)", index=i)
            cur = node.output[0]
        if not layers:
            raise InputError("the ONNX graph has no Gemm or MatMul node on the path from input to output")
        return cls([tuple(p) for p in layers], relu=relu, negative_slopes=slopes)


# --- torch helpers (torch is imported lazily, by the callers) ----------------------------------------
_TORCH_SUPPORTED = ("Linear, ReLU, LeakyReLU, Identity, Flatten, Dropout (and F.relu, F.leaky_relu, torch.flatten, "
                    "F.dropout)")


def _index(name: str) -> Optional[int]:
    """A Sequential child's position (its name), else None."""
    return int(name) if name.isdigit() else None


def _slope(value, where: str) -> Fraction:
    try:
        return _seam.slopes([value], 1)[0]
    except InputError:
        raise InputError(f"{where}: negative slope {value!r} is not in [0, 1)") from None


def _torch_kind(m):
    """A leaf module as an activation slope (ReLU 0, LeakyReLU its slope), "identity", or None."""
    import torch.nn as nn
    t = type(m)  # exactly: a subclass may change forward
    if t is nn.ReLU:
        return Fraction(0)
    if t is nn.LeakyReLU:
        return _slope(m.negative_slope, f"LeakyReLU {m!r}")
    if t in (nn.Identity, nn.Dropout) or (t is nn.Flatten and m.start_dim == 1 and m.end_dim == -1):
        return "identity"
    return None


def _torch_steps(module):
    """The forward of module as [(name, leaf module or activation slope or "identity")], traced with
    torch.fx; None when tracing fails.  Not a chain of supported steps -> InputError naming where."""
    import torch
    import torch.fx as fx
    import torch.nn as nn
    import torch.nn.functional as F

    leaves = (nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Identity, nn.Flatten, nn.Dropout)
    if isinstance(module, leaves):  # one layer (fx would trace into its forward)
        if type(module) is not nn.Linear and _torch_kind(module) is None:
            raise InputError(f"unsupported module ({type(module).__name__}); supported: {_TORCH_SUPPORTED}")
        return [("", module)]

    class Tracer(fx.Tracer):
        def is_leaf_module(self, m, qualname):  # the supported modules and their subclasses stay whole
            return isinstance(m, leaves) or super().is_leaf_module(m, qualname)

    try:
        graph = Tracer().trace(module)
    except Exception:
        return None
    root = type(module).__name__

    def where(node):
        if node.op == "call_module":
            return f"submodule {node.target!r} ({type(module.get_submodule(node.target)).__name__})"
        stack = node.meta.get("nn_module_stack")
        if stack:
            name, (_, cls) = list(stack.items())[-1]
            return f"submodule {name!r} ({getattr(cls, '__name__', cls)})"
        return f"{root}.forward"

    def fn_name(node):
        t = node.target
        return t if isinstance(t, str) else getattr(t, "__name__", repr(t))

    steps, cur = [], None
    for node in graph.nodes:
        if node.op == "placeholder":
            if cur is not None:
                raise InputError(f"{root}.forward takes more than one input")
            cur = node
            continue
        if node.op == "output":
            if node.args[0] is not cur:
                raise InputError(f"{root}.forward does not return the end of its chain of layers")
            break
        if node.all_input_nodes != [cur] or len(cur.users) != 1:
            raise InputError(f"{where(node)}: the forward is not a plain chain of layers (at {node.op} "
                             f"{fn_name(node)!r}); supported: {_TORCH_SUPPORTED}")
        if node.op == "call_module":
            m = module.get_submodule(node.target)
            if type(m) is not nn.Linear and _torch_kind(m) is None:
                raise InputError(f"unsupported {where(node)}; supported: {_TORCH_SUPPORTED}", index=_index(node.target))
            steps.append((node.target, m))
        else:
            t, args, kw = node.target, node.args, node.kwargs
            name = where(node)
            if t in (F.relu, torch.relu, "relu") and node.op in ("call_function", "call_method"):
                steps.append((name, Fraction(0)))
            elif t is F.leaky_relu:
                steps.append((name, _slope(args[1] if len(args) > 1 else kw.get("negative_slope", 0.01), name)))
            elif (t in (torch.flatten, "flatten")) and (args[1] if len(args) > 1 else kw.get("start_dim", 0)) == 1 \
                    and (args[2] if len(args) > 2 else kw.get("end_dim", -1)) == -1:
                steps.append((name, "identity"))
            elif t is F.dropout:
                steps.append((name, "identity"))
            else:
                raise InputError(f"unsupported {name}: its forward calls {fn_name(node)!r}; supported: {_TORCH_SUPPORTED}")
        cur = node
    return steps


def _check_against_torch(net: "Network", module) -> None:
    """The leaf modules in registration order must compute module's forward (checked at random points)."""
    import torch
    p = next(module.parameters())
    x = torch.randn(16, net.input_dim, dtype=p.dtype, generator=torch.Generator().manual_seed(0))
    was = module.training
    try:
        module.eval()
        with torch.no_grad():
            y = module(x).double().cpu().numpy()
    except Exception as e:
        raise InputError(f"{type(module).__name__} could not be traced with torch.fx and fails on its modules' "
                         f"input size ({e})") from None
    finally:
        module.train(was)
    want = net.forward(x.double().numpy())
    tol = 1e-4 if p.dtype != torch.float64 else 1e-9
    if y.shape != want.shape or not np.allclose(want, y, rtol=tol, atol=tol * (1 + np.abs(y).max())):
        raise InputError(f"{type(module).__name__} could not be traced with torch.fx, and its modules in "
                         "registration order do not compute its forward")


def _torch_load(path: Path):
    """A torch file's object: weights only (a state_dict) when it is one, else unpickled (a module)."""
    import pickle

    import torch
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError:
        pass
    except Exception as e:
        raise InputError(f"{path} is not a readable torch file ({e})") from None
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:
        raise InputError(f"{path} is not a readable torch file ({e})") from None
