"""Raising at the first bad value of an array, with a message that says where it is.

Every check of X, y and series reports the position of the first offending
value; this module is the one place that finds it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["raise_at_first", "raise_on_non_finite"]


def raise_at_first(mask: np.ndarray, message: Callable[[tuple[int, ...]], str]) -> None:
    """Raise ``ValueError(message(position))`` at the first True entry of ``mask``, if any."""
    if not mask.any():
        return
    position = tuple(int(i) for i in np.argwhere(mask)[0])
    raise ValueError(message(position))


def raise_on_non_finite(values: np.ndarray, message: Callable[[tuple[int, ...], str], str]) -> None:
    """Raise ``ValueError(message(position, kind))`` at the first NaN or inf of ``values``.

    ``kind`` is "NaN" or "inf". Arrays that cannot hold either (integers) pass.
    """
    if values.dtype.kind != "f":
        return
    finite = np.isfinite(values)
    if finite.all():
        return
    position = tuple(int(i) for i in np.argwhere(~finite)[0])
    kind = "NaN" if np.isnan(values[position]) else "inf"
    raise ValueError(message(position, kind))
