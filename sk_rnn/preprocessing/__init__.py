"""Transformers that prepare sequences for the recurrent estimators."""

from ._padding import SequencePadder
from ._text import SequenceVectorizer

__all__ = ["SequencePadder", "SequenceVectorizer"]
