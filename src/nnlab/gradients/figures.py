"""Task 23's figure: the per-layer gradient norms of nnlab.gradients.vanishing.summarize."""

from __future__ import annotations

import math

from nnlab.plots import figure, save, word


def norms_by_layer(layer_rows: list[dict], path) -> None:
    """Gradient norm per layer (log scale), at initialisation (left) and after training (right)."""
    depths = sorted({r["depth"] for r in layer_rows})
    activations = sorted({r["activation"] for r in layer_rows}, key=lambda a: (a != "sigmoid", a))
    styles = ["-", "--", ":", "-."]
    fig, axes = figure(1.0, 2.8, 1, 2, sharey=True)
    for ax, phase in zip(axes, ("init", "trained")):
        for i, act in enumerate(activations):
            for j, depth in enumerate(depths):
                rows = [r for r in layer_rows if (r["activation"], r["depth"], r["phase"]) == (act, depth, phase)]
                if not rows or all(math.isnan(r["log10_grad_norm_mean"]) for r in rows):
                    continue
                x = [r["layer"] for r in rows]
                m = [r["log10_grad_norm_mean"] for r in rows]
                s = [r["log10_grad_norm_std"] for r in rows]
                ax.plot(
                    x,
                    [10**v for v in m],
                    styles[j % 4],
                    marker="o",
                    ms=2.5,
                    color=f"C{i}",
                    label=word("activation_depth", activation=word(f"names.{act}"), depth=depth),
                )
                if rows[0]["runs"] > 1:
                    ax.fill_between(
                        x,
                        [10 ** (a - b) for a, b in zip(m, s)],
                        [10 ** (a + b) for a, b in zip(m, s)],
                        color=f"C{i}",
                        alpha=0.15,
                        lw=0,
                    )
        ax.set_yscale("log")
        ax.set_title(word(f"phase.{phase}"))
        ax.set_xlabel(word("layer_axis"))
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel(r"$\|\partial L/\partial W_l\|_F$")
    axes[1].legend()
    save(fig, path)
