"""Any trained recurrence as stacked one-direction torch layers that take lengths as a tensor.

Packed sequences, which the estimators use for padded batches, are Python
objects that neither ONNX nor TorchScript tracing can keep: a traced graph
would hold one batch's lengths as constants. :class:`UnpackedRecurrence`
computes the same outputs and final states from the padded tensor and a
lengths tensor (see :func:`~sk_rnn.modules.indrnn.run_directional_stack`),
with layers that export to ONNX's ``LSTM``, ``GRU`` and ``RNN`` operators, so
the exported graph keeps a dynamic batch and sequence length.
"""

from __future__ import annotations

import torch
from torch import nn

from .indrnn import IndRNN, run_directional_stack

__all__ = ["UnpackedRecurrence"]


class _OutputsOnly(nn.Module):
    """A one-layer, one-direction torch recurrent layer that returns only its outputs ``(N, T, H)``."""

    def __init__(self, layer: nn.RNNBase) -> None:
        super().__init__()
        self.layer = layer

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layer(x)[0]


def _single_layer(kind: type[nn.RNNBase], input_size: int, hidden_size: int, **extra) -> nn.RNNBase:
    return kind(input_size, hidden_size, num_layers=1, batch_first=True, bidirectional=False, **extra)


def _torch_direction(rnn: nn.RNNBase, layer: int, direction: int) -> _OutputsOnly:
    """One (layer, direction) of a stacked torch RNN/LSTM/GRU, with its weights copied."""
    directions = 2 if rnn.bidirectional else 1
    input_size = rnn.input_size if layer == 0 else rnn.hidden_size * directions
    extra = {"nonlinearity": rnn.nonlinearity} if isinstance(rnn, nn.RNN) else {}
    single = _single_layer(type(rnn), input_size, rnn.hidden_size, bias=rnn.bias, **extra)
    suffix = f"_l{layer}" + ("_reverse" if direction == 1 else "")
    with torch.no_grad():
        for name, parameter in single.named_parameters():
            parameter.copy_(getattr(rnn, name.replace("_l0", suffix)))
    return _OutputsOnly(single)


def _indrnn_direction(layer) -> _OutputsOnly:
    """An IndRNN layer as an Elman ReLU layer whose recurrent matrix is ``diag(u)``.

    ``relu(W x_t + b + diag(u) h_{t-1})`` is IndRNN's recurrence exactly; the
    bound on ``u`` is applied once here, as every forward pass applies it.
    """
    single = _single_layer(nn.RNN, layer.input_size, layer.hidden_size, nonlinearity="relu")
    u = layer.recurrent_weight.detach().clamp(-layer.recurrent_max, layer.recurrent_max)
    with torch.no_grad():
        single.weight_ih_l0.copy_(layer.input_weight.weight)
        single.bias_ih_l0.copy_(layer.input_weight.bias)
        single.weight_hh_l0.copy_(torch.diag(u))
        single.bias_hh_l0.zero_()
    return _OutputsOnly(single)


def _is_exportable_torch_rnn(rnn: nn.Module) -> bool:
    return isinstance(rnn, (nn.RNN, nn.LSTM, nn.GRU)) and rnn.batch_first and not getattr(rnn, "proj_size", 0)


class UnpackedRecurrence(nn.Module):
    """A trained recurrence (torch RNN, LSTM, GRU or :class:`IndRNN`) that takes lengths as a tensor.

    Called as :class:`IndRNN` is: ``forward(x, lengths=None)`` returns
    ``(output, h_n)``, ``h_n`` holding each sequence's state at its last valid
    step. It is built for inference (export): dropout between layers is left
    out, and the weights are copies, so the trained module is not changed.

    Parameters
    ----------
    rnn : torch.nn.RNN, torch.nn.LSTM, torch.nn.GRU or IndRNN
        The trained recurrence, ``batch_first=True``.

    Examples
    --------
    >>> import torch
    >>> from sk_rnn.modules import UnpackedRecurrence
    >>> lstm = torch.nn.LSTM(3, 8, num_layers=2, batch_first=True, bidirectional=True)
    >>> x = torch.randn(4, 10, 3)
    >>> output, h_n = UnpackedRecurrence(lstm)(x)
    >>> bool(torch.allclose(output, lstm(x)[0], atol=1e-6))
    True
    """

    takes_lengths = True

    def __init__(self, rnn: nn.Module) -> None:
        super().__init__()
        if isinstance(rnn, IndRNN):
            layers = [[_indrnn_direction(layer) for layer in directions] for directions in rnn.layers]
        elif _is_exportable_torch_rnn(rnn):
            directions = 2 if rnn.bidirectional else 1
            layers = [
                [_torch_direction(rnn, layer, direction) for direction in range(directions)]
                for layer in range(rnn.num_layers)
            ]
        else:
            raise TypeError(
                "UnpackedRecurrence takes a batch-first torch.nn.RNN, LSTM or GRU without proj_size, "
                f"or an sk_rnn IndRNN; got {type(rnn).__name__}."
            )
        self.layers = nn.ModuleList(nn.ModuleList(directions) for directions in layers)
        self.dropout = nn.Identity()

    def forward(
        self, x: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        return run_directional_stack(self.layers, x, lengths, self.dropout)
