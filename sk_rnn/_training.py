"""The training machinery: array-sliced batches, a lean skorch net, scoped global state.

skorch's default ``DataLoader`` builds every batch by calling
``Dataset.__getitem__`` once per sample and collating the results; on small
recurrent networks that costs about a tenth of the training time. Here a batch
is one indexing operation on tensors that already hold the whole data set.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch
from skorch import NeuralNet
from torch.utils.data import Dataset

from ._data.sequences import Sequences, shared_tensor

__all__ = ["ArrayBatches", "SequenceNet", "flush_denormals", "predict_in_batches", "seeded_torch"]

# Prediction batches are padded to a multiple of this many rows. The CPU
# matrix kernels accumulate in an order that depends on the number of rows
# modulo a small block size; with whole blocks, the output for a sequence is
# bit-identical whatever else is in the batch (and scikit-learn checks that
# predicting on a subset gives the same values as predicting on the whole).
_ROW_BLOCK = 8


class ArrayBatches(Dataset):
    """Sequences (and targets) served a whole batch at a time.

    Parameters
    ----------
    X : Sequences
        Validated sequences (see :mod:`sk_rnn._data.sequences`).
    y : ndarray of shape (n_samples, ...), default=None
        One target per sequence, or with ``step_fill`` one per step, of shape
        ``(n_samples, n_timesteps, ...)`` in the layout of ``X.values``.
    step_fill : float, default=None
        For per-step targets: the value of padding steps, which the loss skips.
    """

    def __init__(self, X: Sequences, y: np.ndarray | None = None, step_fill: float | None = None) -> None:
        self.X = X
        self.step_fill = step_fill
        if y is None or step_fill is not None:
            self.y = y  # per-step targets are aligned batch by batch, in numpy
        else:
            self.y = shared_tensor(y)

    def __len__(self) -> int:
        return len(self.X)

    def split_at(self, row: int) -> tuple[ArrayBatches, ArrayBatches]:
        """The sequences before ``row`` and from ``row`` on, each with its targets."""
        parts = []
        for rows in (slice(None, row), slice(row, None)):
            part = ArrayBatches.__new__(ArrayBatches)
            part.X = self.X.take(rows)
            part.step_fill = self.step_fill
            part.y = None if self.y is None else self.y[rows]
            parts.append(part)
        return parts[0], parts[1]

    def batches(
        self, batch_size: int, *, shuffle: bool, seed: int | None = None
    ) -> Iterator[tuple[dict[str, torch.Tensor], torch.Tensor | None]]:
        """Yield ``({"X": Xb[, "lengths": lb]}, yb)`` batches, each cut in one indexing step."""
        n = len(self.X)
        order = np.random.default_rng(seed).permutation(n) if shuffle else None
        for start in range(0, n, batch_size):
            # Without shuffling a batch is a contiguous slice: a view, no copy.
            index = slice(start, start + batch_size) if order is None else order[start : start + batch_size]
            yield self.X.batch(index), self._target_batch(index)

    def _target_batch(self, index: slice | np.ndarray) -> torch.Tensor | None:
        if self.y is None:
            return None
        if self.step_fill is None:
            return self.y[index]
        return torch.from_numpy(np.ascontiguousarray(self.X.align_steps(self.y, index, self.step_fill)))


class _BatchIterable:
    """Re-iterable view over :meth:`ArrayBatches.batches`: a new epoch per ``iter``."""

    def __init__(self, data: ArrayBatches, batch_size: int, shuffle: bool, seed: int | None):
        self.data = data
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.seed = seed
        self.epoch = 0

    def __iter__(self):
        # A different order every epoch, the same sequence of orders every fit.
        seed = None if self.seed is None else (self.seed, self.epoch)
        self.epoch += 1
        return self.data.batches(self.batch_size, shuffle=self.shuffle, seed=seed)

    def __len__(self) -> int:
        return -(-len(self.data) // self.batch_size)


class SequenceNet(NeuralNet):
    """skorch ``NeuralNet`` with array-sliced batches and module weight constraints.

    ``shuffle_seed`` seeds the batch orders of every ``fit``; the module's
    ``clamp_weights`` (IndRNN's recurrent bound) runs after each optimiser step.
    """

    def __init__(self, *args, shuffle_seed: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.shuffle_seed = shuffle_seed

    def get_iterator(self, dataset, training: bool = False):
        if not isinstance(dataset, ArrayBatches):
            return super().get_iterator(dataset, training=training)
        batch_size = len(dataset) if self.batch_size == -1 else self.batch_size
        seed = int(self.shuffle_seed) if training else None
        return _BatchIterable(dataset, max(batch_size, 1), shuffle=training, seed=seed)

    def train_step(self, batch, **fit_params):
        step = super().train_step(batch, **fit_params)
        clamp = getattr(self.module_, "clamp_weights", None)
        if clamp is not None:
            clamp()
        return step

    def evaluation_step(self, batch, training: bool = False):
        if training:
            return super().evaluation_step(batch, training=True)
        # inference_mode skips autograd's version counters: faster than no_grad.
        self.check_is_fitted()
        Xi, _ = batch
        self._set_training(False)
        with torch.inference_mode():
            return self.infer(Xi)


def predict_in_batches(net: NeuralNet, X: Sequences, batch_size: int) -> torch.Tensor:
    """Outputs of ``net``'s module in evaluation mode for every sequence of X, on the CPU."""
    outputs = []
    for batch, _ in ArrayBatches(X).batches(batch_size, shuffle=False):
        rows = len(batch["X"])
        missing = -rows % _ROW_BLOCK
        if missing:
            batch["X"] = torch.cat([batch["X"], batch["X"].new_zeros((missing, *batch["X"].shape[1:]))])
            if "lengths" in batch:
                batch["lengths"] = torch.cat([batch["lengths"], batch["lengths"].new_ones(missing)])
        outputs.append(net.evaluation_step((batch, None))[:rows].cpu())
    if outputs[0].dim() == 3:  # per-step outputs: batches differ in width, pad with NaN
        width = max(output.shape[1] for output in outputs)
        outputs = [
            torch.nn.functional.pad(output, (0, 0, 0, width - output.shape[1]), value=float("nan"))
            for output in outputs
        ]
    return torch.cat(outputs)


def _denormals_are_flushed() -> bool:
    # torch has a setter but no getter; a subnormal float32 survives a
    # multiplication by one exactly when flushing is off.
    return torch.tensor([1e-40], dtype=torch.float32).mul(1.0).item() == 0.0


@contextlib.contextmanager
def flush_denormals() -> Iterator[None]:
    """Flush subnormal floats to zero inside the block, then restore the caller's setting.

    Gradients through long sequences decay into the subnormal range, which x86
    processes in microcode: several times slower backward passes.
    """
    previous = _denormals_are_flushed()
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(previous)


@contextlib.contextmanager
def seeded_torch(seed: int, device: torch.device) -> Iterator[None]:
    """Seed torch's global generators inside the block and restore them afterwards.

    Weight initialisation and dropout draw from torch's global generators; forking
    them keeps ``random_state`` from leaking into (or depending on) the caller's
    own use of torch.
    """
    devices = [device.index or 0] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
