"""Per-feature standardisation of sequences: StandardScaler for 3-D, padded and ragged input."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._compat import _fit_context, _wrap_data_with_container
from .._data.panels import is_panel
from .._data.parsing import as_list_of_sequences, check_sequences
from .._data.sequences import scale_or_one

__all__ = ["SequenceScaler"]


class _TablesFollowSetOutput(
    OneToOneFeatureMixin, TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """``set_output`` for the 2-D tables among a transformer's outputs; sequences keep their form.

    scikit-learn wraps every output of ``transform`` and ``fit_transform`` in
    the configured container (a DataFrame with ``set_output(transform="pandas")``
    or a global ``transform_output="pandas"``), and a 3-D array or a list of
    sequences has no such form: wrapping one fails inside pandas. These two
    methods are defined here, unwrapped (``auto_wrap_output_keys=None``), and
    wrap only 2-D arrays themselves; a subclass keeps ``set_output``, since
    scikit-learn offers it wherever ``transform`` and
    ``get_feature_names_out`` exist, but must not define either method again.
    """

    def _map(self, X: Any, forward: bool) -> Any:
        raise NotImplementedError

    def _in_configured_container(self, output: Any, X: Any) -> Any:
        if isinstance(output, np.ndarray) and output.ndim == 2:
            return _wrap_data_with_container("transform", output, X, self)
        return output

    def transform(self, X: Any) -> Any:
        """Standardise every step; padding steps stay NaN.

        Parameters
        ----------
        X : array-like, list of arrays or panel DataFrame
            Sequences with the features per step seen in ``fit``.

        Returns
        -------
        X_scaled : same form as X
            float64 (float32 for float32 arrays); a 2-D table follows
            ``set_output``.
        """
        return self._in_configured_container(self._map(X, forward=True), X)

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        """``fit(X)``, then ``transform(X)``.

        Parameters
        ----------
        X : array-like, list of arrays or panel DataFrame
            Training sequences.
        y : None
            Ignored.
        **fit_params : dict
            Passed to ``fit``.

        Returns
        -------
        X_scaled : same form as X
        """
        return self.fit(X, y, **fit_params).transform(X)


class SequenceScaler(_TablesFollowSetOutput):
    """Standardise every feature of every step by the mean and standard deviation of the training steps.

    :class:`~sklearn.preprocessing.StandardScaler` scales the columns of a
    2-D table; sequences have a third axis, and their padding must stay
    padding. ``SequenceScaler`` learns one mean and one standard deviation per
    *feature*, over all valid steps of all training sequences (padding
    ignored), and maps ``x -> (x - mean_) / scale_`` at every step. All-NaN
    padding steps stay NaN, so its output feeds any sk_rnn estimator.

    X takes the forms every sk_rnn estimator takes: a 3-D array
    ``(n_samples, n_timesteps, n_features)`` (NaN-padded or not), a list of
    ``(T_i, n_features)`` or ``(T_i,)`` arrays, a 2-D table of univariate
    sequences (one feature per step, so one mean and one scale for the whole
    table), or a pandas panel indexed by (instance, time), whose columns are
    the features. The output has the form of the input; with
    ``set_output(transform="pandas")`` a 2-D table comes back as a DataFrame,
    while 3-D arrays and lists, which no DataFrame can hold, keep their form.

    The sk_rnn estimators already standardise their inputs internally (see
    their ``input_scaling``); use this transformer to make the step visible in
    a Pipeline, or for models that do not.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of each feature.
    with_std : bool, default=True
        Divide by the standard deviation of each feature.

    Attributes
    ----------
    mean_ : ndarray of shape (n_step_features,) or None
        Mean of each feature over the valid training steps (None without ``with_mean``).
    var_ : ndarray of shape (n_step_features,) or None
        Variance of each feature over the valid training steps (None without ``with_std``).
    scale_ : ndarray of shape (n_step_features,) or None
        Standard deviation of each feature, 1 where it is zero (None without ``with_std``).
    n_features_in_ : int
        Columns of X for a 2-D table, features per step otherwise.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of X, when ``fit`` got a DataFrame with string columns.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same for the columns of a 2-D table.
    sk_rnn.preprocessing.SequencePadder : Pads ragged sequences with NaN steps.

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn.preprocessing import SequenceScaler
    >>> X = np.array([[[0.0, 10.0], [2.0, 30.0]],
    ...               [[4.0, 50.0], [np.nan, np.nan]]])   # the second sequence has one step
    >>> scaler = SequenceScaler().fit(X)
    >>> scaler.mean_, scaler.scale_.round(3)
    (array([ 2., 30.]), array([ 1.633, 16.33 ]))
    >>> scaler.transform(X)[:, :, 0].round(3)
    array([[-1.225,  0.   ],
           [ 1.225,    nan]])
    >>> [s.shape for s in scaler.transform([np.ones((3, 2)), np.ones((1, 2))])]
    [(3, 2), (1, 2)]
    """

    _parameter_constraints: ClassVar[dict] = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
    }

    def __init__(self, *, with_mean: bool = True, with_std: bool = True) -> None:
        self.with_mean = with_mean
        self.with_std = with_std

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None):
        """Learn the mean and standard deviation of every feature over the valid steps.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                list of arrays of shape (T_i, n_features), or panel DataFrame
            Training sequences; all-NaN steps at the start or end of a sequence are padding.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceScaler
        """
        sequences = check_sequences(self, X, reset=True, table_dtype=[np.float64, np.float32])
        mean, std = sequences.feature_moments()
        self.mean_ = mean if self.with_mean else None
        self.var_ = std**2 if self.with_std else None
        self.scale_ = scale_or_one(mean, std) if self.with_std else None
        return self

    def _map(self, X: Any, forward: bool) -> Any:
        check_is_fitted(self, "n_features_in_")
        sequences = check_sequences(self, X, reset=False, table_dtype=[np.float64, np.float32])
        n_step_features = sequences.n_features
        mean = np.zeros(n_step_features) if self.mean_ is None else self.mean_
        scale = np.ones(n_step_features) if self.scale_ is None else self.scale_

        def apply(values: Any) -> np.ndarray:
            values = np.asarray(values)
            dtype = np.float32 if values.dtype == np.float32 else np.float64
            # mean and scale hold one value per step feature: they broadcast over
            # the last axis of (n, T, F) and (T_i, F) arrays, and, with a single
            # feature, over a 2-D table or (T_i,) sequences.
            values = values.astype(np.float64, copy=False)
            out = (values - mean) / scale if forward else values * scale + mean
            return out.astype(dtype, copy=False)

        if is_panel(X):
            # float32 columns stay float32, as a float32 array's values do.
            values = X.to_numpy()
            values = values if values.dtype == np.float32 else X.to_numpy(dtype=np.float64)
            return pd.DataFrame(apply(values), index=X.index, columns=X.columns)
        if sequences.from_list:
            # The sequences as the parser read them: a nested DataFrame's rows, not its columns.
            return [apply(sequence) for sequence in as_list_of_sequences(type(self).__name__, X)]
        return apply(X.to_numpy() if hasattr(X, "iloc") else X)

    def inverse_transform(self, X: Any) -> Any:
        """Map standardised sequences back to the original units.

        Parameters
        ----------
        X : array-like, list of arrays or panel DataFrame
            Standardised sequences.

        Returns
        -------
        X_original : same form as X
        """
        return self._map(X, forward=False)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
