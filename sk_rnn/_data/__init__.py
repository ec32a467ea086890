"""How sk_rnn reads data: one module per job, each shared check written once.

- :mod:`.sequences`: the :class:`~.sequences.Sequences` model (values, where
  each sequence's valid steps lie, batches cut from them).
- :mod:`.parsing`: X as an estimator receives it, into ``Sequences``, with
  scikit-learn's ``n_features_in_`` bookkeeping; :mod:`.arrays` (NaN-padded
  3-D arrays, ragged lists) and :mod:`.tokens` (integer token ids) read the
  individual forms.
- :mod:`.panels`: pandas panels, indexed by (instance, time).
- :mod:`.targets`: y, one target per sequence or one per step.
- :mod:`.non_finite`: raising at the first bad value, with its position.
"""
