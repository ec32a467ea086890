"""matplotlib, imported only when a Display draws, with an error that says how to install it."""

from __future__ import annotations

from typing import Any

__all__ = ["pyplot"]


def pyplot(display: str) -> Any:
    """matplotlib's pyplot, or an ImportError naming ``display`` and the install command."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:  # matplotlib is an optional dependency
        raise ImportError(
            f"{display} needs matplotlib, which is not installed: pip install matplotlib "
            "(or pip install 'sk_rnn[plot]')."
        ) from error
    return plt
