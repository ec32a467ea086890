"""The GPU path, checked in one run: training and prediction on CUDA, mixed precision, and a CPU reload.

On a machine with a CUDA GPU, this script

1. trains ``LSTMRegressor(device="cuda")`` on 8,192 windows of 50 steps
   (the ``bench_overhead.py`` task: 64 hidden units, batches of 128, Adam,
   10 epochs) and the same network with the hand-written PyTorch loop on the
   GPU, alternately, and prints the ratio of their times;
2. trains it again with ``precision="bfloat16"`` and prints the speed-up
   over float32 on the GPU;
3. saves the GPU-trained model with ``sk_rnn.save``, loads it with
   ``device="cpu"`` and checks that its CPU predictions equal the GPU ones
   to float32 tolerance;
4. exports it with ``sk_rnn.export_onnx`` and checks onnxruntime's CPU
   predictions against ``predict``.

It exits with status 1 if a check fails and prints one line per
measurement. Without a GPU it says so and exits with status 0.

``--save-to DIR`` also writes the GPU-trained model there, with
``sk_rnn.save`` (``model.skrnn``) and with pickle (``model.pkl``), and the
inputs and GPU predictions (``predictions.npz``), so that a machine without
a GPU can check that both load and predict the same
(``--check-saved DIR``, which needs no GPU).

    python benchmarks/bench_gpu.py [--repeats 3] [--save-to DIR]
    python benchmarks/bench_gpu.py --check-saved DIR
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).parent))
from bench_overhead import BATCH, EPOCHS, HIDDEN, LR, N_STEPS, make_data, reference_estimator

import sk_rnn
from sk_rnn import LSTMRegressor
from sk_rnn.modules import RecurrentNetwork


def loop_fit(X: np.ndarray, y: np.ndarray, device: torch.device) -> float:
    """The hand-written loop on the GPU, data on the GPU from the start; seconds."""
    torch.manual_seed(0)
    X_t = torch.from_numpy(X).to(device)
    y_t = torch.from_numpy((y - y.mean()) / y.std()).unsqueeze(1).to(device)
    net = RecurrentNetwork(1, 1, cell="lstm", hidden_size=HIDDEN, sequence_length=N_STEPS).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=LR)
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(EPOCHS):
        order = torch.randperm(len(X_t), device=device)
        for low in range(0, len(X_t), BATCH):
            index = order[low : low + BATCH]
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(net(X_t[index]), y_t[index])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optimizer.step()
    torch.cuda.synchronize()
    return time.perf_counter() - start


def estimator(precision: str = "float32") -> LSTMRegressor:
    return reference_estimator(device="cuda", precision=precision)


def timed_fit(model: LSTMRegressor, X: np.ndarray, y: np.ndarray) -> float:
    torch.cuda.synchronize()
    start = time.perf_counter()
    model.fit(X, y)
    torch.cuda.synchronize()
    return time.perf_counter() - start


def save_for_another_machine(
    model: LSTMRegressor, X: np.ndarray, predicted: np.ndarray, directory: Path
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    sk_rnn.save(model, directory / "model.skrnn")
    (directory / "model.pkl").write_bytes(pickle.dumps(model))
    np.savez(directory / "predictions.npz", X=X, predicted=predicted)


def check_saved(directory: Path) -> int:
    """Load what ``--save-to`` wrote, here, and compare predictions with the GPU's."""
    saved = np.load(directory / "predictions.npz")
    failures = []
    # A pickle of a GPU model, unpickled where torch sees no GPU, is trusted
    # input here: it was written by this script.
    for name, load in [
        ("sk_rnn.load", lambda: sk_rnn.load(directory / "model.skrnn")),
        ("pickle", lambda: pickle.loads((directory / "model.pkl").read_bytes())),
    ]:
        model = load()
        device = next(model.net_.module_.parameters()).device
        gap = float(
            np.abs(model.predict(saved["X"]) - saved["predicted"]).max() / np.abs(saved["predicted"]).max()
        )
        print(
            f"GPU-trained model through {name}, predicting on {device}: largest relative difference {gap:.1e}"
        )
        if gap > 1e-4:
            failures.append(name)
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--save-to", type=Path, help="also write the GPU-trained model and its predictions here"
    )
    parser.add_argument(
        "--check-saved", type=Path, help="load what --save-to wrote and compare; needs no GPU"
    )
    args = parser.parse_args()
    if args.check_saved:
        return check_saved(args.check_saved)
    if not torch.cuda.is_available():
        print("no CUDA GPU visible to torch: nothing to check")
        return 0
    device = torch.device("cuda")
    # The loop computes as sk_rnn's float32 does: cuDNN's recurrences without TF32.
    torch.backends.cudnn.allow_tf32 = False
    print(f"torch {torch.__version__}, {torch.cuda.get_device_name(0)}")
    X, y = make_data()
    estimator().set_params(max_epochs=1).fit(X[:512], y[:512])  # warm-up: CUDA context, kernels
    loop_fit(X[:512], y[:512], device)
    loop, ours, mixed = [], [], []
    for _ in range(args.repeats):
        loop.append(loop_fit(X, y, device))
        ours.append(timed_fit(estimator(), X, y))
        mixed.append(timed_fit(estimator("bfloat16"), X, y))
    median = {"loop": statistics.median(loop), "ours": statistics.median(ours)}
    median["mixed"] = statistics.median(mixed)
    print(f"fit on the GPU: sk_rnn / hand-written loop, median {median['ours'] / median['loop']:.3f}")
    print(f"fit on the GPU: bfloat16 / float32, median {median['mixed'] / median['ours']:.3f}")

    failures = []
    model = estimator().fit(X, y)
    on_gpu = model.predict(X[:1000])
    if args.save_to:
        save_for_another_machine(model, X[:1000], on_gpu, args.save_to)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "model.skrnn"
        sk_rnn.save(model, path)
        on_cpu = sk_rnn.load(path, device="cpu").predict(X[:1000])
        gap = float(np.abs(on_cpu - on_gpu).max() / np.abs(on_gpu).max())
        print(f"GPU-trained model loaded on the CPU: largest relative difference {gap:.1e}")
        if gap > 1e-4:
            failures.append("CPU reload")
        try:
            import onnxruntime
        except ImportError:
            print("onnxruntime not installed: export not checked")
        else:
            exported = sk_rnn.export_onnx(model, Path(directory) / "model.onnx")
            (served,) = onnxruntime.InferenceSession(str(exported)).run(None, {"X": X[:1000]})
            gap = float(np.abs(served - on_gpu).max() / np.abs(on_gpu).max())
            print(f"ONNX export of the GPU-trained model: largest relative difference {gap:.1e}")
            if gap > 1e-4:
                failures.append("ONNX export")
    if failures:
        print("FAILED: " + ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
