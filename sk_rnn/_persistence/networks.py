"""A fitted skorch net as weights and plain data, and back: only the module's state is kept.

What ``predict`` needs is rebuilt: the :class:`~sk_rnn.modules.RecurrentNetwork`
with the saved constructor arguments and weights, the prediction batch size,
the device and the training history. The optimizer's state is not kept.
"""

from __future__ import annotations

from typing import Any

import torch

from .._training.net import MODULE_PREFIX, SequenceNet, module_arguments
from .._training.plan import resolve_device
from .._training.scoped_state import seeded_torch
from .._warnings import warn_at_user_code
from ..modules import RecurrentNetwork
from .codec import Decoder, Encoder, UnsafeToSaveError

__all__ = ["decode_network", "encode_network", "load_device"]


def encode_network(encoder: Encoder, net: Any, where: str) -> dict:
    """The net's module arguments, weights (set aside as arrays), batch size, device and history."""
    if not isinstance(net, SequenceNet) or net.module is not RecurrentNetwork:
        raise UnsafeToSaveError(f"sk_rnn.save cannot store {where}: it is not the network sk_rnn trained.")
    arguments = module_arguments(net)
    weights = {
        name: encoder.array(tensor.detach().cpu().numpy())
        for name, tensor in net.module_.state_dict().items()
    }
    return {
        "module": {key: encoder.encode(value, f"{where}.{key}") for key, value in arguments.items()},
        "weights": weights,
        "batch_size": int(net.batch_size),
        "device": str(net.device),
        "history": encoder.encode(net.history, f"{where}.history"),
    }


def load_device(device: str | torch.device) -> torch.device:
    """The device ``device`` names, where this machine can hold weights: checked before any loading."""
    # resolve_device refuses "meta" too: its weights would load, and predict fail inside torch.
    return resolve_device("sk_rnn.load", device)


def _device_here(saved: str, requested: str | None) -> str:
    """``requested`` (checked by ``load``), else the saved device, else (not here) the CPU, with a warning."""
    if requested is not None:
        return requested
    if torch.device(saved).type == "cuda" and not torch.cuda.is_available():
        warn_at_user_code(
            f"The model was saved on {saved!r}, but torch sees no CUDA GPU here: it is loaded on "
            "the CPU. Pass device='cpu' to sk_rnn.load to say so and silence this warning.",
            UserWarning,
        )
        return "cpu"
    try:
        load_device(saved)
    except ValueError:
        # A device torch knows but this machine lacks: a second GPU, or mps on Linux.
        warn_at_user_code(
            f"The model was saved on {saved!r}, which torch cannot use on this machine: it is "
            "loaded on the CPU. Pass device='cpu' (or another device) to sk_rnn.load to say so "
            "and silence this warning.",
            UserWarning,
        )
        return "cpu"
    return saved


def decode_network(decoder: Decoder, node: dict, estimator: Any, *, device: str | None = None) -> SequenceNet:
    """Rebuild the trained net of ``estimator`` (whose other fitted attributes are set)."""
    criterion, criterion_params = estimator._loss(estimator.output_ == "sequence")
    net = SequenceNet(
        module=RecurrentNetwork,
        **{f"{MODULE_PREFIX}{key}": decoder.decode(value) for key, value in node["module"].items()},
        criterion=criterion,
        **{f"criterion__{key}": value for key, value in criterion_params.items()},
        batch_size=int(node["batch_size"]),
        train_split=None,
        predict_nonlinearity=None,
        device=_device_here(str(node["device"]), device),
        verbose=0,
        # Predictions are computed as the trained model computed them.
        precision=getattr(estimator, "precision", "float32"),
    )
    # Initialising draws random weights, which the saved ones replace; a fixed
    # seed in a scoped generator keeps loading from touching torch's global state.
    # Not exclusive: a model server loading while a fit runs in another thread
    # must not wait for the whole fit.
    with seeded_torch(0, torch.device("cpu"), exclusive=False):
        net.initialize()
    weights = {name: torch.from_numpy(decoder.array(key).copy()) for name, key in node["weights"].items()}
    try:
        net.module_.load_state_dict(weights)
    except RuntimeError as error:  # missing, unexpected or misshapen weights
        raise ValueError(f"the weights do not fit the network: {error}") from None
    net.history = decoder.decode(node["history"])
    return net
