"""Recurrent classifiers: one label per sequence."""

from __future__ import annotations

import os
from numbers import Number
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import torch
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array

from ._base import _BaseRNN, _CellSelection
from ._compat import StrOptions, _fit_context
from ._data.panels import as_pandas
from ._data.sequences import CHUNK_ROWS, Sequences
from ._data.targets import check_classification_target, per_step_layout, per_step_result
from ._docstrings import fill_doc
from ._warnings import warn_at_user_code
from .modules.losses import IGNORED_CLASS, PerStepCrossEntropyLoss

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["GRUClassifier", "LSTMClassifier", "RNNClassifier"]


def _is_label_indicator(y: Any) -> bool:
    """A 2-D y of 0/1 columns: multilabel classification, as MLPClassifier reads it."""
    try:
        return np.ndim(y) == 2 and type_of_target(y) == "multilabel-indicator"
    except (ValueError, TypeError):
        return False


def _label_kind(label: Any) -> str:
    """ "number" or "string" for a label or a class_weight key; other objects by their type."""
    if isinstance(label, (str, np.str_, bytes)):
        return "string"
    if isinstance(label, (bool, np.bool_, Number)):
        return "number"
    return type(label).__name__


def _sorted_by_class(codes: np.ndarray) -> bool:
    """Whether one label per sequence comes class by class, each class in one run of sequences."""
    if codes.ndim != 1:
        return False
    changes = np.count_nonzero(codes[1:] != codes[:-1])
    return changes == np.unique(codes).size - 1


def _check_class_weight_keys(name: str, class_weight: dict, classes: np.ndarray) -> None:
    """Refuse class_weight keys that cannot be labels of y, such as "1" for the label 1.

    A key of the labels' kind that this y lacks is ignored, as scikit-learn's
    classifiers ignore it: a cross-validation fold, a bagging sample or a
    learning curve's subset may miss a rare class that the whole y has.
    """
    kinds = {_label_kind(label) for label in classes.tolist()}
    foreign = [key for key in class_weight if _label_kind(key) not in kinds]
    if foreign:
        raise ValueError(
            f"{name} got class_weight for {foreign}, which cannot be labels of y (its classes are "
            f"{classes.tolist()}). Key class_weight by the labels of y, with their type: "
            f"{{{classes.tolist()[0]!r}: weight, ...}}."
        )


def _check_class_weight_values(name: str, class_weight: dict) -> None:
    """Refuse class weights that are not finite numbers of at least 0, as sample weights are refused.

    A negative weight turns the loss of its class into a gain, which training
    then maximises without bound; NaN and infinity make every loss NaN, which
    reads as diverged training.
    """
    for label, weight in class_weight.items():
        try:
            value = float(weight)
        except (TypeError, ValueError):
            value = np.nan
        if not np.isfinite(value) or value < 0:
            raise ValueError(
                f"{name} got class_weight={{{label!r}: {weight!r}}}, but class weights must be "
                "finite numbers of at least 0 (0 leaves the class out of the loss). Give every "
                "class a weight of 0 or more, or use class_weight='balanced'."
            )


def _balanced_class_weights(codes: np.ndarray, weights: np.ndarray | None, n_classes: int) -> np.ndarray:
    """``class_weight="balanced"``: ``total / (n_present * total of the class)``, 1 for absent classes.

    A class's total is the sum of its samples' (or steps') weights, as
    scikit-learn's ``compute_class_weight`` counts it given ``sample_weight``:
    a weight of 2 balances as a repeated sequence, and a weight of 0 as a
    removed one. ``n_present`` counts the classes of positive total only: a
    partial_fit chunk, a warm-start refit or zero weights may leave some of
    ``classes_`` with nothing to weigh (a total of 0 would divide by zero).
    """
    totals = np.bincount(codes, weights=weights, minlength=n_classes)
    present = totals > 0
    per_class = np.ones(n_classes)
    per_class[present] = totals.sum() / (present.sum() * totals[present])
    return per_class


class _RNNClassifierBase(ClassifierMixin, _BaseRNN):
    """Labels encoded with LabelEncoder, trained on logits with cross-entropy."""

    _criterion = torch.nn.CrossEntropyLoss
    _step_criterion = PerStepCrossEntropyLoss
    _step_fill = IGNORED_CLASS
    # Targets of 0.9 for the true class (0.1 spread over all classes) instead
    # of 1: on small training sets the logits stop growing once the training
    # data is fitted, which generalises better (see the docs' page on defaults).
    _criterion_params: ClassVar[dict] = {"label_smoothing": 0.1}
    # Whether fit got a label indicator matrix; set by every fit.
    _multilabel: bool = False

    _parameter_constraints: ClassVar[dict] = {
        **_BaseRNN._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
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
        class_weight: dict | str | None = None,
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
        self.class_weight = class_weight

    def _weights_source(self, sample_weight: Any) -> str:
        if self.class_weight is None:
            return "sample_weight"
        return "class_weight" if sample_weight is None else "sample_weight times class_weight"

    def _class_weighted(self, weights: np.ndarray | None, codes: np.ndarray) -> np.ndarray | None:
        """Sample (or step) weights times the weight of each one's class, as ``class_weight`` says."""
        if self.class_weight is None:
            return weights
        if isinstance(self.class_weight, dict):
            _check_class_weight_keys(type(self).__name__, self.class_weight, self.classes_)
            _check_class_weight_values(type(self).__name__, self.class_weight)
        valid = codes != IGNORED_CLASS  # per-step codes mark padding
        if self.class_weight == "balanced":
            per_class = _balanced_class_weights(
                codes[valid], None if weights is None else weights[valid], len(self.classes_)
            )
        else:
            # Looked up here rather than by compute_class_weight, which refuses a
            # dict naming a label this y lacks once it also leaves one out.
            labels = self.classes_.tolist()
            per_class = np.array([float(self.class_weight.get(label, 1.0)) for label in labels])
        class_weights = np.zeros(codes.shape)
        class_weights[valid] = per_class[codes[valid]]
        return class_weights if weights is None else weights * class_weights

    def _check_held_out_targets(self, codes: np.ndarray, n_train: int) -> None:
        """Warn when early stopping holds out the last classes of labels sorted by class.

        The held-out sequences are the last ones, unshuffled, so labels sorted
        by class (data read class by class, as many archive files are) leave
        the last classes out of training, or all but a few of their sequences:
        the network cannot predict them well, and early stopping scores it on
        them alone.
        """
        if self._multilabel:
            return
        valid = codes != IGNORED_CLASS  # per-step codes mark padding
        trained = np.unique(codes[:n_train][valid[:n_train]])
        missing = np.setdiff1d(np.unique(codes[valid]), trained)
        held_out = np.unique(codes[n_train:][valid[n_train:]])
        if missing.size:
            labels = self.classes_[missing].tolist()
            what = (
                f"only these hold the classes {labels[:5]}: the network never trains on them, and "
                "cannot predict them"
            )
        elif _sorted_by_class(codes) and held_out.size < trained.size:
            labels = self.classes_[held_out].tolist()
            what = (
                f"y is sorted by class, so these hold only the classes {labels[:5]}: early stopping "
                "scores the network on them alone, and training sees few of them"
            )
        else:
            return
        warn_at_user_code(
            f"{type(self).__name__} got early_stopping=True, which holds out the last "
            f"{len(codes) - n_train} sequences (validation_fraction={self.validation_fraction}) in the "
            f"order given, and {what}. If the order of the sequences means "
            "nothing (labels sorted by class), shuffle them first, for instance with "
            "sklearn.utils.shuffle(X, y, random_state=0).",
            UserWarning,
        )

    def _fit_labels(self, labels: np.ndarray, *, keep: bool = False) -> np.ndarray:
        """Learn ``classes_`` from a 1-D array of labels (or, with keep, use them) and return their codes."""
        labels = check_classification_target(self, labels)
        if keep:
            unknown = np.setdiff1d(labels, self.classes_)
            if unknown.size:
                raise ValueError(
                    f"{type(self).__name__} continues training (warm_start or partial_fit) on the "
                    f"classes {self.classes_.tolist()}, but y has the labels {unknown.tolist()[:5]}. "
                    "Pass every class to the first partial_fit call with classes=..., or call fit "
                    "with warm_start=False to train a new network."
                )
            return np.searchsorted(self.classes_, labels).astype(np.int64)
        encoder = LabelEncoder().fit(labels)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in y, but y has only 1 "
                f"class ({str(self.classes_[0])!r}). Check that y holds the labels you meant to "
                "pass, and that the training split contains every class."
            )
        return encoder.transform(labels).astype(np.int64)

    def _encode_target(
        self, y: Any, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        if _is_label_indicator(y):
            return self._fit_label_indicators(y, keep=keep)
        if keep and self._multilabel:
            raise ValueError(
                f"{type(self).__name__} was trained on a label indicator matrix (multilabel), but y "
                "now holds one label per sample. Pass y of shape (n_samples, n_labels)."
            )
        self._multilabel = False
        return self._fit_labels(y, keep=keep), len(self.classes_)

    def _fit_label_indicators(self, y: Any, *, keep: bool) -> tuple[np.ndarray, int]:
        """Multilabel y, as MLPClassifier takes it: one 0/1 column per label, each its own sigmoid."""
        name = type(self).__name__
        indicators = check_array(y, dtype=None, input_name="y", estimator=self)
        if self.class_weight is not None:
            raise ValueError(
                f"{name} does not support class_weight with multilabel y (a label indicator "
                "matrix): each label is its own yes/no question. Weigh samples with sample_weight."
            )
        if keep:
            if not self._multilabel or indicators.shape[1] != len(self.classes_):
                raise ValueError(
                    f"{name} continues training on {len(self.classes_)} classes, but y is a label "
                    f"indicator matrix with {indicators.shape[1]} columns. Pass y as in the first fit."
                )
        else:
            if len(indicators) > 1 and (indicators.sum(axis=1) == 1).all():
                # Keras users pass to_categorical(y); read as multilabel, its
                # predictions may hold no label or several.
                warn_at_user_code(
                    f"{name} got y as a label indicator matrix whose rows each hold exactly one 1, "
                    "and reads it as multilabel: one yes/no question per column, as MLPClassifier "
                    "does. If the classes exclude each other (one-hot encoded labels), pass the "
                    "labels instead, for instance y.argmax(axis=1).",
                    UserWarning,
                )
            self.classes_ = np.arange(indicators.shape[1])
            self._multilabel = True
            self._label_dtype = indicators.dtype.str  # a string: saved models hold data only
        return indicators.astype(np.float32), indicators.shape[1]

    @property
    def _validation_score(self) -> str:
        return "subset_accuracy" if self._multilabel else "accuracy"

    def _loss(self, per_step: bool) -> tuple[type[torch.nn.Module], dict]:
        if self._multilabel:
            return torch.nn.BCEWithLogitsLoss, {}
        return super()._loss(per_step)

    def _start_partial_fit(self, classes: Any) -> None:
        """The first partial_fit call learns ``classes_`` from ``classes``, as MLPClassifier does."""
        if classes is None:
            raise ValueError(
                f"{type(self).__name__}.partial_fit needs classes= on its first call: every label "
                "y may ever hold, since later calls may not see them all."
            )
        self.classes_ = np.unique(check_classification_target(self, np.asarray(classes)))
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__}.partial_fit needs at least 2 classes, got {classes!r}.")

    def _check_partial_fit_classes(self, classes: Any) -> None:
        if classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"{type(self).__name__}.partial_fit got classes={np.unique(classes).tolist()}, but it was "
                f"started with {self.classes_.tolist()}; pass the same classes (or none) on later calls."
            )

    def _encode_step_target(
        self, y: Any, X: Sequences, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        self._multilabel = False
        layout, no_k_axis = per_step_layout(self, y, X)
        # predict returns labels shaped like y, (n, T, 1) included, as the regressors do.
        self._step_labels_have_axis = not no_k_axis
        if layout.shape[2] != 1:
            raise ValueError(
                f"{type(self).__name__} tags each step with one label, but y has "
                f"{layout.shape[2]} labels per step. Fit one classifier per label column."
            )
        valid = X.valid_steps()
        codes = np.full(valid.shape, IGNORED_CLASS, dtype=np.int64)
        codes[valid] = self._fit_labels(layout[valid][:, 0], keep=keep)
        return codes, len(self.classes_)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X: Any, y: Any, classes: Any = None, sample_weight: Any = None):
        """Train one epoch on X and y, continuing from the network trained so far.

        The first call builds the network, as ``fit`` would, and needs
        ``classes``; later calls each train one more epoch with the same
        optimizer (its moments kept), at a constant ``learning_rate_`` (no
        schedule: there is no last epoch to decay towards). A training
        setting changed with ``set_params`` between calls (``learning_rate``,
        ``weight_decay``, ``batch_size``, ``dropout``, ``clip_grad_norm``,
        ``verbose``, ``callbacks``, ``class_weight``) applies from the next
        call on; one the trained network or the optimizer's state cannot
        follow (the architecture, ``optimizer``, a float64 ``precision``,
        ``device``) is refused. A call that raises leaves the model as it
        was. After ``fit``, the first ``partial_fit`` continues from the
        fitted weights with a new optimizer. ``early_stopping`` is not
        supported.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Training sequences, with the features of the first call.
        y : array-like of shape (n_samples,)
            Class labels, each among ``classes``.
        classes : array-like of shape (n_classes,), default=None
            Every class y may hold, over all calls. Required on the first call,
            and optional (but then the same) on later ones.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss, as in ``fit``.

        Returns
        -------
        self : object
            The estimator, trained one more epoch.
        """
        if _is_label_indicator(y):
            raise ValueError(
                f"{type(self).__name__}.partial_fit takes one label per sample; for multilabel y (a "
                "label indicator matrix) use fit, with warm_start=True to continue training."
            )
        return self._partial_fit(X, y, classes, sample_weight)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags

    def _proba(self, logits: np.ndarray) -> np.ndarray:
        """Probabilities, computed in place in ``logits`` (the network's fresh outputs).

        In place, so that a million sequences of many classes hold one array
        of their size, not the four that each operation's result would make.
        """
        if self._multilabel:  # one independent sigmoid per label: 1 / (1 + exp(-logits))
            np.negative(logits, out=logits)
            np.exp(logits, out=logits)
            logits += 1.0
            return np.divide(1.0, logits, out=logits)
        logits -= logits.max(axis=-1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=-1, keepdims=True)
        return logits

    def predict_proba(self, X: Any) -> np.ndarray | list[np.ndarray] | pd.DataFrame:
        """Probability of each class for each sequence (or each step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                list of arrays of shape (T_i, n_features), or DataFrame panel
            Sequences to classify; a panel is a DataFrame indexed by
            ``(instance, time)``.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes), list of ndarray, or DataFrame
            Class probabilities, columns in the order of ``classes_``; rows sum
            to 1. For multilabel y (a label indicator matrix), the probability
            of each label, independently (rows need not sum to 1). With
            ``output="sequence"``: one row per step, as an array of
            shape (n_samples, n_timesteps, n_classes), or a list of
            (T_i, n_classes) arrays when X is a list or holds padding. For a
            panel X, a DataFrame whose columns are ``classes_``, indexed by
            instance (by ``(instance, time)`` with ``output="sequence"``).
        """
        sequences, logits = self._forward(X)
        proba = self._proba(logits)
        proba = per_step_result(sequences, proba) if self.output_ == "sequence" else proba
        return as_pandas(sequences, proba, columns=self.classes_)

    def predict_log_proba(self, X: Any) -> np.ndarray | list[np.ndarray]:
        """Logarithm of :meth:`predict_proba`, computed without underflow.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Sequences to classify.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Shaped as :meth:`predict_proba`.
        """
        sequences, logits = self._forward(X)
        if self._multilabel:  # log sigmoid, without underflow: -logaddexp(0, -logits), in place
            np.negative(logits, out=logits)
            np.logaddexp(0.0, logits, out=logits)
            return as_pandas(sequences, np.negative(logits, out=logits), columns=self.classes_)
        # In place, as in _proba; the exponentials, a temporary, a block of rows at a time.
        logits -= logits.max(axis=-1, keepdims=True)
        for low in range(0, len(logits), CHUNK_ROWS):
            block = logits[low : low + CHUNK_ROWS]
            block -= np.log(np.exp(block).sum(axis=-1, keepdims=True))
        log_proba = per_step_result(sequences, logits) if self.output_ == "sequence" else logits
        return as_pandas(sequences, log_proba, columns=self.classes_)

    def predict(self, X: Any) -> np.ndarray | list[np.ndarray]:
        """Most probable class of each sequence (or each step).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Sequences to classify.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Labels from ``classes_``; for multilabel y, a label indicator
            matrix of shape (n_samples, n_labels). With ``output="sequence"``: one label per
            step, an array of shape (n_samples, n_timesteps), or a list of (T_i,)
            arrays when X is a list or holds padding; with a last axis of size 1,
            (n_samples, n_timesteps, 1) or (T_i, 1), when ``fit`` got y so shaped.
        """
        sequences, logits = self._forward(X)  # first: it raises NotFittedError before classes_ exists
        if self._multilabel:  # each label whose probability exceeds one half
            return as_pandas(
                sequences, (logits > 0).astype(np.dtype(self._label_dtype)), columns=self.classes_
            )
        if self.output_ != "sequence":
            return as_pandas(sequences, self.classes_[np.argmax(logits, axis=1)], name=self._label_name())
        labels = self.classes_[np.argmax(np.nan_to_num(logits, nan=0.0), axis=-1)]
        if getattr(self, "_step_labels_have_axis", False):  # models saved before it was recorded had none
            labels = labels[..., np.newaxis]
        return as_pandas(sequences, per_step_result(sequences, labels), name=self._label_name())

    def _label_name(self) -> str | int | None:
        """The name of a Series y, which a panel's predicted labels keep."""
        name = getattr(self, "_y_names", None)  # models saved before it was recorded have none
        return None if isinstance(name, list) else name

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """Accuracy over sequences (or, with ``output="sequence"``, over all valid steps).

        Parameters
        ----------
        X : array-like or list of arrays
            Sequences.
        y : array-like or list of arrays
            True labels, in the form ``fit`` takes.
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
            lambda truth, logits, weights: accuracy_score(
                truth[:, 0], self.classes_[np.argmax(logits, axis=1)], sample_weight=weights
            ),
            X,
            y,
            sample_weight,
        )


@fill_doc
class RNNClassifier(_CellSelection, _RNNClassifierBase):
    """Recurrent network classifier with a choice of cell: one label per sequence.

    Parameters
    ----------
    {cell_parameter}

    {shared_parameters}

    {class_weight_parameter}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the columns of ``predict_proba``.

    {shared_attributes}

    See Also
    --------
    LSTMClassifier : The same estimator with ``cell="lstm"`` fixed.
    GRUClassifier : The same estimator with ``cell="gru"`` fixed.
    RNNRegressor : Recurrent regression.

    Notes
    -----
    {data_notes}

    {classifier_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn import RNNClassifier
    >>> rng = np.random.RandomState(0)
    >>> X = rng.normal(size=(200, 12, 2))
    >>> y = np.where(X[:, :, 0].sum(axis=1) > 0, "up", "down")
    >>> clf = RNNClassifier(cell="gru", hidden_size=16, max_epochs=30, random_state=0)
    >>> clf.fit(X, y).score(X, y) > 0.9
    True
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints: ClassVar[dict] = {
        **_CellSelection._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
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
        class_weight: dict | str | None = None,
    ) -> None:
        self.cell = cell
        _RNNClassifierBase.__init__(
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
            class_weight=class_weight,
        )


@fill_doc
class LSTMClassifier(_RNNClassifierBase):
    """Long short-term memory (LSTM) classifier: one label per sequence.

    Parameters
    ----------
    {shared_parameters}

    {class_weight_parameter}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the columns of ``predict_proba``.

    {shared_attributes}

    See Also
    --------
    RNNClassifier : The same estimator with the cell as a hyperparameter.
    GRUClassifier : Gated recurrent unit classifier.

    Notes
    -----
    {data_notes}

    {classifier_notes}

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sk_rnn import LSTMClassifier
    >>> X, y = load_digits(return_X_y=True)
    >>> X = X.reshape(-1, 8, 8) / 16  # each image read row by row: 8 steps of 8 pixels
    >>> clf = LSTMClassifier(max_epochs=5, random_state=0).fit(X[:500], y[:500])
    >>> clf.predict(X[500:503]).shape
    (3,)
    """

    _fixed_cell = "lstm"


@fill_doc
class GRUClassifier(_RNNClassifierBase):
    """Gated recurrent unit (GRU) classifier: one label per sequence.

    Parameters
    ----------
    {shared_parameters}

    {class_weight_parameter}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels, in the order of the columns of ``predict_proba``.

    {shared_attributes}

    See Also
    --------
    RNNClassifier : The same estimator with the cell as a hyperparameter.
    LSTMClassifier : Long short-term memory classifier.

    Notes
    -----
    {data_notes}

    {classifier_notes}

    Examples
    --------
    >>> import numpy as np
    >>> from sk_rnn import GRUClassifier
    >>> X = np.random.RandomState(0).normal(size=(100, 20))  # 100 univariate sequences
    >>> y = X[:, -5:].mean(axis=1) > 0
    >>> GRUClassifier(max_epochs=20, random_state=0).fit(X, y).classes_
    array([False,  True])
    """

    _fixed_cell = "gru"
