"""IndRNN's recurrence as Triton kernels, for tensors on a CUDA GPU.

On a GPU, the step-by-step loop of :mod:`sk_rnn.modules.indrnn` launches a
few kernels per time step, and launches, not arithmetic, set its speed: at
1,000 steps it is slower than cuDNN's fused ``nn.RNN``. Each unit of each
sequence runs its own recurrence, independent of every other, so here one
GPU thread walks one (sequence, unit) column through all the steps: one
kernel for the forward pass and one for the backward, whatever the length.

Triton ships with PyTorch's CUDA builds on Linux; this module is imported
only for CUDA tensors, and only where Triton imports.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl

__all__ = ["recurrence_backward", "recurrence_forward"]

# Columns (sequence, unit) per program: one warp-friendly block of
# contiguous units, so every step's loads and stores are coalesced.
BLOCK = 64


@triton.jit
def _forward_kernel(
    projected, u, out, n_steps, hidden, n_columns, BLOCK: tl.constexpr, ACCUMULATE: tl.constexpr
):
    columns = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    valid = columns < n_columns
    unit = columns % hidden
    # int64: a batch of long sequences can hold more than 2**31 values.
    first = (columns // hidden).to(tl.int64) * n_steps * hidden + unit
    weight = tl.load(u + unit, mask=valid, other=0.0).to(ACCUMULATE)
    h = tl.zeros([BLOCK], dtype=ACCUMULATE)
    for t in range(n_steps):
        at = first + t * hidden
        p = tl.load(projected + at, mask=valid, other=0.0).to(ACCUMULATE)
        h = tl.maximum(p + weight * h, 0.0)
        tl.store(out + at, h.to(out.dtype.element_ty), mask=valid)


@triton.jit
def _backward_kernel(
    grad_out,
    out,
    u,
    grad_projected,
    grad_u_columns,
    n_steps,
    hidden,
    n_columns,
    BLOCK: tl.constexpr,
    ACCUMULATE: tl.constexpr,
):
    columns = tl.program_id(0) * BLOCK + tl.arange(0, BLOCK)
    valid = columns < n_columns
    unit = columns % hidden
    first = (columns // hidden).to(tl.int64) * n_steps * hidden + unit
    weight = tl.load(u + unit, mask=valid, other=0.0).to(ACCUMULATE)
    g_later = tl.zeros([BLOCK], dtype=ACCUMULATE)  # g_{t+1}; none after the last step
    grad_weight = tl.zeros([BLOCK], dtype=ACCUMULATE)
    for step in range(n_steps):
        t = n_steps - 1 - step
        at = first + t * hidden
        h = tl.load(out + at, mask=valid, other=0.0).to(ACCUMULATE)
        # Step t + 1 read u * h_t (step 0 read the zero initial state, which adds nothing).
        grad_weight += g_later * h
        incoming = tl.load(grad_out + at, mask=valid, other=0.0).to(ACCUMULATE)
        # ReLU passes the gradient where its output is positive.
        g_later = tl.where(h > 0.0, incoming + weight * g_later, 0.0)
        tl.store(grad_projected + at, g_later.to(grad_projected.dtype.element_ty), mask=valid)
    tl.store(grad_u_columns + columns, grad_weight, mask=valid)


def _accumulator(dtype: torch.dtype) -> tl.dtype:
    """float64 recurrences stay in float64 (gradcheck); others accumulate in float32."""
    return tl.float64 if dtype == torch.float64 else tl.float32


def _grid(n_columns: int) -> tuple[int]:
    return (triton.cdiv(n_columns, BLOCK),)


def recurrence_forward(projected: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """``h_t = relu(projected_t + u * h_{t-1})`` over a contiguous ``(N, T, H)`` tensor."""
    n, n_steps, hidden = projected.shape
    out = torch.empty_like(projected)
    if out.numel():
        _forward_kernel[_grid(n * hidden)](
            projected, u.contiguous(), out, n_steps, hidden, n * hidden, BLOCK, _accumulator(projected.dtype)
        )
    return out


def recurrence_backward(
    grad_out: torch.Tensor, out: torch.Tensor, u: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients with respect to ``projected`` and ``u``, as ``_backward_loop`` computes them."""
    n, n_steps, hidden = out.shape
    grad_projected = torch.empty_like(out)
    accumulate = torch.float64 if out.dtype == torch.float64 else torch.float32
    grad_u_columns = torch.zeros(n * hidden, dtype=accumulate, device=out.device)
    if out.numel():
        _backward_kernel[_grid(n * hidden)](
            grad_out,
            out,
            u.contiguous(),
            grad_projected,
            grad_u_columns,
            n_steps,
            hidden,
            n * hidden,
            BLOCK,
            _accumulator(out.dtype),
        )
    return grad_projected, grad_u_columns.view(n, hidden).sum(0).to(u.dtype)
