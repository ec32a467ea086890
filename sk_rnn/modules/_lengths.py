"""The check of a padded batch's ``lengths`` argument, shared by the modules that take one."""

from __future__ import annotations

import torch

__all__ = ["check_lengths"]


def check_lengths(owner: str, X: torch.Tensor, lengths: torch.Tensor | None) -> None:
    """Refuse ``lengths`` that are not one integer per sequence of ``X``, each in ``1..T``.

    A length beyond ``T`` would read copies of the last step, and 0 an index
    of -1, each without an error of its own. Skipped while tracing for export,
    whose graphs bring lengths into range themselves.
    """
    if lengths is None or torch.jit.is_tracing() or torch.jit.is_scripting():
        return
    n_sequences, n_steps = X.shape[0], X.shape[1]
    if (
        not isinstance(lengths, torch.Tensor)
        or lengths.dtype not in (torch.int32, torch.int64)
        or lengths.dim() != 1
        or len(lengths) != n_sequences
    ):
        got = (
            f"a {lengths.dim()}-D {lengths.dtype} tensor of {lengths.numel()} values"
            if isinstance(lengths, torch.Tensor)
            else f"a {type(lengths).__name__}"
        )
        raise ValueError(
            f"{owner} takes lengths as a 1-D int64 tensor with one length per sequence "
            f"({n_sequences} here), got {got}. Pass torch.as_tensor(lengths, dtype=torch.int64)."
        )
    if n_sequences and (int(lengths.min()) < 1 or int(lengths.max()) > n_steps):
        raise ValueError(
            f"{owner} got lengths from {int(lengths.min())} to {int(lengths.max())}, but each must "
            f"lie between 1 and the {n_steps} steps of X: the valid steps of each sequence, which "
            "come first."
        )
