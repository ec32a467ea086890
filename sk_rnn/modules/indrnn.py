"""Independently recurrent neural network (IndRNN) layers.

IndRNN (Li et al., "Independently Recurrent Neural Network (IndRNN): Building
a Longer and Deeper RNN", CVPR 2018) replaces the recurrent weight *matrix* of
an Elman network by a weight *vector*: each hidden unit only sees its own
previous value,

    h_t = relu(W x_t + u * h_{t-1} + b).

Because the recurrence is element-wise, the gradient through time of unit ``k``
is a product of ``u_k`` and ReLU derivatives, so bounding ``|u_k|`` keeps it
from vanishing or exploding over the sequence length.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

import torch
from torch import nn

from .._warnings import warn_at_user_code
from ._lengths import check_lengths

__all__ = [
    "ElementwiseRecurrence",
    "IndRNN",
    "IndRNNLayer",
    "last_valid_step",
    "recurrent_weight_bound",
    "run_directional_stack",
]


# Recurrences up to this many steps start as measured on the learning panel
# (the "auto" patches keep IndRNN at 32 steps); longer ones start as the
# authors' reference implementations do (see IndRNN's n_steps).
PLAIN_INIT_STEPS = 32
# The reference implementations' bound on the initial input weights.
REFERENCE_INPUT_BOUND = 1e-3


def recurrent_weight_bound(sequence_length: int, magnitude: float = 2.0) -> float:
    """Largest ``|u|`` whose product over ``sequence_length`` steps stays below ``magnitude``.

    This is the bound used by the IndRNN authors: ``magnitude ** (1 / T)``.

    Parameters
    ----------
    sequence_length : int
        Steps the recurrence runs (cell steps: patches, when steps are read
        in patches); values below 1 count as 1.
    magnitude : float, default=2.0
        How far the state may grow (or shrink, for ``1 / magnitude``) over
        the sequence.

    Returns
    -------
    bound : float

    Examples
    --------
    >>> from sk_rnn.modules import recurrent_weight_bound
    >>> recurrent_weight_bound(8) ** 8
    2.0000000000000004
    """
    return float(magnitude ** (1.0 / max(int(sequence_length), 1)))


def _reverse_within_lengths(x: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """Reverse the valid steps of each sequence of a batch-first tensor.

    Padding (the steps at and after ``lengths[i]``) stays where it is, so a
    backward pass over the result starts at each sequence's own last step.
    Applying the function twice gives back ``x``.
    """
    if lengths is None:
        return x.flip(1)
    n_steps = x.shape[1]
    steps = torch.arange(n_steps, device=x.device).unsqueeze(0)
    last = (lengths.to(x.device) - 1).unsqueeze(1)
    index = torch.where(steps <= last, last - steps, steps)
    return x.gather(1, index.unsqueeze(2).expand_as(x))


def last_valid_step(output: torch.Tensor, lengths: torch.Tensor | None) -> torch.Tensor:
    """``output[i, lengths[i] - 1]`` for every sequence ``i`` of a batch-first tensor."""
    if lengths is None:
        return output[:, -1]
    index = (lengths.to(output.device) - 1).view(-1, 1, 1).expand(-1, 1, output.shape[2])
    return output.gather(1, index).squeeze(1)


def _forward_loop(projected: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """``h_t = relu(projected_t + u * h_{t-1})`` for every step, ``h_{-1} = 0``: ``(N, T, H)``.

    Two in-place operations per step on views of preallocated tensors: a
    step costs a few microseconds of dispatch, so the count of operations per
    step, not the arithmetic, sets the speed.
    """
    out = torch.empty_like(projected)
    steps_in, steps_out = projected.unbind(1), out.unbind(1)
    h = torch.clamp(steps_in[0], min=0, out=steps_out[0])
    for p_t, h_t in zip(steps_in[1:], steps_out[1:], strict=True):
        h = torch.addcmul(p_t, u, h, out=h_t).clamp_(min=0)
    return out


def _backward_loop(
    grad_out: torch.Tensor, out: torch.Tensor, u: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of the recurrence with respect to ``projected`` and ``u``, back through time.

    With ``g_t`` the gradient at the input of step ``t``'s ReLU,
    ``g_t = relu'(h_t) * (grad_out_t + u * g_{t+1})``. ReLU passes the
    gradient where its output is positive (as torch's own relu), and since
    ``h_t >= 0`` that mask is ``sign(h_t)``: a float product, several times
    cheaper per step on the CPU than a boolean mask.
    """
    grad_projected = torch.empty_like(out)
    grads_in, grads, outs = grad_out.unbind(1), grad_projected.unbind(1), out.unbind(1)
    last = len(grads_in) - 1
    grad_u = torch.zeros_like(grads_in[0])  # summed over the batch at the end
    g = grads[last].copy_(grads_in[last]).mul_(torch.sign(outs[last]))
    for t in range(last - 1, -1, -1):
        grad_u.addcmul_(g, outs[t])  # step t + 1 read u * h_t
        g = torch.addcmul(grads_in[t], u, g, out=grads[t]).mul_(torch.sign(outs[t]))
    return grad_projected, grad_u.sum(0)


def run_directional_stack(
    layers: nn.ModuleList, x: torch.Tensor, lengths: torch.Tensor | None, dropout: nn.Module
) -> tuple[torch.Tensor, torch.Tensor]:
    """Run stacked layers of one-direction modules over padded sequences; ``(output, h_n)`` as nn.RNN.

    ``layers[i]`` holds one module per direction, each mapping ``(N, T, in)``
    to ``(N, T, H)``. The backward direction reads each sequence's valid steps
    reversed, so it starts at the sequence's own last step, and the final
    states are taken at each sequence's last valid step: padding (which
    trails the valid steps) never reaches a state that counts. Outputs at
    padding steps are computed from padding; callers mask them.
    """
    final_states = []
    for index, directions in enumerate(layers):
        if index > 0:
            x = dropout(x)
        outputs = []
        for direction, layer in enumerate(directions):
            if direction == 0:
                output = layer(x)
            else:
                output = _reverse_within_lengths(layer(_reverse_within_lengths(x, lengths)), lengths)
            outputs.append(output)
            # The backward direction's final state is the one at step 0.
            final = last_valid_step(output, lengths) if direction == 0 else output[:, 0]
            final_states.append(final)
        x = torch.cat(outputs, dim=2) if len(outputs) > 1 else outputs[0]
    return x, torch.stack(final_states, dim=0)


@functools.cache
def _triton_kernels() -> ModuleType | None:
    """The Triton kernels of the recurrence, or None where Triton does not import."""
    try:
        from . import _indrnn_kernels
    except ImportError:
        return None
    return _indrnn_kernels


# Why the kernels failed, once they have: Triton did not import cleanly (a
# driver it cannot use), or building or launching them did not work here
# (Triton needs a C compiler to build its launcher, for instance). The step
# loops then run for the rest of the process.
_kernel_failures: list[str] = []
_Result = TypeVar("_Result")


def gpu_kernels(tensor: torch.Tensor) -> ModuleType | None:
    """The one-kernel recurrences for a CUDA tensor, None for the step loops."""
    if not tensor.is_cuda or _kernel_failures:
        return None
    return _triton_kernels()


def _kernels_or_loops(
    tensor: torch.Tensor, on_gpu: Callable[[ModuleType], _Result], loops: Callable[[], _Result]
) -> _Result:
    """``on_gpu(kernels)`` where the kernels run, else (and from their first failure on) ``loops()``."""
    try:
        # Inside the try: Triton can also fail while it is imported (a driver
        # it cannot use, say), not only with ImportError.
        kernels = gpu_kernels(tensor)
        if kernels is not None:
            return on_gpu(kernels)
    except torch.cuda.OutOfMemoryError:
        raise  # the loops need the same memory
    except Exception as error:  # Triton's import, build and launch errors share no base class
        _kernel_failures.append(f"{type(error).__name__}: {error}")
        warn_at_user_code(
            f"IndRNN could not run its Triton kernels on this GPU ({_kernel_failures[0]}), so it "
            "runs its step loops instead, which are correct but several times slower on a GPU. "
            "Triton needs a C compiler (gcc or clang) and a Triton release that matches torch; "
            "fix that and restart Python to use the kernels.",
            RuntimeWarning,
        )
    return loops()


class ElementwiseRecurrence(torch.autograd.Function):
    """IndRNN's recurrence with a hand-written backward pass.

    Autograd would record a few nodes per time step, and walking them back
    costs far more than the arithmetic: at 1,000 steps a training step was 7
    times slower than ``nn.LSTM``'s. Here the forward and the backward
    recurrences are plain loops of a few element-wise operations that keep
    only the outputs (the ReLU mask is ``sign(output)``); no graph is built
    per step. On a CUDA GPU, where each of those operations would be a kernel
    launch per step, each pass is one Triton kernel instead (see
    ``_indrnn_kernels``); if they fail to build or run, the loops take over
    with a warning. ``tests/test_modules.py`` and
    ``tests/test_cuda.py`` check them against autograd with ``gradcheck``.
    """

    @staticmethod
    def forward(ctx, projected: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
        out = _kernels_or_loops(
            projected,
            lambda kernels: kernels.recurrence_forward(projected, u),
            lambda: _forward_loop(projected, u),
        )
        ctx.save_for_backward(out, u)
        return out

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out, u = ctx.saved_tensors
        grad_out = grad_out.contiguous()
        return _kernels_or_loops(
            out,
            lambda kernels: kernels.recurrence_backward(grad_out, out, u),
            lambda: _backward_loop(grad_out, out, u),
        )


class IndRNNLayer(nn.Module):
    """One direction of one IndRNN layer, batch first.

    Parameters
    ----------
    input_size : int
        Features per step of the input.
    hidden_size : int
        Number of hidden units.
    recurrent_max : float, default=1.0
        Bound on ``|u|``, enforced in every forward pass (and by
        :meth:`clamp_recurrent_weight` after an optimiser step).
    long_memory : bool, default=False
        Start every unit with a memory spanning the sequence: ``u`` uniform
        in ``[1 / recurrent_max, recurrent_max]`` instead of
        ``[0, recurrent_max]`` (see :meth:`reset_parameters`).
    input_bound : float, default=None
        Start the input weights uniform in ``[-input_bound, input_bound]``;
        None starts them as ``nn.Linear`` does.
    initial_bias : float, default=0.0
        Value every bias starts at. A negative value is a threshold: a unit
        then starts firing only on the steps where its input exceeds it.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        recurrent_max: float = 1.0,
        long_memory: bool = False,
        input_bound: float | None = None,
        initial_bias: float = 0.0,
    ) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.recurrent_max = float(recurrent_max)
        self.long_memory = bool(long_memory)
        self.input_bound = input_bound
        self.initial_bias = float(initial_bias)
        self.input_weight = nn.Linear(input_size, hidden_size)
        self.recurrent_weight = nn.Parameter(torch.empty(hidden_size))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Input weights as ``nn.Linear``'s or within ``input_bound``, biases ``initial_bias``, ``u`` uniform.

        Biases start at zero by default, so that ReLU units start active for
        about half the inputs. ``u`` is uniform in ``[0, recurrent_max]`` (every unit
        some memory, none exploding), or with ``long_memory`` in
        ``[1 / recurrent_max, recurrent_max]``, as the authors' reference
        implementations start the last layer: with ``recurrent_max =
        2 ** (1 / T)`` every unit then keeps at least half of a value over T
        steps, so what the first step carried reaches the state a prediction
        is read from. :class:`IndRNN` chooses both from the sequence length.
        """
        if self.input_bound is None:
            self.input_weight.reset_parameters()
        else:
            nn.init.uniform_(self.input_weight.weight, -self.input_bound, self.input_bound)
        nn.init.constant_(self.input_weight.bias, self.initial_bias)
        lowest = 1.0 / self.recurrent_max if self.long_memory else 0.0
        nn.init.uniform_(self.recurrent_weight, lowest, self.recurrent_max)

    @torch.no_grad()
    def clamp_recurrent_weight(self) -> None:
        """Project ``u`` back into ``[-recurrent_max, recurrent_max]`` in place."""
        self.recurrent_weight.clamp_(-self.recurrent_max, self.recurrent_max)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Run the recurrence over ``x`` of shape ``(N, T, input_size)``; return ``(N, T, H)``."""
        # One matrix product for all steps; only the element-wise recurrence
        # runs step by step.
        projected = self.input_weight(x)
        u = self.recurrent_weight.clamp(-self.recurrent_max, self.recurrent_max)
        return ElementwiseRecurrence.apply(projected.contiguous(), u)


class IndRNN(nn.Module):
    """Stacked, optionally bidirectional IndRNN, constructed like :class:`torch.nn.RNN`.

    The constructor takes ``nn.RNN``'s arguments, but the call differs: only
    ``batch_first=True`` is supported, lengths are passed as a tensor instead
    of a packed sequence, there is no initial state, and ``forward(x, lengths=None)`` returns
    ``(output, h_n)`` like :class:`torch.nn.RNN`: ``output`` has shape
    ``(N, T, D * hidden_size)`` and ``h_n`` has shape
    ``(num_layers * D, N, hidden_size)``, where ``D`` is 2 for a bidirectional
    network. With ``lengths``, ``h_n`` holds each sequence's state at its own
    last valid step and the backward direction starts there, so padding never
    reaches the state.

    Parameters
    ----------
    input_size : int
        Features per step.
    hidden_size : int
        Hidden units per direction and layer.
    num_layers : int, default=1
        Number of stacked layers.
    batch_first : bool, default=True
        Must be True; present for signature compatibility with ``nn.LSTM``.
    dropout : float, default=0.0
        Dropout on the outputs of every layer except the last.
    bidirectional : bool, default=False
        Whether to add a direction that reads each sequence backwards.
    recurrent_max : float, default=1.0
        Bound on the recurrent weights; see :func:`recurrent_weight_bound`.
    n_steps : int, default=None
        Steps the recurrence typically runs, which sets the initialisation.
        Up to 32 (or None), every layer starts with ``nn.Linear``'s input
        weights and ``u`` uniform in ``[0, recurrent_max]``, the start the
        learning defaults were measured with. Over longer recurrences every
        layer starts as the authors' reference implementations start it:
        input weights uniform in ±0.001, since a unit whose ``u`` is near 1
        sums its inputs over up to ``n_steps`` steps, and weights of
        ``nn.Linear``'s size make those sums, and the first gradients,
        hundreds of times too large; and the last layer with long memory
        (see :meth:`IndRNNLayer.reset_parameters`). On the adding problem
        over 200 steps this took the test MSE from 0.07, unstable, to 0.001;
        over 1,000 steps it is what lets IndRNN learn the task at all, though
        not reliably within minutes (see the long-memory page;
        ``input_threshold`` is what does).
    input_threshold : float, default=None
        Start the first layer as event detectors: its biases at
        ``-input_threshold`` and its input weights as ``nn.Linear``'s, so that
        on standardised inputs a unit fires only on the steps where its input
        stands out, and a later unit that sums over thousands of steps sums
        those events instead of every step. None starts the first layer as
        the other layers. It suits inputs made of rare events (a marked step
        among a thousand, a spike): on the adding problem over 1,000 steps,
        ``input_threshold=1`` reached a test MSE of 0.0001 (chance: 0.168)
        in 1,600 updates with three seeds. It costs inputs read by their shape
        (GunPoint read one step at a time: 0.71 against 0.93), so it is off
        by default. Only the start changes; training moves the biases.

    Examples
    --------
    >>> import torch
    >>> from sk_rnn.modules import IndRNN
    >>> rnn = IndRNN(input_size=3, hidden_size=8, num_layers=2, bidirectional=True)
    >>> output, h_n = rnn(torch.randn(4, 10, 3))
    >>> tuple(output.shape), tuple(h_n.shape)
    ((4, 10, 16), (4, 4, 8))
    """

    # RecurrentNetwork passes lengths as a tensor instead of packing the input.
    takes_lengths = True

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        num_layers: int = 1,
        batch_first: bool = True,
        dropout: float = 0.0,
        bidirectional: bool = False,
        recurrent_max: float = 1.0,
        n_steps: int | None = None,
        input_threshold: float | None = None,
    ) -> None:
        super().__init__()
        if not batch_first:
            raise ValueError("IndRNN only supports batch_first=True.")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bidirectional = bidirectional
        self.num_directions = 2 if bidirectional else 1
        self.input_threshold = None if input_threshold is None else float(input_threshold)
        long_recurrence = n_steps is not None and n_steps > PLAIN_INIT_STEPS
        layers = []
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else hidden_size * self.num_directions
            # The last layer's state is what the head reads.
            long_memory = long_recurrence and layer == num_layers - 1
            input_bound = REFERENCE_INPUT_BOUND if long_recurrence else None
            initial_bias = 0.0
            if layer == 0 and self.input_threshold is not None:
                # Weights of nn.Linear's size, so that the steps that stand
                # out cross the threshold; the others leave the unit at zero.
                input_bound, initial_bias = None, -self.input_threshold
            layers.append(
                nn.ModuleList(
                    IndRNNLayer(
                        layer_input, hidden_size, recurrent_max, long_memory, input_bound, initial_bias
                    )
                    for _ in range(self.num_directions)
                )
            )
        self.layers = nn.ModuleList(layers)
        self.dropout = nn.Dropout(dropout)

    @property
    def recurrent_max(self) -> float:
        return self.layers[0][0].recurrent_max

    def clamp_recurrent_weights(self) -> None:
        """Project every layer's recurrent weights back into their bound."""
        for directions in self.layers:
            for layer in directions:
                layer.clamp_recurrent_weight()

    def forward(
        self, x: torch.Tensor, lengths: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        check_lengths("IndRNN", x, lengths)
        return run_directional_stack(self.layers, x, lengths, self.dropout)

    def extra_repr(self) -> str:
        return (
            f"{self.input_size}, {self.hidden_size}, num_layers={self.num_layers}, "
            f"bidirectional={self.bidirectional}, recurrent_max={self.recurrent_max:.4g}"
            + ("" if self.input_threshold is None else f", input_threshold={self.input_threshold:g}")
        )
