"""Transformers that prepare sequences for the recurrent estimators."""

from ._padding import SequencePadder

__all__ = ["SequencePadder"]
