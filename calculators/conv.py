"""Output sizes of convolution, transposed convolution and pooling (PyTorch semantics).

Core integer functions (`conv_out`, `conv_transpose_out`, `pool_out`) are exact integer math and are
used by receptive_field/params. The Result-returning wrappers add validation and derivations.
"""
from __future__ import annotations


def conv_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    """⌊(n + 2p − d(k−1) − 1)/s⌋ + 1, no validation."""
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv_transpose_out(n: int, k: int, s: int = 1, p: int = 0, d: int = 1, output_padding: int = 0) -> int:
    """(n−1)s − 2p + d(k−1) + output_padding + 1, no validation."""
    return (n - 1) * s - 2 * p + d * (k - 1) + output_padding + 1


def pool_out(n: int, k: int, s: int | None = None, p: int = 0, d: int = 1, ceil_mode: bool = False) -> int:
    """PyTorch pooling size; with ceil_mode the last window must start inside input or left padding."""
    s = k if s is None else s
    span = n + 2 * p - d * (k - 1) - 1
    if not ceil_mode:
        return span // s + 1
    out = -(-span // s) + 1
    if (out - 1) * s >= n + p:
        out -= 1
    return out
