"""Whether float32 can carry a data set's values to the network's standardisation.

The networks compute in float32, and their batches were cast to float32
before the network standardised them. float32 keeps 24 significant bits, so
a value ``x`` is rounded by up to ``|x| * 2**-24``: values far from zero
relative to their spread lose the digits the standardisation reads. Unix
times in seconds (1.7e9, rounded to 128 s), or a level of 1e7 that varies by
units, reach the network as noise. Such data is standardised in float64
first, and the network computes in float32 from there.
"""

from __future__ import annotations

import numpy as np

from .sequences import CHUNK_ROWS, CONSTANT_RELATIVE_STD, Sequences

__all__ = ["float32_loses_spread", "float32_rounds_levels"]

# Values more than 2**14 times the spread they are standardised by keep
# fewer than 10 bits of it in float32: rounding errors above a thousandth of
# a standard deviation. Below that, float32 is kept, as it was chosen for speed.
_SAFE_LEVEL_TO_SPREAD = 2.0**14
# A spread this small reaches float32's subnormal range within 24 bits (and
# below about 1.2e-38 it is subnormal itself, which training flushes to
# zero): such data is standardised in float64, whatever its dtype.
_SMALLEST_FLOAT32_SPREAD = float(np.finfo(np.float32).tiny / np.finfo(np.float32).eps)


def float32_loses_spread(
    X: Sequences, features: np.ndarray, scale: np.ndarray, *, per_sequence: bool
) -> bool:
    """Whether a float32 copy of ``X`` would round away what standardising ``features`` reads.

    Parameters
    ----------
    X : Sequences
        The training sequences; only float64 values can hold more than float32.
    features : int ndarray
        The positions of the standardised (numeric) features.
    scale : ndarray of shape (len(features),)
        Their data-set-wide deviations, by which every step is standardised.
    per_sequence : bool
        Whether each sequence is also standardised by its own deviation
        (``input_scaling="sequence"``), a finer spread than the data set's.
    """
    if X.tokens or len(features) == 0:
        return False
    if np.any(scale < _SMALLEST_FLOAT32_SPREAD):
        return True
    if X.values.dtype != np.float64:
        return False
    for low in range(0, len(X), CHUNK_ROWS):
        block = X.take(slice(low, low + CHUNK_ROWS))
        valid = block.valid_steps()
        # The valid steps only, laid end to end: a block as wide as one very
        # long sequence would otherwise be copied whole, padding included.
        values = block.values[valid][:, features]
        counts = valid.sum(axis=1)
        starts = np.cumsum(counts) - counts  # every sequence has a valid step
        level = np.maximum.reduceat(np.abs(values), starts, axis=0)
        spread = np.broadcast_to(scale, level.shape)
        if per_sequence:
            own = _own_deviations(values, starts, counts)
            # Constant up to float64 rounding: standardised to zeros whatever float32 does to it.
            own = np.where(own > CONSTANT_RELATIVE_STD * level, own, np.inf)
            spread = np.minimum(spread, own)
        if np.any(level > _SAFE_LEVEL_TO_SPREAD * spread):
            return True
    return False


def float32_rounds_levels(mean: np.ndarray, scale: np.ndarray) -> bool:
    """Whether float32 outputs ``z * scale + mean`` would round away part of ``scale``.

    A regressor's predictions spread by about its targets' deviation
    ``scale`` around their ``mean``; far enough from zero, float32 rounds them
    by more than the limit the inputs are held to.
    """
    return bool(np.any(np.abs(mean) > _SAFE_LEVEL_TO_SPREAD * np.asarray(scale)))


def _own_deviations(values: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Each sequence's standard deviation per feature, from its valid steps laid end to end."""
    means = np.add.reduceat(values, starts, axis=0) / counts[:, np.newaxis]
    centred = values - np.repeat(means, counts, axis=0)  # centred first: levels far from zero
    return np.sqrt(np.add.reduceat(centred**2, starts, axis=0) / counts[:, np.newaxis])
