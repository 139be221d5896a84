"""Network builders, from a small dict spec written in config.yaml."""

from __future__ import annotations

import math

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "sigmoid": nn.Sigmoid, "tanh": nn.Tanh}


class Dropout(nn.Module):
    """Inverted dropout, as nn.Dropout: in training each element is kept with probability 1 - p and
    scaled by 1 / (1 - p); in evaluation it is the identity.

    Why not nn.Dropout: on the CPU its Bernoulli sampler draws elements one at a time, ~24 ms for
    the MNIST CNN's 1.2M activations per batch on 2 cores (a fifth of the step); a vectorised
    uniform draw compared with p takes ~8 ms. Same distribution, a different random stream.
    """

    def __init__(self, p: float):
        super().__init__()
        if not 0 <= p < 1:
            raise ValueError(f"dropout probability must be in [0, 1), got {p}")
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return x
        keep = torch.rand_like(x).ge_(self.p).mul_(1 / (1 - self.p))  # 0 or 1/(1-p), in place
        return x * keep

    def extra_repr(self) -> str:
        return f"p={self.p}"


def build_mlp(in_features: int, hidden: list[int], n_out: int, activation: str = "relu") -> nn.Sequential:
    """Dense layers in_features -> hidden... -> n_out. Outputs are logits: softmax lives in the loss.

    With `hidden=[]` this is task 24's single-layer network (784 -> 10, softmax output).
    """
    layers: list[nn.Module] = [nn.Flatten()]
    width = in_features
    for h in hidden:
        layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def build_cnn(
    image_shape: tuple[int, int, int],
    n_out: int,
    conv: list[list[int]],
    kernel: int = 3,
    padding: str = "valid",
    pool: int = 2,
    conv_dropout: float = 0.0,
    dense: list[int] = (),
    dense_dropout: float = 0.0,
    activation: str = "relu",
) -> nn.Sequential:
    """Blocks of convolutions, each block closed by max-pooling (and dropout), then dense layers.

    `image_shape` is (H, W, C) as the data layer stores it; the network takes NCHW batches, so
    the same spec works for 1-channel (MNIST) and 3-channel (CIFAR-10) images. `conv` lists the
    output channels per block, e.g. [[32, 64]] (Keras' mnist_cnn example: two convolutions, one
    pooling) or [[32, 32], [64, 64]] (a small VGG-style net). `padding` is "valid" (the image
    shrinks by kernel-1 per convolution, Keras' default) or "same". Outputs are logits.
    """
    if padding not in ("valid", "same"):
        raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")
    h, w, c = image_shape
    layers: list[nn.Module] = []
    for block in conv:
        for channels in block:
            layers += [nn.Conv2d(c, channels, kernel, padding=padding), ACTIVATIONS[activation]()]
            c = channels
            if padding == "valid":
                h, w = h - kernel + 1, w - kernel + 1
        layers.append(nn.MaxPool2d(pool))
        h, w = h // pool, w // pool
        if h < 1 or w < 1:
            raise ValueError(
                f"image {image_shape[:2]} is too small for conv blocks {conv} (kernel {kernel}, {padding})"
            )
        if conv_dropout:
            layers.append(Dropout(conv_dropout))
    layers.append(nn.Flatten())
    width = c * h * w
    for d in dense:
        layers += [nn.Linear(width, d), ACTIVATIONS[activation]()]
        if dense_dropout:
            layers.append(Dropout(dense_dropout))
        width = d
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


CNN_KEYS = ("kernel", "padding", "pool", "conv_dropout", "dense", "dense_dropout", "activation")


def build_model(spec: dict, image_shape: tuple[int, int, int], n_classes: int) -> nn.Module:
    """`spec` is e.g. {"kind": "mlp", "hidden": [1024, 256, 256], "activation": "relu"}

    or {"kind": "cnn", "conv": [[32, 64]], "kernel": 3, "pool": 2, "dense": [128], ...}
    (see `build_cnn`). `image_shape` is (H, W, C).
    """
    kind = spec.get("kind", "mlp")
    if kind == "mlp":
        return build_mlp(
            math.prod(image_shape), list(spec.get("hidden", [])), n_classes, spec.get("activation", "relu")
        )
    if kind == "cnn":
        options = {k: spec[k] for k in CNN_KEYS if k in spec}
        return build_cnn(tuple(image_shape), n_classes, [list(b) for b in spec["conv"]], **options)
    raise ValueError(f"unknown model kind {kind!r}; known: mlp, cnn")


INITS = ("keras", "torch")
# Layers with a weight and a bias that Keras builds with Glorot-uniform weights and zero biases.
INIT_LAYERS = (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)


def initialise(model: nn.Module, scheme: str) -> None:
    """Set the starting weights of every dense and convolution layer of `model`, in place.

    keras: Keras's default for Dense, Conv2D and Conv2DTranspose (what the original trained with):
    weights U(±sqrt(6 / (fan_in + fan_out))) (Glorot-uniform), biases 0. For a convolution Keras
    counts fan_in = kernel area x input channels and fan_out = kernel area x output channels, as
    torch's xavier_uniform_ does. torch: the layers as torch builds them, U(±1/sqrt(fan_in)) for
    weights and biases. Draws from the global torch RNG, layer by layer in module order (seeded).
    """
    if scheme not in INITS:
        raise ValueError(f"unknown init {scheme!r}; known: {', '.join(INITS)} (config key `init`)")
    if scheme == "keras":
        for m in model.modules():
            if isinstance(m, INIT_LAYERS):
                nn.init.xavier_uniform_(m.weight)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
