"""The rules behind the ``"auto"`` hyperparameters, each chosen from the training data.

The measurements behind every constant are in ``benchmarks/bench_learning.py``
and the docs' page on the defaults.
"""

from __future__ import annotations

import math

import torch

__all__ = [
    "auto_batch_size",
    "auto_learning_rate",
    "auto_max_epochs",
    "auto_num_layers",
    "auto_optimizer",
    "auto_output",
    "auto_patch_size",
    "auto_weight_decay",
]

# Recurrence length the "auto" patch size aims at, per cell: sequences
# longer than this are read in patches so that the cell runs about this many
# steps. The gated cells learned more from 64 steps than from 16 or 32 (PLAID,
# PickupGestureWiimoteZ). Without a gate the gradient fades sooner: over 50
# steps the Elman network stayed at chance on GunPoint (training loss ln 2)
# and over 30 it scored 0.97, so the ungated cells aim at 32.
TARGET_RECURRENCE_STEPS = {"lstm": 64, "gru": 64, "rnn": 32, "rnn_relu": 32, "indrnn": 32}
# Batch size for data sets large enough to afford it, and the smallest batch.
LARGE_BATCH = 64
SMALL_BATCH = 16
# Optimiser updates a default fit is given at least, whatever the data size.
MIN_UPDATES = 2000
# Peak learning rate per cell. Gated cells (LSTM, GRU) learn faster and
# generalise better at 0.01; the Elman network and IndRNN have no gate to
# absorb a large update, and at 0.01 their training stalls on some data sets.
LEARNING_RATES = {"lstm": 0.01, "gru": 0.01, "rnn": 0.003, "rnn_relu": 0.003, "indrnn": 0.003}
# Optimizer per cell (the others train with AdamW). The Elman network
# generalised better with SGD and Nesterov momentum, at ten times its AdamW
# rate (see SGD_RATE_FACTOR). Over both learning panels with seeds 0-2 it
# had the higher mean on eleven sets of eighteen: on digits read row by row
# it gained in each of five scalings with each seed (raw pixels 0.969, 0.976
# and 0.973 against 0.956, 0.966 and 0.967), and OSULeaf rose from 0.693 to
# 0.781 on average. It lost on ArrowHead (0.745 against 0.790 on average, 36
# training series), PLAID (0.729 against 0.741), UnitTest (one test series
# of 22) and Tecator (RMSE 1.08-1.17 against 0.78-0.92, ridge 2.65). The
# forecasting regressor gained on ten series of twelve with seeds 0 and 1
# (lynx 935 and 958 against 1,526 and 1,150). The gated cells and IndRNN
# learned less with SGD (digits: LSTM 0.954 against 0.961, IndRNN 0.946
# against 0.957), and the ReLU Elman network ("rnn_relu") was mixed (raw
# digits 0.964 against 0.954, Tecator 2.30 against 0.83), so they keep AdamW.
# SGD needs rates ten times Adam's, so a learning rate the user sets is taken
# as AdamW's, as for every other cell: at an Adam-sized 0.003, SGD left the
# Elman network at 0.936 on raw digits.
CELL_OPTIMIZERS = {"rnn": "sgd"}
# The rates above are for Adam and its kin, whose steps are about the rate
# whatever the gradient's size. SGD's steps are the rate times the gradient,
# which clipping keeps at norm 1 or below, so SGD takes ten times the rate.
# Measured on digits read row by row (raw pixels, seed 0) with Nesterov
# momentum 0.9: the LSTM scored 0.887, 0.937 and 0.954 at rates of 0.01,
# 0.03 and 0.1, the Elman network 0.936, 0.971 and 0.969 at 0.003, 0.01 and
# 0.03 (plain SGD at 0.01: 0.64).
SGD_RATE_FACTOR = 10
# Weight decay with AdamW, which shrinks the weights apart from the
# gradient's scaling (decoupled): 0.2 added about half a point on digits.
# The other optimizers add weight decay to the gradient as an L2 penalty,
# which Adam and RMSprop then divide by the gradient's running size, so the
# same number is far stronger there: at 0.2 the LSTM scored 0.37 (Adam), 0.31
# (RMSprop) and 0.27 (plain SGD) on raw digits, against 0.957 and 0.960 for
# Adam and RMSprop without (seed 0). They get none, as torch's own default.
DECOUPLED_WEIGHT_DECAY = 0.2
# Stacked layers per cell. An IndRNN unit only sees its own past, so units
# exchange information only from one layer to the next (Li et al. 2018 stack
# several); the Elman network also gains from a second layer, the gated cells
# do not.
NUM_LAYERS = {"lstm": 1, "gru": 1, "rnn": 2, "rnn_relu": 2, "indrnn": 2}
# What the head reads, per cell (the others read the last state). The Elman
# network's last state is a short memory of the sequence: without a gate,
# what it saw many steps before has faded from it. The element-wise maximum of
# its outputs over the steps keeps what it saw anywhere. On the development
# panel (seed 0) it took PLAID from 0.723 to 0.754 (1-NN 0.730), ACSF1 from
# 0.70 to 0.78, Covid3Month's RMSE from 0.0449 to 0.0417 (ridge 0.0430), and
# on the held-out panel OSULeaf from 0.533 to 0.678 and GunPoint from 0.927
# to 0.987. IndRNN and the LSTM read the last state and the maximum side by
# side ("last+max"), which keeps what each does well. For IndRNN (development
# panel, seeds 0-2) Tecator's RMSE fell from 4.65 to 1.89-2.28 (ridge 2.65),
# ACSF1 rose from 0.74 to 0.78-0.80 and digits from 0.947-0.951 to
# 0.954-0.960, while PickupGestureWiimoteZ (0.72-0.76) and Covid3Month
# (0.0417-0.0426) stayed above their baselines, which the maximum alone lost;
# held out (seed 0), OSULeaf rose from 0.574 to 0.744 and ArrowHead from
# 0.434 to 0.554. For the LSTM (seed 0) PickupGestureWiimoteZ rose from 0.74
# to 0.84, ACSF1 from 0.71 to 0.76, ArrowHead from 0.537 to 0.743 and OSULeaf
# from 0.661 to 0.789; PLAID fell from 0.844 to 0.827 and Covid3Month's RMSE
# rose from 0.036 to 0.042. The Elman network with "last+max" gained on the
# development panel and lost on the held-out one (GunPoint 0.86, below 1-NN),
# and the GRU lost ACSF1 (0.79 to 0.74) and Covid3Month (0.042 to 0.047).
POOLED_OUTPUT = {"rnn": "max", "lstm": "last+max", "indrnn": "last+max"}
# Epochs a default fit runs at least and at most.
MIN_EPOCHS = 30
MAX_EPOCHS = 300


def auto_patch_size(n_steps: int, cell: str = "lstm") -> int:
    """Steps per patch: 1 up to the cell's target recurrence length, then ``ceil(T / target)``."""
    return max(1, math.ceil(n_steps / TARGET_RECURRENCE_STEPS[cell]))


def auto_batch_size(n_samples: int) -> int:
    """``LARGE_BATCH`` on large data; smaller batches (more updates per epoch) on small data."""
    return int(min(LARGE_BATCH, max(SMALL_BATCH, n_samples // 16)))


def auto_max_epochs(n_samples: int, batch_size: int) -> int:
    """Enough epochs for ``MIN_UPDATES`` optimiser updates, within ``[MIN_EPOCHS, MAX_EPOCHS]``."""
    updates_per_epoch = math.ceil(n_samples / batch_size)
    return int(min(MAX_EPOCHS, max(MIN_EPOCHS, math.ceil(MIN_UPDATES / updates_per_epoch))))


def auto_output(cell: str) -> str:
    """What the head of ``cell`` reads by default (see ``POOLED_OUTPUT``)."""
    return POOLED_OUTPUT.get(cell, "last")


def auto_optimizer(cell: str, learning_rate: float | str = "auto") -> str:
    """The optimizer ``cell`` trains with by default (see ``CELL_OPTIMIZERS``).

    AdamW whenever ``learning_rate`` is set: a rate given by the user is an AdamW rate.
    """
    if learning_rate != "auto":
        return "adamw"
    return CELL_OPTIMIZERS.get(cell, "adamw")


def auto_learning_rate(cell: str, optimizer: type[torch.optim.Optimizer]) -> float:
    """The peak learning rate of ``cell`` trained by ``optimizer`` (see ``LEARNING_RATES``)."""
    factor = SGD_RATE_FACTOR if issubclass(optimizer, torch.optim.SGD) else 1
    return LEARNING_RATES[cell] * factor


def auto_weight_decay(optimizer: type[torch.optim.Optimizer]) -> float:
    """Weight decay for ``optimizer``: decoupled with AdamW, none with the others.

    See ``DECOUPLED_WEIGHT_DECAY``.
    """
    return DECOUPLED_WEIGHT_DECAY if issubclass(optimizer, torch.optim.AdamW) else 0.0


def auto_num_layers(cell: str) -> int:
    """The number of stacked layers of ``cell`` (see ``NUM_LAYERS``)."""
    return NUM_LAYERS[cell]
