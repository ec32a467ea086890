"""Mixed precision against float32: fit time and accuracy, on the device given.

Each network (LSTM, GRU, IndRNN classifiers with their defaults, 10 epochs)
is fitted on scikit-learn's digits read pixel by pixel (64 steps, 1,200
training and 597 test images) with ``precision="float32"`` and
``precision="bfloat16"``, alternately, twice each; the best time of each
and the test accuracy are printed, and the ratio of the times.

    python benchmarks/bench_precision.py [--device cpu] [--threads 1]

bfloat16 pays off where the hardware has bfloat16 units: NVIDIA GPUs from
Ampere on, and CPUs with AVX-512 BF16 or AMX (the script prints whether this
one has them).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import torch
from sklearn.exceptions import ConvergenceWarning

from sk_rnn import GRUClassifier, LSTMClassifier, RNNClassifier
from sk_rnn.datasets import load_sequential_digits

NETWORKS = {
    "LSTM": lambda **kw: LSTMClassifier(**kw),
    "GRU": lambda **kw: GRUClassifier(**kw),
    "IndRNN": lambda **kw: RNNClassifier(cell="indrnn", **kw),
}


def cpu_bfloat16_units() -> str:
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    units = [name for name in ("avx512_bf16", "amx_bf16") if name in flags]
    return ", ".join(units) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)  # 10 epochs, on purpose
    X, y = load_sequential_digits(return_X_y=True)
    train, test = slice(0, 1200), slice(1200, None)
    print(
        f"torch {torch.__version__}, device {args.device}, {torch.get_num_threads()} thread(s); "
        f"CPU bfloat16 units: {cpu_bfloat16_units()}\n"
    )
    print("| network | float32 fit (s) | bfloat16 fit (s) | ratio | accuracy float32 | accuracy bfloat16 |")
    print("| --- | --- | --- | --- | --- | --- |")
    NETWORKS["LSTM"](max_epochs=1, device=args.device).fit(X[:64], y[:64])  # warm-up
    for name, build in NETWORKS.items():
        seconds = {"float32": [], "bfloat16": []}
        accuracy = {}
        for _ in range(2):
            for precision in seconds:
                model = build(precision=precision, max_epochs=10, random_state=0, device=args.device)
                start = time.perf_counter()
                model.fit(X[train], y[train])
                seconds[precision].append(time.perf_counter() - start)
                accuracy[precision] = model.score(X[test], y[test])
        best = {precision: min(values) for precision, values in seconds.items()}
        ratio = best["bfloat16"] / best["float32"]
        print(
            f"| {name} | {best['float32']:.1f} | {best['bfloat16']:.1f} | {ratio:.2f} | "
            f"{accuracy['float32']:.3f} | {accuracy['bfloat16']:.3f} |"
        )


if __name__ == "__main__":
    main()
