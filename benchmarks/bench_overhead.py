"""Training and prediction overhead of LSTMRegressor against hand-written PyTorch.

Reference task: 8192 windows of 50 steps with 1 feature, LSTM with 64 hidden
units, batch 128, Adam, mean squared error, 10 epochs. The reference is the
loop a PyTorch user would write: a random permutation per epoch, tensor
slicing, zero_grad / forward / backward / gradient clipping / step, with the
same network class and the same gradient clipping as the estimator's default.

Runs alternate (reference, estimator, reference, ...) in one process and the
ratio of medians is printed, because this machine is shared and noisy.

    python benchmarks/bench_overhead.py [--repeats 5] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning

from sk_rnn import LSTMRegressor
from sk_rnn.modules import RecurrentNetwork

N_SAMPLES, N_STEPS, HIDDEN, BATCH, EPOCHS, LR = 8192, 50, 64, 128, 10, 0.003


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(N_SAMPLES + N_STEPS) * 0.07) + 0.1 * rng.normal(size=N_SAMPLES + N_STEPS)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], N_STEPS)[:N_SAMPLES, :, None]
    y = series[N_STEPS : N_STEPS + N_SAMPLES]
    return np.ascontiguousarray(X, dtype=np.float32), y.astype(np.float32)


def reference_fit(X: np.ndarray, y: np.ndarray, seed: int) -> RecurrentNetwork:
    torch.manual_seed(seed)
    X_t, y_t = torch.from_numpy(X), torch.from_numpy((y - y.mean()) / y.std()).unsqueeze(1)
    net = RecurrentNetwork(1, 1, cell="lstm", hidden_size=HIDDEN, sequence_length=N_STEPS)
    optimizer = torch.optim.Adam(net.parameters(), lr=LR)
    loss_fn = torch.nn.MSELoss()
    net.train()
    for _ in range(EPOCHS):
        order = torch.randperm(len(X_t))
        for start in range(0, len(X_t), BATCH):
            index = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = loss_fn(net(X_t[index]), y_t[index])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
    return net


def reference_estimator(seed: int = 0, **overrides) -> LSTMRegressor:
    """LSTMRegressor set up as the reference: the same network, optimiser and schedule."""
    # The reference's settings: plain Adam at a constant rate, no dropout, no
    # weight decay, one direction read step by step, the head on the last
    # state. The network standardises its inputs globally, one subtraction
    # and one division, as the reference's network does with its default
    # (0, 1) statistics.
    return LSTMRegressor(
        hidden_size=HIDDEN,
        batch_size=BATCH,
        max_epochs=EPOCHS,
        learning_rate=LR,
        learning_rate_schedule="constant",
        optimizer="adam",
        weight_decay=0.0,
        dropout=0.0,
        bidirectional=False,
        patch_size=1,
        input_scaling="global",
        output="last",
        random_state=seed,
        **overrides,
    )


def estimator_fit(X: np.ndarray, y: np.ndarray, seed: int) -> LSTMRegressor:
    # The same 10 epochs as the hand-written loop, still improving by design.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return reference_estimator(seed).fit(X, y)


def reference_predict(net: torch.nn.Module, X: np.ndarray, batch: int) -> np.ndarray:
    net.eval()
    X_t = torch.from_numpy(X)
    with torch.inference_mode():
        return torch.cat([net(X_t[i : i + batch]) for i in range(0, len(X_t), batch)]).numpy()


def timed(fn, *args) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    X, y = make_data()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {os.cpu_count()} cores")
    print(f"task: N={N_SAMPLES} T={N_STEPS} F=1, LSTM hidden {HIDDEN}, batch {BATCH}, {EPOCHS} epochs\n")

    # Warm-up: first calls pay for lazy initialisation in torch and skorch.
    reference_fit(X[:512], y[:512], 0)
    estimator_fit(X[:512], y[:512], 0)

    ratios, ref_walls, est_walls, est_cpu = [], [], [], []
    for repeat in range(args.repeats):
        ref_wall, _, _ = timed(reference_fit, X, y, repeat)
        est_wall, cpu, estimator = timed(estimator_fit, X, y, repeat)
        ratios.append(est_wall / ref_wall)
        ref_walls.append(ref_wall)
        est_walls.append(est_wall)
        est_cpu.append(cpu / est_wall)
        print(
            f"fit  run {repeat}: reference {ref_wall:6.2f} s  estimator {est_wall:6.2f} s  "
            f"ratio {ratios[-1]:.3f}"
        )
    print(
        f"\nfit: estimator / hand-written loop, median ratio {statistics.median(ratios):.3f} "
        f"(reference {statistics.median(ref_walls):.2f} s, "
        f"{N_SAMPLES * EPOCHS / statistics.median(ref_walls):,.0f} samples/s; "
        f"estimator process cpu/wall {statistics.median(est_cpu):.2f})"
    )

    batch = 1024
    pred_ratios = []
    for _ in range(args.repeats):
        ref_wall, _, _ = timed(reference_predict, estimator.net_.module_, X, batch)
        est_wall, _, _ = timed(estimator.predict, X)
        pred_ratios.append(ref_wall / est_wall)
    print(
        f"predict: estimator throughput / raw module under inference_mode (batches of {batch}), "
        f"median {statistics.median(pred_ratios):.3f} ({N_SAMPLES / est_wall:,.0f} sequences/s)"
    )

    one = X[:1]
    latency_ref = min(timed(reference_predict, estimator.net_.module_, one, 1)[0] for _ in range(200))
    latency_est = min(timed(estimator.predict, one)[0] for _ in range(200))
    print(
        f"predict one sequence: estimator {latency_est * 1e3:.3f} ms, raw module {latency_ref * 1e3:.3f} ms "
        "(best of 200; the difference is input validation)"
    )


if __name__ == "__main__":
    main()
