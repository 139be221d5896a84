"""Task 32 section: the ELBO proof (in the template), the exact linear-Gaussian check, the VAE's IWAE table."""

from __future__ import annotations

import math

from nnlab import significance as sig
from nnlab.report.latex import Latex
from nnlab.results import read_rows

TASK = 32
TITLE = "The evidence lower bound"  # English; other languages translate it in report/<lang>/terms.yaml (tasks)


def required(config: dict) -> list[str]:
    """The inputs without which the section cannot be built: the linear-Gaussian check and the IWAE
    table of each of task 33's datasets."""
    return ["task32_linear_gaussian", *(f"task32_iwae_{ds}" for ds in config.get("task33", {}).get("datasets", {}))]


ORDER = ("mnist", "cifar10")  # the VAE's datasets in the report's order (others after them)
IDENTITY_TOL = 1e-6  # |gap - KL| allowed in the linear-Gaussian check (float64 gives ~1e-14)


def sci(value: float, digits: int = 1) -> Latex:
    """A small number in LaTeX scientific notation (exact zero prints as 0)."""
    if value == 0:
        return Latex("$0$")
    if math.isnan(value):
        return Latex("--")
    mant, exp = f"{value:.{digits}e}".split("e")
    return Latex(f"${mant}\\times10^{{{int(exp)}}}$")


def linear_gaussian_facts(rows: list[dict]) -> dict:
    errors = [r["identity_error"] for r in rows]
    mc_ok = [abs(r["elbo_mc"] - r["elbo"]) <= 3 * r["elbo_mc_se"] for r in rows]
    exact = [r for r in rows if r["q"] == "exact"]
    return {
        "max_identity_error": max(errors),
        "max_identity_error_tex": sci(max(errors)),
        "identity_holds": max(errors) <= IDENTITY_TOL,
        "bounded": all(r["elbo"] <= r["log_px"] + IDENTITY_TOL for r in rows),
        "exact_gap_tex": sci(abs(exact[0]["gap"])) if exact else None,
        "smallest_wrong_gap": min((r["gap"] for r in rows if r["q"] != "exact"), default=float("nan")),
        "mc_within": sum(mc_ok),
        "n": len(rows),
    }


def iwae_facts(rows: list[dict]) -> dict:
    elbo = next(r for r in rows if r["bound"] == "ELBO")
    iw = [r for r in rows if r["bound"] == "IWAE"]
    values = [r["nats_per_image"] for r in iw]
    first, last = iw[0], iw[-1]
    prev = iw[-2] if len(iw) > 1 else None
    return {
        "elbo": elbo,
        "monotone": all(b >= a for a, b in zip(values, values[1:])),
        "above_elbo": all(r["nats_per_image"] >= elbo["nats_per_image"] for r in iw if r["K"] > 1),
        # L_1 (sampled KL) against the closed-form ELBO on the same images and draws
        "l1": sig.normal(first["gain_over_elbo"], first["gain_se"]) if first["K"] == 1 else None,
        "first": first,
        "last": last,
        "last_step": last["nats_per_image"] - prev["nats_per_image"] if prev else float("nan"),
        "prev": prev,
        "gain_bits": last["gain_over_elbo"] / math.log(2),
        "images": elbo["images"],
    }


def build(inputs: dict, cfg: dict, original: dict, rel) -> dict:
    """`inputs`: task32_linear_gaussian, task32_iwae_<dataset>; `cfg`: config["task32"]."""
    lg = read_rows(inputs["task32_linear_gaussian"]) if "task32_linear_gaussian" in inputs else []
    for r in lg:
        r["identity_error_tex"] = sci(r["identity_error"])
        r["gap_tex"] = sci(r["gap"], 2) if abs(r["gap"]) < 1e-4 else None
        r["kl_tex"] = sci(r["kl_posterior"], 2) if abs(r["kl_posterior"]) < 1e-4 else None
    iwae = []
    for name in sorted(k for k in inputs if k.startswith("task32_iwae_")):
        rows = read_rows(inputs[name])
        if not rows:
            continue
        ds = rows[0]["dataset"]
        iwae.append(
            {
                "dataset": ds,
                "likelihood": rows[0]["likelihood"],
                "rows": rows,
                "facts": iwae_facts(rows),
            }
        )
    iwae.sort(key=lambda d: ORDER.index(d["dataset"]) if d["dataset"] in ORDER else len(ORDER))
    return {
        "setup": cfg,
        "original": original,
        "lg": lg,
        "lg_facts": linear_gaussian_facts(lg) if lg else None,
        "iwae": iwae,
    }


def headline(s: dict, terms: dict) -> dict:
    """The task at a glance (the results page): the bound's checks and the IWAE gain."""
    f = s["lg_facts"]
    gains = ", ".join(f"{terms['datasets'][d['dataset']]} {d['facts']['last']['gain_over_elbo']:.2f} nats (K = {d['facts']['last']['K']})"
                      for d in s["iwae"])  # fmt: skip
    return {"what": "bound checks; IWAE gain over the ELBO",
            "text": f"{f['mc_within']} of {f['n']} exact checks hold" + (f"; {gains}" if gains else "")}  # fmt: skip
