"""Docstring fragments shared by the estimators, so each parameter is described once."""

from __future__ import annotations

from typing import TypeVar

_T = TypeVar("_T")

CELL_PARAMETER = """cell : {"rnn", "rnn_relu", "lstm", "gru", "indrnn"}, default="lstm"
        Recurrent cell: an Elman network with tanh ("rnn") or ReLU
        ("rnn_relu") activation, LSTM, GRU, or IndRNN (Li et al., 2018), whose
        recurrent weights are bounded so that gradients neither vanish nor
        explode over the training sequence length. A grid search can search
        over it."""

SHARED_PARAMETERS = """hidden_size : int, default=128
        Hidden units per recurrent layer (and per direction).

    num_layers : int, default=1
        Number of stacked recurrent layers.

    bidirectional : bool, default=False
        Whether every layer also reads the sequences backwards. The output
        layer then sees the final states of both directions.

    dropout : float in [0, 1), default=0.2
        Dropout on the outputs of every recurrent layer, including the last
        one before the output layer. Active during training only.

    output : {"last", "mean", "max", "sequence"}, default="last"
        What the output layer reads. "last": the state at each sequence's last
        valid step (many-to-one). "mean" / "max": the mean / element-wise
        maximum of the last layer's outputs over the valid steps. "sequence":
        the output at every step (many-to-many), for one target per step (a
        forecast at each step, sequence tagging): y then has shape
        (n_samples, n_timesteps[, n_outputs]) or is a list of per-sequence
        arrays, and padding steps count neither in the loss nor in the score.

    embedding_dim : int or None, default=None
        When set, X holds integer token ids (one per step, 0 for padding; see
        :class:`~sk_rnn.preprocessing.SequenceVectorizer`) and each id is
        embedded in a learned vector of this size. The vocabulary size is
        learned in ``fit``; ids unseen in ``fit`` get a zero embedding.

    max_epochs : int, default=100
        Number of passes over the training data.

    early_stopping : bool, default=False
        Hold out the *last* ``validation_fraction`` of the training sequences
        (in the order given, never shuffled: for windows of a time series
        these are the most recent ones, as ``TimeSeriesSplit`` would choose),
        stop when their loss has not improved by 0.01% for
        ``n_iter_no_change`` epochs, and keep the weights of the best epoch.
        Shuffle the rows first if their order means nothing.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training sequences held out for early stopping.

    n_iter_no_change : int, default=10
        Epochs without improvement of the validation loss before stopping.

    batch_size : int, default=64
        Sequences per gradient step.

    learning_rate : float, default=0.003
        Learning rate of the optimizer.

    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="adamw"
        Optimizer. A class (for instance ``torch.optim.NAdam``) is built with
        ``lr=learning_rate`` and ``weight_decay=weight_decay``.

    weight_decay : float, default=0.05
        Weight decay: decoupled from the gradient for "adamw" (the default),
        an L2 penalty added to the gradient for the other optimizers.

    clip_grad_norm : float or None, default=1.0
        Maximum norm of the gradient of all parameters together; larger
        gradients are rescaled. This guards against exploding gradients in
        recurrent networks. None disables clipping.

    device : str, default="cpu"
        Where to train and predict: "cpu", "cuda" (or "cuda:N"), or "auto"
        for the first GPU when one is available and the CPU otherwise.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and the batch order. The same
        integer gives identical predictions on the CPU. torch's global random
        state is left as it was.

    verbose : int, default=0
        Print a table of the training loss per epoch when positive.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks (``skorch.callbacks.EarlyStopping``,
        ``LRScheduler``, ``Checkpoint``, ...). They are copied at ``fit``;
        the trained copies are in ``net_.callbacks_``."""

SHARED_ATTRIBUTES = """n_features_in_ : int
        Columns of X when ``fit`` got a 2-D X (one per time step), features
        per time step when it got a 3-D X.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of X, when ``fit`` got a DataFrame with string columns.

    vocab_size_ : int
        One more than the largest token id seen in ``fit`` (with ``embedding_dim``).

    n_iter_ : int
        Number of epochs run.

    loss_curve_ : list of float
        Mean training loss of every epoch.

    validation_loss_curve_ : list of float or None
        Loss on the held-out sequences after every epoch, with
        ``early_stopping``; None otherwise.

    best_validation_loss_ : float or None
        The lowest validation loss, whose weights the model keeps, with
        ``early_stopping``; None otherwise.

    history_ : skorch.History
        Per-epoch and per-batch training records.

    net_ : skorch.NeuralNet
        The trained network; ``net_.module_`` is the
        :class:`~sk_rnn.modules.RecurrentNetwork`."""

DATA_NOTES = """X is read as follows: a 3-D array ``(n_samples, n_timesteps,
    n_features)`` holds multivariate sequences (batch first); a 2-D array or
    DataFrame ``(n_samples, n_timesteps)`` holds univariate sequences, one per
    row, so the estimator also works on the lag tables that forecasting
    reduction tools build; a list of ``(T_i, n_features)`` or ``(T_i,)`` arrays
    holds sequences of different lengths. In a 3-D array, all-NaN steps at the
    start or end of a sequence are padding (see
    :class:`~sk_rnn.preprocessing.SequencePadder`); padding never reaches the
    network's state. After fitting on 3-D data or a list, the sequences passed
    to ``predict`` may have any length; after fitting on 2-D data, X must have
    the same columns, as for any scikit-learn estimator."""


def fill_doc(obj: _T) -> _T:
    """Replace the ``{shared_parameters}``-style markers in ``obj.__doc__``."""
    fragments: dict[str, str] = {
        "{cell_parameter}": CELL_PARAMETER,
        "{shared_parameters}": SHARED_PARAMETERS,
        "{shared_attributes}": SHARED_ATTRIBUTES,
        "{data_notes}": DATA_NOTES,
    }
    doc = obj.__doc__ or ""
    for marker, text in fragments.items():
        doc = doc.replace(marker, text)
    obj.__doc__ = doc
    return obj
