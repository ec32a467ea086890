"""What flushing subnormal floats during fit is worth on long sequences.

With the loss on the last step only, gradients flowing back through a long
sequence shrink into the subnormal range, which x86 processors handle in
microcode. sk_rnn flushes them to zero inside ``fit`` and ``predict`` (and
restores the caller's setting). This script fits the same LSTMRegressor with
and without that scope, alternating the two, and prints the time ratio per
sequence length.

    python benchmarks/bench_denormals.py [--repeats 3] [--lengths 50 100 200 500]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

import sk_rnn._training.scoped_state as scoped_state
from sk_rnn import LSTMRegressor

EPOCHS = 6


def make_data(n_steps: int, n_samples: int = 2048, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Windows of a noisy sine and the next value: the loss sits on the last step only."""
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(n_samples + n_steps) * 0.07) + 0.1 * rng.normal(size=n_samples + n_steps)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], n_steps)[:n_samples, :, None]
    return np.ascontiguousarray(X, dtype=np.float32), series[n_steps : n_steps + n_samples]


def fit_seconds(X: np.ndarray, y: np.ndarray, flush: bool) -> float:
    # fit and predict enter the flush through network_numerics (sk_rnn._training.scoped_state).
    original = scoped_state.flush_denormals
    if not flush:
        scoped_state.flush_denormals = contextlib.nullcontext
    model = LSTMRegressor(hidden_size=64, max_epochs=EPOCHS, dropout=0.0, patch_size=1, random_state=0)
    try:
        start = time.perf_counter()
        with warnings.catch_warnings():
            # EPOCHS stops every fit while the loss still falls, on purpose: the time is measured.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X, y)
        return time.perf_counter() - start
    finally:
        scoped_state.flush_denormals = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--lengths", type=int, nargs="+", default=[50, 100, 200, 500])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); "
        f"LSTM hidden 64, 2048 windows of a noisy sine, {EPOCHS} epochs"
    )
    for n_steps in args.lengths:
        X, y = make_data(n_steps)
        fit_seconds(X[:128], y[:128], flush=True)  # warm-up
        plain, flushed = [], []
        for _ in range(args.repeats):
            plain.append(fit_seconds(X, y, flush=False))
            flushed.append(fit_seconds(X, y, flush=True))
        print(
            f"T={n_steps:4d}: without flushing {statistics.median(plain):6.2f} s, "
            f"with {statistics.median(flushed):6.2f} s, "
            f"speed-up x{statistics.median(plain) / statistics.median(flushed):.2f}"
        )


if __name__ == "__main__":
    main()
