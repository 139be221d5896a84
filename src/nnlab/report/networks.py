"""A network's configuration as facts the templates phrase (each language's macros.tex.j2: `mlp`,
`network`): the layer sizes are computed here once, for every language, from the spec alone (the same
arithmetic as `nnlab.models`)."""

from __future__ import annotations

import math

# Well-known networks, named in task 30's setup when a spec is exactly one of them (the name: a key of
# each language's terms.yaml `networks`).
KNOWN = [
    (
        {"kind": "cnn", "conv": [[32, 64]], "kernel": 3, "padding": "valid", "pool": 2,
         "conv_dropout": 0.25, "dense": [128], "dense_dropout": 0.5},
        "keras_mnist_cnn",
    ),
    (
        {"kind": "cnn", "conv": [[32, 32], [64, 64]], "kernel": 3, "padding": "same", "pool": 2,
         "conv_dropout": 0.25, "dense": [512], "dense_dropout": 0.5},
        "small_vgg",
    ),
    ({"kind": "mlp", "hidden": [1024, 256, 256]}, "task28_mlp"),
]  # fmt: skip


def known_name(spec: dict) -> str | None:
    """The key of a well-known network if `spec` is exactly it (default activation relu)."""
    plain = {k: v for k, v in spec.items() if not (k == "activation" and v == "relu")}
    return next((name for known, name in KNOWN if known == plain), None)


def mlp(spec: dict, inputs: int, outputs: int) -> dict:
    """A dense network: its widths from input to output, its hidden activation, whether it has hidden layers."""
    return {"widths": [inputs, *spec.get("hidden", []), outputs], "activation": spec.get("activation", "relu"),
            "hidden": bool(spec.get("hidden"))}  # fmt: skip


def layers(spec: dict, image_shape: tuple[int, int, int], n_out: int = 10) -> dict:
    """A spec (dense `mlp` or convolutional `cnn`) as its sequence of layers, e.g. conv 32-64 (3x3, valid),
    maxpool 2, dropout 0.25, dense 128, dropout 0.5, dense 10: {kind, activation, widths (mlp) or
    layers (cnn: {type: conv|maxpool|dropout|dense, ...})}."""
    act = spec.get("activation", "relu")
    if spec.get("kind", "mlp") == "mlp":
        return {"kind": "mlp", "activation": act, "widths": [math.prod(image_shape), *spec.get("hidden", []), n_out]}
    out = []
    for block in spec["conv"]:
        out.append({"type": "conv", "channels": list(block), "kernel": spec.get("kernel", 3),
                    "padding": spec.get("padding", "valid")})  # fmt: skip
        out.append({"type": "maxpool", "size": spec.get("pool", 2)})
        if spec.get("conv_dropout"):
            out.append({"type": "dropout", "rate": spec["conv_dropout"]})
    for d in spec.get("dense", []):
        out.append({"type": "dense", "units": d})
        if spec.get("dense_dropout"):
            out.append({"type": "dropout", "rate": spec["dense_dropout"]})
    out.append({"type": "dense", "units": n_out})
    return {"kind": "cnn", "activation": act, "layers": out}
