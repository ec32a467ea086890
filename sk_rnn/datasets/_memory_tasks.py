"""Long-memory tasks: what a recurrent network must carry across many steps.

The adding problem (Hochreiter & Schmidhuber, 1997; the benchmark Li et al.,
2018, use for IndRNN), the copy task (Arjovsky et al., 2016) and the digits
read pixel by pixel (sequential MNIST's small cousin). Each has a baseline
that remembers nothing, against which learning shows.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.datasets import load_digits
from sklearn.utils import Bunch, check_random_state

from .._compat import Interval, validate_params

__all__ = ["load_sequential_digits", "make_adding_problem", "make_copy_task"]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_timesteps": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_adding_problem(n_samples: int = 1000, n_timesteps: int = 100, *, random_state=None):
    """The adding problem: the sum of the two marked numbers of a long sequence.

    Each step holds two features: a number drawn uniformly from [0, 1], and a
    marker that is 1 at exactly two steps (one in the first half of the
    sequence, one in the second) and 0 elsewhere. The target is the sum of
    the two marked numbers. Predicting the mean, 1, scores a mean squared
    error of 1/6 (about 0.167): a model that beats it carried a number across
    up to ``n_timesteps`` steps.

    Parameters
    ----------
    n_samples : int, default=1000
        Sequences.
    n_timesteps : int, default=100
        Steps per sequence (at least 2).
    random_state : int, RandomState instance or None, default=None
        Seeds the numbers and the marker positions.

    Returns
    -------
    X : ndarray of shape (n_samples, n_timesteps, 2)
        The numbers (feature 0) and the markers (feature 1), float32.
    y : ndarray of shape (n_samples,)
        The sums of the two marked numbers.

    Examples
    --------
    >>> from sk_rnn.datasets import make_adding_problem
    >>> X, y = make_adding_problem(n_samples=3, n_timesteps=50, random_state=0)
    >>> X.shape, y.shape
    ((3, 50, 2), (3,))
    >>> X[:, :, 1].sum(axis=1)  # two marked steps per sequence
    array([2., 2., 2.], dtype=float32)
    """
    rng = check_random_state(random_state)
    numbers = rng.uniform(size=(n_samples, n_timesteps))
    half = n_timesteps // 2
    first = rng.randint(0, half, size=n_samples)
    second = rng.randint(half, n_timesteps, size=n_samples)
    markers = np.zeros((n_samples, n_timesteps))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([numbers, markers], axis=2).astype(np.float32)
    return X, numbers[rows, first] + numbers[rows, second]


@validate_params(
    {
        "n_samples": [Interval(Integral, 1, None, closed="left")],
        "n_timesteps": [Interval(Integral, 0, None, closed="left")],
        "n_symbols": [Interval(Integral, 2, None, closed="left")],
        "sequence_length": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def make_copy_task(
    n_samples: int = 1000,
    n_timesteps: int = 100,
    *,
    n_symbols: int = 8,
    sequence_length: int = 10,
    random_state=None,
):
    """The copy task: recall a sequence of symbols after a long blank delay.

    Each input shows ``sequence_length`` symbols, then ``n_timesteps`` blank
    steps, then a go signal, then blanks while the model must output the
    symbols in order; every other step's target is blank. Inputs are one-hot
    vectors over ``n_symbols + 2`` values (the symbols, blank, go), so any
    estimator reads them; targets are labels per step (0 blank, 1 to
    ``n_symbols`` the symbols), for ``output="sequence"``. A model that
    remembers nothing outputs blanks and guesses the recalled symbols: its
    accuracy over all steps is ``1 - sequence_length * (1 - 1 / n_symbols) / T``
    with ``T = n_timesteps + 2 * sequence_length + 1`` steps.

    Parameters
    ----------
    n_samples : int, default=1000
        Sequences.
    n_timesteps : int, default=100
        Blank steps between the symbols and the go signal: the delay to
        remember across.
    n_symbols : int, default=8
        Distinct symbols.
    sequence_length : int, default=10
        Symbols to copy.
    random_state : int, RandomState instance or None, default=None
        Seeds the symbols.

    Returns
    -------
    X : ndarray of shape (n_samples, T, n_symbols + 2)
        One-hot inputs, float32: columns 0 to ``n_symbols - 1`` the symbols,
        then blank, then go.
    y : ndarray of shape (n_samples, T)
        Per-step labels, int64: 0 for blank, ``s + 1`` for symbol ``s``.

    Examples
    --------
    >>> from sk_rnn.datasets import make_copy_task
    >>> X, y = make_copy_task(n_samples=2, n_timesteps=5, n_symbols=4, sequence_length=3, random_state=0)
    >>> X.shape, y.shape
    ((2, 12, 6), (2, 12))
    >>> y[0]
    array([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 4, 2])
    """
    rng = check_random_state(random_state)
    length = n_timesteps + 2 * sequence_length + 1
    symbols = rng.randint(0, n_symbols, size=(n_samples, sequence_length))
    blank, go = n_symbols, n_symbols + 1
    inputs = np.full((n_samples, length), blank)
    inputs[:, :sequence_length] = symbols
    inputs[:, sequence_length + n_timesteps] = go
    X = np.eye(n_symbols + 2, dtype=np.float32)[inputs]
    y = np.zeros((n_samples, length), dtype=np.int64)
    y[:, length - sequence_length :] = symbols + 1
    return X, y


@validate_params({"return_X_y": ["boolean"]}, prefer_skip_nested_validation=True)
def load_sequential_digits(*, return_X_y: bool = False):
    """scikit-learn's 8x8 digits read one pixel at a time: 64 steps of 1 feature.

    The small cousin of sequential MNIST: the network sees the image as a
    sequence of 64 intensities (row by row, left to right) and must classify
    it at the end, so the first rows' strokes must survive 64 steps. Read
    row by row instead (``images`` of shape (n, 8, 8)), the task takes 8 steps.

    Provenance and licence: the optical recognition of handwritten digits data
    set of the UCI repository (Alpaydin & Kaynak, 1998), as shipped inside
    scikit-learn (:func:`sklearn.datasets.load_digits`), under CC BY 4.0.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(X, y)`` instead of a Bunch.

    Returns
    -------
    data : Bunch
        ``data``: ndarray of shape (1797, 64, 1), pixel intensities 0 to 16
        as float32; ``target``: the digits; ``DESCR``: this text.
    (X, y) : tuple
        With ``return_X_y=True``.

    Examples
    --------
    >>> from sk_rnn.datasets import load_sequential_digits
    >>> X, y = load_sequential_digits(return_X_y=True)
    >>> X.shape, y[:5]
    ((1797, 64, 1), array([0, 1, 2, 3, 4]))
    """
    digits = load_digits()
    X = digits.images.reshape(len(digits.images), 64, 1).astype(np.float32)
    if return_X_y:
        return X, digits.target
    return Bunch(data=X, target=digits.target, DESCR=load_sequential_digits.__doc__)
