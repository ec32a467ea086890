"""Transformers that prepare sequences for the recurrent estimators."""

from .._panels import long_to_panel
from ._padding import SequencePadder
from ._text import SequenceVectorizer

__all__ = ["SequencePadder", "SequenceVectorizer", "long_to_panel"]
