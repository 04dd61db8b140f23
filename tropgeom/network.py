"""The network model: a list of affine layers with ReLU after each hidden layer.

``W`` has shape ``(out, in)`` (PyTorch's ``nn.Linear`` convention).  Float64 weights are exact dyadic
rationals, so the exact core sees exactly the network the user gave; ``rationalize=q`` first snaps
every weight to the nearest fraction with denominator at most ``q``.
"""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Iterable, Optional, Sequence, Tuple

import numpy as np

from .errors import InputError

__all__ = ["Network"]


def _as_float_array(a, what: str, layer: int) -> np.ndarray:
    arr = np.asarray(a)
    if arr.dtype == object:
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError):
            raise InputError(f"layer {layer} {what} has entries that are not numbers", layer=layer) from None
    elif arr.dtype.kind not in "biuf":
        raise InputError(f"layer {layer} {what} is not numeric (dtype {arr.dtype})", layer=layer)
    arr = np.ascontiguousarray(arr, dtype=np.float64)
    bad = np.argwhere(~np.isfinite(arr))
    if len(bad):
        idx = tuple(int(i) for i in bad[0])
        where = f"row {idx[0]}, column {idx[1]}" if len(idx) == 2 else f"index {idx[0]}"
        raise InputError(f"layer {layer} {what} has a non-finite value ({arr[idx]}) at {where}",
                         layer=layer, index=idx if len(idx) > 1 else idx[0])
    return arr


def _check_points(X, d: int, what: str = "X") -> Tuple[np.ndarray, bool]:
    """Validated (N, d) float64 points; the flag says a single point was given."""
    arr = np.asarray(X, dtype=object if _has_fractions(X) else None)
    single = arr.ndim == 1
    if single:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != d:
        raise InputError(f"{what} has shape {np.shape(X)}; expected (N, {d}) or ({d},)")
    if arr.dtype != object:
        if arr.dtype.kind not in "biuf":
            raise InputError(f"{what} is not numeric (dtype {arr.dtype})")
        arr = np.ascontiguousarray(arr, dtype=np.float64)
        bad = [tuple(rc) for rc in np.argwhere(~np.isfinite(arr))[:1]]
    else:  # Fractions mixed with other numbers: the float entries must still be finite
        for (r, c), v in np.ndenumerate(arr):
            if not isinstance(v, (Fraction, int, float, np.integer, np.floating)):
                raise InputError(f"{what} has a non-numeric value at row {r}, column {c}", index=r)
        bad = [rc for rc, v in np.ndenumerate(arr) if isinstance(v, (float, np.floating)) and not np.isfinite(v)][:1]
    if bad:
        r, c = bad[0]
        raise InputError(f"{what} has a non-finite value at row {r}, column {c}", index=int(r))
    return arr, single


def _has_fractions(X) -> bool:
    a = np.asarray(X, dtype=object) if not isinstance(X, np.ndarray) else X
    return a.dtype == object and any(isinstance(v, Fraction) for v in a.ravel())


class Network:
    """A fully connected ReLU network.

    ``Network([(W1, b1), (W2, b2), ...])``: ReLU after every layer but the last unless ``relu`` (one
    flag per layer) says otherwise.  Weights are stored as float64 for fast passes; ``exact_layers``
    gives them as :class:`fractions.Fraction` arrays (equal to the floats unless ``rationalize``).
    """

    def __init__(self, layers: Iterable[Tuple[object, object]], *, relu: Optional[Sequence[bool]] = None,
                 rationalize: Optional[int] = None):
        layers = list(layers)
        if not layers:
            raise InputError("network has no layers")
        Ws, bs = [], []
        for l, pair in enumerate(layers, start=1):
            try:
                W, b = pair
            except (TypeError, ValueError):
                raise InputError(f"layer {l} is not a (W, b) pair", layer=l) from None
            W = _as_float_array(W, "weight", l)
            b = _as_float_array(b, "bias", l)
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
        if relu is None:
            relu = [True] * (len(Ws) - 1) + [False]
        relu = [bool(r) for r in relu]
        if len(relu) != len(Ws):
            raise InputError(f"relu has {len(relu)} flags; expected one per layer ({len(Ws)})")
        self._exact = None
        if rationalize is not None:
            if not isinstance(rationalize, (int, np.integer)) or isinstance(rationalize, bool) or rationalize < 1:
                raise InputError(f"rationalize must be a positive integer (a maximum denominator); got {rationalize!r}")
            self._exact = [(_snap(W, int(rationalize)), _snap(b, int(rationalize))) for W, b in zip(Ws, bs)]
            Ws = [np.array(Wq, dtype=np.float64) for Wq, _ in self._exact]
            bs = [np.array(bq, dtype=np.float64) for _, bq in self._exact]
        for a in Ws + bs:
            a.setflags(write=False)
        self._W, self._b, self._relu = Ws, bs, relu
        self._core = None

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
        return self._exact is not None

    @property
    def exact_layers(self) -> list:
        """[(W, b)] as object arrays of Fraction: the weights the exact core uses."""
        if self._exact is not None:
            return [(W.copy(), b.copy()) for W, b in self._exact]
        return [(_to_fractions(W), _to_fractions(b)) for W, b in zip(self._W, self._b)]

    def __repr__(self) -> str:
        arch = ",".join(map(str, self.architecture))
        extra = ", rationalized" if self.is_rationalized else ""
        return f"Network({arch}{extra})"

    def info(self) -> dict:
        return {
            "architecture": list(self.architecture),
            "layers": len(self._W),
            "relu": list(self._relu),
            "hidden_neurons": self.num_hidden_neurons,
            "parameters": int(sum(W.size + b.size for W, b in zip(self._W, self._b))),
            "rationalized": self.is_rationalized,
        }

    # --- evaluation ---------------------------------------------------------------------------------
    @property
    def core(self):
        """The exact C++ network (built once, on first use)."""
        if self._core is None:
            from . import _core
            layers = self._exact if self._exact is not None else list(zip(self._W, self._b))
            self._core = _core.Network(layers, self._relu)
        return self._core

    def forward(self, X, *, exact: bool = False):
        """Outputs at the rows of X (or at one point).

        ``exact=False``: float64 (Cython kernel).  ``exact=True``: exact rationals (object array of
        Fraction), X taken as exact too (floats are dyadic rationals; Fractions are accepted).
        """
        P, single = _check_points(X, self.input_dim)
        if exact:
            out = self.core.forward(P)
        else:
            from . import _kernels
            out = _kernels.forward(self._W, self._b, self._relu, P.astype(np.float64))
        return out[0] if single else out

    __call__ = forward

    def activation_patterns(self, X, *, packed: bool = True) -> np.ndarray:
        """Float64 activation patterns: bit j of a row is 1 iff hidden neuron j (layer order) has a
        positive pre-activation.  Packed little-endian into uint8 rows, or (N, hidden) bools.
        Approximate next to boundaries; ``exact_signs`` decides exactly."""
        from . import _kernels
        P, single = _check_points(X, self.input_dim)
        bits = _kernels.patterns(self._W, self._b, self._relu, P.astype(np.float64))
        if not packed:
            bits = np.unpackbits(bits, axis=1, count=self.num_hidden_neurons, bitorder="little").astype(bool)
        return bits[0] if single else bits

    def exact_signs(self, X) -> np.ndarray:
        """Exact sign (-1, 0, +1) of every hidden pre-activation, as an (N, hidden) int8 array."""
        P, single = _check_points(X, self.input_dim)
        s = self.core.pre_activation_signs(P)
        return s[0] if single else s

    # --- files and other frameworks -----------------------------------------------------------------
    def save(self, path) -> None:
        """Save to .npz with keys W1, b1, W2, b2, ..., relu (and exact strings when rationalized)."""
        data = {"relu": np.array(self._relu)}
        for l, (W, b) in enumerate(zip(self._W, self._b), start=1):
            data[f"W{l}"], data[f"b{l}"] = W, b
            if self._exact is not None:
                Wq, bq = self._exact[l - 1]
                data[f"W{l}_exact"] = np.vectorize(str, otypes=[str])(Wq)
                data[f"b{l}_exact"] = np.vectorize(str, otypes=[str])(bq)
        np.savez(path, **data)

    @classmethod
    def load(cls, path) -> "Network":
        """Load an .npz with keys W1, b1, W2, b2, ... (optional ``relu`` flags)."""
        path = Path(path)
        if not path.exists():
            raise InputError(f"no such file: {path}")
        try:
            z = np.load(path, allow_pickle=False)
        except Exception as e:
            raise InputError(f"{path} is not a readable .npz file ({e})") from None
        with z:
            keys = set(z.files)
            n = 0
            while f"W{n + 1}" in keys:
                n += 1
            if n == 0:
                raise InputError(f"{path} has no key W1; expected W1, b1, W2, b2, ...")
            layers, exact = [], []
            for l in range(1, n + 1):
                if f"b{l}" not in keys:
                    raise InputError(f"{path} has W{l} but no b{l}", layer=l)
                layers.append((z[f"W{l}"], z[f"b{l}"]))
                if f"W{l}_exact" in keys:
                    exact.append((_parse_fractions(z[f"W{l}_exact"]), _parse_fractions(z[f"b{l}_exact"])))
            relu = [bool(r) for r in z["relu"]] if "relu" in keys else None
        net = cls(layers, relu=relu)
        if exact:
            net._exact = exact
        return net

    from_npz = load

    @classmethod
    def from_torch(cls, module) -> "Network":
        """From a PyTorch ``nn.Sequential`` of ``Linear`` and ``ReLU`` (or a single ``Linear``)."""
        import torch.nn as nn  # optional dependency, imported only here

        mods = list(module) if isinstance(module, nn.Sequential) else [module]
        bad = [f"{type(m).__name__} (index {i})" for i, m in enumerate(mods)
               if not isinstance(m, (nn.Linear, nn.ReLU, nn.Identity))]
        if bad:
            raise InputError("unsupported layer types: " + ", ".join(bad) + "; supported: Linear, ReLU, Identity")
        layers, relu = [], []
        for i, m in enumerate(mods):
            if isinstance(m, nn.Linear):
                W = m.weight.detach().cpu().double().numpy()
                b = (m.bias.detach().cpu().double().numpy() if m.bias is not None else np.zeros(W.shape[0]))
                layers.append((W, b))
                relu.append(False)
            elif isinstance(m, nn.ReLU):
                if not layers or relu[-1]:
                    raise InputError(f"ReLU at index {i} does not follow a Linear layer", index=i)
                relu[-1] = True
        if not layers:
            raise InputError("the torch module has no Linear layer")
        return cls(layers, relu=relu)

    @classmethod
    def from_onnx(cls, model) -> "Network":
        """From an ONNX model (path or ModelProto) made of Gemm, MatMul + Add and Relu nodes."""
        import onnx  # optional dependency, imported only here
        from onnx import numpy_helper

        if not isinstance(model, onnx.ModelProto):
            model = onnx.load(str(model))
        init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
        supported = ("Gemm", "MatMul", "Add", "Relu", "Identity", "Flatten")
        bad = [f"{n.op_type} (node {i})" for i, n in enumerate(model.graph.node) if n.op_type not in supported]
        if bad:
            raise InputError("unsupported ONNX operators: " + ", ".join(bad) + "; supported: " + ", ".join(supported))
        layers, relu = [], []
        for i, node in enumerate(model.graph.node):
            attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
            if node.op_type == "Gemm":
                B = init.get(node.input[1])
                if B is None or attrs.get("transA", 0):
                    raise InputError(f"Gemm node {i} needs a constant B and transA = 0", index=i)
                W = attrs.get("alpha", 1.0) * (B if attrs.get("transB", 0) else B.T)
                c = init.get(node.input[2]) if len(node.input) > 2 else None
                b = attrs.get("beta", 1.0) * c if c is not None else np.zeros(W.shape[0])
                layers.append([W, np.broadcast_to(b, (W.shape[0],)).copy()])
                relu.append(False)
            elif node.op_type == "MatMul":
                B = init.get(node.input[1])
                if B is None:
                    raise InputError(f"MatMul node {i} needs a constant right operand", index=i)
                layers.append([B.T, np.zeros(B.shape[1])])
                relu.append(False)
            elif node.op_type == "Add":
                c = init.get(node.input[1], init.get(node.input[0]))
                if not layers or c is None:
                    raise InputError(f"Add node {i} does not add a constant bias to a layer", index=i)
                layers[-1][1] = layers[-1][1] + c
            elif node.op_type == "Relu":
                if not layers or relu[-1]:
                    raise InputError(f"Relu node {i} does not follow a linear layer", index=i)
                relu[-1] = True
        if not layers:
            raise InputError("the ONNX graph has no Gemm or MatMul node")
        return cls([tuple(p) for p in layers], relu=relu)


def _snap(a: np.ndarray, max_den: int) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = Fraction(float(v)).limit_denominator(max_den)
    return out


def _to_fractions(a: np.ndarray) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = Fraction(float(v))
    return out


def _parse_fractions(a: np.ndarray) -> np.ndarray:
    out = np.empty(a.shape, dtype=object)
    for idx, v in np.ndenumerate(a):
        out[idx] = Fraction(str(v))
    return out
