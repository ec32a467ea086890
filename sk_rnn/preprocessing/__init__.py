"""Transformers that prepare sequences for the recurrent estimators."""

from ._differencing import Differencer
from ._long_to_panel import long_to_panel
from ._padding import SequencePadder
from ._scaling import SequenceScaler
from ._text import SequenceVectorizer
from ._windows import SlidingWindowTransformer, lead_target, make_windows

__all__ = [
    "Differencer",
    "SequencePadder",
    "SequenceScaler",
    "SequenceVectorizer",
    "SlidingWindowTransformer",
    "lead_target",
    "long_to_panel",
    "make_windows",
]
