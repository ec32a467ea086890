"""From resolved hyperparameters to a trained skorch net: the one place a net is built.

The estimators resolve their hyperparameters (the fitted ``*_`` attributes)
and describe the run in a :class:`TrainingPlan`; :func:`fit_network` builds
the :class:`~sk_rnn._training.net.SequenceNet` and trains it with torch's
global state scoped to the run.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import torch
from skorch.history import History

from .batches import ArrayBatches
from .callbacks import HoldOutLast, check_callback_names, training_callbacks
from .checkpoints import FastForwardSchedule, LastEpochWeights, ResumeEarlyStopping, SaveCheckpoint
from .net import SequenceNet
from .scoped_state import network_numerics, seeded_torch

__all__ = [
    "OPTIMIZERS",
    "TrainingPlan",
    "check_callback_monitors",
    "check_training_weights",
    "check_validation_weights",
    "check_weight_decay",
    "fit_network",
    "optimizer_settings",
    "resolve_device",
    "resolve_optimizer",
    "restored_on_error",
    "takes_weight_decay",
    "train_one_more_epoch",
    "training_rows",
]

OPTIMIZERS: dict[str, type[torch.optim.Optimizer]] = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
# Settings a named optimizer is built with besides the learning rate and
# weight decay. "sgd" has Nesterov momentum 0.9, as scikit-learn's
# MLPClassifier(solver="sgd"): without momentum, 2,000 updates left the LSTM
# at 0.64 on digits. A class passed by the user is built with its own defaults.
OPTIMIZER_SETTINGS: dict[str, dict[str, Any]] = {"sgd": {"momentum": 0.9, "nesterov": True}}


@dataclasses.dataclass(frozen=True)
class TrainingPlan:
    """How to train, every value resolved (no ``"auto"`` left).

    ``n_train`` sequences train; with ``early_stopping`` the sequences after
    them are the validation set. ``callbacks`` are the user's, copied at fit.
    """

    estimator_name: str
    criterion: type[torch.nn.Module]
    criterion_params: dict[str, Any]
    optimizer: type[torch.optim.Optimizer]
    # The optimizer's settings besides the learning rate and weight decay.
    optimizer_params: dict[str, Any]
    learning_rate: float
    learning_rate_schedule: str
    weight_decay: float
    clip_grad_norm: float | None
    max_epochs: int
    batch_size: int
    n_train: int
    early_stopping: bool
    n_iter_no_change: int
    tol: float
    callbacks: list | None
    # What the held-out sequences are scored by with early stopping (see callbacks.ValidationScore).
    validation_score: str | None
    record_gradients: bool
    device: torch.device
    seed: int
    verbose: int
    # Maps raw outputs to the predictions validation_score compares (a regressor's
    # quantile or normal head gives several numbers per target); None: as they are.
    validation_point: Callable[[np.ndarray], np.ndarray] | None = None
    # "float32", "float64", or "bfloat16" for mixed precision (see SequenceNet.infer).
    precision: str = "float32"
    # Whether optimizer="auto" chose the optimizer (it depends on learning_rate).
    optimizer_from_auto: bool = False

    @property
    def updates_per_epoch(self) -> int:
        return -(-self.n_train // self.batch_size)


def fit_network(
    module: type[torch.nn.Module],
    module_params: dict[str, Any],
    plan: TrainingPlan,
    data: ArrayBatches,
    *,
    initial_state: dict[str, torch.Tensor] | None = None,
    incremental: bool = False,
    resume: Any = None,
    checkpoint: Any = None,
) -> SequenceNet:
    """Build the net of ``module(**module_params)`` and train it on ``data`` as ``plan`` says.

    ``initial_state`` (a module state dict) continues a trained network
    instead of starting from random weights. An ``incremental`` net is kept
    by ``partial_fit``, which trains it one epoch per call, optimizer state
    included (see :func:`train_one_more_epoch`). ``resume`` (a
    :class:`~sk_rnn._training.checkpoints.Resumption`) continues an
    interrupted fit at its next epoch; ``checkpoint`` is called with the net
    after every epoch.
    """
    first, extra = [], []
    start_epoch = 0 if resume is None else resume.epochs_done
    if checkpoint is not None:
        extra.append(("save_checkpoint", SaveCheckpoint(checkpoint)))
        # Before every other callback: each whole epoch's weights, whatever
        # stops training after it (a user's callback, early stopping's restore).
        first.append(("last_epoch_weights", LastEpochWeights()))
    # A finished fit read back trains no epoch: its schedule has nothing left to run.
    finished = resume is not None and resume.finished
    if start_epoch and not finished:
        extra.append(("resume_schedule", FastForwardSchedule(start_epoch * plan.updates_per_epoch)))
    if start_epoch and plan.early_stopping and resume.best_weights is not None:
        curve = list(resume.model.validation_loss_curve_ or [])
        extra.append(("resume_early_stopping", ResumeEarlyStopping(curve, resume.best_weights)))
    callbacks = first + training_callbacks(plan) + extra
    check_callback_names(plan.estimator_name, plan.callbacks, callbacks)
    net = SequenceNet(
        module=module,
        **{f"module__{key}": value for key, value in module_params.items()},
        criterion=plan.criterion,
        **{f"criterion__{key}": value for key, value in plan.criterion_params.items()},
        optimizer=plan.optimizer,
        lr=plan.learning_rate,
        **_weight_decay_setting(plan),
        **{f"optimizer__{key}": value for key, value in plan.optimizer_params.items()},
        max_epochs=plan.max_epochs,
        batch_size=plan.batch_size,
        train_split=HoldOutLast(plan.n_train) if plan.early_stopping else None,
        callbacks=callbacks,
        predict_nonlinearity=None,
        device=str(plan.device),
        verbose=plan.verbose,
        shuffle_seed=plan.seed,
        precision=plan.precision,
    )
    net.incremental = incremental
    net.epoch_offset = start_epoch
    net.callback_settings = callback_settings(plan)
    if resume is not None:
        initial_state = resume.model.net_.module_.state_dict()
    with seeded_torch(plan.seed + start_epoch, plan.device), network_numerics():
        if initial_state is None:
            net.fit(data)
            return net
        net.initialize()
        net.module_.load_state_dict(initial_state)
        if resume is not None:
            # One fit, interrupted and resumed: its record starts at its first
            # epoch, as an uninterrupted fit's would (skorch numbers the new
            # epochs on from there).
            net.history = History(list(resume.model.net_.history))
        if resume is not None and resume.optimizer_state is not None:
            net.optimizer_.load_state_dict(resume.optimizer_state)
        # Early stopping may have finished it before max_epochs: nothing is left either way.
        net.continue_fit(data, epochs=0 if finished else plan.max_epochs - start_epoch)
    return net


def _weight_decay_setting(plan: TrainingPlan) -> dict[str, float]:
    """skorch's weight decay setting, or none for a class without the argument (see check_weight_decay)."""
    return {"optimizer__weight_decay": plan.weight_decay} if takes_weight_decay(plan.optimizer) else {}


def train_one_more_epoch(
    net: SequenceNet, plan: TrainingPlan, data: ArrayBatches, *, dropout: float
) -> SequenceNet:
    """One more epoch of a ``partial_fit`` net: the same optimizer, its moments and step count kept.

    What changed since the last call applies from this epoch on (``dropout``
    is the module's rate now); what the trained weights or the optimizer's
    state cannot follow is refused first.
    """
    _check_same_numerics(net, plan)
    _check_same_optimizer(net, plan)
    _apply_settings(net, plan, dropout)
    with seeded_torch(plan.seed, plan.device), network_numerics():
        net.partial_fit(data)
    return net


def _check_same_numerics(net: SequenceNet, plan: TrainingPlan) -> None:
    """Refuse another float width, or another device, than the network was trained with."""
    was_float64, is_float64 = net.precision == "float64", plan.precision == "float64"
    if was_float64 != is_float64:
        # The weights and the optimizer's moments are stored in the old dtype.
        raise ValueError(
            f"{plan.estimator_name}.partial_fit continues a network trained with "
            f"precision={net.precision!r}, but precision is now {plan.precision!r}. Set it back, or "
            "call fit to train a new network."
        )
    if not _same_device(torch.device(net.device), plan.device):
        # The weights and the optimizer's moments live there. A fit builds a
        # new net on the new device; partial_fit trains its net where it is.
        raise ValueError(
            f"{plan.estimator_name}.partial_fit continues a network on device {net.device!r}, but "
            f"device is now {str(plan.device)!r}. Set it back, or call fit to train a new network."
        )


def _same_device(trained: torch.device, wanted: torch.device) -> bool:
    """Whether two devices are one: "cuda" without an index is the GPU torch places tensors on."""

    def placed(device: torch.device) -> torch.device:
        if device.type == "cuda" and device.index is None:
            return torch.device("cuda", torch.cuda.current_device())
        return device

    return placed(trained) == placed(wanted)


def _check_same_optimizer(net: SequenceNet, plan: TrainingPlan) -> None:
    """Refuse another optimizer, or the same with other settings: the moments it gathered fit no other."""
    if type(net.optimizer_) is not plan.optimizer:
        # optimizer="auto" gives the Elman network SGD only with learning_rate="auto".
        auto_switch = plan.optimizer_from_auto and type(net.optimizer_) is torch.optim.SGD
        hint = (
            " (optimizer='auto' trains the Elman network with SGD only while learning_rate is 'auto'; "
            "set optimizer='sgd' to keep SGD at a rate of your own)"
        )
        raise ValueError(
            f"{plan.estimator_name}.partial_fit continues a network trained by "
            f"{type(net.optimizer_).__name__}, but optimizer now gives {plan.optimizer.__name__}"
            f"{hint if auto_switch else ''}. Set it back, or call fit to train a new network."
        )
    # The settings the optimizer was built with, beside its class: "sgd"
    # (momentum 0.9, Nesterov) and the class torch.optim.SGD (no momentum)
    # are one class, but the momentum buffers of one mean nothing to the other.
    trained_with = _built_with(net, "optimizer")
    trained_with.pop("weight_decay", None)  # applied from the next epoch (see _apply_settings)
    if trained_with != plan.optimizer_params:
        raise ValueError(
            f"{plan.estimator_name}.partial_fit continues a network trained by "
            f"{type(net.optimizer_).__name__} with {trained_with or 'its own defaults'}, but optimizer now "
            f"gives {plan.optimizer_params or 'its own defaults'}. Set it back, or call fit to train a "
            "new network."
        )


def _apply_settings(net: SequenceNet, plan: TrainingPlan, dropout: float) -> None:
    """Train the next epoch as the hyperparameters say now, as the fitted attributes report."""
    # A learning rate or weight decay changed between calls (a schedule of the
    # user's own) applies from this epoch on, as learning_rate_ and
    # weight_decay_ say.
    net.lr = plan.learning_rate
    for group in net.optimizer_.param_groups:
        group["lr"] = plan.learning_rate
        if "weight_decay" in group:  # Rprop and LBFGS have none (see check_weight_decay)
            group["weight_decay"] = plan.weight_decay
    net.shuffle_seed = plan.seed
    net.precision = plan.precision
    # Batches are drawn anew every epoch, and Adam's moments do not depend on
    # their size: batch_size_ applies as it is.
    net.batch_size = plan.batch_size
    if dropout != net.module__dropout:
        # Dropout shapes no weight and no optimizer state, so the new rate is
        # well defined from this epoch on (warm_start's fit applies it too). The
        # module argument is what a saved model is rebuilt with.
        net.module__dropout = dropout
        net.module_.set_dropout(dropout)
    _apply_criterion(net, plan)
    _apply_callbacks(net, plan)


def _built_with(net: SequenceNet, part: str) -> dict[str, Any]:
    """The settings skorch built ``part`` ("optimizer", "criterion") with: its ``part__key`` arguments."""
    prefix = f"{part}__"
    return {key.removeprefix(prefix): value for key, value in vars(net).items() if key.startswith(prefix)}


def _apply_criterion(net: SequenceNet, plan: TrainingPlan) -> None:
    """Build the loss again when it changed: a regressor's loss or quantile, or weights given or not.

    Weighted losses are reduced by the net (``reduction="none"``), so a call
    with sample weights after one without (or the other way) needs another
    criterion; the criterion holds nothing trained.
    """
    built_with = _built_with(net, "criterion")
    if net.criterion is plan.criterion and built_with == plan.criterion_params:
        return
    for key in built_with:
        delattr(net, f"criterion__{key}")
    for key, value in plan.criterion_params.items():
        setattr(net, f"criterion__{key}", value)
    net.criterion = plan.criterion
    net.initialize_criterion()


def callback_settings(plan: TrainingPlan) -> tuple:
    """What the callbacks of a ``partial_fit`` run are built from: the user's, clipping, a progress bar.

    The user's callbacks compare by identity: ``set_params(callbacks=...)`` gives new ones.
    """
    return (tuple(plan.callbacks or ()), plan.clip_grad_norm, plan.verbose >= 2)


def _apply_callbacks(net: SequenceNet, plan: TrainingPlan) -> None:
    """Build the callbacks again when what they are built from changed; switch the log on or off."""
    settings = callback_settings(plan)
    if settings != net.callback_settings:
        # Fresh copies of the user's callbacks, as every fit makes; otherwise
        # they keep their state from call to call.
        net.callbacks = training_callbacks(plan)
        net.initialize_callbacks()
        net.callback_settings = settings
    elif plan.verbose and not net.verbose:
        # A log switched on starts with its header.
        dict(net.callbacks_)["print_log"].initialize()
    net.verbose = plan.verbose


@contextlib.contextmanager
def restored_on_error(net: SequenceNet) -> Iterator[None]:
    """Put ``net`` back as it was when the block raises: weights, optimizer state, settings, history.

    ``partial_fit`` trains its net in place, so a call that fails (training
    diverged) would otherwise leave the weights it broke behind the fitted
    attributes the estimator restores. The copy holds the weights and the
    optimizer's state once more (with Adam, three times the weights), on the
    net's device, for the length of the call; nothing is copied per batch.
    The user's callbacks keep what they saw of the failed epoch: their state
    is their own.
    """
    settings = dict(vars(net))
    weights = {name: tensor.detach().clone() for name, tensor in net.module_.state_dict().items()}
    optimizer_state = copy.deepcopy(net.optimizer_.state_dict())
    epochs = len(net.history)
    modes = [(part, part.training) for part in (net.module_, net.criterion_)]
    try:
        yield
    except BaseException:
        vars(net).clear()
        vars(net).update(settings)
        net.module_.load_state_dict(weights)
        net.module_.set_dropout(net.module__dropout)
        net.optimizer_.load_state_dict(optimizer_state)
        del net.history[epochs:]
        for part, training in modes:
            part.train(training)
        raise


def training_rows(name: str, validation_fraction: float, n_samples: int, *, early_stopping: bool) -> int:
    """Sequences that train: all, or all but the last ``validation_fraction`` with early stopping."""
    if not early_stopping:
        return n_samples
    n_valid = round(validation_fraction * n_samples)
    if n_valid < 1 or n_valid >= n_samples:
        raise ValueError(
            f"{name} got early_stopping=True with validation_fraction={validation_fraction} of "
            f"{n_samples} sequences, which leaves {n_valid} for validation and {n_samples - n_valid} "
            "for training; both need at least one. Change validation_fraction or pass more sequences."
        )
    return n_samples - n_valid


def check_validation_weights(name: str, weights: np.ndarray | None, n_train: int) -> None:
    """With early stopping, the held-out sequences must weigh something, or their loss is 0 / 0."""
    if weights is None or n_train >= len(weights) or weights[n_train:].sum() > 0:
        return
    raise ValueError(
        f"{name} got early_stopping=True, but every held-out sequence (the last "
        f"{len(weights) - n_train}, which early stopping scores) has weight 0, so there is no "
        "validation loss to stop on. Give them weight, change validation_fraction, or set "
        "early_stopping=False."
    )


def check_training_weights(
    name: str, weights: np.ndarray | None, n_train: int, *, weighed_by: str = "sample_weight"
) -> None:
    """The training sequences must weigh something, or the loss is 0 at every update and nothing is learned.

    ``weights`` are the sample weights times the class weights, as
    ``weighed_by`` names them; the first ``n_train`` sequences train, the
    rest (with early stopping) validate.
    """
    if weights is None or weights[:n_train].any():
        return
    if n_train < len(weights):
        raise ValueError(
            f"{name} got early_stopping=True, but every training sequence (the first {n_train}; "
            f"the last {len(weights) - n_train} are held out for validation) has weight 0 "
            f"({weighed_by}), so there is nothing to learn from. Give them weight, change "
            "validation_fraction, or set early_stopping=False."
        )
    # Sample weights that are all zero are refused as they are checked: class weights did this.
    raise ValueError(
        f"{name} got weights ({weighed_by}) that are 0 for every sequence, so there is nothing to "
        "learn from. Give a class present in y a positive class_weight (and some of its sequences "
        "a positive sample_weight)."
    )


def check_callback_monitors(name: str, callbacks: list | None, *, early_stopping: bool) -> None:
    """A user's callback watching a validation score needs the validation split of early stopping."""
    if early_stopping:
        return
    for entry in callbacks or []:
        callback = entry[1] if isinstance(entry, tuple) else entry
        monitor = getattr(callback, "monitor", None)
        if isinstance(monitor, str) and monitor.startswith("valid"):
            raise ValueError(
                f"{name} got the callback {type(callback).__name__}(monitor={monitor!r}), but "
                f"{monitor!r} is recorded only with early_stopping=True, which holds out the last "
                "validation_fraction of the sequences. Set early_stopping=True, or monitor "
                "'train_loss'."
            )


def resolve_device(name: str, device: str | torch.device) -> torch.device:
    """The torch device of the ``device`` hyperparameter, refusing one this machine lacks."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        resolved = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"{name} got device={device!r}, which torch does not recognise. Use "
            "'cpu', 'cuda', 'cuda:N' or 'auto'."
        ) from error
    if resolved.type == "meta":
        # torch accepts it, but meta tensors hold shapes without values, so
        # the first loss read in training would fail with a raw torch error.
        raise ValueError(
            f"{name} got device={device!r}, but meta tensors hold no values, so a network cannot "
            "train or predict there. Use device='cpu', 'cuda' or 'auto'."
        )
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"{name} got device={device!r}, but torch sees no CUDA GPU on this "
            "machine. Use device='auto' to fall back to the CPU, or device='cpu'."
        )
    try:
        # A device torch knows but this machine or build lacks (mps, xpu, a
        # second GPU on a one-GPU machine) fails here, before any work.
        torch.empty(0, device=resolved)
    except (RuntimeError, AssertionError) as error:
        reason = (str(error).splitlines() or [type(error).__name__])[0][:200]
        raise ValueError(
            f"{name} got device={device!r}, but torch cannot place tensors there on this machine "
            f"({reason}). Use device='auto' for the GPU when there is one, or device='cpu'."
        ) from error
    return resolved


def optimizer_settings(optimizer: str | type) -> dict[str, Any]:
    """The settings the ``optimizer`` hyperparameter is built with (see ``OPTIMIZER_SETTINGS``)."""
    return dict(OPTIMIZER_SETTINGS.get(optimizer, {})) if isinstance(optimizer, str) else {}


def resolve_optimizer(name: str, optimizer: str | type) -> type[torch.optim.Optimizer]:
    """The optimizer class of the ``optimizer`` hyperparameter (a name or a class)."""
    if isinstance(optimizer, str):
        return OPTIMIZERS[optimizer]
    if not issubclass(optimizer, torch.optim.Optimizer):
        raise TypeError(
            f"{name} got optimizer={optimizer!r}, which is not a torch.optim.Optimizer subclass. "
            f"Pass one of {sorted(OPTIMIZERS)} or a class such as torch.optim.NAdam."
        )
    if issubclass(optimizer, torch.optim.SparseAdam):
        # It refuses dense gradients at its first step, and every layer's are dense.
        raise ValueError(
            f"{name} got optimizer={_class_name(optimizer)}, which updates only from sparse "
            "gradients, but the network's layers all have dense gradients. Use "
            "torch.optim.Adam or 'adamw' instead."
        )
    return optimizer


def takes_weight_decay(optimizer: type[torch.optim.Optimizer]) -> bool:
    """Whether the class is built with a ``weight_decay`` argument (Rprop and LBFGS are not)."""
    try:
        parameters = inspect.signature(optimizer).parameters.values()
    except (TypeError, ValueError):  # no signature to read: pass it, as for any optimizer
        return True
    return any(
        parameter.name == "weight_decay" or parameter.kind is inspect.Parameter.VAR_KEYWORD
        for parameter in parameters
    )


def check_weight_decay(name: str, optimizer: type[torch.optim.Optimizer], weight_decay: float) -> None:
    """A non-zero ``weight_decay`` needs an optimizer that takes one; 0 is simply not passed."""
    if weight_decay == 0 or takes_weight_decay(optimizer):
        return
    raise ValueError(
        f"{name} got weight_decay={weight_decay}, but optimizer={_class_name(optimizer)} "
        "takes no weight_decay argument. Set weight_decay=0 (or "
        "'auto', which gives it 0), or use an optimizer that decays weights, such as 'adamw'."
    )


def _class_name(optimizer: type) -> str:
    """``torch.optim.Rprop`` as users write it, rather than its defining module ``torch.optim.rprop``."""
    if getattr(torch.optim, optimizer.__name__, None) is optimizer:
        return f"torch.optim.{optimizer.__name__}"
    return f"{optimizer.__module__}.{optimizer.__qualname__}"
