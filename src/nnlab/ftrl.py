"""FTRL-Proximal (McMahan et al., 2013, Algorithm 1) as a torch optimizer, with Keras's parameters.

The update is the one of `tf.keras.optimizers.Ftrl` (TF 2.x, the `ApplyFtrl`/`ApplyFtrlV2` kernels),
per coordinate, with learning rate `lr`, power `p = learning_rate_power` (-0.5 by default):

    g      = grad (+ 2 * l2_shrinkage * w when shrinkage is on; then g replaces the gradient everywhere)
    n_new  = n + g^2                                       (n starts at initial_accumulator_value)
    sigma  = (n_new^(-p) - n^(-p)) / lr
    z      = z + g - sigma * w                             (z starts at 0)
    w      = (sign(z) * l1 - z) / ((n_new^(-p) + beta) / lr + 2 * l2)   if |z| > l1
           = 0                                                            otherwise
    n      = n_new

Keras passes beta in as an extra L2 term, l2 + beta / (2 lr), which gives the denominator above.

Note what z = 0 at the start implies: after the first step w = w0 * (1 - (n/n_new)^(-p)) - lr g / n_new^(-p).
With n = 0.1 and small gradients the first term is almost zero, so the first step all but erases the
network's initial weights (whatever their scale) and replaces them by lr-sized multiples of the gradient.
"""

from __future__ import annotations

import torch


class Ftrl(torch.optim.Optimizer):
    """FTRL-Proximal with Keras's defaults (learning_rate 0.001, power -0.5, accumulator 0.1)."""

    def __init__(
        self,
        params,
        lr: float = 0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
    ):
        checks = {
            "lr": (lr, lr > 0),
            "learning_rate_power": (learning_rate_power, learning_rate_power <= 0),
            "initial_accumulator_value": (initial_accumulator_value, initial_accumulator_value >= 0),
            "l1_regularization_strength": (l1_regularization_strength, l1_regularization_strength >= 0),
            "l2_regularization_strength": (l2_regularization_strength, l2_regularization_strength >= 0),
            "l2_shrinkage_regularization_strength": (
                l2_shrinkage_regularization_strength,
                l2_shrinkage_regularization_strength >= 0,
            ),
            "beta": (beta, beta >= 0),
        }
        for name, (value, ok) in checks.items():
            if not ok:
                bound = "> 0" if name == "lr" else ("<= 0" if name == "learning_rate_power" else ">= 0")
                raise ValueError(f"Ftrl: {name} must be {bound}; got {value}")
        defaults = dict(
            lr=lr,
            learning_rate_power=learning_rate_power,
            initial_accumulator_value=initial_accumulator_value,
            l1_regularization_strength=l1_regularization_strength,
            l2_regularization_strength=l2_regularization_strength,
            l2_shrinkage_regularization_strength=l2_shrinkage_regularization_strength,
            beta=beta,
        )
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, power = group["lr"], -group["learning_rate_power"]  # power = -p >= 0
            l1, l2 = group["l1_regularization_strength"], group["l2_regularization_strength"]
            shrink, beta = group["l2_shrinkage_regularization_strength"], group["beta"]
            for w in group["params"]:
                if w.grad is None:
                    continue
                if w.grad.is_sparse:
                    raise RuntimeError("Ftrl does not support sparse gradients")
                state = self.state[w]
                if not state:
                    state["accumulator"] = torch.full_like(w, group["initial_accumulator_value"])
                    state["linear"] = torch.zeros_like(w)
                n, z = state["accumulator"], state["linear"]
                g = w.grad if shrink == 0 else w.grad + 2 * shrink * w
                n_new = n + g * g
                n_pow_new = n_new.sqrt() if power == 0.5 else n_new.pow(power)
                n_pow = n.sqrt() if power == 0.5 else n.pow(power)
                sigma = (n_pow_new - n_pow) / lr
                z.add_(g - sigma * w)
                denom = (n_pow_new + beta) / lr + 2 * l2
                w.copy_(torch.where(z.abs() > l1, (torch.sign(z) * l1 - z) / denom, torch.zeros_like(w)))
                n.copy_(n_new)
        return loss
