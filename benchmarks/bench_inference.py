"""Prediction latency and throughput of sk_rnn estimators against the bare module.

For each network (LSTM, GRU, Elman, IndRNN regressors with their defaults,
trained one epoch on windows of 50 steps, 1 feature), it times ``predict``
on numpy arrays of 1, 16 and 1,024 sequences against the reference: the
trained ``RecurrentNetwork`` called on a tensor under ``torch.inference_mode``,
which is the least a PyTorch user would run. Where onnxruntime is installed,
the model exported by ``sk_rnn.export_onnx`` is timed too, as a third column.

Calls alternate (reference, estimator, ...) in one process and medians of
several rounds are compared, because this machine is shared and noisy.

    python benchmarks/bench_inference.py [--threads 1] [--rounds 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import warnings

import numpy as np
import torch

from sk_rnn import GRURegressor, LSTMRegressor, RNNRegressor, export_onnx

N_STEPS = 50
BATCHES = (1, 16, 1024)
NETWORKS = {
    "LSTM": lambda: LSTMRegressor(max_epochs=1, random_state=0),
    "GRU": lambda: GRURegressor(max_epochs=1, random_state=0),
    "Elman": lambda: RNNRegressor(cell="rnn", max_epochs=1, random_state=0),
    "IndRNN": lambda: RNNRegressor(cell="indrnn", max_epochs=1, random_state=0),
}


def make_windows(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.RandomState(seed)
    series = np.sin(np.arange(n + N_STEPS) * 0.07) + 0.1 * rng.normal(size=n + N_STEPS)
    windows = np.lib.stride_tricks.sliding_window_view(series, N_STEPS)[:n, :, None]
    return np.ascontiguousarray(windows, dtype=np.float32)


def seconds_per_call(function, repeats: int) -> float:
    start = time.perf_counter()
    for _ in range(repeats):
        function()
    return (time.perf_counter() - start) / repeats


def onnx_session(estimator):
    try:
        import onnxruntime
    except ImportError:
        return None
    path = export_onnx(estimator, os.path.join(tempfile.mkdtemp(), "model.onnx"))
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = torch.get_num_threads()
    options.inter_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options)


def median_seconds(module, estimator, session, rows: np.ndarray, rounds: int) -> dict[str, float]:
    """Median seconds per call of the bare module, predict and (if any) the ONNX session, interleaved."""
    tensor = torch.from_numpy(rows)

    def reference():
        with torch.inference_mode():
            return module(tensor)

    candidates = {"module": reference, "predict": lambda: estimator.predict(rows)}
    if session is not None:
        candidates["onnx"] = lambda: session.run(None, {"X": rows})
    repeats = max(3, 2000 // len(rows))
    for function in candidates.values():  # warm-up: lazy initialisation
        seconds_per_call(function, 3)
    timings = {key: [] for key in candidates}
    for _ in range(rounds):
        for key, function in candidates.items():
            timings[key].append(seconds_per_call(function, repeats))
    return {key: statistics.median(values) for key, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore")
    X = make_windows(max(BATCHES) + 512)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {os.cpu_count()} cores")
    print(f"windows of {N_STEPS} steps, 1 feature; regressors with their defaults, 1 epoch\n")
    print("| network | batch | module (ms) | predict (ms) | predict / module | onnxruntime / module |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, build in NETWORKS.items():
        estimator = build().fit(X[:512], X[:512, -1, 0])
        module = estimator.net_.module_.eval()
        session = onnx_session(estimator)
        for batch in BATCHES:
            median = median_seconds(module, estimator, session, X[:batch], args.rounds)
            onnx_ratio = f"{median['onnx'] / median['module']:.2f}" if "onnx" in median else "n/a"
            print(
                f"| {name} | {batch} | {median['module'] * 1e3:.3f} | {median['predict'] * 1e3:.3f} | "
                f"{median['predict'] / median['module']:.2f} | {onnx_ratio} |"
            )
        print(f"| {name} | throughput | | {batch / median['predict']:,.0f} sequences/s | | |")


if __name__ == "__main__":
    main()
