"""How sk_rnn trains and predicts, behind the scikit-learn API of the estimators.

- :mod:`.plan`: a :class:`~.plan.TrainingPlan` of resolved hyperparameters,
  and :func:`~.plan.fit_network`, the one place a skorch net is built and trained.
- :mod:`.callbacks`: the train split and callbacks of a run.
- :mod:`.schedules`: learning-rate schedules.
- :mod:`.net`: the lean skorch net and batched prediction.
- :mod:`.batches`: array-sliced batches.
- :mod:`.scoped_state`: torch's global state, changed only inside a block.
- :mod:`.checkpoints`: saving every epoch, resuming an interrupted fit.
- :mod:`.interrupts`: Ctrl-C noticed, so that a search it lands in stops.
"""
