"""Texts to sequences of token ids, for the estimators' ``embedding_dim`` path."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.utils.validation import check_is_fitted

from .._compat import Interval, StrOptions, _fit_context, _on_the_index_of_a_series
from .._data.sequences import is_polars, padded_bytes_if_mostly_padding
from .._data.tokens import FIRST_TOKEN_ID, PADDING_ID, UNKNOWN_ID
from .._warnings import warn_at_user_code

__all__ = ["SequenceVectorizer"]


class SequenceVectorizer(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Turn texts into padded arrays of token ids, word by word or character by character.

    Tokenisation is scikit-learn's own (:class:`~sklearn.feature_extraction.text.CountVectorizer`'s
    analyzers), so ``lowercase``, ``token_pattern`` and ``strip_accents`` mean what
    they mean there; unlike a bag of words, the order of the tokens is kept.
    Id 0 is padding, id 1 stands for every token outside the vocabulary, and
    the vocabulary's tokens get ids 2, 3, ... from the most to the least
    frequent. The output feeds any sk_rnn estimator with ``embedding_dim`` set.
    Its columns are the steps, named ``sequencevectorizer0``, ... by
    ``get_feature_names_out``; ``set_output(transform="pandas")`` returns
    them as a DataFrame, which the estimators read as token ids too.

    Parameters
    ----------
    analyzer : {"word", "char"}, default="word"
        Tokens are words (``token_pattern``) or single characters, every one
        of them: unlike scikit-learn's "char" analyzer, runs of whitespace
        are kept, so a text of n characters gives n steps.
    lowercase : bool, default=True
        Lower-case the texts before tokenising.
    token_pattern : str, default=r"(?u)\\b\\w+\\b"
        Regular expression of a word, for ``analyzer="word"``. The default
        keeps one-letter words ("a", "I"), which carry meaning in a sequence.
    strip_accents : {"ascii", "unicode"} or None, default=None
        Remove accents before tokenising.
    max_tokens : int or None, default=None
        Keep only the most frequent tokens in the vocabulary; the others map
        to the unknown id 1.
    min_df : int, default=1
        Ignore tokens that occur in fewer texts than this (they map to id 1).
    max_len : int or None, default=None
        Number of steps of the output; None uses the longest text seen in ``fit``,
        and ``fit`` warns when that makes the ids mostly padding and large
        (over 256 MiB, the longest text over ten times the mean length),
        with a ``max_len`` that keeps 99% of the texts whole.
    keep : {"first", "last"}, default="first"
        Which tokens of a text longer than ``max_len_`` to keep.

    Attributes
    ----------
    vocabulary_ : dict
        Token to id (from 2).
    max_len_ : int
        Number of steps of the output.

    See Also
    --------
    sk_rnn.LSTMClassifier : Reads token ids when ``embedding_dim`` is set.

    Examples
    --------
    >>> from sk_rnn.preprocessing import SequenceVectorizer
    >>> texts = ["the cat sat", "the dog sat down", "a cat"]
    >>> vectorizer = SequenceVectorizer().fit(texts)
    >>> vectorizer.transform(["the cat ran"])
    array([[4, 2, 1, 0]])
    >>> vectorizer.inverse_transform(vectorizer.transform(["the cat ran"]))
    [['the', 'cat', '<unk>']]
    >>> SequenceVectorizer(analyzer="char").fit(["ana", "bob"]).transform(["bab", "ox"])
    array([[3, 2, 3],
           [5, 1, 0]])
    """

    _parameter_constraints: ClassVar[dict] = {
        "analyzer": [StrOptions({"word", "char"})],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "strip_accents": [StrOptions({"ascii", "unicode"}), None],
        "max_tokens": [Interval(Integral, 1, None, closed="left"), None],
        "min_df": [Interval(Integral, 1, None, closed="left")],
        "max_len": [Interval(Integral, 1, None, closed="left"), None],
        "keep": [StrOptions({"first", "last"})],
    }

    unknown_token = "<unk>"

    def __init__(
        self,
        *,
        analyzer: str = "word",
        lowercase: bool = True,
        token_pattern: str = r"(?u)\b\w+\b",
        strip_accents: str | None = None,
        max_tokens: int | None = None,
        min_df: int = 1,
        max_len: int | None = None,
        keep: str = "first",
    ) -> None:
        self.analyzer = analyzer
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.strip_accents = strip_accents
        self.max_tokens = max_tokens
        self.min_df = min_df
        self.max_len = max_len
        self.keep = keep

    def _counter(self) -> CountVectorizer:
        analyzer: Any = self.analyzer
        if analyzer == "char":
            # scikit-learn's "char" analyzer turns each run of whitespace into
            # one space: a text of n characters would not give n steps, and
            # indentation or a double space would be lost without a word.
            preprocess = CountVectorizer(
                lowercase=self.lowercase, strip_accents=self.strip_accents
            ).build_preprocessor()
            analyzer = partial(_characters, preprocess)
        return CountVectorizer(
            analyzer=analyzer,
            lowercase=self.lowercase,
            token_pattern=self.token_pattern if self.analyzer == "word" else None,
            strip_accents=self.strip_accents,
            min_df=self.min_df,
            max_features=self.max_tokens,
        )

    def _texts(self, X: Any) -> list[str]:
        if isinstance(X, str):
            raise ValueError(
                f"{type(self).__name__} expects an iterable of texts (a list, array or Series of "
                "strings), but got a single string. Wrap it in a list: [text]."
            )
        texts = list(self._one_column(X).ravel()) if hasattr(X, "__array__") else list(X)
        for i, text in enumerate(texts):
            if not isinstance(text, str):
                raise ValueError(
                    f"{type(self).__name__} expects texts, but item {i} of X is a "
                    f"{type(text).__name__} ({text!r}). {_text_fix(text, X)}"
                )
        return texts

    def _one_column(self, X: Any) -> np.ndarray:
        """X as an object array of one text per sample: a 1-D array or a table of one column.

        Raveled, a table of several columns would give each sample several
        texts, and the output more rows than X, silently out of step with y.
        """
        values = np.asarray(X, dtype=object)
        if values.ndim > 2 or (values.ndim == 2 and values.shape[1] != 1):
            columns = f" ({list(X.columns)})" if hasattr(X, "columns") else ""
            raise ValueError(
                f"{type(self).__name__} expects one text per sample (a list, 1-D array or Series of "
                f"strings, or a table of one column), but got X of shape {values.shape}{columns}. "
                "Select the text column (X['text']), or join the columns into one text per row "
                "first (X.agg(' '.join, axis=1))."
            )
        return values

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X: Any, y: Any = None):
        """Learn the vocabulary and, without ``max_len``, the longest text.

        Parameters
        ----------
        X : iterable of str
            Texts.
        y : None
            Ignored.

        Returns
        -------
        self : SequenceVectorizer
        """
        texts = self._texts(X)
        counter = self._counter()
        try:
            counts = np.asarray(counter.fit_transform(texts).sum(axis=0)).ravel()
        except ValueError as error:  # no token at all, or min_df too high
            raise ValueError(
                f"{type(self).__name__} found no token to keep in X ({error}). Check the texts, "
                "min_df and token_pattern."
            ) from error
        tokens = counter.get_feature_names_out()
        # Most frequent first (ties alphabetical): small ids for common tokens.
        order = sorted(range(len(tokens)), key=lambda i: (-counts[i], tokens[i]))
        self.vocabulary_ = {str(tokens[i]): FIRST_TOKEN_ID + rank for rank, i in enumerate(order)}
        analyzer = counter.build_analyzer()
        lengths = np.array([len(analyzer(text)) for text in texts])
        self.max_len_ = self.max_len if self.max_len is not None else max(int(lengths.max(initial=1)), 1)
        if self.max_len is None:
            self._warn_if_padding_dominates(lengths)
        return self

    def _warn_if_padding_dominates(self, lengths: np.ndarray) -> None:
        """Warn when padding every text to the longest makes the ids mostly padding, and large.

        Text lengths have long tails: one document of 50,000 words among ten
        thousand of a few hundred pads the output (and every batch a network
        reads) to 50,000 steps, gigabytes of zeros.
        """
        padded_bytes = padded_bytes_if_mostly_padding(lengths, np.dtype(np.int64).itemsize)
        if padded_bytes is None:
            return
        suggested = int(np.quantile(lengths, 0.99, method="lower"))  # a length some text has
        warn_at_user_code(
            f"{type(self).__name__} pads every text to the longest, {self.max_len_} tokens, while they "
            f"hold {lengths.mean():.0f} on average: the ids of these {len(lengths)} texts take "
            f"{padded_bytes / 2**30:.1f} GiB, mostly padding, and a network reads every padded step. "
            f"Set max_len to cut the longest texts (max_len={suggested} keeps 99% of them whole; "
            "keep='last' keeps their ends).",
            UserWarning,
        )

    def transform(self, X: Any) -> np.ndarray:
        """Token ids of each text, padded with 0 (and cut) to ``max_len_`` steps.

        Parameters
        ----------
        X : iterable of str
            Texts.

        Returns
        -------
        ids : ndarray of shape (n_texts, ``max_len_``), dtype int64
        """
        check_is_fitted(self)
        texts = self._texts(X)
        ids = np.zeros((len(texts), self.max_len_), dtype=np.int64)
        # Built from the parameters, not kept from fit: the fitted state stays
        # plain data (the vocabulary), which saves without pickling a function.
        analyzer = self._counter().build_analyzer()
        for row, text in zip(ids, texts, strict=True):
            tokens = analyzer(text)
            tokens = tokens[: self.max_len_] if self.keep == "first" else tokens[-self.max_len_ :]
            row[: len(tokens)] = [self.vocabulary_.get(token, UNKNOWN_ID) for token in tokens]
        return _on_the_index_of_a_series(ids, X, self)

    @property
    def _n_features_out(self) -> int:
        """One output column per step: what ``get_feature_names_out`` names and ``set_output`` wraps."""
        return self.max_len_

    def inverse_transform(self, X: Any) -> list[list[str]]:
        """Tokens of each row of ids, padding dropped and unknown tokens as ``"<unk>"``.

        Parameters
        ----------
        X : array-like of shape (n_texts, n_steps)
            Token ids.

        Returns
        -------
        tokens : list of list of str
        """
        check_is_fitted(self)
        by_id = {index: token for token, index in self.vocabulary_.items()}
        by_id[UNKNOWN_ID] = self.unknown_token
        return [
            [by_id.get(int(i), self.unknown_token) for i in row if i != PADDING_ID] for row in np.asarray(X)
        ]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags


def _text_fix(item: Any, X: Any) -> str:
    """What to do about an item of X that is not a string: a missing value, bytes, or other."""
    if item is None or (np.ndim(item) == 0 and pd.isna(item)):
        # polars names pandas' fillna fill_null.
        fill = "fill_null" if is_polars(X) else "fillna"
        return f"Convert missing values to '' first (for instance X.{fill}(''))."
    if isinstance(item, bytes):
        return "Decode bytes to str first (for instance text.decode('utf-8'))."
    return "Each item of X must be one text (a str); convert the others with str() first."


def _characters(preprocess: Callable[[str], str], text: str) -> list[str]:
    """Every character of the lower-cased (and unaccented) text, whitespace included."""
    return list(preprocess(text))
