# cython: language_level=3
"""Float64 loops over numpy buffers: forward passes, activation-pattern packing and hashing.

Everything here is floating point and therefore approximate near region boundaries; exact decisions
belong to the C++ core (``tropgeom._core``).
"""
import numpy as np

from libc.stdint cimport uint8_t, uint64_t


cdef void _affine(const double[:, ::1] W, const double[::1] b, const double[:, ::1] X,
                  double[:, ::1] Z) noexcept nogil:
    cdef Py_ssize_t n = X.shape[0], o = W.shape[0], k = W.shape[1], i, j, t
    cdef double s
    for i in range(n):
        for j in range(o):
            s = b[j]
            for t in range(k):
                s = s + W[j, t] * X[i, t]
            Z[i, j] = s


cdef void _relu_bits(double[:, ::1] Z, uint8_t[:, ::1] bits, Py_ssize_t offset,
                     bint relu) noexcept nogil:
    # Records bit (pre-activation > 0) at column offset + j, then applies the ReLU in place.
    cdef Py_ssize_t n = Z.shape[0], o = Z.shape[1], i, j, c
    for i in range(n):
        for j in range(o):
            if Z[i, j] > 0:
                c = offset + j
                bits[i, c >> 3] |= <uint8_t>(1 << (c & 7))
            elif relu:
                Z[i, j] = 0


def _run(list Ws, list bs, list relu, X, bint want_bits):
    cdef const double[:, ::1] cur = np.ascontiguousarray(X, dtype=np.float64)
    cdef Py_ssize_t n = cur.shape[0], hidden = sum(W.shape[0] for W, r in zip(Ws, relu) if r)
    cdef Py_ssize_t offset = 0
    cdef uint8_t[:, ::1] bits = np.zeros((n, (hidden + 7) // 8), dtype=np.uint8)
    cdef double[:, ::1] Z
    for W, b, r in zip(Ws, bs, relu):
        Z = np.empty((n, W.shape[0]), dtype=np.float64)
        _affine(W, b, cur, Z)
        if r:
            if want_bits:
                _relu_bits(Z, bits, offset, True)
            else:
                np.maximum(Z, 0, out=np.asarray(Z))
            offset += Z.shape[1]
        cur = Z
    return np.asarray(cur), np.asarray(bits)


def forward(list Ws, list bs, list relu, X):
    """Float64 forward pass of the rows of X (ReLU after each layer flagged in ``relu``)."""
    return _run(Ws, bs, relu, X, False)[0]


def patterns(list Ws, list bs, list relu, X):
    """Packed activation patterns: bit j (little-endian within bytes) of row i is 1 iff hidden
    neuron j (in layer order) has a positive pre-activation at X[i]."""
    return _run(Ws, bs, relu, X, True)[1]


def hash_rows(const uint8_t[:, ::1] P):
    """64-bit FNV-1a hash of every row of a packed pattern array."""
    cdef Py_ssize_t n = P.shape[0], m = P.shape[1], i, j
    out = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] h = out
    cdef uint64_t v
    with nogil:
        for i in range(n):
            v = 14695981039346656037ULL
            for j in range(m):
                v = (v ^ P[i, j]) * 1099511628211ULL
            h[i] = v
    return out
