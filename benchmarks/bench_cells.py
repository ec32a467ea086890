"""Training-step time of every recurrent cell against torch's nn.RNN and nn.LSTM.

One training step (forward and backward through the whole sequence, loss on
the last step) on a batch of 128 sequences of 64 features, hidden size 64,
one layer, one direction, one torch thread, for each sequence length. IndRNN
is sk_rnn's layer (its hand-written backward recurrence) and, for reference,
the same recurrence through autograd step by step, as it was written before.
Every figure is a ratio to nn.RNN measured in the same run.

    python benchmarks/bench_cells.py [--lengths 50 200 1000 5000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import torch
from torch import nn

from sk_rnn.modules import IndRNN

BATCH, FEATURES, HIDDEN = 128, 64, 64


class AutogradIndRNN(nn.Module):
    """The step-by-step reference: IndRNN's recurrence through autograd."""

    def __init__(self) -> None:
        super().__init__()
        self.input_weight = nn.Linear(FEATURES, HIDDEN)
        self.recurrent_weight = nn.Parameter(torch.rand(HIDDEN))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, None]:
        projected = self.input_weight(x)
        h = projected.new_zeros(x.shape[0], HIDDEN)
        steps = []
        for t in range(x.shape[1]):
            h = torch.relu(projected[:, t] + self.recurrent_weight * h)
            steps.append(h)
        return torch.stack(steps, dim=1), None


def cells() -> dict[str, Callable[[], nn.Module]]:
    return {
        "nn.RNN": lambda: nn.RNN(FEATURES, HIDDEN, batch_first=True),
        "nn.LSTM": lambda: nn.LSTM(FEATURES, HIDDEN, batch_first=True),
        "nn.GRU": lambda: nn.GRU(FEATURES, HIDDEN, batch_first=True),
        "IndRNN (sk_rnn)": lambda: IndRNN(FEATURES, HIDDEN, batch_first=True),
        "IndRNN (autograd loop)": AutogradIndRNN,
    }


def step_seconds(module: nn.Module, n_steps: int, repeats: int) -> float:
    x = torch.randn(BATCH, n_steps, FEATURES)
    times = []
    for repeat in range(repeats + 1):  # the first is a warm-up
        start = time.perf_counter()
        output, _ = module(x)
        output[:, -1].sum().backward()
        if repeat:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", nargs="+", type=int, default=[50, 200, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, 1 thread, batch {BATCH}, {FEATURES} features, hidden {HIDDEN}\n")
    print("| cell | " + " | ".join(f"T={n}" for n in args.lengths) + " |")
    print("|---|" + "---|" * len(args.lengths))
    reference = {
        n: step_seconds(nn.RNN(FEATURES, HIDDEN, batch_first=True), n, args.repeats) for n in args.lengths
    }
    for name, build in cells().items():
        row = []
        for n in args.lengths:
            seconds = reference[n] if name == "nn.RNN" else step_seconds(build(), n, args.repeats)
            row.append(f"{seconds:.3f} s ({seconds / reference[n]:.2f}x)")
        print(f"| {name} | " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
