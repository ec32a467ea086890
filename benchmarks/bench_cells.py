"""Training-step time of every recurrent cell against torch's nn.RNN and nn.LSTM.

One training step (forward and backward through the whole sequence, loss on
the last step) on a batch of 128 sequences of 64 features, hidden size 64,
one layer, one direction, one torch thread, for each sequence length. IndRNN
is sk_rnn's layer (its hand-written backward recurrence; on a GPU one Triton
kernel per pass) and, for reference, the same recurrence through autograd
step by step, as it was written before, and on a GPU sk_rnn's step loops
without the kernels.
Every figure is a ratio to nn.RNN measured in the same run. With
``--device cuda`` the same steps run on the GPU (torch's RNN, LSTM and GRU
then run cuDNN's fused kernels), timed to the GPU's end of work.

    python benchmarks/bench_cells.py [--lengths 50 200 1000 5000] [--repeats 3] [--device cuda]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import time
from collections.abc import Callable, Iterator
from unittest import mock

import torch
from torch import nn

from sk_rnn.modules import IndRNN, indrnn

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


@contextlib.contextmanager
def step_loops() -> Iterator[None]:
    """IndRNN without its GPU kernels: the step loops, a few kernel launches per step."""
    with mock.patch.object(indrnn, "gpu_kernels", lambda tensor: None):
        yield


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def step_seconds(module: nn.Module, n_steps: int, repeats: int, device: torch.device) -> float:
    module = module.to(device)
    x = torch.randn(BATCH, n_steps, FEATURES, device=device)
    times = []
    for repeat in range(repeats + 1):  # the first is a warm-up
        synchronize(device)
        start = time.perf_counter()
        output, _ = module(x)
        output[:, -1].sum().backward()
        synchronize(device)
        if repeat:
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", nargs="+", type=int, default=[50, 200, 1000, 5000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default="cpu", help="cpu (one thread) or cuda")
    args = parser.parse_args()
    device = torch.device(args.device)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU, 1 thread"
    print(f"torch {torch.__version__}, {where}, batch {BATCH}, {FEATURES} features, hidden {HIDDEN}\n")
    print("| cell | " + " | ".join(f"T={n}" for n in args.lengths) + " |")
    print("|---|" + "---|" * len(args.lengths))
    reference = {
        n: step_seconds(nn.RNN(FEATURES, HIDDEN, batch_first=True), n, args.repeats, device)
        for n in args.lengths
    }
    rows = [(name, build, contextlib.nullcontext) for name, build in cells().items()]
    if device.type == "cuda":
        # On a GPU, the same layer without its kernels, beside it.
        ours = [name for name, _, _ in rows].index("IndRNN (sk_rnn)")
        rows.insert(ours + 1, ("IndRNN (sk_rnn, step loops)", rows[ours][1], step_loops))
    for name, build, context in rows:
        row = []
        for n in args.lengths:
            with context():
                seconds = reference[n] if name == "nn.RNN" else step_seconds(build(), n, args.repeats, device)
            row.append(f"{seconds:.4f} s ({seconds / reference[n]:.2f}x)")
        print(f"| {name} | " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
