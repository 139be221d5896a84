"""A trained classifier on disk: its network spec and weights, so a later job can rebuild it (task 33's
image-quality measure uses task 30's CNNs as its feature network)."""

from __future__ import annotations

import torch
from torch import nn

from nnlab.io import atomic_writer
from nnlab.models import build_model


def save_classifier(model: nn.Module, spec: dict, image_shape, n_classes: int, path) -> None:
    """Spec, input shape, class count and weights (contiguous: a channels-last run's layout is
    not part of the model), written atomically."""
    state = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    with atomic_writer(path) as f:
        torch.save({"spec": spec, "image_shape": list(image_shape), "n_classes": n_classes, "state_dict": state}, f)


def load_classifier(path) -> nn.Sequential:
    """The network of `save_classifier`, on the CPU, in evaluation mode."""
    saved = torch.load(path, map_location="cpu", weights_only=True)
    model = build_model(saved["spec"], tuple(saved["image_shape"]), saved["n_classes"])
    model.load_state_dict(saved["state_dict"])
    return model.eval()
