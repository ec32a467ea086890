"""The reserved token ids, shared by SequenceVectorizer and the networks that embed its output."""

__all__ = ["FIRST_TOKEN_ID", "PADDING_ID", "UNKNOWN_ID"]

# Padding: its embedding is the zero vector and is never trained.
PADDING_ID = 0
# Every token outside the vocabulary, so the network learns what one looks like.
UNKNOWN_ID = 1
# The vocabulary's own tokens, from the most to the least frequent.
FIRST_TOKEN_ID = 2
