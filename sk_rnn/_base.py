"""The abstract estimator every public sk_rnn estimator is a thin sibling of."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import os
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterator
from numbers import Integral, Real
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._compat import Interval, StrOptions, _fit_context
from ._data.categories import (
    category_codes,
    check_category_codes,
    check_codes_exact_in_float32,
    resolve_categorical_features,
    warn_if_codes_unseen_in_training,
    warn_if_single_code,
)
from ._data.panels import align_target, is_panel, panel_instances, target_names
from ._data.parsing import check_sequences, check_token_ids
from ._data.precision import float32_loses_spread
from ._data.sequences import Sequences, scale_or_one
from ._data.targets import (
    check_consistent_samples,
    check_sample_weight,
    in_float32_range,
    per_step_layout,
    valid_aligned,
)
from ._data.tokens import PADDING_ID, check_ids_in_table, table_rows
from ._defaults import (
    auto_batch_size,
    auto_learning_rate,
    auto_max_epochs,
    auto_num_layers,
    auto_optimizer,
    auto_output,
    auto_patch_size,
    auto_weight_decay,
)
from ._training.batches import ArrayBatches, float_dtype, input_dtype
from ._training.callbacks import check_schedule_callbacks, check_user_callbacks
from ._training.checkpoints import (
    CHECKPOINT,
    callbacks_signature,
    check_checkpoint_dir,
    checkpoint_directory,
    fingerprint,
    fit_directory,
    has_unsaved_epochs,
    read_resumption,
    stopped_early,
    write_checkpoint,
)
from ._training.interrupts import inside_model_selection, watching_ctrl_c
from ._training.net import (
    MODULE_PREFIX,
    drop_unfinished_epoch,
    is_incremental,
    module_arguments,
    predict_outputs,
)
from ._training.output_checks import check_outputs_finite, warn_if_state_can_grow
from ._training.plan import (
    OPTIMIZERS,
    TrainingPlan,
    check_callback_monitors,
    check_training_weights,
    check_validation_weights,
    check_weight_decay,
    fit_network,
    optimizer_settings,
    resolve_device,
    resolve_optimizer,
    restored_on_error,
    train_one_more_epoch,
    training_rows,
)
from ._training.schedules import SCHEDULES
from ._warnings import warn_at_user_code
from .modules import CELLS, OUTPUTS, RecurrentNetwork
from .modules.network import check_cell_params

# A fit whose last training loss is this many times its best (and above its
# first) has diverged: a healthy fit ends near its best loss.
DIVERGED_LOSS_RATIO = 10.0


def _aligned_for_panel_score(estimator: Any, X: Any, y: Any, sample_weight: Any) -> tuple[Any, Any]:
    """y and the weights reordered to a panel's instances, so that scoring compares the right pairs."""
    if not is_panel(X):
        return y, sample_weight
    name, instances = type(estimator).__name__, panel_instances(X)
    if sample_weight is not None:
        # As fit reads them: a weight indexed by instance weighs that instance.
        sample_weight = align_target(name, sample_weight, instances, what="sample_weight")
    return align_target(name, y, instances), sample_weight


@contextlib.contextmanager
def _state_restored_on_error(estimator: BaseEstimator) -> Iterator[None]:
    """Make ``fit`` all or nothing: on an error, put back the attributes it had before.

    Validation records ``n_features_in_`` and friends before training starts; a
    refit that then fails must not leave a model whose recorded input shape
    disagrees with its network, nor lose the model that was there.
    """
    before = dict(estimator.__dict__)
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(before)
        raise


def _network_restored_on_error(estimator: BaseEstimator) -> contextlib.AbstractContextManager:
    """Make ``partial_fit`` all or nothing too: it trains the network of its last call in place.

    Only such a net needs it: fit, and the first partial_fit after a fit, build a new
    net and leave the old one untouched.
    """
    net = getattr(estimator, "net_", None)
    return restored_on_error(net) if net is not None and is_incremental(net) else contextlib.nullcontext()


def _after_earlier_record(
    earlier: Any, rows: list[np.ndarray], by_layer: dict[str, list[float]]
) -> tuple[list[np.ndarray], dict[str, list[float]]]:
    """A resumed run's gradient record after that of the epochs its checkpoint holds.

    A checkpoint without a record of its own (written by an older version) adds
    NaN for its epochs: the rows must still count the fit's epochs.
    """
    done = int(earlier.n_iter_)
    record = getattr(earlier, "gradient_norms_by_distance_", None)
    layers = getattr(earlier, "layer_gradient_norms_", None) or {}
    if record is None or len(record) != done:
        record, layers = np.full((done, 0), np.nan), {}
    earlier_layers = {key: list(layers.get(key, np.full(done, np.nan))) for key in by_layer}
    return list(record) + rows, {key: earlier_layers[key] + norms for key, norms in by_layer.items()}


class _BaseRNN(BaseEstimator, metaclass=ABCMeta):
    """Shared ``__init__``, ``fit`` and prediction machinery; subclasses add the target logic.

    Subclasses fix ``_fixed_cell`` (LSTM*, GRU*) or take a ``cell`` parameter
    (RNN*, through :class:`_CellSelection`).
    """

    _fixed_cell: str | None = None

    _parameter_constraints: ClassVar[dict] = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "bidirectional": ["boolean", StrOptions({"auto"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "output": [StrOptions(set(OUTPUTS) | {"auto"})],
        "embedding_dim": [Interval(Integral, 1, None, closed="left"), None],
        "vocab_size": [Interval(Integral, 2, None, closed="left"), None],
        "categorical_features": ["array-like", None],
        "categorical_embedding_dim": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "patch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "input_scaling": [StrOptions({"auto", "sequence", "global"}), None],
        "cell_params": [dict, None],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "learning_rate": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "learning_rate_schedule": [StrOptions(set(SCHEDULES))],
        "optimizer": [StrOptions({"auto", *OPTIMIZERS}), type],
        "weight_decay": [Interval(Real, 0, None, closed="left"), StrOptions({"auto"})],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "device": [str, torch.device],
        "precision": [StrOptions({"float32", "bfloat16", "float64"})],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "callbacks": [list, None],
        "checkpoint_dir": [str, os.PathLike, None],
        "record_gradients": ["boolean"],
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
    ) -> None:
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.output = output
        self.embedding_dim = embedding_dim
        self.vocab_size = vocab_size
        self.categorical_features = categorical_features
        self.categorical_embedding_dim = categorical_embedding_dim
        self.patch_size = patch_size
        self.input_scaling = input_scaling
        self.cell_params = cell_params
        self.max_epochs = max_epochs
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_schedule = learning_rate_schedule
        self.optimizer = optimizer
        self.weight_decay = weight_decay
        self.clip_grad_norm = clip_grad_norm
        self.device = device
        self.precision = precision
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.callbacks = callbacks
        self.checkpoint_dir = checkpoint_dir
        self.record_gradients = record_gradients

    # -- what the siblings differ in -------------------------------------------------

    # Loss for one target per sequence, loss for per-step targets, and the
    # value per-step targets hold at padding steps (which that loss skips).
    _criterion: type[torch.nn.Module]
    _step_criterion: type[torch.nn.Module]
    _step_fill: float
    # Keyword arguments of both losses.
    _criterion_params: ClassVar[dict] = {}

    @abstractmethod
    def _encode_target(
        self, y: Any, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        """Validate y, record what predict needs, return (training target, output size).

        ``weights`` are the checked sample weights, ``(n,)`` or None, for
        statistics of y (regressors standardise it).
        """

    @abstractmethod
    def _encode_step_target(
        self, y: Any, X: Sequences, *, keep: bool = False, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray, int]:
        """The same for per-step targets, laid out like ``X.values`` with ``_step_fill`` at padding.

        ``weights`` are per step, ``(n, T)`` in X's layout, or None.
        """

    # How the held-out sequences are scored each epoch with early stopping:
    # "accuracy" or "r2", as each estimator's score (see ValidationScore).
    _validation_score: ClassVar[str] = "r2"

    def _loss(self, per_step: bool) -> tuple[type[torch.nn.Module], dict]:
        """The training loss and its keyword arguments (classifiers switch to sigmoids for multilabel y)."""
        return (self._step_criterion if per_step else self._criterion), dict(self._criterion_params)

    def _validation_point(self) -> Callable[[np.ndarray], np.ndarray] | None:
        """How the validation score reads point predictions from the raw outputs (regressors' heads)."""
        return None

    def _class_weighted(self, weights: np.ndarray | None, target: np.ndarray) -> np.ndarray | None:
        """Classifiers multiply the sample weights by their classes' weights; regressors have none."""
        return weights

    def _weights_source(self, sample_weight: Any) -> str:
        """What the training weights are made of, for messages: classifiers add ``class_weight``."""
        return "sample_weight"

    def _check_held_out_targets(self, target: np.ndarray, n_train: int) -> None:
        """With early stopping, classifiers check that training keeps every class; regressors need nothing."""

    def _cell_name(self) -> str:
        return self._fixed_cell if self._fixed_cell is not None else self.cell

    # -- fitting ---------------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any, sample_weight: Any = None):
        """Train the network on sequences X and targets y.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or (n_samples, n_timesteps), \
                or list of arrays of shape (T_i, n_features)
            Training sequences; a 2-D X holds one univariate sequence per row.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets: class labels for classifiers, numbers for regressors.
            With ``output="sequence"``, one target per step: shape
            (n_samples, n_timesteps[, n_outputs]) or a list (or pandas Series) of
            (T_i[, n_outputs]) arrays. For a pandas panel, y is indexed by instance.
        sample_weight : array-like of shape (n_samples,), default=None
            Weight of each sequence in the loss: the loss of a batch is
            ``sum(w * loss) / sum(w)`` over its sequences, so a weight of 2
            counts a sequence about twice (not exactly: batches are drawn
            without repetition). The statistics the inputs and a regressor's
            target are standardised with count it exactly twice (and a weight
            of 0 not at all). With ``output="sequence"`` the weights may
            also be given per step, shaped like y without its output axis:
            (n_samples, n_timesteps) or a list (or pandas Series) of (T_i,) arrays. Non-negative,
            not all zero; None weighs every sequence (and step) equally.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        with _state_restored_on_error(self):
            return self._fit(X, y, sample_weight, continuing=self.warm_start and hasattr(self, "net_"))

    def _partial_fit(self, X: Any, y: Any, classes: Any, sample_weight: Any):
        """One epoch on X, y: from the network trained so far, or a new one on the first call."""
        if self.early_stopping:
            raise ValueError(
                f"{type(self).__name__}.partial_fit does not support early_stopping=True: each call "
                "trains one epoch on the data it is given. Hold out data and score it yourself, or "
                "use fit."
            )
        with _state_restored_on_error(self), _network_restored_on_error(self):
            continuing = hasattr(self, "net_")
            if continuing:
                self._check_partial_fit_classes(classes)
            else:
                self._start_partial_fit(classes)
            return self._fit(X, y, sample_weight, continuing=continuing, incremental=True)

    def _start_partial_fit(self, classes: Any) -> None:
        """Classifiers learn ``classes_`` from ``classes`` here; regressors need nothing."""

    def _check_partial_fit_classes(self, classes: Any) -> None:
        """Classifiers check later calls' ``classes`` against the first."""

    def _fit(
        self,
        X: Any,
        y: Any,
        sample_weight: Any = None,
        *,
        continuing: bool = False,
        incremental: bool = False,
    ):
        """Train; ``continuing`` starts from the trained network, ``incremental`` runs one epoch."""
        name = type(self).__name__
        check_user_callbacks(name, self.callbacks)
        check_callback_monitors(name, self.callbacks, early_stopping=self.early_stopping)
        if not incremental:  # partial_fit has no schedule (a constant rate) for a user's to clash with
            check_schedule_callbacks(name, self.callbacks, self.learning_rate_schedule)
        # A partial_fit started with classes= encodes its labels with them too.
        keep = continuing or (incremental and hasattr(self, "classes_"))
        X = self._validated_sequences(X, reset=not continuing, training=True, incremental=incremental)
        per_step = self.output == "sequence"
        if not keep:
            # Predictions on a panel are pandas, named as y was.
            self._y_names = target_names(y)
        if X.instances is not None:
            y = align_target(name, y, X.instances, X.step_index if per_step else None)
        if X.instances is not None and sample_weight is not None:
            sample_weight = align_target(
                name, sample_weight, X.instances, X.step_index if per_step else None, what="sample_weight"
            )
        # The weights count in the scaling statistics too (class weights
        # included, as they multiply the sample weights), so that a weight of 2
        # scales the data as a repeated sequence would, and 0 as a removed one.
        sample_weights = check_sample_weight(self, sample_weight, X, per_step=per_step)
        if per_step:
            target, output_size = self._encode_step_target(y, X, keep=keep, weights=sample_weights)
        else:
            target, output_size = self._encode_target(y, keep=keep, weights=sample_weights)
            check_consistent_samples(self, X, target)
        weights = in_float32_range(self._class_weighted(sample_weights, target))
        n_train = training_rows(name, self.validation_fraction, len(X), early_stopping=self.early_stopping)
        check_training_weights(name, weights, n_train, weighed_by=self._weights_source(sample_weight))
        if self.early_stopping:
            check_validation_weights(name, weights, n_train)
            self._check_held_out_targets(target, n_train)
        seed = int(check_random_state(self.random_state).randint(np.iinfo(np.int32).max))
        if incremental:
            # Each call draws other batch orders and dropout masks, reproducibly.
            seed = (seed + 7919 * getattr(self, "n_iter_", 0)) % np.iinfo(np.int32).max
        cell = self._cell_name()
        network = (
            self._continued_network(X, output_size, incremental=incremental)
            if continuing
            else self._new_network(X, output_size, weights)
        )
        if self.optimizer == "auto":
            self.optimizer_ = auto_optimizer(cell, self.learning_rate)
        else:
            self.optimizer_ = self.optimizer
        optimizer = resolve_optimizer(name, self.optimizer_)
        if self.learning_rate == "auto":
            self.learning_rate_ = auto_learning_rate(cell, optimizer)
        else:
            self.learning_rate_ = self.learning_rate
        if self.weight_decay == "auto":
            self.weight_decay_ = auto_weight_decay(optimizer)
        else:
            self.weight_decay_ = self.weight_decay
        check_weight_decay(name, optimizer, self.weight_decay_)
        self.batch_size_ = auto_batch_size(n_train) if self.batch_size == "auto" else self.batch_size
        if self.max_epochs == "auto":
            self.max_epochs_ = auto_max_epochs(n_train, self.batch_size_)
        else:
            self.max_epochs_ = self.max_epochs
        criterion, criterion_params = self._loss(per_step)
        plan = TrainingPlan(
            estimator_name=name,
            criterion=criterion,
            # Weighted losses are reduced by the net, sample by sample (or step by step).
            criterion_params={**criterion_params, **({} if weights is None else {"reduction": "none"})},
            optimizer=optimizer,
            optimizer_params=optimizer_settings(self.optimizer_),
            optimizer_from_auto=self.optimizer == "auto",
            learning_rate=self.learning_rate_,
            # partial_fit trains one epoch per call, with no end to schedule towards.
            learning_rate_schedule="constant" if incremental else self.learning_rate_schedule,
            weight_decay=self.weight_decay_,
            clip_grad_norm=self.clip_grad_norm,
            max_epochs=1 if incremental else self.max_epochs_,
            batch_size=self.batch_size_,
            n_train=n_train,
            early_stopping=self.early_stopping,
            n_iter_no_change=self.n_iter_no_change,
            tol=self.tol,
            callbacks=self.callbacks,
            validation_score=None if per_step else self._validation_score,
            validation_point=self._validation_point(),
            record_gradients=self.record_gradients and not incremental,
            device=resolve_device(name, self.device),
            precision=self.precision,
            seed=seed,
            verbose=self.verbose,
        )
        data = ArrayBatches(
            X,
            target,
            step_fill=self._step_fill if per_step else None,
            weights=weights,
            float_dtype=float_dtype(self.precision),
            input_dtype=input_dtype(self.precision, network.get("scale_in_float64", False)),
        )
        previous_losses = list(self.loss_curve_) if continuing else []
        previous_validation = list(self.validation_loss_curve_ or []) if continuing else []
        resume = checkpoint = None
        if not incremental:
            self.checkpoint_path_ = None
        if self.checkpoint_dir is not None and not incremental:
            if isinstance(self.random_state, np.random.RandomState):
                # Checked before any training: the checkpoint is written after the first epoch.
                raise ValueError(
                    f"{name} got checkpoint_dir with random_state as a RandomState instance, which a "
                    "checkpoint cannot hold, and by which a resumed fit could not tell it continues "
                    "the same fit. Pass an int seed (random_state=0, say) or None."
                )
            root = checkpoint_directory(self.checkpoint_dir)
            check_checkpoint_dir(name, root)
            digest = fingerprint(
                type(self), self.get_params(deep=False), X, target, weights, self.n_iter_ if continuing else 0
            )
            directory = fit_directory(root, name, digest)
            callbacks = callbacks_signature(self.callbacks)  # read once: saved with every epoch
            if not continuing:
                resume = read_resumption(
                    directory,
                    digest,
                    name,
                    finished_too=isinstance(self.random_state, Integral),
                    callbacks=callbacks,
                    device=str(plan.device),
                )
            self.checkpoint_path_ = str(directory / CHECKPOINT)
            if resume is not None:
                previous_losses = list(resume.model.loss_curve_)
                previous_validation = list(resume.model.validation_loss_curve_ or [])
            checkpoint = functools.partial(
                self._save_checkpoint,
                directory,
                digest,
                callbacks,
                previous_losses,
                previous_validation,
                None if resume is None else resume.model,
            )
        with watching_ctrl_c() as ctrl_c:
            if incremental and continuing and is_incremental(self.net_):
                net = train_one_more_epoch(self.net_, plan, data, dropout=network["dropout"])
                epochs_run = 1
            else:
                initial_state = self.net_.module_.state_dict() if continuing else None
                net = fit_network(
                    RecurrentNetwork,
                    network,
                    plan,
                    data,
                    initial_state=initial_state,
                    incremental=incremental,
                    resume=resume,
                    checkpoint=checkpoint,
                )
                epochs_run = net.epochs_run
        if drop_unfinished_epoch(net):  # Ctrl-C inside an epoch: only whole epochs count
            epochs_run -= 1
            if incremental:
                # skorch swallowed the interrupt. A loop of partial_fit calls over
                # chunks would then go on to its next chunk, with this chunk's epoch
                # half trained and uncounted: the call is undone (see _partial_fit)
                # and the interrupt raised again, so the loop stops.
                raise KeyboardInterrupt(
                    f"{type(self).__name__}.partial_fit was interrupted inside its epoch; the model "
                    "is as it was before the call."
                )
        if X.tokens:
            self._forget_unseen_tokens(net, X.take(slice(0, n_train)), keep_seen=continuing or incremental)
        self._record_training(net, epochs_run, previous_losses, previous_validation)
        self._record_gradient_flow(net, incremental, earlier=None if resume is None else resume.model)
        # The epochs of this fit, counting those of the run it resumed.
        epochs_of_fit = epochs_run + (0 if resume is None else resume.epochs_done)
        if checkpoint is not None:
            # The final model, marked complete; or, when training was interrupted
            # after an epoch the per-epoch saves missed, that epoch, resumable.
            finished = epochs_of_fit >= self.max_epochs_ or stopped_early(net, self.validation_loss_curve_)
            if finished or has_unsaved_epochs(net):
                checkpoint(net, complete=finished, from_last_whole_epoch=not finished)
        if incremental and ctrl_c.pressed:
            # Ctrl-C as the epoch ended (in its end-of-epoch callbacks), which
            # skorch swallowed: undone and raised again as inside the epoch, so
            # that a loop over chunks stops.
            raise KeyboardInterrupt(
                f"{type(self).__name__}.partial_fit was interrupted as its epoch ended; the model is "
                "as it was before the call."
            )
        if not incremental:
            if ctrl_c.pressed and inside_model_selection():
                self._stop_model_selection(net, epochs_of_fit, checkpointed=checkpoint is not None)
            self._warn_if_interrupted(net, epochs_of_fit, checkpointed=checkpoint is not None)
            self._warn_if_diverged(epochs_of_fit)
            self._warn_if_not_converged(epochs_of_fit)
        return self

    def _forget_unseen_tokens(self, net: Any, trained_on: Sequences, *, keep_seen: bool) -> None:
        """Zero the embedding of every id no training sequence holds, so predict reads it as unknown.

        The table has a row for every id up to ``vocab_size_``; rows of ids
        that training never met keep their random start (an external
        tokenizer's vocabulary, a stream's fixed ``vocab_size``), which would
        feed noise to the network wherever such an id turns up at predict.
        Zeroed, they read as the padding id does, as ids beyond the table do.
        Ids seen by earlier calls of a continued fit (``partial_fit``,
        ``warm_start``) count as seen.
        """
        seen = getattr(self, "_seen_token_ids", None) if keep_seen else None
        if seen is None or len(seen) != self.vocab_size_:
            seen = np.zeros(self.vocab_size_, dtype=bool)
        seen = seen.copy()
        seen[trained_on.values.ravel()] = True
        self._seen_token_ids = seen
        embedding = net.module_.embedding.weight
        with torch.no_grad():
            embedding[torch.from_numpy(~seen).to(embedding.device)] = 0.0

    def _stop_model_selection(self, net: Any, epochs_of_fit: int, *, checkpointed: bool) -> None:
        """Ctrl-C came during this fit inside a search or cross-validation: raise it again, so that it stops.

        skorch keeps the model trained so far and returns it, and the search
        would score it and start its next fit (see ``_training.interrupts``).
        A press as the fit ended (in its last epoch's callbacks) stops the
        search too: the user asked it to stop, and the fit's checkpoint is
        complete.
        """
        if not self._was_interrupted(net, epochs_of_fit):
            where = "as this fit ended"
        else:
            where = f"after {epochs_of_fit} of max_epochs_={self.max_epochs_} epochs of this fit"
        if checkpointed and isinstance(self.random_state, Integral):
            again = (
                "Run it again to resume it: the fits it finished are read back from checkpoint_dir, "
                "and this one continues from its last whole epoch."
            )
        elif checkpointed:
            again = (
                "Run it again and this fit continues from its last whole epoch; the fits it finished "
                "train anew, since random_state=None makes each a new draw (with an int random_state "
                "they are read back from checkpoint_dir)."
            )
        else:
            again = "Set checkpoint_dir and an int random_state to make a search resumable."
        raise KeyboardInterrupt(
            f"Ctrl-C stopped the search or cross-validation that was fitting {type(self).__name__}, "
            f"{where}. {again}"
        )

    def _was_interrupted(self, net: Any, epochs_of_fit: int) -> bool:
        """Whether a KeyboardInterrupt ended the fit before ``max_epochs_``, not early stopping."""
        curve = self.validation_loss_curve_ or []
        # This fit's curve: a fit continued with warm_start follows the earlier fits' epochs.
        return epochs_of_fit < self.max_epochs_ and not stopped_early(
            net, curve[len(curve) - epochs_of_fit :]
        )

    def _warn_if_interrupted(self, net: Any, epochs_of_fit: int, *, checkpointed: bool) -> None:
        """Say that a KeyboardInterrupt ended the fit before ``max_epochs_``; the model keeps its epochs.

        skorch stops training quietly on it, and fit returns the model so far:
        Ctrl-C inside a GridSearchCV would otherwise leave one fit shorter than
        the others, scored among them without a word. Early stopping (sk_rnn's,
        or a user's EarlyStopping) ends a fit by the same exception, and is no
        interruption.
        """
        if not self._was_interrupted(net, epochs_of_fit):
            return
        if checkpointed:
            again = "Fit again with the same checkpoint_dir, hyperparameters and data to resume."
        else:
            again = (
                "Fit again to train anew; with checkpoint_dir set, a fit resumes where it was interrupted."
            )
        warn_at_user_code(
            f"{type(self).__name__}.fit was interrupted (KeyboardInterrupt: Ctrl-C, or a callback "
            f"that raised it) after {epochs_of_fit} of max_epochs_={self.max_epochs_} epochs; the "
            f"model holds those whole epochs. {again}",
            UserWarning,
        )

    def _record_gradient_flow(self, net: Any, incremental: bool = False, earlier: Any = None) -> None:
        """``gradient_norms_by_distance_`` and ``layer_gradient_norms_`` from the run's recorder.

        ``partial_fit`` records nothing and keeps the record of the last ``fit``.
        ``earlier`` is the checkpointed model a resumed fit continues: its
        epochs' record comes first, so that row ``i`` stays epoch ``i`` of the fit.
        """
        recorder = dict(net.callbacks_).get("record_gradients")
        if incremental and hasattr(self, "gradient_norms_by_distance_"):
            return
        if recorder is None:
            self.gradient_norms_by_distance_ = self.layer_gradient_norms_ = None
            return
        rows = list(recorder.by_distance)
        by_layer = {layer: list(norms) for layer, norms in recorder.by_layer.items()}
        if earlier is not None:
            rows, by_layer = _after_earlier_record(earlier, rows, by_layer)
        width = max((len(epoch) for epoch in rows), default=0)
        by_distance = np.full((len(rows), width), np.nan)
        for row, epoch in zip(by_distance, rows, strict=True):
            row[: len(epoch)] = epoch
        self.gradient_norms_by_distance_ = by_distance
        self.layer_gradient_norms_ = {layer: np.array(norms) for layer, norms in by_layer.items()}

    def _save_checkpoint(
        self,
        directory: Path,
        digest: str,
        callbacks: str | None,
        previous_losses: list,
        previous_validation: list,
        earlier: Any,
        net: Any,
        *,
        complete: bool = False,
        from_last_whole_epoch: bool = False,
    ) -> None:
        """Write the model as trained so far, and what resuming it needs, to ``directory``.

        ``callbacks`` is the fit's :func:`callbacks_signature`; ``earlier`` is the
        checkpointed model this run resumed (None when it did not).
        """
        snapshot = copy.copy(self)
        snapshot.callbacks = None  # user callbacks hold code; the checkpoint holds data only
        snapshot._record_training(net, net.epochs_run, previous_losses, previous_validation)
        # This fit's gradient record, not the one copied from an earlier fit.
        snapshot._record_gradient_flow(net, earlier=earlier)
        write_checkpoint(
            directory,
            snapshot,
            net,
            digest,
            complete=complete,
            callbacks=callbacks,
            from_last_whole_epoch=from_last_whole_epoch,
        )

    def _new_network(
        self, X: Sequences, output_size: int, weights: np.ndarray | None = None
    ) -> dict[str, Any]:
        """Resolve the architecture's ``"auto"`` hyperparameters; return the module's arguments.

        ``weights`` (per sequence or per step) weigh the input scaling's statistics.
        """
        cell = self._cell_name()
        self.output_ = self._resolve_output(cell)
        self.patch_size_ = self._resolve_patch_size(X)
        self.num_layers_ = auto_num_layers(cell) if self.num_layers == "auto" else self.num_layers
        # A step's output must not have read the steps after it: per-step
        # outputs (forecasts at every step, generators) read forwards only.
        self.bidirectional_ = (
            self.output != "sequence" if self.bidirectional == "auto" else self.bidirectional
        )
        categorical = self._resolve_categorical(X)
        input_mean, input_scale, scale_in_float64 = self._input_scaling(X, weights)
        return {
            "input_size": X.n_features,
            "output_size": output_size,
            "cell": cell,
            "hidden_size": self.hidden_size,
            "num_layers": self.num_layers_,
            "bidirectional": self.bidirectional_,
            "dropout": self.dropout,
            # What the network will have read, not the width of a padded X:
            # padding to a larger width must not change the model.
            "sequence_length": X.longest(),
            "output": self.output_,
            "vocab_size": None if self.embedding_dim is None else self.vocab_size_,
            "embedding_dim": self.embedding_dim,
            "patch_size": self.patch_size_,
            "input_scaling": self.input_scaling_,
            "input_mean": input_mean,
            "input_scale": input_scale,
            "scale_in_float64": scale_in_float64,
            "cell_params": check_cell_params(cell, self.cell_params, type(self).__name__) or None,
            **categorical,
        }

    def _categorical_positions(self, X: Sequences) -> list[int] | None:
        """The positions ``categorical_features`` names in X, or None when it names none."""
        requested = self.categorical_features
        if requested is None or len(np.atleast_1d(requested)) == 0:
            return None
        return resolve_categorical_features(self, X, requested) or None  # an all-False mask names none

    def _resolve_categorical(self, X: Sequences) -> dict[str, Any]:
        """``categorical_features_``, ``categories_`` and the embedding size; the module's arguments."""
        self.categorical_features_ = self.categories_ = self.categorical_embedding_dim_ = None
        positions = self._categorical_positions(X)
        if positions is None:
            return {}
        check_category_codes(self, X, positions)
        codes = category_codes(X, positions)
        check_codes_exact_in_float32(self, codes, positions)
        warn_if_single_code(self, codes, positions)
        if self.categorical_embedding_dim == "auto":
            # fastai's rule of thumb for the size of a categorical embedding, capped.
            dim = min(16, max(2, round(1.6 * max(len(c) for c in codes) ** 0.56)))
        else:
            dim = int(self.categorical_embedding_dim)
        self.categorical_features_ = np.array(positions)
        self.categories_ = [np.array(c) for c in codes]
        self.categorical_embedding_dim_ = dim
        return {"categorical_features": positions, "categories": codes, "categorical_embedding_dim": dim}

    def _continued_network(
        self, X: Sequences, output_size: int, *, incremental: bool = False
    ) -> dict[str, Any]:
        """The trained network's arguments, once the hyperparameters are checked to still describe it."""
        trained = module_arguments(self.net_)
        cell = self._cell_name()
        wanted = {
            "cell": cell,
            "hidden_size": self.hidden_size,
            "embedding_dim": self.embedding_dim,
            "output_size": output_size,
            "num_layers": auto_num_layers(cell) if self.num_layers == "auto" else self.num_layers,
        }
        # "auto" describes whatever head the trained network has, as it does for
        # the other "auto" rules below: a network saved when "auto" resolved
        # to another head (an earlier release) continues as it was trained.
        if self.output != "auto":
            wanted["output"] = self.output
        if self.vocab_size is not None:  # None: the table the trained network has
            wanted["vocab_size"] = self.vocab_size
        if self.bidirectional != "auto":
            wanted["bidirectional"] = self.bidirectional
        if self.patch_size != "auto":
            wanted["patch_size"] = self.patch_size
        if self.input_scaling != "auto" and self.embedding_dim is None:  # token ids are never scaled
            wanted["input_scaling"] = self.input_scaling
        wanted["categorical_features"] = self._categorical_positions(X)
        trained.setdefault("categorical_features", None)
        if self.categorical_embedding_dim != "auto" and "categorical_embedding_dim" in trained:
            wanted["categorical_embedding_dim"] = int(self.categorical_embedding_dim)
        # The cell's options set up its weights (IndRNN's input_threshold): the
        # trained weights were set up with the old ones.
        wanted["cell_params"] = check_cell_params(cell, self.cell_params, type(self).__name__) or None
        trained.setdefault("cell_params", None)
        for key, value in wanted.items():
            if trained[key] != value:
                raise ValueError(self._changed_network_message(key, trained[key], value, incremental))
        # Dropout shapes no weight: the current value applies.
        return {**trained, "dropout": self.dropout}

    def _changed_network_message(self, key: str, trained: Any, now: Any, incremental: bool) -> str:
        """Why continued training refuses a hyperparameter that no longer describes the trained network."""
        name = type(self).__name__
        # The network's output size is no hyperparameter: name what sets it.
        what = (
            "number of outputs (set by y's columns or classes, loss and quantile)"
            if key == "output_size"
            else key
        )
        if incremental:
            # partial_fit continues whatever warm_start says.
            return (
                f"{name}.partial_fit continues the network it trained before, whose {what} is "
                f"{trained!r}, but it is now {now!r}. Set it back, or call fit with warm_start=False "
                "to train a new network."
            )
        return (
            f"{name} continues training the network it trained before (warm_start=True), whose "
            f"{what} is {trained!r}, but it is now {now!r}. Set it back, or set warm_start=False to train "
            "a new network."
        )

    def _record_training(
        self, net: Any, epochs_run: int, previous_losses: list, previous_validation: list
    ) -> None:
        """Fitted attributes of the run; curves and epochs add up over continued training."""
        self.net_ = net
        self.history_ = net.history
        history = net.history[-epochs_run:] if epochs_run else []
        self.loss_curve_ = previous_losses + [float(epoch["train_loss"]) for epoch in history]
        self.n_iter_ = len(self.loss_curve_)
        self.validation_loss_curve_ = None
        self.best_validation_loss_ = None
        if self.early_stopping:
            self.validation_loss_curve_ = previous_validation + [
                float(epoch["valid_loss"]) for epoch in history
            ]
            # The loss of the weights kept: this fit's lowest (a resumed fit's
            # history holds its epochs before the interruption too), not that of
            # an earlier fit continued with warm_start, whose weights are gone.
            # None when Ctrl-C came before the first epoch ended.
            self.best_validation_loss_ = min(
                (float(epoch["valid_loss"]) for epoch in net.history if "valid_loss" in epoch), default=None
            )

    def _warn_if_diverged(self, epochs_run: int) -> None:
        """Warn when training ends with a loss many times the best it reached: the model is not usable.

        A loss that becomes NaN or inf stops the fit with an error; one that
        grows and stays finite would otherwise pass without a word (IndRNN
        read step by step over 5,000 steps went from 1.0 to 287 and 57 in
        three epochs). With early stopping the best epoch's weights are kept,
        so a late rise costs nothing.
        """
        if self.early_stopping or epochs_run < 2:
            return
        curve = np.asarray(self.loss_curve_[len(self.loss_curve_) - epochs_run :], dtype=np.float64)
        best = int(np.argmin(curve))
        if curve[-1] > DIVERGED_LOSS_RATIO * curve[best] and curve[-1] > curve[0]:
            warn_at_user_code(
                f"{type(self).__name__}'s training loss ended at {curve[-1]:.3g}, "
                f"{curve[-1] / curve[best]:.0f} times the {curve[best]:.3g} of epoch {best + 1}: training "
                "diverged, and the model predicts poorly. Lower learning_rate, or read long sequences "
                "in patches (patch_size), so that the recurrence is shorter.",
                UserWarning,
            )

    def _warn_if_not_converged(self, epochs_run: int) -> None:
        """MLPClassifier's ConvergenceWarning: max_epochs reached while the loss still improved by tol.

        ``tol`` is, as in MLPClassifier, an improvement per epoch. It is read
        from the trend of the last ``n_iter_no_change`` epochs, not from one
        epoch: the training loss is measured with dropout on, whose noise
        alone makes single epochs look better or worse by about ``1e-4``. A
        shorter fit is judged over all its epochs, as MLPClassifier warns
        whatever ``max_iter`` is; one epoch has no trend to judge.
        ``epochs_run`` counts this fit's epochs (those of the run it resumed
        included): a fit continued with ``warm_start`` is judged on its own,
        not by how its first loss compares with the earlier fit's last, which
        may have read other data.
        """
        curve = self.validation_loss_curve_ if self.early_stopping else self.loss_curve_
        if epochs_run < self.max_epochs_:  # early stopping ended it: converged
            return
        curve = curve[len(curve) - epochs_run :]
        window = min(self.n_iter_no_change, len(curve) - 1)
        if window < 1:
            return
        per_epoch = (curve[-window - 1] - curve[-1]) / window
        if per_epoch > self.tol:
            which = "validation" if self.early_stopping else "training"
            over = "the last epoch" if window == 1 else f"the last {window} epochs"
            warn_at_user_code(
                f"{type(self).__name__} stopped at max_epochs_={self.max_epochs_} while its {which} "
                f"loss was still improving: by {per_epoch:.3g} per epoch over {over}, more than "
                f"tol={self.tol}. Raise max_epochs, or raise tol to accept this fit.",
                ConvergenceWarning,
            )

    def _validated_sequences(
        self, X: Any, *, reset: bool, training: bool = False, incremental: bool = False
    ) -> Sequences:
        """Numeric sequences, or token ids when ``embedding_dim`` is set (was set, once fitted).

        ``training`` with ``reset=False`` is continued training (``warm_start``,
        ``partial_fit``, which ``incremental`` says), whose ids must have a row
        in the trained embedding table; ``predict`` reads ids without one as unknown.
        """
        # After fit, the trained network decides: set_params(embedding_dim=...)
        # between fit and predict must not change how X is read.
        tokens = self.embedding_dim is not None if reset else self.net_.module_.embedding is not None
        if not tokens:
            if reset and self.vocab_size is not None:
                raise ValueError(
                    f"{type(self).__name__} got vocab_size={self.vocab_size} with embedding_dim=None: "
                    "vocab_size sizes the embedding table of token ids, which embedding_dim enables. "
                    "Set embedding_dim (32, say) for token ids, or leave vocab_size=None for numbers."
                )
            # A 2-D table is kept float32 or float64 as given, and anything else
            # (integers) read as float64, as 3-D arrays and lists are: batches are
            # cast one at a time, and values far from zero relative to their
            # spread keep the digits their float64 scaling reads (see
            # _data/precision.py). Cast to float32 here, a table of Unix times
            # or of integer ids above 2**24 lost them.
            sequences = check_sequences(self, X, reset=reset, table_dtype=[np.float64, np.float32])
            if not reset and getattr(self, "categorical_features_", None) is not None:
                check_category_codes(self, sequences, self.categorical_features_)
                if training:
                    warn_if_codes_unseen_in_training(
                        self, sequences, self.categorical_features_, self.categories_
                    )
            return sequences
        sequences = check_token_ids(self, X, reset=reset)
        name = type(self).__name__
        if reset:
            self.vocab_size_ = table_rows(name, sequences.values, self.vocab_size, self.embedding_dim)
            return sequences
        if training:
            check_ids_in_table(name, sequences.values, self.vocab_size_, incremental=incremental)
            return sequences
        # Ids never seen in fit have no trained embedding: once the layout (and
        # so each length) is known, they are read as the zero vector of id 0.
        # The step still counts; it just carries no information.
        unseen = sequences.values >= self.vocab_size_
        if unseen.any():
            sequences = dataclasses.replace(sequences, values=np.where(unseen, PADDING_ID, sequences.values))
        return sequences

    def _resolve_output(self, cell: str) -> str:
        """What the head reads: the ``"auto"`` rule for ``cell``, or the user's choice."""
        return auto_output(cell) if self.output == "auto" else self.output

    def _resolve_patch_size(self, X: Sequences) -> int:
        """Steps per patch: the ``"auto"`` rule, or the user's integer checked against the output."""
        if self.patch_size == "auto":
            # Per-step outputs need one output per step; token ids are read
            # one token at a time, as text models do.
            if self.output == "sequence" or self.embedding_dim is not None:
                return 1
            return auto_patch_size(X.longest(), self._cell_name())
        if self.patch_size > 1 and self.output == "sequence":
            raise ValueError(
                f"{type(self).__name__} got patch_size={self.patch_size} with output='sequence', "
                "which needs one output per step: a patch gives one output for several steps, and "
                "that output would see the later steps of its patch. Use patch_size=1 (or 'auto')."
            )
        return int(self.patch_size)

    def _input_scaling(
        self, X: Sequences, weights: np.ndarray | None = None
    ) -> tuple[np.ndarray | None, np.ndarray | None, bool]:
        """Resolve ``input_scaling_``; return the per-feature mean and scale of the valid training steps.

        With ``weights``, each step counts with its sequence's (or its own) weight.
        The third value says whether the network must scale in float64: a
        float32 copy of X would round away the spread the scaling reads.
        """
        if X.tokens or self.input_scaling is None:
            self.input_scaling_ = None
        elif self.input_scaling == "auto":
            # Per-step outputs must not depend on later steps, which a
            # sequence's own statistics summarise.
            self.input_scaling_ = "global" if self.output == "sequence" else "sequence"
        else:
            self.input_scaling_ = self.input_scaling
        if self.input_scaling_ == "sequence" and self.output == "sequence":
            warn_at_user_code(
                f"{type(self).__name__} standardises each sequence by its own statistics "
                "(input_scaling='sequence'), which summarise all its steps, so each per-step output "
                "(output='sequence') also depends on the steps after it. Fine for labelling whole "
                "sequences; to predict each step from the steps before it only, use "
                "input_scaling='global' (the default 'auto' does).",
                UserWarning,
            )
        if self.input_scaling_ is None:
            self.input_mean_ = self.input_scale_ = None
            return None, None, False
        mean, std = X.feature_moments(weights)
        numeric = np.arange(X.n_features)
        if self.categorical_features_ is not None:
            # Codes are embedded, not scaled: the statistics are the numeric features' only.
            numeric = np.setdiff1d(numeric, self.categorical_features_)
            mean, std = mean[numeric], std[numeric]
        scale = scale_or_one(mean, std)
        self.input_mean_, self.input_scale_ = mean, scale
        per_sequence = self.input_scaling_ == "sequence"
        if self.precision != "float64" and float32_loses_spread(X, numeric, scale, per_sequence=per_sequence):
            return mean, scale, True
        return mean.astype(np.float32), scale.astype(np.float32), False

    # -- prediction ------------------------------------------------------------------

    def _forward(self, X: Any) -> tuple[Sequences, np.ndarray]:
        """Validate X; return it and the network's raw outputs as float64.

        The outputs have shape ``(n, n_outputs)``, or ``(n, W, n_outputs)`` with
        each sequence's valid steps first for ``output="sequence"``.
        """
        check_is_fitted(self, "net_")
        X = self._validated_sequences(X, reset=False)
        name, module = type(self).__name__, self.net_.module_
        trained_steps = getattr(self.net_, f"{MODULE_PREFIX}sequence_length", None)
        warn_if_state_can_grow(name, module, X, trained_steps, self.patch_size_)
        outputs = predict_outputs(self.net_, X)
        check_outputs_finite(name, module, X, outputs, trained_steps)
        return X, outputs

    def _score(
        self,
        per_sequence_score: Callable[..., float],
        per_step_score: Callable[[np.ndarray, np.ndarray, np.ndarray | None], float],
        X: Any,
        y: Any,
        sample_weight: Any,
    ) -> float:
        """scikit-learn's score per sequence; with ``output="sequence"``, a score over valid steps.

        ``per_step_score(truth, outputs, weights)`` gets the targets
        ``(m, k)``, raw outputs ``(m, n_outputs)`` and weights ``(m,)`` (or
        None) of the m valid steps. Weights are given as ``fit`` takes them:
        per sequence, for each of its steps, or per step.
        """
        check_is_fitted(self, "net_")  # before the fitted head is read
        if self.output_ != "sequence":
            y, sample_weight = _aligned_for_panel_score(self, X, y, sample_weight)
            return per_sequence_score(X, y, sample_weight=sample_weight)
        return float(per_step_score(*self._per_step_truth_and_outputs(X, y, sample_weight)))

    def _per_step_truth_and_outputs(
        self, X: Any, y: Any, sample_weight: Any = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Targets ``(m, k)``, raw outputs ``(m, n_outputs)``, weights ``(m,)`` of the valid steps of X."""
        sequences, outputs = self._forward(X)
        name = type(self).__name__
        if sequences.instances is not None:
            y = align_target(name, y, sequences.instances, sequences.step_index)
            if sample_weight is not None:
                sample_weight = align_target(
                    name, sample_weight, sequences.instances, sequences.step_index, what="sample_weight"
                )
        layout, _ = per_step_layout(self, y, sequences)
        valid = sequences.valid_steps()
        weights = check_sample_weight(self, sample_weight, sequences, per_step=True)
        return (
            layout[valid],
            outputs[valid_aligned(sequences, outputs.shape[1])],
            None if weights is None else weights[valid],
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        return tags


class _CellSelection:
    """The ``cell`` hyperparameter's constraint, for the estimators that search across cells.

    RNNClassifier and RNNRegressor each write their ``__init__`` (scikit-learn
    reads the parameters from its signature) and set ``self.cell`` there.
    """

    _parameter_constraints: ClassVar[dict] = {
        **_BaseRNN._parameter_constraints,
        "cell": [StrOptions(set(CELLS))],
    }
