"""Recurrent regressors: one number (or one vector, e.g. a forecast horizon) per sequence."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from sklearn.base import RegressorMixin

from ._base import _BaseRNN, _CellSelection
from ._docstrings import fill_doc
from ._validation import check_regression_target

__all__ = ["GRURegressor", "LSTMRegressor", "RNNRegressor"]


class _RNNRegressorBase(RegressorMixin, _BaseRNN):
    """Targets standardised for training, mean squared error, predictions mapped back."""

    _criterion = torch.nn.MSELoss

    def _encode_target(self, y: Any) -> tuple[np.ndarray, int]:
        y = check_regression_target(self, y)
        self._y_was_1d = y.ndim == 1
        y = y.reshape(len(y), -1)
        # Standardising the target lets the defaults (learning rate, gradient
        # clipping, initialisation) work whatever the unit of y is.
        self._y_mean = y.mean(axis=0)
        scale = y.std(axis=0)
        self._y_scale = np.where(scale > 0, scale, 1.0)
        self.n_outputs_ = y.shape[1]
        return ((y - self._y_mean) / self._y_scale).astype(np.float32), y.shape[1]

    def predict(self, X: Any) -> np.ndarray:
        """Predict the target of each sequence.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Sequences.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when ``fit`` got a 1-D y.
        """
        y = self._forward(X) * self._y_scale + self._y_mean
        return y[:, 0] if self._y_was_1d else y

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


_REGRESSOR_ATTRIBUTES = """n_outputs_ : int
        Number of targets per sequence (columns of a 2-D y).

    {shared_attributes}"""

_REGRESSOR_NOTES = """{data_notes}

    The target is standardised (per column) for training and mapped back in
    ``predict``, so the defaults work whatever its unit; the loss is the mean
    squared error on the standardised target."""


def _regressor_doc(cls):
    cls.__doc__ = cls.__doc__.replace("{regressor_attributes}", _REGRESSOR_ATTRIBUTES).replace(
        "{regressor_notes}", _REGRESSOR_NOTES
    )
    return fill_doc(cls)


@_regressor_doc
class RNNRegressor(_CellSelection, _RNNRegressorBase):
    """Recurrent network regressor with a choice of cell: one target vector per sequence.

    Parameters
    ----------
    {cell_parameter}

    {shared_parameters}

    Attributes
    ----------
    {regressor_attributes}

    See Also
    --------
    LSTMRegressor : The same estimator with ``cell="lstm"`` fixed.
    GRURegressor : The same estimator with ``cell="gru"`` fixed.
    RNNClassifier : Recurrent classification.

    Notes
    -----
    {regressor_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn import RNNRegressor
    >>> t = np.arange(1000)
    >>> series = np.sin(0.1 * t)
    >>> X = np.lib.stride_tricks.sliding_window_view(series[:-1], 20)  # windows of 20 steps
    >>> y = series[20:]                                                # the next value
    >>> reg = RNNRegressor(cell="indrnn", max_epochs=20, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """


@_regressor_doc
class LSTMRegressor(_RNNRegressorBase):
    """Long short-term memory (LSTM) regressor: one target vector per sequence.

    Parameters
    ----------
    {shared_parameters}

    Attributes
    ----------
    {regressor_attributes}

    See Also
    --------
    RNNRegressor : The same estimator with the cell as a hyperparameter.
    GRURegressor : Gated recurrent unit regressor.

    Notes
    -----
    {regressor_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn import LSTMRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(300, 10, 2))
    >>> y = np.c_[X[:, :, 0].sum(axis=1), X[:, -1, 1]]   # two targets per sequence
    >>> reg = LSTMRegressor(max_epochs=30, random_state=0).fit(X, y)
    >>> reg.predict(X[:4]).shape
    (4, 2)
    """

    _fixed_cell = "lstm"


@_regressor_doc
class GRURegressor(_RNNRegressorBase):
    """Gated recurrent unit (GRU) regressor: one target vector per sequence.

    Parameters
    ----------
    {shared_parameters}

    Attributes
    ----------
    {regressor_attributes}

    See Also
    --------
    RNNRegressor : The same estimator with the cell as a hyperparameter.
    LSTMRegressor : Long short-term memory regressor.

    Notes
    -----
    {regressor_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn import GRURegressor
    >>> X = np.random.RandomState(0).normal(size=(200, 15))  # 200 univariate sequences
    >>> y = X[:, -3:].sum(axis=1)
    >>> GRURegressor(max_epochs=30, random_state=0).fit(X, y).predict(X[:3]).shape
    (3,)
    """

    _fixed_cell = "gru"
