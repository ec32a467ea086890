"""torch's global state, changed only inside a block and restored after it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import torch

__all__ = ["flush_denormals", "full_float32", "network_numerics", "seeded_torch"]

# torch has one global generator per device for the whole process. Two fits
# seeding and drawing from it in threads at once (joblib's threading backend,
# a thread pool) would interleave their draws, so that each fit's weights and
# dropout masks depended on the other's timing, and the last to leave would
# restore the other's state. Seeded blocks therefore run one at a time;
# re-entrant, so that a fit started inside one (from a callback) still runs.
_SEEDED_BLOCK = threading.RLock()


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
def full_float32() -> Iterator[None]:
    """No TensorFloat-32 in cuDNN's recurrences inside the block; the caller's setting after it.

    torch lets cuDNN compute float32 RNNs, LSTMs and GRUs in TF32 by default
    on GPUs since Ampere, which keeps 10 bits of mantissa where float32 has
    23: a GPU's predictions would then not match the CPU's to float32
    tolerance. ``precision="float32"`` means float32 wherever the network
    runs; ``precision="bfloat16"`` is the reduced-precision choice.
    """
    _NO_TF32.enter()
    try:
        yield
    finally:
        _NO_TF32.leave()


class _TF32Off:
    """cuDNN's TF32 switch held off while any block is open, in any thread.

    The switch is one per process. Had each block saved and restored it,
    blocks overlapping in threads (predictions from a thread pool) would save
    one another's False, and the last to leave would leave the caller's TF32
    off for good. The first block to enter saves the caller's setting and the
    last to leave puts it back.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open_blocks = 0
        self._caller_setting = True

    def enter(self) -> None:
        with self._lock:
            if self._open_blocks == 0:
                self._caller_setting = torch.backends.cudnn.allow_tf32
                torch.backends.cudnn.allow_tf32 = False
            self._open_blocks += 1

    def leave(self) -> None:
        with self._lock:
            self._open_blocks -= 1
            if self._open_blocks == 0:
                torch.backends.cudnn.allow_tf32 = self._caller_setting


_NO_TF32 = _TF32Off()


@contextlib.contextmanager
def network_numerics() -> Iterator[None]:
    """The arithmetic every fit and prediction runs under: subnormals flushed, float32 without TF32."""
    with flush_denormals(), full_float32():
        yield


@contextlib.contextmanager
def seeded_torch(seed: int, device: torch.device, *, exclusive: bool = True) -> Iterator[None]:
    """Seed torch's global generators inside the block and restore them afterwards.

    Weight initialisation and dropout draw from torch's global generators; forking
    them keeps ``random_state`` from leaking into (or depending on) the caller's
    own use of torch. Blocks in other threads wait for an ``exclusive`` one
    to end, so that a seed gives the same draws whatever runs beside it.
    ``exclusive=False`` is for draws whose values do not matter (weights about
    to be replaced by saved ones): such a block never waits minutes for a fit
    in another thread, at the cost of that fit's reproducibility if they overlap.
    """
    devices = [device.index or 0] if device.type == "cuda" else []
    lock = _SEEDED_BLOCK if exclusive else contextlib.nullcontext()
    with lock, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield
