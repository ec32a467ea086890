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

    num_layers : int or "auto", default="auto"
        Number of stacked recurrent layers. "auto": 1 for LSTM and GRU, 2 for
        the Elman network and IndRNN, whose units only exchange information
        from one layer to the next (IndRNN) or gain from a second layer.

    bidirectional : bool or "auto", default="auto"
        Whether every layer also reads the sequences backwards. The output
        layer then sees the final states of both directions. "auto": True,
        except with ``output="sequence"``, where the output at a step must
        not have read the steps after it (a forecast at every step, a
        generator).

    dropout : float in [0, 1), default=0.2
        Dropout on the outputs of every recurrent layer, including the last
        one before the output layer. Active during training only.

    output : {"auto", "last", "mean", "max", "last+max", "sequence"}, default="auto"
        What the output layer reads. "last": the state at each sequence's last
        valid step (many-to-one). "mean" / "max": the mean / element-wise
        maximum of the last layer's outputs over the valid steps. "last+max":
        the last state and that maximum side by side. "auto": "last+max" for
        the LSTM and IndRNN, "max" for the Elman network (``cell="rnn"``),
        "last" for the GRU and ``"rnn_relu"``, as measured on the learning
        benchmark (see the docs' page on the defaults). "sequence": the
        output at every step (many-to-many), for one target per step (a
        forecast at each step, sequence tagging): y then has shape
        (n_samples, n_timesteps[, n_outputs]) or is a list of per-sequence
        arrays, and padding steps count neither in the loss nor in the score.

    embedding_dim : int or None, default=None
        When set, X holds integer token ids (one per step, 0 for padding; see
        :class:`~sk_rnn.preprocessing.SequenceVectorizer`) and each id is
        embedded in a learned vector of this size. The vocabulary size is
        learned in ``fit`` (see ``vocab_size``); at predict, ids unseen in
        ``fit`` get a zero embedding.

    vocab_size : int or None, default=None
        Rows of the embedding table of token ids (with ``embedding_dim``):
        the ids 0 to ``vocab_size - 1``. None: one more than the largest id
        ``fit`` (or the first ``partial_fit``) gets; a table of over a
        million rows that way is refused, since such ids are usually hashed
        or database ids that need re-indexing. Set it when later
        ``partial_fit`` calls (or ``fit`` with ``warm_start=True``) may bring
        larger ids, which continued training refuses rather than leave
        unlearned, or to build a larger table on purpose.

    categorical_features : array-like of int, str or bool, default=None
        Step features that hold integer category codes (a series id in a
        global forecasting model, a store, a day of the week), by position
        among the features of each step, by column name, or as a boolean
        mask with one flag per step feature: each is read
        through a learned embedding instead of as a number, and is left out
        of the input scaling. Codes unseen in ``fit`` (a new series) read as
        a zero vector. Codes must be whole numbers, within +-16777215 in
        ``fit`` (float32 cannot tell larger ones apart); encode labels or
        database ids first with ``OrdinalEncoder`` or ``pandas.factorize``.

    categorical_embedding_dim : int or "auto", default="auto"
        Size of each categorical feature's embedding. "auto": ``round(1.6 *
        n_codes ** 0.56)`` within [2, 16] (fastai's rule of thumb), for the
        feature with the most codes.

    patch_size : int or "auto", default="auto"
        Consecutive time steps the cell reads as one input vector, so that
        the recurrence runs ``ceil(n_timesteps / patch_size)`` times: a
        recurrent network loses the gradient over long recurrences, and
        patches keep it short (as SegRNN and PatchTST do). Patches end at
        each sequence's last step; padding never enters one. "auto": 1 for
        sequences of up to ``L`` steps, otherwise ``ceil(n_timesteps / L)``
        (the longest training sequence counts), so that the cell runs at
        most ``L`` times, with ``L = 64`` for LSTM and GRU and 32 for the
        ungated cells (Elman, IndRNN); 1 with ``output="sequence"`` (one
        output per step is needed) and for token ids. 1 reads one step at a
        time. A patch reads each of its steps with input weights of their
        own, so a pattern that may occur at any step is learnt less well in
        patches than step by step: where one step can decide the answer, or
        patterns move in time, try ``patch_size=1``.

    input_scaling : {"auto", "sequence", "global"} or None, default="auto"
        How the network standardises its inputs, from statistics of the
        valid training steps, so that the units of X do not change the
        result. "global": every feature by its mean and standard deviation
        over the training set (as ``StandardScaler`` would, per step
        feature). "sequence": each step is read both globally standardised
        and standardised by its own sequence's mean and standard deviation,
        and the network also reads each sequence's mean and log standard
        deviation: the shape of a sequence is then visible whatever its
        level and amplitude, which may differ by orders of magnitude between
        sequences. "auto": "sequence", but "global" with
        ``output="sequence"`` (a sequence's statistics summarise its later
        steps too, so an explicit "sequence" there warns). None: the values
        as given. Token ids are never scaled. The network computes in
        float32, which keeps about 7 significant digits: float64 or integer
        values that lie more than 2**14 times their spread from zero (Unix
        times in seconds, a level of 1e9 that varies by units) are
        standardised in float64 before that, so that their digits are not
        rounded away, in every form of X (a 2-D table included).

    cell_params : dict or None, default=None
        Options of the cell beyond the hyperparameters above. IndRNN
        (``cell="indrnn"``) takes ``{"input_threshold": t}``: its first layer
        starts as detectors of rare events, each unit firing only on the
        steps where its (standardised) input exceeds about ``t``, so that the
        next layer, whose units sum over many steps, sums those events
        instead of every step. Use it, with ``patch_size=1``, when a few steps
        among thousands carry the answer: on the adding problem over 1,000
        steps, ``{"input_threshold": 1.0}`` reached a test MSE of 0.0001
        (chance: 0.168) in 1,600 updates, seven to nine minutes on two CPU
        cores, with each of three seeds, where the default start stays near
        chance for thousands of updates (see the docs' page on long
        memory). It costs inputs read by their shape, so it is off by
        default. It sets the start only: a continued fit (``warm_start``,
        ``partial_fit``) keeps the trained weights. The other cells take no
        options; a name a cell does not take raises a ``ValueError``.

    max_epochs : int or "auto", default="auto"
        Number of passes over the training data. "auto": enough for 2,000
        optimiser updates, at least 30 and at most 300 epochs, so that small
        data sets get as many updates as large ones.

    early_stopping : bool, default=False
        Hold out the *last* ``validation_fraction`` of the training sequences
        (in the order given, never shuffled: for windows of a time series
        these are the most recent ones, as ``TimeSeriesSplit`` would choose),
        stop when their loss has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and keep the weights of the epoch with
        the lowest loss (smaller improvements count there, as in
        ``MLPClassifier``).
        Shuffle the rows first if their order means nothing.

    validation_fraction : float in (0, 1), default=0.1
        Share of the training sequences held out for early stopping:
        ``round(validation_fraction * n_samples)`` of them, the last ones
        (``MLPClassifier`` rounds up instead). Both parts need at least one
        sequence, or ``fit`` says so.

    n_iter_no_change : int, default=10
        Epochs without improvement of the validation loss before stopping.

    tol : float, default=1e-4
        The improvement of the loss that counts, as in ``MLPClassifier``
        (absolute): early stopping waits for the validation loss to improve
        by more than ``tol``, and a ``ConvergenceWarning`` says when
        training reached ``max_epochs`` while the loss (the validation loss
        with ``early_stopping``) still improved by more than ``tol`` over the
        last ``n_iter_no_change`` epochs (over all of them in a shorter fit).

    batch_size : int or "auto", default="auto"
        Sequences per gradient step. "auto": ``n_samples // 16`` within
        [16, 64], where ``n_samples`` counts the training sequences (without
        those held out for early stopping).

    learning_rate : float or "auto", default="auto"
        Peak learning rate of the optimizer. "auto": 0.01 for the gated
        cells (LSTM, GRU), 0.003 for the Elman network and IndRNN, which
        have no gate to absorb a large update; ten times these with SGD,
        whose steps scale with the (clipped) gradient where Adam's do not
        (so 0.03 for the Elman network, which trains with SGD by default).

    learning_rate_schedule : {"cosine", "one_cycle", "plateau", "constant"}, default="cosine"
        How the learning rate changes during training. "cosine": a linear
        warm-up over the first 5% of the updates, then a cosine decay to
        zero at the last update. "one_cycle": torch's ``OneCycleLR`` with
        ``learning_rate`` as its peak; it also cycles the momentum (Adam's
        first beta) between 0.95 and 0.85, plain SGD's included (an
        optimizer with neither, such as ``torch.optim.Adagrad``, cycles the
        rate only). "plateau": halve the rate when the
        training loss (the validation loss with ``early_stopping``) has not
        improved for 5 epochs. "constant": ``learning_rate`` throughout.
        A skorch ``LRScheduler`` of your own in ``callbacks`` needs
        "constant": it then sets the rate alone, starting from
        ``learning_rate``. With another schedule ``fit`` refuses it, as both
        would set the rate at once.

    optimizer : {"auto", "adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, default="auto"
        Optimizer. "auto": "sgd" for the Elman network (``cell="rnn"``),
        which generalised better with it (digits read row by row: about
        0.01 higher in every scaling, seeds 0-2), and "adamw" for the other
        cells, which learned less with SGD. SGD needs rates ten times
        Adam's, so with a ``learning_rate`` of your own "auto" is "adamw"
        for every cell. The choice is ``optimizer_``. "sgd" has Nesterov
        momentum 0.9, as scikit-learn's ``MLPClassifier(solver="sgd")``.
        A class (for instance
        ``torch.optim.NAdam``, or ``torch.optim.SGD`` for SGD without
        momentum) is built with ``lr=learning_rate``,
        ``weight_decay=weight_decay`` (when it takes one:
        ``torch.optim.Rprop`` and ``LBFGS`` do not) and its own defaults
        otherwise. ``torch.optim.SparseAdam`` is refused: it takes sparse
        gradients only, and the network's are dense.

    weight_decay : float or "auto", default="auto"
        Weight decay: decoupled from the gradient with AdamW, an L2 penalty
        added to the gradient with the other optimizers, where Adam and
        RMSprop then divide it by the gradient's running size, so the same
        number is far stronger. "auto": 0.2 with AdamW (the default
        optimizer of every cell but the Elman network), 0 with the others
        (at 0.2, Adam, RMSprop and SGD left the LSTM near chance on digits). An optimizer class without a
        ``weight_decay`` argument (``torch.optim.Rprop``, ``LBFGS``) takes
        0 or "auto" only.

    clip_grad_norm : float or None, default=1.0
        Maximum norm of the gradient of all parameters together; larger
        gradients are rescaled. This guards against exploding gradients in
        recurrent networks. None disables clipping.

    device : str, default="cpu"
        Where to train and predict: "cpu", "cuda" (or "cuda:N"), or "auto"
        for the first GPU when one is available and the CPU otherwise. A
        fitted model predicts where it was trained: a ``device`` set after
        ``fit`` applies when the model next trains (``sk_rnn.load(path,
        device=...)`` moves a saved model).

    precision : {"float32", "bfloat16", "float64"}, default="float32"
        The floating-point type the network computes in. "float32" is float32
        on a GPU too (cuDNN's TensorFloat-32 is switched off while sk_rnn
        fits and predicts), so GPU and CPU predictions agree. "float64": weights,
        inputs and gradients in double precision, about 2 to 3 times slower
        on the CPU; for small data sets where float32's rounding matters,
        such as results that must not depend on the order of the rows in a
        batch (a sample weight of 2 then trains exactly as a repeated
        sequence, in full batches without dropout). "bfloat16": automatic
        mixed precision (``torch.autocast``) in
        training and prediction: the matrix products (and, on CUDA, the
        recurrent layers) run in bfloat16, the rest, the loss and the weights
        in float32. It can pay off on hardware with bfloat16 units: on CPUs
        with AVX-512 BF16 or AMX, training took 0.42 (LSTM) to 0.76 (IndRNN)
        of float32's time (``benchmarks/bench_precision.py``); on an NVIDIA
        H100 an LSTM of 64 units took 1.32 times float32's time
        (``benchmarks/bench_gpu.py``): measure on your own model. Its
        results differ from
        float32's at bfloat16's precision (about 3 significant digits per
        product). Exported graphs compute in float32.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, dropout and the batch order. The same
        integer gives identical predictions on the CPU. torch's global random
        state is left as it was.

    verbose : int, default=0
        0 prints nothing. 1 prints a table with a row per epoch: the
        learning rate of its last update, the training loss, the
        validation loss and score (with ``early_stopping``; the score is
        what ``score`` computes, unweighted) and the seconds it took.
        2 adds a progress bar over the batches (tqdm).

    warm_start : bool, default=False
        When True, ``fit`` continues training the network of the previous
        fit (its weights, input and target scaling, classes and
        architecture) for ``max_epochs`` more epochs, with a new optimizer
        and learning-rate schedule, instead of starting anew; ``loss_curve_``
        and ``n_iter_`` add up. Hyperparameters that shape the network
        (``hidden_size``, ``cell``, ...) must not have changed; those left
        at ``"auto"`` (``output``, ``patch_size``, ``bidirectional``) keep
        what the trained network has.

    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Extra skorch callbacks (``skorch.callbacks.EarlyStopping``,
        ``LRScheduler``, ``Checkpoint``, ...): callback objects, or
        ``(name, callback)`` pairs whose names differ from each other and
        from those sk_rnn gives its own (``"early_stopping"``, ...). An
        ``LRScheduler`` needs ``learning_rate_schedule="constant"``. They
        are copied at ``fit``;
        the trained copies are in ``net_.callbacks_``. They see the inner
        network. A classifier's predicts class codes (positions in
        ``classes_``) and their probabilities, so skorch's
        ``EpochScoring("accuracy")`` or ``EpochScoring("roc_auc")`` work as
        with skorch's ``NeuralNetClassifier``; a regressor's predicts
        standardised targets, so a metric of units (MAE, say) is recorded in
        those units. ``early_stopping=True``
        records ``valid_score``, the estimator's own ``score``, per epoch
        (not with ``output="sequence"``).

    checkpoint_dir : str, path or None, default=None
        A directory where ``fit`` saves the model after every epoch, in the
        format of :func:`sk_rnn.save`, with what resuming needs (``~`` is the
        home directory; a relative path is read against the working
        directory when ``fit`` starts). Each fit has a folder of its own
        there, named by the estimator and a fingerprint of the fit
        (hyperparameters and data), holding ``checkpoint.skrnn``, which
        :func:`sk_rnn.load` reads (``checkpoint_path_`` names it), so that
        the fits of a search, one after another or at the same time, keep
        theirs. When a fit is
        interrupted (Ctrl-C, a crash, a lost machine), a new ``fit`` with the
        same directory, hyperparameters and data continues from the last
        completed epoch (``device``, ``verbose``, ``callbacks`` and
        ``record_gradients`` may differ: a fit begun on a GPU that was lost
        resumes on the CPU): weights, optimizer state, learning-rate schedule,
        batch order and early stopping's record (the best epoch's weights,
        the patience spent) carry over (dropout draws differ, so the result is
        close to an uninterrupted fit, not identical to it). A fit that
        finished is read back, without training, when ``random_state`` is an
        int and ``callbacks`` are the same classes with the same parameters
        (training it again would give the same model; labels, target units
        and column names still come from this fit's data), and trained anew
        when ``random_state`` is None. So an interrupted ``GridSearchCV`` run again reads
        back the fits it finished and resumes the ones it was training.
        ``partial_fit`` does not checkpoint. ``random_state`` must be an int
        or None: a ``RandomState`` instance is refused before training.

    record_gradients : bool, default=False
        Record during ``fit`` how strongly the loss reaches back in time
        (``gradient_norms_by_distance_``) and each layer's gradient norm
        (``layer_gradient_norms_``), the vanishing-gradient diagnostics that
        :class:`~sk_rnn.inspection.GradientFlowDisplay` draws. It costs an
        extra gradient per batch; off by default. ``partial_fit`` does not
        record."""

CLASS_WEIGHT_PARAMETER = """class_weight : dict, "balanced" or None, default=None
        Weight of each class in the loss, multiplying ``sample_weight``: a
        dict ``{label: weight}`` (missing labels weigh 1; labels that y
        lacks, as a cross-validation fold may, are ignored), or "balanced" for
        ``n_samples / (n_classes * count of the class)``, which makes rare
        classes count as much as common ones, ``n_classes`` counting the
        classes present in the data trained on (each chunk of
        ``partial_fit``). With ``sample_weight`` the samples are counted by
        their weights, as scikit-learn's ``compute_class_weight`` counts them:
        a weight of 2 as a repeated sequence, 0 as a removed one. Per-step
        targets count their labels over the valid steps. None: every class
        weighs 1."""

SHARED_ATTRIBUTES = """n_features_in_ : int
        Columns of X when ``fit`` got a 2-D X (one per time step), features
        per time step when it got a 3-D X.

    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Column names of X, when ``fit`` got a DataFrame with string columns.

    vocab_size_ : int
        Rows of the embedding table (with ``embedding_dim``): ``vocab_size``,
        or one more than the largest token id seen in ``fit``.

    categorical_features_ : ndarray of int or None
        Positions of the categorical step features (None without them).

    categories_ : list of ndarray or None
        The codes of each categorical feature seen in ``fit``, sorted.

    categorical_embedding_dim_ : int or None
        Size of the categorical embeddings, as resolved from
        ``categorical_embedding_dim``.

    output_ : {"last", "mean", "max", "last+max", "sequence"}
        What the output layer reads, as resolved from ``output``.

    patch_size_ : int
        Steps per patch, as resolved from ``patch_size``.

    input_scaling_ : {"sequence", "global"} or None
        The input scaling used, as resolved from ``input_scaling``.

    input_mean_, input_scale_ : ndarray of shape (n_numeric_step_features,) or None
        Mean and scale of every step feature but the categorical ones (which
        are embedded, not scaled) over the valid training steps, which the
        network standardises with (None without input scaling).

    num_layers_ : int
        Stacked recurrent layers, as resolved from ``num_layers``.

    bidirectional_ : bool
        Whether the layers read both ways, as resolved from ``bidirectional``.

    batch_size_ : int
        Sequences per update, as resolved from ``batch_size``.

    max_epochs_ : int
        Epochs to train, as resolved from ``max_epochs``.

    learning_rate_ : float
        Peak learning rate, as resolved from ``learning_rate``.

    optimizer_ : str or torch optimizer class
        The optimizer, as resolved from ``optimizer``.

    weight_decay_ : float
        Weight decay, as resolved from ``weight_decay``.

    n_iter_ : int
        Number of epochs run (fewer than ``max_epochs_`` after early stopping).

    loss_curve_ : list of float
        Mean training loss of every epoch.

    validation_loss_curve_ : list of float or None
        Loss on the held-out sequences after every epoch, with
        ``early_stopping``; None otherwise.

    best_validation_loss_ : float or None
        The lowest validation loss of the last ``fit``, whose weights the
        model keeps, with ``early_stopping``; None otherwise. A fit continued
        with ``warm_start`` keeps its own best epoch, even when an earlier
        fit's loss (in ``validation_loss_curve_``) was lower.

    checkpoint_path_ : str or None
        The file ``fit`` saved this fit's model to, in its folder of
        ``checkpoint_dir`` (``sk_rnn.load`` reads it); None without
        ``checkpoint_dir``.

    history_ : skorch.History
        Per-epoch and per-batch training records of the last ``fit`` (of
        the whole fit when it resumed from ``checkpoint_dir``; of the last
        call with ``warm_start``, whose epochs ``loss_curve_`` adds up).

    gradient_norms_by_distance_ : ndarray of shape (n_epochs, n_cell_steps) or None
        With ``record_gradients``: for each epoch, the mean norm of the
        gradient of the loss with respect to what the recurrent layers read
        at the cell step ``d`` steps before each sequence's last (column
        ``d``; a cell step is a patch with ``patch_size_ > 1``), averaged
        over the sequences and batches of the epoch; NaN where no sequence
        is that long. It reaches the loss only through the states from that
        step on, so with ``output="last"`` and one direction it falls with
        ``d`` when the gradient vanishes; a head that reads every step (the
        other outputs) reaches each step directly, and a backward direction
        reads the first steps last, so that the decay no longer shows. None
        without ``record_gradients``. The record is of the last ``fit``
        (all its epochs when it resumed from ``checkpoint_dir``):
        ``partial_fit`` records nothing and leaves it as it was.

    layer_gradient_norms_ : dict of str to ndarray of shape (n_epochs,) or None
        With ``record_gradients``: each layer's mean gradient norm per epoch,
        before ``clip_grad_norm`` rescales it (so that exploding gradients
        show), keyed "recurrent layer 0", "recurrent layer 1", ... (both
        directions together), "embedding" (token ids), "categorical" (the
        embeddings of ``categorical_features``) and "head" (the output layer).

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


CLASSIFIER_NOTES = """The network reads each sequence with the recurrent layers and maps
    what ``output`` selects (by default the last state, of both directions,
    the maximum of the outputs over the steps, or both, per cell) to one
    logit per class;
    training minimises the cross-entropy with label smoothing 0.1 (the target
    of the true class is 0.9 plus 0.1 / n_classes), which keeps the logits
    from growing once the training set is fitted and generalises better on
    small data sets. The probability of a sure prediction is therefore near
    0.9, not 1: calibrate ``predict_proba`` with
    :class:`~sklearn.calibration.CalibratedClassifierCV` where probabilities
    must be calibrated. A label indicator matrix y (multilabel) is trained
    with one sigmoid per label and a binary cross-entropy, without
    smoothing."""


REGRESSOR_ATTRIBUTES = """n_outputs_ : int
        Number of targets per sequence (columns of a 2-D y).

    quantiles_ : ndarray of shape (n_quantiles,) or None
        The quantiles the network predicts, in increasing order, with
        ``loss="quantile"``; None otherwise.

    {shared_attributes}"""

REGRESSOR_NOTES = """{data_notes}

    The target is standardised (per column) for training and mapped back in
    ``predict``, so the defaults work whatever its unit; the loss (``loss``)
    is computed on the standardised target, which changes neither the
    median nor any quantile it estimates."""

REGRESSION_LOSS_PARAMETERS = (
    'loss : {"squared_error", "absolute_error", "huber", "quantile", "normal"}, '
    'default="squared_error"'
    """
        What training minimises, with the names of
        ``HistGradientBoostingRegressor`` where it has them: the mean squared
        error (predicts the conditional mean), the mean absolute error (the
        median, robust to outliers), the Huber loss (squared for errors
        within one standard deviation of the target, linear beyond), the
        pinball loss of ``quantile`` (that quantile: ``quantile=0.9`` predicts
        a value the target stays below 90% of the time; several quantiles at
        once with a list), or the negative log-likelihood of a normal
        distribution whose mean and standard deviation the network predicts
        (``predict(X, return_std=True)``).

    quantile : float in (0, 1), array-like of float, or None, default=None
        The quantile predicted with ``loss="quantile"`` (required then, and
        only then). With several, for instance ``[0.05, 0.5, 0.95]``, one
        network predicts them all (they never cross, by construction):
        ``predict`` returns the median (0.5 is added when it is missing) and
        ``predict_quantiles`` all of them. Levels are kept to 7 decimals, so
        that ``np.linspace(0.1, 0.9, 5)`` or ``np.float32(0.9)`` give the
        levels they were meant to (``quantiles_``)."""
)


def fill_doc(obj: _T) -> _T:
    """Replace the ``{shared_parameters}``-style markers in ``obj.__doc__``."""
    # Fragments may hold markers of their own (the regressor attributes hold
    # the shared ones), so those come first.
    fragments: dict[str, str] = {
        "{regressor_attributes}": REGRESSOR_ATTRIBUTES,
        "{regressor_notes}": REGRESSOR_NOTES,
        "{cell_parameter}": CELL_PARAMETER,
        "{class_weight_parameter}": CLASS_WEIGHT_PARAMETER,
        "{regression_loss_parameters}": REGRESSION_LOSS_PARAMETERS,
        "{shared_parameters}": SHARED_PARAMETERS,
        "{shared_attributes}": SHARED_ATTRIBUTES,
        "{data_notes}": DATA_NOTES,
        "{classifier_notes}": CLASSIFIER_NOTES,
    }
    doc = obj.__doc__ or ""
    for marker, text in fragments.items():
        doc = doc.replace(marker, text)
    obj.__doc__ = doc
    return obj
