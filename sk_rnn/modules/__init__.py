"""PyTorch modules used by the sk_rnn estimators (no scikit-learn inside)."""

from .indrnn import IndRNN, IndRNNLayer, recurrent_weight_bound
from .network import CELLS, OUTPUTS, RecurrentNetwork

__all__ = ["CELLS", "OUTPUTS", "IndRNN", "IndRNNLayer", "RecurrentNetwork", "recurrent_weight_bound"]
