"""Recurrent regressors: one number (or one vector, e.g. a forecast horizon) per sequence."""

from __future__ import annotations

import functools
import os
from numbers import Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import torch
from numpy.typing import ArrayLike
from scipy.stats import norm
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import check_is_fitted

from ._base import _BaseRNN, _CellSelection
from ._compat import Interval, StrOptions, _fit_context
from ._data.panels import as_pandas
from ._data.sequences import Sequences, moment_unit
from ._data.targets import check_regression_target, per_step_layout, per_step_result
from ._docstrings import fill_doc
from .modules.heads import monotone_quantiles, normal_parameters, outputs_per_target, point_outputs
from .modules.losses import PerSequenceRegressionLoss, PerStepRegressionLoss

__all__ = ["GRURegressor", "LSTMRegressor", "RNNRegressor"]

# The names of HistGradientBoostingRegressor's losses, where they apply, and
# "normal": a predicted mean and standard deviation, by likelihood.
REGRESSION_LOSSES = ("squared_error", "absolute_error", "huber", "quantile", "normal")


def _clean_level(levels: np.ndarray) -> np.ndarray:
    """Quantile levels rounded to 7 decimals, the float noise of their computation removed.

    ``np.linspace(0.1, 0.9, 5)`` holds 0.30000000000000004 and ``np.float32(0.9)``
    is 0.8999999761581421 (float32 keeps about 7 digits); both mean the decimal
    the user wrote, and ``predict_quantiles`` looks levels up by value.
    """
    return np.round(levels, 7)


def _as_levels(value: Any) -> np.ndarray | None:
    """Quantile levels as a flat float array, cleaned; None when they are not numbers.

    None lets the caller say what a level must be: numpy's own error for
    ``["a"]`` or ``[[0.1], [0.2, 0.3]]`` names neither the parameter nor the fix.
    """
    try:
        levels = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError):
        return None
    return _clean_level(levels)


class _RNNRegressorBase(RegressorMixin, _BaseRNN):
    """Targets standardised for training, mean squared error, predictions mapped back."""

    _step_fill = np.nan

    _parameter_constraints: ClassVar[dict] = {
        **_BaseRNN._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like", None],
    }

    def __init__(
        self,
        *,
        hidden_size: int = 128,
        num_layers: int | str = "auto",
        bidirectional: bool | str = "auto",
        dropout: float = 0.2,
        output: str = "auto",
        embedding_dim: int | None = None,
        vocab_size: int | None = None,
        categorical_features: Any = None,
        categorical_embedding_dim: int | str = "auto",
        patch_size: int | str = "auto",
        input_scaling: str | None = "auto",
        cell_params: dict | None = None,
        max_epochs: int | str = "auto",
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate: float | str = "auto",
        learning_rate_schedule: str = "cosine",
        optimizer: str | type = "auto",
        weight_decay: float | str = "auto",
        clip_grad_norm: float | None = 1.0,
        device: str = "cpu",
        precision: str = "float32",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        callbacks: list | None = None,
        checkpoint_dir: str | os.PathLike | None = None,
        record_gradients: bool = False,
        loss: str = "squared_error",
        quantile: float | ArrayLike | None = None,
    ) -> None:
        super().__init__(
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            output=output,
            embedding_dim=embedding_dim,
            vocab_size=vocab_size,
            categorical_features=categorical_features,
            categorical_embedding_dim=categorical_embedding_dim,
            patch_size=patch_size,
            input_scaling=input_scaling,
            cell_params=cell_params,
            max_epochs=max_epochs,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_schedule=learning_rate_schedule,
            optimizer=optimizer,
            weight_decay=weight_decay,
            clip_grad_norm=clip_grad_norm,
            device=device,
            precision=precision,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            callbacks=callbacks,
            checkpoint_dir=checkpoint_dir,
            record_gradients=record_gradients,
        )
        self.loss = loss
        self.quantile = quantile

    def _quantiles(self) -> float | tuple[float, ...] | None:
        """``quantile`` checked: one number, or several sorted, the median (predict's) added."""
        name = type(self).__name__
        if self.loss == "quantile" and self.quantile is None:
            raise ValueError(
                f"{name} got loss='quantile' without quantile: say which one, for instance "
                "quantile=0.9 for the 90th percentile, or several, quantile=[0.1, 0.5, 0.9]."
            )
        if self.loss != "quantile" and self.quantile is not None:
            raise ValueError(
                f"{name} got quantile={self.quantile} with loss={self.loss!r}; the quantile applies "
                "to loss='quantile' only."
            )
        if self.quantile is None:
            return None
        values = _as_levels(self.quantile)
        if values is None or values.size == 0 or not np.all((values > 0) & (values < 1)):
            raise ValueError(
                f"{name} got quantile={self.quantile!r}; each quantile must lie strictly between 0 "
                "and 1, for instance quantile=[0.1, 0.5, 0.9] (levels are kept to 7 decimals: from "
                "1e-07 to 0.9999999)."
            )
        if np.ndim(self.quantile) == 0:  # one number, a numpy scalar or 0-d array included
            return float(values[0])
        return tuple(sorted(set(values.tolist()) | {0.5}))

    def _loss(self, per_step: bool) -> tuple[type[torch.nn.Module], dict]:
        criterion = PerStepRegressionLoss if per_step else PerSequenceRegressionLoss
        return criterion, {"loss": self.loss, "quantile": self._quantiles()}

    def _record_head(self) -> int:
        """Fix what the output layer predicts for this fit; return its outputs per target."""
        quantiles = self._quantiles()
        # Kept from fit: predictions decode the trained network's outputs even
        # if set_params changes loss or quantile afterwards.
        self._head = (self.loss, quantiles)
        self.quantiles_ = None if quantiles is None else np.atleast_1d(np.asarray(quantiles, dtype=float))
        return outputs_per_target(self.loss, len(quantiles) if isinstance(quantiles, tuple) else 1)

    def _validation_point(self):
        return functools.partial(point_outputs, loss=self._head[0], quantiles=self._head[1])

    def _standardise(self, y: np.ndarray, *, keep: bool, weights: np.ndarray | None = None) -> np.ndarray:
        """Standardise each target column of a finite (m, k) array, recording (or, with keep, reusing) how.

        ``weights`` ``(m,)`` weigh the mean and deviation, as repeating rows would.
        """
        if keep:
            # The trained network's outputs are in the units of the first fit.
            if y.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"{type(self).__name__} was trained on {self.n_outputs_} target(s) per sample and "
                    f"continues training (warm_start or partial_fit), but y has {y.shape[1]}. Pass y "
                    "with the same columns, or call fit with warm_start=False to train a new network."
                )
            return (y - self._y_mean) / self._y_scale
        # Standardising the target lets the defaults (learning rate, gradient
        # clipping, initialisation) work whatever the unit of y is.
        # Squares of targets beyond about 1e154 overflow float64, and below
        # about 1e-162 underflow to 0 (a constant target): their moments are
        # taken in units of their largest magnitude.
        unit = moment_unit(np.max(np.abs(y), axis=0))
        in_units = y / unit
        mean = np.average(in_units, axis=0, weights=weights)
        scale = np.sqrt(np.average((in_units - mean) ** 2, axis=0, weights=weights))
        self._y_mean = mean * unit
        self._y_scale = np.where(scale > 0, scale * unit, 1.0)
        self.n_outputs_ = y.shape[1]
        return (y - self._y_mean) / self._y_scale

    def _encode_target(
        self, y: Any, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        y = check_regression_target(self, y)
        self._y_was_1d = y.ndim == 1
        if weights is not None and len(weights) != len(y):
            weights = None  # the sample count check that follows says what is wrong
        standardised = self._standardise(y.reshape(len(y), -1), keep=keep, weights=weights)
        # Batches cast it to the network's float dtype (see ArrayBatches).
        return standardised, self.n_outputs_ * self._record_head()

    def _encode_step_target(
        self, y: Any, X: Sequences, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        layout, self._y_was_1d = per_step_layout(self, y, X)
        valid = X.valid_steps()
        values = check_regression_target(self, layout[valid])
        target = np.full(layout.shape, np.nan)
        step_weights = None if weights is None else weights[valid]
        target[valid] = self._standardise(values, keep=keep, weights=step_weights)
        return target, self.n_outputs_ * self._record_head()

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None):
        """Train one epoch on X and y, continuing from the network trained so far.

        The first call builds the network and standardises the target from
        its y, as ``fit`` would; later calls each train one more epoch with the
        same optimizer (its moments kept), at a constant ``learning_rate_`` (no
        schedule: there is no last epoch to decay towards), and keep the first
        call's target scaling. A training setting changed with ``set_params``
        between calls (``learning_rate``, ``weight_decay``, ``batch_size``,
        ``dropout``, ``clip_grad_norm``, ``verbose``, ``callbacks``, ``loss``
        or ``quantile`` with as many outputs) applies from the next call on;
        one the trained network or the optimizer's state cannot follow (the
        architecture, ``optimizer``, a float64 ``precision``, ``device``) is
        refused. A call that raises leaves the model as it was. After
        ``fit``, the first ``partial_fit`` continues from the fitted weights
        with a new optimizer. ``early_stopping`` is not supported.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Training sequences, with the features of the first call.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, with the outputs of the first call.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss, as in ``fit``.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        return self._partial_fit(X, y, None, sample_weight)

    def _in_target_units(self, values: np.ndarray, *, shift: bool = True) -> np.ndarray:
        """Standardised values ``(..., k)`` in the target's units, 1-D targets without their last axis."""
        y = values * self._y_scale + (self._y_mean if shift else 0.0)
        return y[..., 0] if self._y_was_1d else y

    def _per_target(self, outputs: np.ndarray) -> torch.Tensor:
        """The raw outputs ``(..., k * m)`` as ``(..., k, m)``: the numbers of each target's head."""
        raw = torch.from_numpy(np.ascontiguousarray(outputs))
        return raw.reshape(*outputs.shape[:-1], self.n_outputs_, -1)

    def _shaped(self, sequences: Sequences, y: np.ndarray, columns: pd.Index | None = None) -> Any:
        """Predictions in the form of X: per step for ``output="sequence"``, pandas for a panel.

        A panel's predictions are named as y was (its columns, or its name).
        """
        names = getattr(self, "_y_names", None)  # models saved before it was recorded have none
        return as_pandas(
            sequences,
            per_step_result(sequences, y) if self.output_ == "sequence" else y,
            columns=names if columns is None and isinstance(names, list) else columns,
            name=None if isinstance(names, list) else names,
        )

    def _shaped_quantiles(self, sequences: Sequences, y: np.ndarray, levels: np.ndarray) -> Any:
        """Quantiles ``(..., k, Q)`` in the form of X; a panel's frame has a column per level.

        With several targets a frame cannot hold the last two axes: its
        columns are the (output, quantile) pairs instead.
        """
        if sequences.instances is None:
            return self._shaped(sequences, y[..., 0, :] if self._y_was_1d else y)
        if self._y_was_1d:
            return self._shaped(sequences, y[..., 0, :], pd.Index(levels, name="quantile"))
        outputs = getattr(self, "_y_names", None)
        outputs = outputs if isinstance(outputs, list) else range(self.n_outputs_)
        columns = pd.MultiIndex.from_product([outputs, levels], names=["output", "quantile"])
        return self._shaped(sequences, y.reshape(*y.shape[:-2], -1), columns)

    def predict(self, X: Any, return_std: bool = False) -> Any:
        """Predict the target of each sequence (or each step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Sequences.
        return_std : bool, default=False
            Also return the predicted standard deviation of the target, for a
            network trained with ``loss="normal"``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, 1-D when ``fit`` got a 1-D y: the predicted value,
            the predicted median with several quantiles, the predicted mean
            with ``loss="normal"``. With ``output="sequence"``: one prediction
            per step, an array of shape (n_samples, n_timesteps) or
            (n_samples, n_timesteps, n_outputs), or a list of per-sequence
            arrays when X is a list or holds padding. For a pandas panel X, a
            Series (or DataFrame) indexed by instance, or by (instance, time)
            per step, named as ``fit``'s pandas y was (its name, or its
            columns).
        y_std : ndarray of the shape of y_pred
            The predicted standard deviation, only with ``return_std=True``.
        """
        check_is_fitted(self, "net_")  # before the fitted head is read
        if return_std and self._head[0] != "normal":
            raise ValueError(
                f"{type(self).__name__}.predict(X, return_std=True) needs a network that predicts "
                f"a standard deviation, but this one was trained with loss={self._head[0]!r}. Fit "
                "with loss='normal'; for quantiles, fit with loss='quantile', quantile=[0.05, 0.5, "
                "0.95] and call predict_quantiles."
            )
        sequences, outputs = self._forward(X)
        y = self._in_target_units(point_outputs(outputs, *self._head))
        if not return_std:
            return self._shaped(sequences, y)
        std = self._in_target_units(normal_parameters(self._per_target(outputs))[1].numpy(), shift=False)
        return self._shaped(sequences, y), self._shaped(sequences, std)

    def predict_quantiles(self, X: Any, quantiles: ArrayLike | None = None) -> Any:
        """Predict quantiles of the target of each sequence (or each step); they never cross.

        Available after fitting with ``loss="quantile"`` (the fitted quantiles,
        ``quantiles_``) or with ``loss="normal"`` (any quantiles of the
        predicted normal distribution).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Sequences.
        quantiles : array-like of float in (0, 1), default=None
            The quantiles to return, in increasing order. ``None``: all of
            ``quantiles_``. With ``loss="quantile"`` they must be among
            ``quantiles_``; with ``loss="normal"`` they are required.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or (n_samples, n_outputs, n_quantiles)
            The predicted quantiles along the last axis, the first shape when
            ``fit`` got a 1-D y. With ``output="sequence"`` one set per step,
            an array (n_samples, n_timesteps, ...) or a list of per-sequence
            arrays. For a pandas panel X, a DataFrame indexed by instance (or
            by (instance, time) per step) with one column per quantile level,
            or per (output, quantile) pair when ``fit`` got several targets
            (the outputs named as the columns of a DataFrame y).

        Examples
        --------
        >>> import numpy as np
        >>> from sk_rnn import GRURegressor
        >>> rng = np.random.RandomState(0)
        >>> X = rng.normal(size=(400, 10))
        >>> y = X[:, -1] + rng.normal(scale=0.5, size=400)
        >>> reg = GRURegressor(loss="quantile", quantile=[0.1, 0.9], max_epochs=20, random_state=0)
        >>> reg.fit(X, y).quantiles_
        array([0.1, 0.5, 0.9])
        >>> bands = reg.predict_quantiles(X)
        >>> bands.shape, bool(np.all(np.diff(bands, axis=1) >= 0))
        ((400, 3), True)
        """
        check_is_fitted(self, "net_")
        wanted = self._wanted_quantiles(quantiles)
        sequences, outputs = self._forward(X)
        raw = self._per_target(outputs)
        if self._head[0] == "normal":
            mean, std = (part.numpy()[..., np.newaxis] for part in normal_parameters(raw))
            values = mean + std * norm.ppf(wanted)
        else:
            columns = np.searchsorted(self.quantiles_, wanted)
            values = monotone_quantiles(raw).numpy()[..., columns] if raw.shape[-1] > 1 else raw.numpy()
        y = values * self._y_scale[:, np.newaxis] + self._y_mean[:, np.newaxis]
        return self._shaped_quantiles(sequences, y, wanted)

    def _wanted_quantiles(self, quantiles: ArrayLike | None) -> np.ndarray:
        """The quantiles ``predict_quantiles`` returns, checked against what the network predicts."""
        name = type(self).__name__
        loss = self._head[0]
        if loss not in ("quantile", "normal"):
            raise ValueError(
                f"{name}.predict_quantiles needs a network that predicts quantiles or a "
                f"distribution, but this one was trained with loss={loss!r}. Fit with "
                "loss='quantile' and quantile=[0.05, 0.5, 0.95], or with loss='normal'."
            )
        if quantiles is None:
            if loss == "normal":
                raise ValueError(
                    f"{name}.predict_quantiles on a network trained with loss='normal' needs the "
                    "quantiles to return, for instance quantiles=[0.05, 0.5, 0.95]."
                )
            return self.quantiles_
        wanted = _as_levels(quantiles)
        if (
            wanted is None
            or wanted.size == 0
            or not np.all((wanted > 0) & (wanted < 1))
            or np.any(np.diff(wanted) <= 0)
        ):
            raise ValueError(
                f"{name}.predict_quantiles got quantiles={quantiles!r}; pass increasing numbers "
                "strictly between 0 and 1, for instance [0.05, 0.5, 0.95] (levels are kept to 7 "
                "decimals: from 1e-07 to 0.9999999)."
            )
        if loss == "quantile":
            missing = wanted[~np.isin(wanted, self.quantiles_)]
            if missing.size:
                raise ValueError(
                    f"{name} was trained for the quantiles {self.quantiles_.tolist()}, not for "
                    f"{missing.tolist()}. Ask for those it has, or fit with quantile= listing "
                    "every quantile you need."
                )
        return wanted

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² over sequences (or, with ``output="sequence"``, over all valid steps).

        Parameters
        ----------
        X : array-like or list of arrays
            Sequences.
        y : array-like or list of arrays
            True targets, in the form ``fit`` takes.
        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the sequences; with ``output="sequence"``, also of shape
            (n_samples, n_timesteps) or one (T_i,) array per sequence: the
            weight of each step, as ``fit`` takes them.

        Returns
        -------
        score : float
        """
        return self._score(
            super().score,
            lambda truth, outputs, weights: r2_score(
                truth.astype(np.float64),
                point_outputs(outputs, *self._head) * self._y_scale + self._y_mean,
                sample_weight=weights,
            ),
            X,
            y,
            sample_weight,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


@fill_doc
class RNNRegressor(_CellSelection, _RNNRegressorBase):
    """Recurrent network regressor with a choice of cell: one target vector per sequence.

    Parameters
    ----------
    {cell_parameter}

    {shared_parameters}

    {regression_loss_parameters}

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

    _parameter_constraints: ClassVar[dict] = {
        **_CellSelection._parameter_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
        "quantile": [Interval(Real, 0, 1, closed="neither"), "array-like", None],
    }

    def __init__(
        self,
        *,
        cell: str = "lstm",
        hidden_size: int = 128,
        num_layers: int | str = "auto",
        bidirectional: bool | str = "auto",
        dropout: float = 0.2,
        output: str = "auto",
        embedding_dim: int | None = None,
        vocab_size: int | None = None,
        categorical_features: Any = None,
        categorical_embedding_dim: int | str = "auto",
        patch_size: int | str = "auto",
        input_scaling: str | None = "auto",
        cell_params: dict | None = None,
        max_epochs: int | str = "auto",
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        tol: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate: float | str = "auto",
        learning_rate_schedule: str = "cosine",
        optimizer: str | type = "auto",
        weight_decay: float | str = "auto",
        clip_grad_norm: float | None = 1.0,
        device: str = "cpu",
        precision: str = "float32",
        random_state: int | np.random.RandomState | None = None,
        verbose: int = 0,
        warm_start: bool = False,
        callbacks: list | None = None,
        checkpoint_dir: str | os.PathLike | None = None,
        record_gradients: bool = False,
        loss: str = "squared_error",
        quantile: float | ArrayLike | None = None,
    ) -> None:
        self.cell = cell
        _RNNRegressorBase.__init__(
            self,
            hidden_size=hidden_size,
            num_layers=num_layers,
            bidirectional=bidirectional,
            dropout=dropout,
            output=output,
            embedding_dim=embedding_dim,
            vocab_size=vocab_size,
            categorical_features=categorical_features,
            categorical_embedding_dim=categorical_embedding_dim,
            patch_size=patch_size,
            input_scaling=input_scaling,
            cell_params=cell_params,
            max_epochs=max_epochs,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_schedule=learning_rate_schedule,
            optimizer=optimizer,
            weight_decay=weight_decay,
            clip_grad_norm=clip_grad_norm,
            device=device,
            precision=precision,
            random_state=random_state,
            verbose=verbose,
            warm_start=warm_start,
            callbacks=callbacks,
            checkpoint_dir=checkpoint_dir,
            record_gradients=record_gradients,
            loss=loss,
            quantile=quantile,
        )


@fill_doc
class LSTMRegressor(_RNNRegressorBase):
    """Long short-term memory (LSTM) regressor: one target vector per sequence.

    Parameters
    ----------
    {shared_parameters}

    {regression_loss_parameters}

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


@fill_doc
class GRURegressor(_RNNRegressorBase):
    """Gated recurrent unit (GRU) regressor: one target vector per sequence.

    Parameters
    ----------
    {shared_parameters}

    {regression_loss_parameters}

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
