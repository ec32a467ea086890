"""One command for the benchmark report: sk_rnn against the hand-written loop and every peer.

    python benchmarks/run_all.py [--rounds 3] [--output benchmarks/REPORT.md]

Writes ``benchmarks/REPORT.md``. Every figure is a ratio against a reference
measured in the same run on the same data, model size and epochs, so that
the noise of a shared machine affects both alike:

- **Training** an LSTM (64 hidden units, one layer, one direction, Adam at
  1e-3, mean squared error, batches of 128, all data used for training) on
  windows of a noisy sine, T = 50 and T = 500, against the hand-written
  PyTorch loop; beside it skorch as a user sets it up (its own module class,
  ``NeuralNetRegressor``, ``train_split=None``), darts' ``BlockRNNModel`` and
  Keras 3's ``LSTM`` on the torch backend, each where it is installed. sk_rnn
  runs three times: with patching off (``patch_size=1``, the same recurrence
  as the others), with its default ``patch_size="auto"``, and with patching
  off in mixed precision (``precision="bfloat16"``), which computes the
  products at lower precision and pays off on hardware with bfloat16 units.
- **FLOP/s** of that training as a fraction of this CPU's float32
  matrix-multiply peak, measured with a 2048 x 2048 product.
- **Inference latency** of one sequence against the bare module
  (``bench_inference.py``'s measurement).
- **Window memory** over a 2,000,000-step series: sk_rnn's windows and a
  prediction over all of them, against the same with the windows copied.
- **GridSearchCV(n_jobs=2)** against ``n_jobs=1``.

Each fit runs in a fresh subprocess with one torch thread (Keras reads its
backend from the environment at import), rounds alternate the candidates,
and the median of the rounds is reported. The peers are installed only in
the benchmark's environment (``pip install skorch "darts[torch]" keras``;
darts' torch models need pytorch-lightning), never as dependencies of
sk_rnn; a missing peer is reported as such.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HIDDEN, BATCH, LEARNING_RATE = 64, 128, 1e-3
# (steps, training windows, epochs): about the same work at both lengths.
TASKS = ((50, 4096, 3), (500, 1024, 2))
SERIES_STEPS = 2_000_000
CANDIDATES = ("loop", "sk_rnn", "sk_rnn_patched", "sk_rnn_bfloat16", "skorch", "darts", "keras")
LABELS = {
    "loop": "hand-written PyTorch loop",
    "sk_rnn": "sk_rnn `LSTMRegressor`, patching off",
    "sk_rnn_patched": "sk_rnn `LSTMRegressor`, `patch_size='auto'`",
    "sk_rnn_bfloat16": "sk_rnn `LSTMRegressor`, patching off, `precision='bfloat16'`",
    "skorch": "skorch `NeuralNetRegressor`",
    "darts": "darts `BlockRNNModel`",
    "keras": "Keras 3 `LSTM` (torch backend)",
}


def windows(n_windows: int, n_steps: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.RandomState(seed)
    length = n_windows + n_steps
    series = (np.sin(np.arange(length) * 0.07) + 0.1 * rng.normal(size=length)).astype(np.float32)
    X = np.lib.stride_tricks.sliding_window_view(series[:-1], n_steps)[:n_windows, :, None]
    return np.ascontiguousarray(X), series[n_steps : n_steps + n_windows].copy()


# -- the candidates, each run in its own process -------------------------------------


def fit_loop(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    import torch

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(1, HIDDEN, batch_first=True)
            self.head = torch.nn.Linear(HIDDEN, 1)

        def forward(self, x):
            return self.head(self.lstm(x)[0][:, -1])

    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y).unsqueeze(1)
    net = Network()
    optimizer = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    for _ in range(epochs):
        order = torch.randperm(len(X_t))
        for start in range(0, len(X_t), BATCH):
            index = order[start : start + BATCH]
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(net(X_t[index]), y_t[index])
            loss.backward()
            optimizer.step()


def fit_sk_rnn(
    X: np.ndarray, y: np.ndarray, epochs: int, patch_size="auto", precision: str = "float32"
) -> None:
    from sk_rnn import LSTMRegressor

    LSTMRegressor(
        hidden_size=HIDDEN,
        num_layers=1,
        bidirectional=False,
        dropout=0.0,
        patch_size=patch_size,
        input_scaling="global",
        output="last",
        batch_size=BATCH,
        max_epochs=epochs,
        learning_rate=LEARNING_RATE,
        learning_rate_schedule="constant",
        optimizer="adam",
        weight_decay=0.0,
        clip_grad_norm=None,
        precision=precision,
        random_state=0,
    ).fit(X, y)


def fit_skorch(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    import torch
    from skorch import NeuralNetRegressor

    class Network(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = torch.nn.LSTM(1, HIDDEN, batch_first=True)
            self.head = torch.nn.Linear(HIDDEN, 1)

        def forward(self, X):
            return self.head(self.lstm(X)[0][:, -1])

    NeuralNetRegressor(
        Network,
        optimizer=torch.optim.Adam,
        lr=LEARNING_RATE,
        batch_size=BATCH,
        max_epochs=epochs,
        train_split=None,
        verbose=0,
    ).fit(X, y[:, None])


def fit_darts(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    import logging

    from darts import TimeSeries
    from darts.models import BlockRNNModel

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    n_steps = X.shape[1]
    # The series whose windows of n_steps, each followed by its target, are X and y.
    series = TimeSeries.from_values(np.concatenate([X[0, :, 0], y]).astype(np.float32))
    BlockRNNModel(
        model="LSTM",
        input_chunk_length=n_steps,
        output_chunk_length=1,
        hidden_dim=HIDDEN,
        n_rnn_layers=1,
        dropout=0.0,
        batch_size=BATCH,
        n_epochs=epochs,
        optimizer_kwargs={"lr": LEARNING_RATE},
        random_state=0,
        pl_trainer_kwargs={
            "accelerator": "cpu",
            "enable_progress_bar": False,
            "enable_model_summary": False,
            "logger": False,
            "enable_checkpointing": False,
        },
    ).fit(series, verbose=False)


def fit_keras(X: np.ndarray, y: np.ndarray, epochs: int) -> None:
    import keras

    model = keras.Sequential([keras.Input((X.shape[1], 1)), keras.layers.LSTM(HIDDEN), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss="mse")
    model.fit(X, y, batch_size=BATCH, epochs=epochs, verbose=0, shuffle=True)


FITS = {
    "loop": fit_loop,
    "sk_rnn": lambda X, y, epochs: fit_sk_rnn(X, y, epochs, patch_size=1),
    "sk_rnn_patched": fit_sk_rnn,
    "sk_rnn_bfloat16": lambda X, y, epochs: fit_sk_rnn(X, y, epochs, patch_size=1, precision="bfloat16"),
    "skorch": fit_skorch,
    "darts": fit_darts,
    "keras": fit_keras,
}
PEER_MODULES = {"skorch": "skorch", "darts": "darts", "keras": "keras"}
# Imported before the clock starts: import time is not training time.
IMPORTS = {
    "loop": ["torch"],
    "sk_rnn": ["sk_rnn"],
    "sk_rnn_patched": ["sk_rnn"],
    "sk_rnn_bfloat16": ["sk_rnn"],
    "skorch": ["skorch"],
    "darts": ["darts", "darts.models"],
    "keras": ["keras"],
}


def memory_worker(copy: bool) -> dict:
    """Peak resident memory added by the windows of a 2,000,000-step series and a prediction on them."""
    import torch

    from sk_rnn import GRURegressor
    from sk_rnn.preprocessing import SlidingWindowTransformer

    torch.set_num_threads(1)
    rng = np.random.RandomState(0)
    series = np.cumsum(rng.normal(size=(SERIES_STEPS, 1))).astype(np.float32)[:, None]
    small = SlidingWindowTransformer(window_size=50).fit_transform(series[:600])[50:]
    model = GRURegressor(hidden_size=8, max_epochs=1, random_state=0).fit(small, series[51:601, 0])
    # The memory in use now, not the high-water mark so far: building the series
    # above peaked higher than what follows may add.
    before = _resident_kib()
    start = time.perf_counter()
    X = SlidingWindowTransformer(window_size=50).fit_transform(series)[50:]
    if copy:
        X = np.ascontiguousarray(X)
    model.predict(X)
    seconds = time.perf_counter() - start
    peak = _peak_resident_kib()
    return {"added_mib": (peak - before) / 1024, "seconds": seconds, "windows": len(X)}


def _resident_kib() -> int:
    """The process's resident memory now, in KiB."""
    return _status_kib("VmRSS:")


def _peak_resident_kib() -> int:
    """The most resident memory this process has held since it started, in KiB.

    Not ``ru_maxrss``: Linux carries the peak of the memory a child was forked
    with across its exec, so a worker started by a parent holding more than
    the worker ever will reads the parent's size as its own peak (within the
    report, the windows' view read 267-327 MiB added instead of about 60).
    """
    return _status_kib("VmHWM:")


def _status_kib(field: str) -> int:
    """A field of /proc/self/status in KiB (Linux); ``ru_maxrss`` elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def worker(kind: str, n_steps: int, n_windows: int, epochs: int) -> dict:
    if kind.startswith("memory"):
        return memory_worker(copy=kind == "memory_copy")
    import importlib

    import torch

    for module in IMPORTS[kind]:
        importlib.import_module(module)
    # Building the first torch optimizer imports torch's compiler stack (about
    # 900 modules, 0.7 s here): inside the clock it was half of a T = 50 fit
    # for the loop, sk_rnn, skorch and darts, and nothing for Keras, whose
    # import brings it in.
    torch.optim.Adam([torch.nn.Parameter(torch.zeros(1))])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    X, y = windows(n_windows, n_steps)
    start = time.perf_counter()
    FITS[kind](X, y, epochs)
    return {"seconds": time.perf_counter() - start}


def run_worker(kind: str, n_steps: int = 0, n_windows: int = 0, epochs: int = 0) -> dict | None:
    """Run one candidate in a fresh process; None when the peer is not installed or fails."""
    command = [sys.executable, __file__, "--worker", kind, str(n_steps), str(n_windows), str(epochs)]
    environment = {**os.environ, "KERAS_BACKEND": "torch", "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        print(f"  {kind} failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def installed(kind: str) -> bool:
    module = PEER_MODULES.get(kind)
    if module is None:
        return True
    import importlib.util

    return importlib.util.find_spec(module) is not None


# -- the report ----------------------------------------------------------------------


def training_table(rounds: int) -> tuple[list[str], dict]:
    lines = [
        "| candidate | T | windows x epochs | seconds (median) | ratio to the loop |",
        "| --- | --- | --- | --- | --- |",
    ]
    medians = {}
    for n_steps, n_windows, epochs in TASKS:
        kinds = [kind for kind in CANDIDATES if installed(kind)]
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for round_index in range(rounds):
            for kind in kinds:
                result = run_worker(kind, n_steps, n_windows, epochs)
                if result is not None:
                    times[kind].append(result["seconds"])
            print(f"T={n_steps} round {round_index + 1}/{rounds} done", file=sys.stderr)
        loop = statistics.median(times["loop"])
        for kind in CANDIDATES:
            if kind not in times or not times[kind]:
                why = "not installed" if kind not in times else "failed"
                lines.append(f"| {LABELS[kind]} | {n_steps} | {n_windows} x {epochs} | {why} | |")
                continue
            seconds = statistics.median(times[kind])
            medians[(kind, n_steps)] = seconds
            work = f"{n_windows} x {epochs}"
            lines.append(f"| {LABELS[kind]} | {n_steps} | {work} | {seconds:.2f} | {seconds / loop:.2f} |")
    return lines, medians


def matmul_peak_flops() -> float:
    import torch

    torch.set_num_threads(1)
    a, b = torch.randn(2048, 2048), torch.randn(2048, 2048)
    a @ b
    best = min(_timed(lambda: a @ b) for _ in range(5))
    return 2 * 2048**3 / best


def _timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def lstm_training_flops(n_steps: int, n_windows: int, epochs: int) -> float:
    """Multiply-adds of the LSTM's products, forward and backward (twice the forward), times two."""
    per_step = 4 * HIDDEN * (1 + HIDDEN)
    return 2 * 3 * per_step * n_steps * n_windows * epochs


def flops_table(medians: dict, peak: float) -> list[str]:
    lines = [
        f"float32 matrix-multiply peak of this CPU, one thread (2048 x 2048): {peak / 1e9:.1f} GFLOP/s",
        "",
        "| candidate | T | training GFLOP/s | fraction of peak |",
        "| --- | --- | --- | --- |",
    ]
    for n_steps, n_windows, epochs in TASKS:
        work = lstm_training_flops(n_steps, n_windows, epochs)
        for kind in ("loop", "sk_rnn"):
            if (kind, n_steps) in medians:
                rate = work / medians[(kind, n_steps)]
                lines.append(f"| {LABELS[kind]} | {n_steps} | {rate / 1e9:.2f} | {rate / peak:.1%} |")
    return lines


def latency_lines(rounds: int) -> list[str]:
    sys.path.insert(0, str(Path(__file__).parent))
    import torch
    from bench_inference import make_windows, median_seconds, onnx_session

    from sk_rnn import LSTMRegressor

    torch.set_num_threads(1)
    X = make_windows(512)
    estimator = LSTMRegressor(max_epochs=1, random_state=0).fit(X, X[:, -1, 0])
    module = estimator.net_.module_.eval()
    session = onnx_session(estimator)
    lines = [
        "| batch | bare module (ms) | `predict` / module | onnxruntime / module |",
        "| --- | --- | --- | --- |",
    ]
    for batch in (1, 16, 512):
        median = median_seconds(module, estimator, session, X[:batch], max(rounds, 5))
        onnx = f"{median['onnx'] / median['module']:.2f}" if "onnx" in median else "onnxruntime not installed"
        module_ms, ratio = median["module"] * 1e3, median["predict"] / median["module"]
        lines.append(f"| {batch} | {module_ms:.3f} | {ratio:.2f} | {onnx} |")
    return lines


def memory_lines() -> list[str]:
    view, copy = run_worker("memory_view"), run_worker("memory_copy")
    rows = {"sk_rnn `SlidingWindowTransformer` (a view)": view, "the same windows copied": copy}
    return [
        "| windows of 50 steps over 2,000,000, then `predict` on all | peak memory added (MiB) | seconds |",
        "| --- | --- | --- |",
        *(f"| {name} | {row['added_mib']:.0f} | {row['seconds']:.1f} |" for name, row in rows.items()),
        "",
        f"Ratio: {view['added_mib'] / copy['added_mib']:.3f} of the copy's memory.",
    ]


def search_lines() -> list[str]:
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import GridSearchCV

    from sk_rnn import LSTMRegressor

    X, y = windows(2048, 50)
    grid = {"hidden_size": [16, 32], "learning_rate": [1e-3, 3e-3]}
    seconds = {}
    with warnings.catch_warnings():
        # Five epochs stop every fit while its loss still falls, on purpose: the time is measured.
        # scikit-learn hands the filter on to the n_jobs=2 workers.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for n_jobs in (1, 2, 1, 2):
            search = GridSearchCV(LSTMRegressor(max_epochs=5, random_state=0), grid, cv=2, n_jobs=n_jobs)
            seconds.setdefault(n_jobs, []).append(_timed(lambda search=search: search.fit(X, y)))
    one, two = min(seconds[1]), min(seconds[2])
    return [
        "| `GridSearchCV`, 4 candidates x 2 folds (+ refit), LSTM, 2,048 windows of 50 steps | seconds |",
        "| --- | --- |",
        f"| `n_jobs=1` | {one:.1f} |",
        f"| `n_jobs=2` | {two:.1f} |",
        "",
        f"Speed-up: {one / two:.2f} on {os.cpu_count()} cores (best of two runs each).",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", type=Path, default=Path(__file__).parent / "REPORT.md")
    parser.add_argument("--worker", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *numbers = args.worker
        print(json.dumps(worker(kind, *map(int, numbers))))
        return
    import torch

    import sk_rnn

    versions = [f"sk_rnn {sk_rnn.__version__}", f"torch {torch.__version__}"]
    for peer in ("skorch", "darts", "keras"):
        if installed(peer):
            versions.append(f"{peer} {importlib.metadata.version(peer)}")
    training, medians = training_table(args.rounds)
    report = [
        "# sk_rnn benchmark report",
        "",
        f"Written by `python benchmarks/run_all.py --rounds {args.rounds}` on {date.today()}: "
        f"{os.cpu_count()} cores, one torch thread per fit; {', '.join(versions)}.",
        "Every ratio compares two measurements of the same run.",
        "",
        "## Training",
        "",
        f"LSTM, {HIDDEN} hidden units, one layer and direction, Adam at {LEARNING_RATE:g}, mean squared "
        f"error, batches of {BATCH}, every window used for training; median of {args.rounds} rounds, "
        "each fit in a fresh process (imports not timed).",
        "",
        *training,
        "",
        "## Training FLOP/s",
        "",
        *flops_table(medians, matmul_peak_flops()),
        "",
        "## Inference latency",
        "",
        "`LSTMRegressor` with its defaults on windows of 50 steps (`bench_inference.py` has every cell).",
        "",
        *latency_lines(args.rounds),
        "",
        "## Window memory",
        "",
        *memory_lines(),
        "",
        "## Parallel search",
        "",
        *search_lines(),
        "",
    ]
    args.output.write_text("\n".join(report))
    print("\n".join(report))


if __name__ == "__main__":
    main()
