"""The recurrent network behind every sk_rnn estimator.

This module is plain PyTorch: it imports nothing from scikit-learn, so the
network can be used, scripted or exported on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .indrnn import IndRNN, recurrent_weight_bound

__all__ = ["CELLS", "OUTPUTS", "RecurrentNetwork"]

# What the head reads: the state at the last valid step, the mean or the
# maximum of the last layer's outputs over the valid steps, or every step.
OUTPUTS = ("last", "mean", "max", "sequence")

# Cell name -> constructor with nn.LSTM's signature.  Plain dispatch table, as
# scikit-learn does for activations.
CELLS: dict[str, Callable[..., nn.Module]] = {
    "rnn": partial(nn.RNN, nonlinearity="tanh"),
    "rnn_relu": partial(nn.RNN, nonlinearity="relu"),
    "lstm": nn.LSTM,
    "gru": nn.GRU,
    "indrnn": IndRNN,
}


class RecurrentNetwork(nn.Module):
    """A stack of recurrent layers and a linear head on the last valid step.

    Parameters
    ----------
    input_size : int
        Features per time step.
    output_size : int
        Size of the output: the number of classes (logits) or of regression
        targets.
    cell : {"rnn", "rnn_relu", "lstm", "gru", "indrnn"}, default="lstm"
        Recurrent cell: Elman with tanh or ReLU, LSTM, GRU or IndRNN.
    hidden_size : int, default=64
        Hidden units per layer and direction.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    bidirectional : bool, default=False
        Whether each layer also reads the sequence backwards; the head then
        sees both final states.
    dropout : float, default=0.0
        Dropout on the output of every recurrent layer, including the last one
        (before the head), active in training mode only.
    sequence_length : int, default=100
        Typical sequence length. Only IndRNN uses it, to bound its recurrent
        weights by ``2 ** (1 / sequence_length)``.
    output : {"last", "mean", "max", "sequence"}, default="last"
        What the head reads: the state at each sequence's last valid step, the
        mean or the element-wise maximum of the last layer's outputs over the
        valid steps (one output per sequence), or the output at every step
        (``forward`` then returns ``(N, T, output_size)``, zeros at padding).
    vocab_size : int, default=None
        With ``embedding_dim``: the inputs are integer token ids ``(N, T, 1)``
        below ``vocab_size``, embedded by a learned table whose row 0
        (padding) stays zero. ``input_size`` is then ignored.
    embedding_dim : int, default=None
        Size of the token embeddings.

    Examples
    --------
    >>> import torch
    >>> from sk_rnn.modules import RecurrentNetwork
    >>> net = RecurrentNetwork(input_size=3, output_size=2, cell="gru", hidden_size=16)
    >>> x = torch.randn(5, 7, 3)
    >>> tuple(net(x).shape)
    (5, 2)
    >>> lengths = torch.tensor([7, 3, 5, 1, 2])
    >>> tuple(net(x, lengths=lengths).shape)
    (5, 2)
    >>> tagger = RecurrentNetwork(input_size=3, output_size=4, output="sequence")
    >>> tuple(tagger(x, lengths=lengths).shape)
    (5, 7, 4)
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        cell: str = "lstm",
        hidden_size: int = 64,
        num_layers: int = 1,
        bidirectional: bool = False,
        dropout: float = 0.0,
        sequence_length: int = 100,
        output: str = "last",
        vocab_size: int | None = None,
        embedding_dim: int | None = None,
    ) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {list(OUTPUTS)}, got {output!r}.")
        self.output = output
        self.embedding = None
        if vocab_size is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=0)
            input_size = embedding_dim
        extra = {"recurrent_max": recurrent_weight_bound(sequence_length)} if cell == "indrnn" else {}
        self.cell = cell
        self.rnn = CELLS[cell](
            input_size=input_size,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            # torch warns when dropout is set on a single layer; it has no
            # effect there, the dropout below covers the last layer.
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
            **extra,
        )
        self.num_directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(hidden_size * self.num_directions, output_size)

    def final_state(self, X: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Last layer's state at each sequence's last valid step, both directions concatenated.

        Parameters
        ----------
        X : tensor of shape (N, T, input_size)
            Batch of sequences; steps at and after ``lengths[i]`` are padding.
        lengths : int64 tensor of shape (N,), default=None
            Valid steps per sequence; None means all sequences are complete.

        Returns
        -------
        tensor of shape (N, hidden_size * num_directions)
        """
        X = self._embedded(X)
        if isinstance(self.rnn, IndRNN):
            _, h_n = self.rnn(X, lengths)
        elif lengths is None:
            _, h_n = self.rnn(X)
        else:
            # Packing makes the forward direction stop and the backward one
            # start at each sequence's own last step.
            packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
            _, h_n = self.rnn(packed)
        if isinstance(h_n, tuple):  # LSTM returns (h_n, c_n)
            h_n = h_n[0]
        # h_n: (num_layers * directions, N, H); keep the last layer's directions.
        last_layer = h_n[-self.num_directions :]
        return torch.cat(list(last_layer), dim=1)

    def _embedded(self, X: torch.Tensor) -> torch.Tensor:
        """Token ids ``(N, T, 1)`` to embeddings ``(N, T, embedding_dim)``; other inputs unchanged."""
        return X if self.embedding is None else self.embedding(X[..., 0])

    def step_outputs(self, X: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Last layer's output at every step, ``(N, T, hidden_size * num_directions)``.

        Steps at and after ``lengths[i]`` hold zeros for the packed torch cells
        and values computed from padding for IndRNN: mask them (see ``forward``).
        """
        X = self._embedded(X)
        if isinstance(self.rnn, IndRNN):
            output, _ = self.rnn(X, lengths)
            return output
        if lengths is None:
            output, _ = self.rnn(X)
            return output
        packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
        output, _ = self.rnn(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=X.shape[1])
        return output

    def clamp_weights(self) -> None:
        """Re-apply the cell's weight constraints (IndRNN's recurrent bound) after an update."""
        if isinstance(self.rnn, IndRNN):
            self.rnn.clamp_recurrent_weights()

    def forward(self, X: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Map ``(N, T, input_size)`` sequences to ``(N, output_size)`` (or ``(N, T, output_size)``)."""
        if self.output == "last":
            return self.head(self.dropout(self.final_state(X, lengths)))
        steps = self.step_outputs(X, lengths)
        if lengths is None:
            valid = None
        else:
            positions = torch.arange(X.shape[1], device=X.device)
            valid = (positions < lengths.to(X.device).unsqueeze(1)).unsqueeze(2)
        if self.output == "sequence":
            outputs = self.head(self.dropout(steps))
            return outputs if valid is None else outputs * valid
        if self.output == "mean":
            if valid is None:
                pooled = steps.mean(dim=1)
            else:
                pooled = (steps * valid).sum(dim=1) / lengths.to(X.device).unsqueeze(1)
        elif valid is None:
            pooled = steps.amax(dim=1)
        else:
            pooled = steps.masked_fill(~valid, float("-inf")).amax(dim=1)
        return self.head(self.dropout(pooled))
