"""The recurrent network behind every sk_rnn estimator.

This module is plain PyTorch: it imports nothing from scikit-learn, so the
network can be used, traced (torch.jit.trace, as export_torchscript does) or exported on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from numbers import Real

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from .._data.tokens import PADDING_ID
from ._lengths import check_lengths
from .indrnn import IndRNN, last_valid_step, recurrent_weight_bound

__all__ = [
    "CELLS",
    "CELL_PARAMS",
    "INPUT_SCALINGS",
    "OUTPUTS",
    "RecurrentNetwork",
    "check_cell_params",
    "patch_steps",
]

# How numeric inputs are scaled before the cell reads them (see RecurrentNetwork).
INPUT_SCALINGS = ("sequence", "global", None)

# Relative standard deviations below this are read as a constant sequence:
# float32 resolves about 7 digits, and PLAID-like data spans 6 orders of magnitude.
_MIN_RELATIVE_STD = 1e-8

# What the head reads: the state at the last valid step, the mean or the
# maximum of the last layer's outputs over the valid steps, the last state
# and the maximum side by side, or every step.
OUTPUTS = ("last", "mean", "max", "last+max", "sequence")

# Cell name -> constructor with nn.LSTM's signature.  Plain dispatch table, as
# scikit-learn does for activations.
CELLS: dict[str, Callable[..., nn.Module]] = {
    "rnn": partial(nn.RNN, nonlinearity="tanh"),
    "rnn_relu": partial(nn.RNN, nonlinearity="relu"),
    "lstm": nn.LSTM,
    "gru": nn.GRU,
    "indrnn": IndRNN,
}

# Options a cell's constructor takes beyond nn.LSTM's signature, which the
# estimators pass on from their ``cell_params``: name -> what a valid value
# is, in words, and the test of it.
CELL_PARAMS: dict[str, dict[str, tuple[str, Callable[[object], bool]]]] = {
    "indrnn": {
        "input_threshold": (
            "a finite number >= 0",
            lambda value: (
                isinstance(value, Real)
                and not isinstance(value, bool)
                and math.isfinite(value)
                and value >= 0
            ),
        ),
    },
}


def check_cell_params(cell: str, cell_params: Mapping | None, owner: str = "RecurrentNetwork") -> dict:
    """``cell_params`` as a dict ``cell``'s constructor takes; a ValueError that says what it takes otherwise.

    ``owner`` names who was given them in the message (an estimator's class).
    """
    if cell_params is None:
        return {}
    if not isinstance(cell_params, Mapping):
        raise ValueError(
            f"{owner} got cell_params={cell_params!r}; expected a dict of the cell's options or None."
        )
    accepted = CELL_PARAMS.get(cell, {})
    for name, value in cell_params.items():
        if name not in accepted:
            takes = ", ".join(repr(key) for key in accepted) or "no options"
            others = "".join(
                f"; cell={other!r} takes {', '.join(repr(key) for key in options)}"
                for other, options in CELL_PARAMS.items()
                if other != cell
            )
            raise ValueError(
                f"{owner} got cell_params={dict(cell_params)!r}, but cell={cell!r} does not take "
                f"{name!r}: it takes {takes}{others}. Remove {name!r}, or choose a cell that takes it."
            )
        expected, valid = accepted[name]
        if not valid(value):
            raise ValueError(
                f"{owner} got cell_params={dict(cell_params)!r}, but {name!r} must be {expected}, "
                f"got {value!r}."
            )
    return dict(cell_params)


def patch_steps(
    X: torch.Tensor, lengths: torch.Tensor | None, patch_size: int
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Group every ``patch_size`` consecutive steps into one step of ``patch_size * F`` values.

    Patches end at each sequence's last valid step, so the most recent steps
    always fill a whole patch; the first patch of a sequence whose length is
    not a multiple of ``patch_size`` is completed with zeros in front. Padding
    (steps at and after ``lengths[i]``) is never copied into a patch, so a
    sequence gives the same patches alone as in a padded batch.

    Parameters
    ----------
    X : tensor of shape (N, T, F)
        Sequences, valid steps first.
    lengths : int64 tensor of shape (N,) or None
        Valid steps per sequence; None when all ``T`` steps are valid.
    patch_size : int
        Steps per patch.

    Returns
    -------
    patches : tensor of shape (N, ceil(T / patch_size), patch_size * F)
    patch_lengths : int64 tensor of shape (N,) or None
        Patches per sequence, ``ceil(lengths / patch_size)``.

    Examples
    --------
    >>> import torch
    >>> from sk_rnn.modules import patch_steps
    >>> X = torch.arange(1.0, 6.0).reshape(1, 5, 1)
    >>> patches, _ = patch_steps(X, None, 2)
    >>> patches
    tensor([[[0., 1.],
             [2., 3.],
             [4., 5.]]])
    """
    if patch_size == 1:
        return X, lengths
    n, n_steps, n_features = X.shape
    # Ceiling divisions of non-negative numbers written without negative
    # operands: ONNX's integer division truncates where Python's floors.
    n_patches = (n_steps + patch_size - 1) // patch_size
    width = n_patches * patch_size
    if lengths is None:
        front = X.new_zeros(n, width - n_steps, n_features)
        return torch.cat([front, X], dim=1).reshape(n, n_patches, patch_size * n_features), None
    lengths = lengths.to(X.device)
    patch_lengths = (lengths + patch_size - 1) // patch_size
    # Position j of the patched row reads step j - shift of the sequence,
    # where shift pads the first patch so that the last one ends on the last step.
    shift = patch_lengths * patch_size - lengths
    source = torch.arange(width, device=X.device).unsqueeze(0) - shift.unsqueeze(1)
    inside = (source >= 0) & (source < lengths.unsqueeze(1))
    index = source.clamp(0, n_steps - 1).unsqueeze(2).expand(n, width, n_features)
    gathered = X.gather(1, index) * inside.unsqueeze(2)
    return gathered.reshape(n, n_patches, patch_size * n_features), patch_lengths.cpu()


class RecurrentNetwork(nn.Module):
    """Input scaling, step patches, a stack of recurrent layers and a linear head.

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
        Typical sequence length in steps. Only IndRNN uses it, to bound its
        recurrent weights by ``2 ** (1 / n_patches)`` where ``n_patches`` is
        the number of patches of a sequence of that length, and to choose its
        initialisation (see :class:`IndRNN`'s ``n_steps``).
    output : {"last", "mean", "max", "last+max", "sequence"}, default="last"
        What the head reads: the state at each sequence's last valid step, the
        mean or the element-wise maximum of the last layer's outputs over the
        valid steps, the last state and that maximum side by side (one output
        per sequence), or the output at every step
        (``forward`` then returns ``(N, T, output_size)``, zeros at padding).
    vocab_size : int, default=None
        With ``embedding_dim``: the inputs are integer token ids ``(N, T, 1)``
        below ``vocab_size``, embedded by a learned table whose row 0
        (padding) stays zero. ``input_size`` is then ignored.
    embedding_dim : int, default=None
        Size of the token embeddings.
    patch_size : int, default=1
        Consecutive steps fed to the cell as one input vector (see
        :func:`patch_steps`): the recurrence runs ``ceil(T / patch_size)``
        times instead of ``T``. Not available with ``output="sequence"``,
        which needs one output per step.
    input_scaling : {"sequence", "global"} or None, default="global"
        How numeric inputs are scaled before the cell reads them (token ids
        are never scaled). "global": ``(X - input_mean) / input_scale``.
        "sequence": every step is read twice, standardised by its own
        sequence's per-feature mean and standard deviation (valid steps
        only) and standardised globally; each step also carries the
        sequence's mean (globally standardised) and the log10 of its standard
        deviation relative to ``input_scale``, so level and amplitude stay
        visible after the sequence's shape has been normalised. None: as given.
    input_mean, input_scale : sequence of float, default=None
        The training set's per-feature mean and scale of the numeric
        features, one value per feature of ``input_size`` that is not
        categorical (None: 0 and 1).
    categorical_features : sequence of int, default=None
        Positions among the ``input_size`` step features that hold integer
        category codes (a series id, a store, a day of the week). Each is
        read through a learned embedding instead of as a number, and is not
        scaled.
    categories : sequence of sequence of float, default=None
        The codes of each categorical feature seen in training. Other codes
        (unseen series) read as a zero vector.
    categorical_embedding_dim : int, default=8
        Size of each categorical feature's embedding.
    cell_params : dict, default=None
        Options of the cell's constructor beyond ``nn.LSTM``'s signature. Only
        IndRNN takes one: ``input_threshold`` (see :class:`IndRNN`).

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
    >>> patched = RecurrentNetwork(input_size=3, output_size=2, patch_size=4)
    >>> tuple(patched(x, lengths=lengths).shape)
    (5, 2)
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
        patch_size: int = 1,
        input_scaling: str | None = "global",
        input_mean: Sequence[float] | None = None,
        input_scale: Sequence[float] | None = None,
        scale_in_float64: bool = False,
        categorical_features: Sequence[int] | None = None,
        categories: Sequence[Sequence[float]] | None = None,
        categorical_embedding_dim: int = 8,
        cell_params: Mapping | None = None,
    ) -> None:
        super().__init__()
        if cell not in CELLS:
            raise ValueError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
        extra = check_cell_params(cell, cell_params)
        if output not in OUTPUTS:
            raise ValueError(f"output must be one of {list(OUTPUTS)}, got {output!r}.")
        if patch_size < 1:
            raise ValueError(f"patch_size must be a positive integer, got {patch_size!r}.")
        if input_scaling not in INPUT_SCALINGS:
            raise ValueError(f"input_scaling must be one of {list(INPUT_SCALINGS)}, got {input_scaling!r}.")
        if patch_size > 1 and output == "sequence":
            raise ValueError(
                "output='sequence' needs one output per step, but patch_size > 1 gives one per "
                "patch of steps (and a step's output would see the later steps of its patch). "
                "Use patch_size=1."
            )
        self.output = output
        self.patch_size = int(patch_size)
        self.embedding = None
        if vocab_size is not None:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PADDING_ID)
            input_size = embedding_dim
        # Buffers, not parameters: saved with the weights, never trained.
        # Set by sk_rnn's GradientRecorder during training with record_gradients=True.
        self.record_input_gradients = False
        self.recorded_inputs = None
        self.categorical = None
        n_embedded = 0
        if categorical_features:
            self.categorical = CategoricalEmbeddings(
                input_size, categorical_features, categories, categorical_embedding_dim
            )
            input_size -= len(categorical_features)
            n_embedded = self.categorical.output_size
        self.scale_in_float64 = bool(scale_in_float64)
        statistics_dtype = torch.float64 if scale_in_float64 else torch.float32
        self.register_buffer("input_mean", _as_buffer(input_mean, input_size, 0.0, statistics_dtype))
        self.register_buffer("input_scale", _as_buffer(input_scale, input_size, 1.0, statistics_dtype))
        n_patches = -(-int(sequence_length) // self.patch_size)
        if cell == "indrnn":
            extra.update(recurrent_max=recurrent_weight_bound(n_patches), n_steps=n_patches)
        self.cell = cell
        self.input_scaling = None if self.embedding is not None else input_scaling
        cell_input = _cell_input_size(input_size, self.patch_size, self.input_scaling)
        cell_input += n_embedded * self.patch_size
        self.rnn = CELLS[cell](
            input_size=cell_input,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            # torch warns when dropout is set on a single layer; it has no
            # effect there, the dropout below covers the last layer.
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
            **extra,
        )
        if cell == "lstm":
            _open_forget_gates(self.rnn)
        self.num_directions = 2 if bidirectional else 1
        self.dropout = nn.Dropout(dropout)
        # "last+max" reads two summaries of the sequence side by side.
        summaries = 2 if output == "last+max" else 1
        self.head = nn.Linear(hidden_size * self.num_directions * summaries, output_size)

    def set_dropout(self, dropout: float) -> None:
        """Drop ``dropout`` of the units from the next training step on, as if built with it.

        Dropout shapes no weight, so a trained network can take another rate
        (``partial_fit`` applies one changed between calls). The recurrent
        layers apply it between layers only, as ``__init__`` sets them up.
        """
        self.dropout.p = float(dropout)
        if isinstance(self.rnn, nn.RNNBase):
            # torch reads the rate at every forward pass; one layer has none between layers.
            self.rnn.dropout = float(dropout) if self.rnn.num_layers > 1 else 0.0
        elif isinstance(getattr(self.rnn, "dropout", None), nn.Dropout):  # IndRNN's, between its layers
            self.rnn.dropout.p = float(dropout)

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        # Unpickling (pickle, copy.deepcopy, skorch's load) rebuilds torch's
        # RNN, LSTM and GRU with each weight a tensor of its own; on a GPU
        # cuDNN then copies them into one buffer at every call, and torch
        # warns so. Moving a module to a device packs them, unpickling does not.
        rnn = getattr(self, "rnn", None)
        if isinstance(rnn, nn.RNNBase):
            rnn.flatten_parameters()

    def _cell_inputs(
        self, X: torch.Tensor, lengths: torch.Tensor | None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """What the recurrent layers read: embedded or scaled steps, grouped in patches."""
        summary = embedded = None
        if self.categorical is not None:
            X, embedded = self.categorical(X)
        if self.embedding is not None:
            X = self.embedding(X[..., 0])
        elif self.input_scaling == "global":
            X = (X - self.input_mean) / self.input_scale
        elif self.input_scaling == "sequence":
            own, summary = _standardised_per_sequence(X, lengths, self.input_mean, self.input_scale)
            X = torch.cat([own, (X - self.input_mean) / self.input_scale], dim=2)
            summary = summary.to(self.head.weight.dtype)
        if self.embedding is None:
            # Scaled (in float64 with scale_in_float64), now in the network's own precision.
            X = X.to(self.head.weight.dtype)
        if embedded is not None:
            X = torch.cat([X, embedded], dim=2)
        X, lengths = patch_steps(X, lengths, self.patch_size)
        if summary is not None:
            # The same summary at every step: the state can use it from the first one.
            X = torch.cat([X, summary.unsqueeze(1).expand(-1, X.shape[1], -1)], dim=2)
        if self.record_input_gradients and torch.is_grad_enabled():
            # Diagnostics (GradientRecorder): keep what the recurrent layers read, with its
            # gradient. Without trainable parameters upstream, it becomes a leaf of its own.
            X = X if X.requires_grad else X.detach().requires_grad_(True)
            X.retain_grad()
            self.recorded_inputs = (X, lengths)
        return X, lengths

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
        X, lengths = self._cell_inputs(X, lengths)
        if getattr(self.rnn, "takes_lengths", False):
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
        # (directions, N, H) -> (N, directions * H), the forward direction first.
        last_layer = h_n[-self.num_directions :]
        return last_layer.transpose(0, 1).reshape(last_layer.shape[1], -1)

    def step_outputs(
        self, X: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Last layer's output at every step (every patch), and the valid steps (patches) per sequence.

        Returns ``(outputs, lengths)``: outputs of shape
        ``(N, ceil(T / patch_size), hidden_size * num_directions)``. Steps at
        and after ``lengths[i]`` hold zeros for the packed torch cells and
        values computed from padding for the layers that take lengths (IndRNN,
        :class:`UnpackedRecurrence`): mask them (see ``forward``).
        """
        X, lengths = self._cell_inputs(X, lengths)
        if getattr(self.rnn, "takes_lengths", False):
            output, _ = self.rnn(X, lengths)
            return output, lengths
        if lengths is None:
            output, _ = self.rnn(X)
            return output, lengths
        packed = pack_padded_sequence(X, lengths.cpu(), batch_first=True, enforce_sorted=False)
        output, _ = self.rnn(packed)
        output, _ = pad_packed_sequence(output, batch_first=True, total_length=X.shape[1])
        return output, lengths

    def clamp_weights(self) -> None:
        """Re-apply the cell's weight constraints (IndRNN's recurrent bound) after an update."""
        if isinstance(self.rnn, IndRNN):
            self.rnn.clamp_recurrent_weights()

    def forward(self, X: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """Map ``(N, T, input_size)`` sequences to ``(N, output_size)`` (or ``(N, T, output_size)``)."""
        check_lengths("RecurrentNetwork", X, lengths)
        if self.output == "last":
            return self.head(self.dropout(self.final_state(X, lengths)))
        steps, lengths = self.step_outputs(X, lengths)
        if lengths is None:
            valid = None
        else:
            positions = torch.arange(steps.shape[1], device=steps.device)
            valid = (positions < lengths.to(steps.device).unsqueeze(1)).unsqueeze(2)
        if self.output == "sequence":
            outputs = self.head(self.dropout(steps))
            return outputs if valid is None else outputs * valid
        if self.output == "mean":
            if valid is None:
                pooled = steps.mean(dim=1)
            else:
                pooled = (steps * valid).sum(dim=1) / lengths.to(steps.device).unsqueeze(1)
        elif valid is None:
            pooled = steps.amax(dim=1)
        else:
            pooled = steps.masked_fill(~valid, float("-inf")).amax(dim=1)
        if self.output == "last+max":
            pooled = torch.cat([self._final_outputs(steps, lengths), pooled], dim=1)
        return self.head(self.dropout(pooled))

    def _final_outputs(self, steps: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
        """``final_state`` read from the last layer's step outputs, without running the layers again.

        The forward direction ends at each sequence's last valid step, the
        backward one at the first step.
        """
        hidden = steps.shape[2] // self.num_directions
        forward = last_valid_step(steps[:, :, :hidden], lengths)
        if self.num_directions == 1:
            return forward
        return torch.cat([forward, steps[:, 0, hidden:]], dim=1)


class CategoricalEmbeddings(nn.Module):
    """Split the step features into numeric ones and embedded category codes.

    ``forward(X)`` returns the numeric features ``(N, T, F - k)`` and the
    embeddings of the ``k`` categorical ones, concatenated ``(N, T, k * E)``.
    A code seen in training reads its own learned row; any other code reads
    row 0, a zero vector that is never trained.

    Parameters
    ----------
    n_features : int
        Step features of the input, categorical ones included.
    positions : sequence of int
        The categorical features' positions.
    categories : sequence of sequence of float
        The codes seen in training, per categorical feature.
    embedding_dim : int
        Size of each embedding.
    """

    def __init__(
        self,
        n_features: int,
        positions: Sequence[int],
        categories: Sequence[Sequence[float]] | None,
        embedding_dim: int,
    ) -> None:
        super().__init__()
        positions = [int(position) for position in positions]
        if categories is None or len(categories) != len(positions):
            raise ValueError("categories must list the training codes of every categorical feature.")
        if len(positions) >= n_features:
            raise ValueError("at least one step feature must be numeric besides the categorical ones.")
        numeric = [position for position in range(n_features) if position not in positions]
        self.register_buffer("categorical_index", torch.tensor(positions, dtype=torch.int64))
        self.register_buffer("numeric_index", torch.tensor(numeric, dtype=torch.int64))
        for number, codes in enumerate(categories):
            values = torch.as_tensor(sorted(float(code) for code in codes), dtype=torch.float32)
            self.register_buffer(f"codes_{number}", values)
        self.tables = nn.ModuleList(
            nn.Embedding(len(codes) + 1, embedding_dim, padding_idx=0) for codes in categories
        )
        self.output_size = embedding_dim * len(positions)

    def rows(self, codes: torch.Tensor, number: int) -> torch.Tensor:
        """The embedding row of every code: its rank among the training codes plus one, or 0."""
        known = getattr(self, f"codes_{number}")
        codes = codes.to(known.dtype)  # float64 inputs (scale_in_float64) hold the same small codes
        if torch.jit.is_tracing():
            # ONNX has no searchsorted: compare with every code (exports serve small batches).
            ranks = torch.arange(1, known.numel() + 1, device=codes.device)
            return ((codes.unsqueeze(-1) == known).to(torch.int64) * ranks).sum(-1)
        rank = torch.searchsorted(known, codes.contiguous()).clamp(max=known.numel() - 1)
        return torch.where(known[rank] == codes, rank + 1, torch.zeros_like(rank))

    def forward(self, X: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        codes = X.index_select(2, self.categorical_index)
        embedded = [table(self.rows(codes[..., number], number)) for number, table in enumerate(self.tables)]
        return X.index_select(2, self.numeric_index), torch.cat(embedded, dim=2)


def _cell_input_size(n_features: int, patch_size: int, input_scaling: str | None) -> int:
    """Values per cell step: each step's features (twice with "sequence"), plus the sequence summary."""
    if input_scaling == "sequence":
        return 2 * n_features * patch_size + 2 * n_features
    return n_features * patch_size


def _standardised_per_sequence(
    X: torch.Tensor, lengths: torch.Tensor | None, mean: torch.Tensor, scale: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Each sequence standardised by its own per-feature mean and deviation, and those statistics.

    Returns ``X`` standardised per sequence, ``(N, T, F)``, and a summary
    ``(N, 2F)``: the sequence's mean in the data set's standardised units and
    the log10 of its deviation relative to the data set's. Only valid steps
    count; the summary is what per-sequence standardisation would otherwise
    throw away (the level and the amplitude of each sequence).
    """
    if lengths is None:
        valid = X.new_ones(X.shape[0], X.shape[1], 1)
    else:
        positions = torch.arange(X.shape[1], device=X.device)
        valid = (positions < lengths.to(X.device).unsqueeze(1)).unsqueeze(2).to(X.dtype)
    count = valid.sum(dim=1)
    # In the data set's units first: values near float32's limit (1e38) would
    # overflow when summed or squared.
    X = X / scale
    # Measured from the first step (always valid), so that a feature constant
    # over a sequence centres to exact zeros: a mean computed from the raw
    # values carries float32 rounding, which the division below would blow
    # up into noise of unit size when the values sit far from zero.
    first = X[:, :1]
    shifted_mean = ((X - first) * valid).sum(dim=1) / count
    own_mean = first[:, 0] + shifted_mean
    centred = (X - first - shifted_mean.unsqueeze(1)) * valid
    relative_std = torch.clamp(((centred**2).sum(dim=1) / count).sqrt(), min=_MIN_RELATIVE_STD)
    standardised = centred / relative_std.unsqueeze(1)
    summary = torch.cat([own_mean - mean / scale, torch.log10(relative_std)], dim=1)
    return standardised, summary


def _as_buffer(
    values: Sequence[float] | None, size: int, default: float, dtype: torch.dtype = torch.float32
) -> torch.Tensor:
    if values is None:
        return torch.full((size,), default, dtype=dtype)
    tensor = torch.as_tensor(values, dtype=dtype).reshape(-1)
    if tensor.numel() != size:
        raise ValueError(f"input scaling needs {size} values, one per input feature, got {tensor.numel()}.")
    return tensor


@torch.no_grad()
def _open_forget_gates(lstm: nn.LSTM) -> None:
    """Start every LSTM forget gate at a bias of 1 (Gers et al. 2000; Jozefowicz et al. 2015).

    With torch's default biases around 0 the forget gate starts half closed,
    so the cell state (the LSTM's memory) decays by half at every step and the
    gradient through it vanishes over a few dozen steps. A bias of 1 starts
    the gate mostly open: the network remembers until it learns to forget.
    """
    hidden = lstm.hidden_size
    for name, bias in lstm.named_parameters():
        # torch orders the gates (input, forget, cell, output); bias_ih and
        # bias_hh are added, so 1 in one and 0 in the other gives 1.
        if name.startswith("bias_ih"):
            bias[hidden : 2 * hidden].fill_(1.0)
        elif name.startswith("bias_hh"):
            bias[hidden : 2 * hidden].fill_(0.0)
