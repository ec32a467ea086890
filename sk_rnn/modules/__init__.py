"""PyTorch modules used by the sk_rnn estimators (no scikit-learn inside)."""

from .indrnn import IndRNN, IndRNNLayer, recurrent_weight_bound
from .network import CELLS, OUTPUTS, RecurrentNetwork, patch_steps
from .unpacked import UnpackedRecurrence

__all__ = [
    "CELLS",
    "OUTPUTS",
    "IndRNN",
    "IndRNNLayer",
    "RecurrentNetwork",
    "UnpackedRecurrence",
    "patch_steps",
    "recurrent_weight_bound",
]
