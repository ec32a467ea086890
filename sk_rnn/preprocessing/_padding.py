"""Ragged sequences to a NaN-padded 3-D array: the form that survives a Pipeline."""

from __future__ import annotations

from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions, _fit_context
from .._data.panels import is_panel, panel_instances
from .._data.parsing import check_sequences

__all__ = ["SequencePadder"]


class SequencePadder(TransformerMixin, BaseEstimator):
    """Pad sequences of different lengths into one 3-D array, marking padding with NaN.

    A list of arrays of shape ``(T_i, n_features)`` or ``(T_i,)`` becomes an
    array of shape ``(n_samples, max_len_, n_features)``: each sequence's steps
    come first, the remaining steps are all-NaN. Only one X travels between the
    steps of a :class:`~sklearn.pipeline.Pipeline`, and this is the form in which
    the lengths travel with it; every sk_rnn estimator reads trailing (and
    leading) all-NaN steps as padding and never feeds them to the network.

    A panel (a DataFrame indexed by (instance, time)) becomes one padded
    sequence per instance, in the order the instances first appear; the
    instance labels are dropped. A ``y`` indexed by instance in another order
    is refused in ``fit``, since the estimator after this step would read it
    in its own order. The estimators read panels themselves, aligning ``y``
    by instance: passing them the panel keeps the labels.

    Parameters
    ----------
    max_len : int or None, default=None
        Number of steps of the output. None uses the longest sequence seen in
        ``fit``. Longer sequences are cut (see ``keep``).
    keep : {"last", "first"}, default="last"
        Which steps of a sequence longer than ``max_len_`` to keep: the most
        recent ones (usual for time series) or the first ones.

    Attributes
    ----------
    max_len_ : int
        Number of steps of the output.
    n_features_in_ : int
        Features per step (columns, for a 2-D X read as univariate sequences).
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of X, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    sk_rnn.LSTMClassifier : Reads the padded array, packing the valid steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn.preprocessing import SequencePadder
    >>> X = [np.array([1.0, 2.0, 3.0]), np.array([4.0])]
    >>> padded = SequencePadder().fit_transform(X)
    >>> padded.shape
    (2, 3, 1)
    >>> padded[:, :, 0]
    array([[ 1.,  2.,  3.],
           [ 4., nan, nan]])
    >>> SequencePadder(max_len=2).fit_transform(X)[:, :, 0]
    array([[ 2.,  3.],
           [ 4., nan]])
    >>> [s.ravel().tolist() for s in SequencePadder().fit(X).inverse_transform(padded)]
    [[1.0, 2.0, 3.0], [4.0]]
    """

    _parameter_constraints: ClassVar[dict] = {
        "max_len": [Interval(Integral, 1, None, closed="left"), None],
        "keep": [StrOptions({"last", "first"})],
    }

    def __init__(self, max_len: int | None = None, keep: str = "last") -> None:
        self.max_len = max_len
        self.keep = keep

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None):
        """Learn the number of features per step and, without ``max_len``, the longest length.

        Parameters
        ----------
        X : list of array-like of shape (T_i, n_features) or (T_i,), or array-like
            Sequences: a ragged list, a 3-D array (possibly already NaN-padded)
            or a 2-D array of univariate sequences.
        y : None
            Ignored.

        Returns
        -------
        self : SequencePadder
        """
        _check_panel_target(X, y)
        sequences = check_sequences(self, X, reset=True, table_dtype=[np.float64, np.float32])
        if self.max_len is not None:
            self.max_len_ = self.max_len
        elif sequences.lengths is None:
            self.max_len_ = sequences.n_steps
        else:
            self.max_len_ = int(sequences.lengths.max())
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Pad (and cut) the sequences to ``max_len_`` steps.

        Parameters
        ----------
        X : list of array-like of shape (T_i, n_features) or (T_i,), or array-like
            Sequences with the features per step seen in ``fit``.

        Returns
        -------
        X_padded : ndarray of shape (n_samples, ``max_len_``, n_features)
            float64 (float32 when every input is float32); all-NaN steps after
            each sequence's own steps.
        """
        check_is_fitted(self)
        sequences = check_sequences(self, X, reset=False, table_dtype=[np.float64, np.float32])
        dtype = np.float32 if sequences.values.dtype == np.float32 else np.float64
        return sequences.padded(self.max_len_, keep=self.keep, dtype=dtype)

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """Strip the padding: one ``(T_i, n_features)`` array per sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features)
            Padded sequences.

        Returns
        -------
        sequences : list of ndarray of shape (T_i, n_features)
        """
        check_is_fitted(self)
        sequences = check_sequences(self, X, reset=False, table_dtype=[np.float64, np.float32])
        if sequences.lengths is None:
            return list(np.asarray(sequences.values))
        return [
            np.asarray(values[start : start + length])
            for values, start, length in zip(
                sequences.values, sequences.starts, sequences.lengths, strict=True
            )
        ]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _check_panel_target(X: Any, y: Any) -> None:
    """A panel's y indexed by instance must follow the padded array's order, which has no labels.

    The estimators align such a y to a panel by instance label; after
    padding they get an array in the panel's order (instances by first
    appearance) and read y in its own order.
    """
    if not is_panel(X) or not isinstance(y, pd.Series | pd.DataFrame) or isinstance(y.index, pd.MultiIndex):
        return
    instances = panel_instances(X)
    if isinstance(y.index, pd.RangeIndex) or y.index.equals(instances):
        return
    raise ValueError(
        "SequencePadder got a panel and a y indexed by instance in another order than the panel's "
        f"({list(y.index[:3])}... against {list(instances[:3])}...). The padded array keeps the "
        "panel's order and drops its instance labels, so the estimator after it would read y in its "
        "own order. Reorder y first (y.loc[X.index.unique(level=0)]), or pass the panel to the "
        "estimator itself, which pads it and aligns y by instance."
    )
