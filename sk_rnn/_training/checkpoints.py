"""Saving the model after every epoch, and resuming an interrupted fit from the last one.

``checkpoint_dir`` holds a folder per fit, named by the estimator's class
and the fit's fingerprint (``LSTMClassifier-<16 hex digits>``), so that the
fits of a search, one after the other or at the same time, each keep their
own. A fit's folder holds two files in sk_rnn's safe format:

- ``checkpoint.skrnn``: the model as trained so far, which ``sk_rnn.load``
  reads like any saved model, and the fingerprint of its fit;
- ``training_state.skrnn``: what resuming needs besides the weights: the
  fingerprint of the fit (estimator class, hyperparameters and data), the
  epochs done, whether the fit finished, the optimizer's state and, with
  early stopping, the best epoch's weights.

A new ``fit`` with the same directory, estimator, hyperparameters and data
continues from the last completed epoch: the weights, the optimizer's
moments, the position in the learning-rate schedule, the batch order and
early stopping's record (its best weights, and its patience as spent) carry
over. A fit that finished, with an int ``random_state`` and the same
callbacks, has nothing left to train: its weights and record are read back,
which is what training it again would give.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping, LRScheduler

from .._data.sequences import CHUNK_ROWS, Sequences
from .._warnings import warn_at_user_code

__all__ = [
    "CHECKPOINT",
    "FastForwardSchedule",
    "LastEpochWeights",
    "ResumeEarlyStopping",
    "Resumption",
    "SaveCheckpoint",
    "callbacks_signature",
    "check_checkpoint_dir",
    "checkpoint_directory",
    "fingerprint",
    "fit_directory",
    "has_unsaved_epochs",
    "read_resumption",
]

CHECKPOINT = "checkpoint.skrnn"
STATE = "training_state.skrnn"
# Hyperparameters that do not change what a fit computes. The device only
# changes where: a fit checkpointed on a GPU that was lost resumes on the CPU
# (or the other way), instead of starting anew and overwriting its epochs.
# The gradient record only watches; a record turned on at the resume is NaN
# for the epochs before it.
_IRRELEVANT = ("checkpoint_dir", "verbose", "callbacks", "warm_start", "device", "record_gradients")


def fingerprint(
    estimator: type,
    params: dict[str, Any],
    X: Sequences,
    target: np.ndarray,
    weights: np.ndarray | None,
    continued_from: int = 0,
) -> str:
    """A digest of what a fit computes from: the estimator, its hyperparameters, the values of X, y, weights.

    The values themselves, not summaries: swapped columns or reversed steps
    keep every sum and are another fit all the same. The class counts too:
    an LSTMClassifier and a GRUClassifier share every hyperparameter's name
    and value, and neither can continue the other's weights.
    """
    digest = hashlib.sha256()
    digest.update(f"{estimator.__module__}.{estimator.__qualname__}".encode())
    relevant = {key: repr(value) for key, value in sorted(params.items()) if key not in _IRRELEVANT}
    digest.update(json.dumps(relevant).encode())
    # A warm-start continuation is another fit than a fresh one on the same data.
    digest.update(repr((X.values.shape, str(X.values.dtype), continued_from)).encode())
    for layout in (X.lengths, X.starts):  # ragged lists are zero-padded: lengths tell them apart
        digest.update(b"-" if layout is None else np.ascontiguousarray(layout))
    # A view of windows is never copied whole: at most about 64 MB at a time.
    row_bytes = max(1, X.values[:1].nbytes)
    rows = max(1, min(CHUNK_ROWS, (64 << 20) // row_bytes))
    for low in range(0, len(X), rows):
        digest.update(np.ascontiguousarray(X.values[low : low + rows]))
    for array in (target, weights):
        if array is not None:
            digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


class SaveCheckpoint(Callback):
    """Call ``save(net)`` after every epoch (the estimator writes the checkpoint files).

    ``saved_epochs_`` counts the epochs the files on disk hold, those of a
    resumed run included: an interruption after them leaves nothing to write.
    """

    def __init__(self, save: Any) -> None:
        self.save = save

    def on_train_begin(self, net, **kwargs) -> None:
        self.saved_epochs_ = len(net.history)

    def on_epoch_end(self, net, **kwargs) -> None:
        self.save(net)
        self.saved_epochs_ = len(net.history)


def has_unsaved_epochs(net: Any) -> bool:
    """Whether whole epochs ended that no checkpoint holds (a callback stopped training before the save)."""
    saver = dict(net.callbacks_).get("save_checkpoint")
    return saver is not None and len(net.history) > saver.saved_epochs_


class FastForwardSchedule(Callback):
    """Step the learning-rate schedule ``steps`` times at the start: a resumed fit continues it.

    The resumed net holds the history of the epochs before it, from which
    skorch's ``LRScheduler`` counts its batches (``batch_idx_``) itself; the
    schedules are built with ``last_epoch=-1`` so that skorch does not also
    start the torch scheduler at the number of past *epochs*, which is not
    the number of past updates. This callback makes the updates.
    """

    def __init__(self, steps: int) -> None:
        self.steps = steps

    def on_train_begin(self, net, **kwargs) -> None:
        for _, callback in net.callbacks_:
            scheduler = getattr(callback, "lr_scheduler_", None)  # built by its own on_train_begin
            if isinstance(callback, LRScheduler) and callback.step_every == "batch" and scheduler is not None:
                with warnings.catch_warnings():
                    # Stepping before the optimizer is the point here: the steps are past ones.
                    warnings.filterwarnings("ignore", message="Detected call of `lr_scheduler")
                    for _ in range(self.steps):
                        scheduler.step()


def stopped_early(net: Any, validation_curve: list[float] | None) -> bool:
    """Whether early stopping ended training, or would have: its patience is spent.

    The curve is the whole fit's. An interruption can land after an epoch's
    validation loss is recorded and before early stopping has seen it: the
    fit is then over all the same, as the uninterrupted one would be.
    """
    if any(
        isinstance(callback, EarlyStopping) and getattr(callback, "misses_", 0) >= callback.patience
        for _, callback in net.callbacks_
    ):
        return True  # sk_rnn's early stopping or a user's ended the fit
    stopping = _early_stopping(net)
    if stopping is None or not validation_curve:
        return False
    _, misses, _ = replayed_early_stopping(validation_curve, stopping.threshold)
    return misses >= stopping.patience


class LastEpochWeights(Callback):
    """The weights and optimizer state at the end of the last whole epoch.

    First among the callbacks, so that it sees each epoch end before any
    other callback can stop training there. When one does, before the
    epoch's checkpoint is saved, the checkpoint written at the end holds
    these, from which training goes on exactly: not the best epoch's weights
    that early stopping restores when training ends.
    """

    def on_train_begin(self, net, **kwargs) -> None:
        self.weights_ = self.optimizer_state_ = None

    def on_epoch_end(self, net, **kwargs) -> None:
        self.weights_ = _cloned(net.module_.state_dict())
        self.optimizer_state_ = copy.deepcopy(net.optimizer_.state_dict())


def _cloned(state: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {key: value.detach().clone() for key, value in state.items()}


def replayed_early_stopping(curve: list[float], threshold: float) -> tuple[int, int, float]:
    """``(best_epoch, misses, dynamic_threshold)`` of sk_rnn's early stopping over a validation curve.

    As :class:`~sk_rnn._training.callbacks.KeepLowestLoss` keeps them: the
    epoch of the lowest loss, and the patience spent since the last
    improvement by more than the absolute ``threshold``.
    """
    best_epoch, misses, dynamic, lowest = 0, 0, np.inf, np.inf
    for epoch, loss in enumerate(curve, start=1):
        if loss < dynamic:
            misses, dynamic = 0, loss - threshold
        else:
            misses += 1
        if loss < lowest:
            best_epoch, lowest = epoch, loss
    return best_epoch, misses, dynamic


def _early_stopping(net: Any) -> EarlyStopping | None:
    """sk_rnn's own early stopping (``early_stopping=True``), never a user's EarlyStopping callback."""
    return dict(net.callbacks_).get("early_stopping")


class ResumeEarlyStopping(Callback):
    """Give a resumed fit's EarlyStopping the record of the epochs before it.

    Placed after ``EarlyStopping``, whose ``on_train_begin`` starts it afresh:
    the best epoch, the patience spent and the best weights carry over, so
    that a fit interrupted and resumed keeps the weights an uninterrupted one
    would.
    """

    def __init__(self, validation_curve: list[float], best_weights: dict) -> None:
        self.validation_curve = validation_curve
        self.best_weights = best_weights

    def on_train_begin(self, net, **kwargs) -> None:
        stopping = _early_stopping(net)
        if stopping is None:
            return
        # A checkpoint whose patience was spent is complete and never resumed:
        # misses here stay below the patience, which skorch tests with ==.
        best_epoch, misses, dynamic = replayed_early_stopping(self.validation_curve, stopping.threshold)
        stopping.best_epoch_, stopping.misses_, stopping.dynamic_threshold_ = best_epoch, misses, dynamic
        stopping.lowest_score_ = min(self.validation_curve, default=np.inf)
        stopping.best_model_weights_ = _cloned(self.best_weights)


class Resumption:
    """A checkpoint to resume from: the model so far, the optimizer's state, early stopping's best weights.

    ``finished``: the fit ended (all its epochs, or early stopping); the
    model is the fit's result, with nothing left to train.
    """

    def __init__(
        self,
        model: Any,
        optimizer_state: dict | None,
        best_weights: dict | None = None,
        *,
        finished: bool = False,
    ) -> None:
        self.model = model
        self.optimizer_state = optimizer_state
        self.best_weights = best_weights
        self.finished = finished

    @property
    def epochs_done(self) -> int:
        return int(self.model.n_iter_)


def checkpoint_directory(checkpoint_dir: str | os.PathLike) -> Path:
    """The directory ``checkpoint_dir`` names, made absolute once, when fit starts.

    ``~`` is the user's home, as in a shell, not a directory named ``~`` in
    the working directory. A relative path is read against the working
    directory of that moment: a fit whose working directory changes while it
    trains (``os.chdir`` in a notebook cell, a callback) keeps saving every
    epoch in one place, where a new fit from there finds it.
    """
    return Path(checkpoint_dir).expanduser().absolute()


def callbacks_signature(callbacks: list | None) -> str | None:
    """The user's callbacks as text, by class and parameters; None when that cannot tell two apart.

    They are left out of the fingerprint, so that a fit interrupted by one
    of them (a time limit, say) resumes without it. But an EarlyStopping
    with another patience, or an LRScheduler with another rate, trains
    another model: a finished fit is read back only when its callbacks read
    the same. A parameter that shows as an address (a function, a lambda, an
    object without parameters of its own) reads differently in every
    process, so such callbacks give None and their fits train anew.
    """
    described = []
    for entry in callbacks or []:
        name, callback = entry if isinstance(entry, tuple | list) else (None, entry)
        kind = callback if isinstance(callback, type) else type(callback)
        try:
            params = {} if isinstance(callback, type) else callback.get_params()
        except Exception:  # a callback whose parameters cannot be read cannot be compared
            return None
        described.append((name, f"{kind.__module__}.{kind.__qualname__}", sorted(params.items())))
    text = repr(described)
    # An address, or a long array that numpy elides with "...", does not tell two apart.
    return None if re.search(r" at 0x[0-9a-fA-F]+>|\.\.\.", text) else text


def fit_directory(checkpoint_dir: Path, estimator_name: str, digest: str) -> Path:
    """The folder of one fit inside ``checkpoint_dir``: the estimator's class and the fingerprint's start.

    Sixteen hex digits (64 bits) tell apart the fits of any search; the
    training state records the whole fingerprint, which is checked as well.
    """
    return checkpoint_dir / f"{estimator_name}-{digest[:16]}"


def check_checkpoint_dir(name: str, directory: Path) -> None:
    """``checkpoint_dir`` must be a directory, or a path where one can be made: checked before training.

    Otherwise the first save, after the first epoch, would fail with the
    operating system's error.
    """
    existing = next((path for path in (directory, *directory.parents) if path.exists()), None)
    if existing is not None and existing.is_dir() and not os.access(existing, os.W_OK | os.X_OK):
        made = "" if existing == directory else f" (it would be made in {str(existing)!r})"
        raise PermissionError(
            f"{name} got checkpoint_dir={str(directory)!r}, where this user may not create "
            f"files{made}; fit saves the model there after every epoch. Pass a directory you can "
            "write to."
        )
    if existing is None or existing.is_dir():
        return
    where = "is a file" if existing == directory else f"is inside {existing}, which is a file"
    raise ValueError(
        f"{name} got checkpoint_dir={str(directory)!r}, which {where}; checkpoint_dir is a "
        "directory that fit saves the model into after every epoch (created when missing). Pass "
        "the path of a directory, existing or to be created, not of a file."
    )


def write_checkpoint(
    directory: Path,
    snapshot: Any,
    net: Any,
    digest: str,
    complete: bool,
    *,
    callbacks: str | None = None,
    from_last_whole_epoch: bool = False,
) -> None:
    """The model so far, then the state that resuming it needs.

    A write that fails (a full disk, a lost network drive) stops training
    with an error that says what the directory still holds: each file is
    replaced only once its new version is complete, so the last epoch saved
    stays resumable.
    """
    try:
        _write_files(directory, snapshot, net, digest, complete, callbacks, from_last_whole_epoch)
    except OSError as error:
        raise _save_failed(directory, snapshot, net, error) from error


def _save_failed(directory: Path, snapshot: Any, net: Any, error: OSError) -> OSError:
    """The write's error (its type and errno kept), saying which epoch failed and what is kept."""
    saver = dict(net.callbacks_).get("save_checkpoint")
    saved = getattr(saver, "saved_epochs_", 0)
    if saved:
        kept = (
            f"The checkpoint of epoch {saved} saved there is intact: once this is fixed (free disk "
            "space, say), fit again with the same data and hyperparameters to resume from it."
        )
    else:
        kept = (
            "No epoch of this fit is saved: fix this (free disk space, say), or pass another checkpoint_dir."
        )
    reason = str(error.strerror or error).rstrip(".")  # the operating system's, or sk_rnn's own check
    failure = type(error)(
        f"{type(snapshot).__name__} could not save the checkpoint of epoch {int(snapshot.n_iter_)} in "
        f"{str(directory)!r}: {reason}. Training stopped. {kept}"
    )
    failure.errno = error.errno
    return failure


def _write_files(
    directory: Path,
    snapshot: Any,
    net: Any,
    digest: str,
    complete: bool,
    callbacks: str | None,
    from_last_whole_epoch: bool,
) -> None:
    # Imported here: `import sk_rnn` must not load safetensors (tests/test_persistence.py).
    from .._persistence.archive import FORMAT_VERSION, TRAINING_STATE_FORMAT, write_archive, write_model
    from .._persistence.codec import Encoder
    from .._persistence.files import check_writable_file
    from .._persistence.networks import encode_network

    directory.mkdir(parents=True, exist_ok=True)
    last = dict(net.callbacks_).get("last_epoch_weights") if from_last_whole_epoch else None
    restored = None
    if last is not None and last.weights_ is not None:
        # Training was interrupted after an epoch no checkpoint holds: the
        # module may hold the best epoch's weights that early stopping
        # restored. The checkpoint holds the last whole epoch's.
        restored = _cloned(net.module_.state_dict())
        net.module_.load_state_dict(last.weights_)
    try:
        check_writable_file(directory / CHECKPOINT, "sk_rnn.save", CHECKPOINT)
        # The model names its fit too: two fits saving here at once can leave
        # one's model beside the other's training state.
        write_model(snapshot, directory / CHECKPOINT, fingerprint=digest)
        encoder = Encoder(encode_network)
        whole = last.optimizer_state_ if restored is not None else net.optimizer_.state_dict()
        optimizer = _numpy_state(whole)
        document = {
            "format": TRAINING_STATE_FORMAT,
            "format_version": FORMAT_VERSION,
            "fingerprint": digest,
            "epochs_done": int(snapshot.n_iter_),
            "complete": bool(complete),
            # What tells the user's callbacks apart: a finished fit is read back only with the same.
            "callbacks": callbacks,
            "optimizer": encoder.encode(optimizer, "optimizer state"),
        }
        best = None if complete else _best_weights(net, snapshot)
        if best is not None:
            document["best_weights"] = encoder.encode(_numpy_state(best), "best weights")
        write_archive(directory / STATE, document, encoder.arrays)
    finally:
        if restored is not None:
            net.module_.load_state_dict(restored)


def _best_weights(net: Any, snapshot: Any) -> dict | None:
    """Early stopping's best weights so far (the module's, if the last epoch is the best), or None."""
    stopping = _early_stopping(net)
    curve = snapshot.validation_loss_curve_
    if stopping is None or not curve:
        return None
    best_epoch, _, _ = replayed_early_stopping(curve, stopping.threshold)
    if stopping.best_model_weights_ is not None and stopping.best_epoch_ == best_epoch:
        return stopping.best_model_weights_
    if best_epoch == len(curve):
        # The last whole epoch is the best, and early stopping never saw it
        # (training stopped first): the module holds its weights (see above).
        return net.module_.state_dict()
    return None


def read_resumption(
    directory: Path,
    digest: str,
    name: str,
    *,
    finished_too: bool,
    callbacks: str | None,
    device: str | None = None,
) -> Resumption | None:
    """The checkpoint in ``directory`` if it belongs to this fit, else None, its model on ``device``.

    A finished fit's checkpoint is returned only when ``finished_too`` and
    its ``callbacks`` (see :func:`callbacks_signature`) are these: when the
    fit is reproducible (an int ``random_state``), reading it back is what
    training it again would give. Without a seed a new fit is meant to be
    another draw (a clone fitted again for an ensemble, say), so it trains
    anew.
    """
    from .._persistence.archive import TRAINING_STATE_FORMAT, model_from_archive, read_archive
    from .._persistence.codec import Decoder
    from .._persistence.networks import decode_network

    model_path, state_path = directory / CHECKPOINT, directory / STATE
    if not (model_path.is_file() and state_path.is_file()):
        return None
    try:
        document, arrays = read_archive(state_path, expected_format=TRAINING_STATE_FORMAT)
        if document.get("fingerprint") != digest:
            warn_at_user_code(
                f"{name} found a checkpoint in {directory} from another fit (another estimator, "
                "other hyperparameters or other data, in a folder renamed or copied by hand); it "
                "starts anew and replaces it.",
                UserWarning,
            )
            return None
        finished = bool(document.get("complete"))
        same_callbacks = callbacks is not None and document.get("callbacks") == callbacks
        if finished and not (finished_too and same_callbacks):
            return None
        model_document, model_arrays = read_archive(model_path)
        # Checkpoints written before models named their fit hold none: taken as this fit's.
        if model_document.get("fingerprint", digest) != digest:
            warn_at_user_code(
                f"{name} found that {CHECKPOINT} in {directory} was saved by another fit than its "
                "training state (files copied by hand, or one fit run twice at the same time); it "
                "starts anew and replaces both.",
                UserWarning,
            )
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # library versions: the same run
            model = model_from_archive(model_document, model_arrays, CHECKPOINT, device=device)
        optimizer = best_weights = None
        if document.get("epochs_done") == model.n_iter_:  # both files from the same epoch
            decoder = Decoder(arrays, decode_network)
            optimizer = _torch_state(decoder.decode(document["optimizer"]))
            if "best_weights" in document:
                best_weights = _torch_state(decoder.decode(document["best_weights"]))
    except ValueError as error:
        warn_at_user_code(
            f"{name} could not resume from the checkpoint in {directory} ({error}); it starts anew.",
            UserWarning,
        )
        return None
    return Resumption(model, optimizer, best_weights, finished=finished)


def _numpy_state(value: Any) -> Any:
    """An optimizer state dict with its tensors as numpy arrays, for the safe format."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, dict):
        return {key: _numpy_state(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_numpy_state(item) for item in value)
    return value


def _torch_state(value: Any) -> Any:
    """The inverse of :func:`_numpy_state`."""
    if isinstance(value, np.ndarray):
        return torch.from_numpy(value.copy())
    if isinstance(value, dict):
        return {key: _torch_state(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_torch_state(item) for item in value)
    return value
