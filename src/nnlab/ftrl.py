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
            hyper = (
                group["lr"],
                -group["learning_rate_power"],  # power = -p >= 0
                group["l1_regularization_strength"],
                group["l2_regularization_strength"],
                group["l2_shrinkage_regularization_strength"],
                group["beta"],
            )
            for w in group["params"]:
                if w.grad is None:
                    continue
                if w.grad.is_sparse:
                    raise RuntimeError("Ftrl does not support sparse gradients")
                state = self.state[w]
                if not state:
                    state["accumulator"] = torch.full_like(w, group["initial_accumulator_value"])
                    state["linear"] = torch.zeros_like(w)
                _update(w, w.grad, state["accumulator"], state["linear"], *hyper)
        return loss


# Elements per slice of the update: a slice's ~6 tensors (3 MB) stay in the CPU's caches while the
# ~15 element-wise ops run over it, so memory is read and written about once per step instead of
# once per op. Task 29's MLP, one thread, CPU time per step: 25 ms tensor-wide, 12.7 ms with the same
# ops in place, 5.7-6.0 ms in slices of 2^17 or 2^18 elements (7.5 ms at 2^15, 8 ms at 2^19);
# Adam (fused) takes 0.8-1.2 ms and the forward and backward pass 10-11 ms.
CHUNK = 1 << 17


def _update(w, grad, n, z, lr, power, l1, l2, shrink, beta):
    """One FTRL step of weight `w` in place, slice by slice. Each line is the formula of the module
    docstring, in the same order of operations, so the result is bit for bit the plain per-tensor
    one (for power 0.5, where the root is the correctly rounded sqrt)."""
    flat = [_flat(t) for t in (w, grad, n, z)]
    if any(f is None for f in flat) or len({t.stride() for t in (w, grad, n, z)}) > 1:
        # not one dense layout shared by all four: update contiguous copies
        copies = [t.contiguous() for t in (w, grad, n, z)]
        _update(*copies, lr, power, l1, l2, shrink, beta)
        for dst, src in zip((w, n, z), (copies[0], copies[2], copies[3])):
            dst.copy_(src)
        return
    w, grad, n, z = flat
    size = w.numel()
    # Scratch slices, reused for every slice of this tensor.
    a_buf, b_buf, c_buf = (torch.empty(min(CHUNK, size), dtype=w.dtype, device=w.device) for _ in range(3))
    mask_buf = torch.empty(len(a_buf), dtype=torch.bool, device=w.device)
    zero = w.new_zeros(())
    for start in range(0, size, CHUNK):
        end = min(start + CHUNK, size)
        wc, g, nc, zc = w[start:end], grad[start:end], n[start:end], z[start:end]
        a, b, c, mask = a_buf[: end - start], b_buf[: end - start], c_buf[: end - start], mask_buf[: end - start]
        if shrink:
            g = torch.mul(wc, 2 * shrink, out=c).add_(g)  # g + 2 shrink w
        _root(nc, power, out=a)  # n^(-p)
        nc.add_(torch.mul(g, g, out=b))  # n_new = n + g^2 (not addcmul: its fused multiply-add rounds differently)
        _root(nc, power, out=b)  # n_new^(-p)
        torch.sub(b, a, out=a).div_(lr).mul_(wc)  # sigma * w
        zc.add_(torch.sub(g, a, out=a))  # z += g - sigma * w
        if beta:
            b.add_(beta)
        if not (l1 or l2):
            # Keras's defaults: w = -z / denominator, and 0 where z = 0, which that already gives
            # (as -0.0). Dividing by -denominator is the same float as negating the quotient (IEEE
            # division is sign-symmetric), so two passes replace the six below.
            torch.div(zc, b.div_(-lr), out=wc)
            continue
        b.div_(lr)
        if l2:
            b.add_(2 * l2)  # denominator
        if l1:
            torch.sign(zc, out=a).mul_(l1).sub_(zc).div_(b)
        else:
            torch.div(zc, b, out=a).neg_()  # (sign(z) * 0 - z) / denominator
        torch.gt(torch.abs(zc, out=c), l1, out=mask)
        torch.where(mask, a, zero, out=wc)


def _flat(t):
    """A 1-D view of a dense tensor in memory order (element-wise ops do not care which order)."""
    if t.is_contiguous():
        return t.view(-1)
    if t.dim() == 4 and t.is_contiguous(memory_format=torch.channels_last):
        return t.permute(0, 2, 3, 1).view(-1)
    return None


def _root(x, power, out):
    return torch.sqrt(x, out=out) if power == 0.5 else torch.pow(x, power, out=out)
