"""Tasks 32 and 33 in the report: builders' facts from fixture CSVs, template rendering, and the smoke PDF."""

import pytest
from conftest import ROOT, pdf_text

from nnlab.report.build import section_tex
from nnlab.report.sections import task32, task33
from nnlab.results import read_rows, write_rows
from nnlab.vae.model import IWAE_FIELDS


def iwae_rows(values, elbo=-100.0):
    rows = [{"dataset": "mnist", "likelihood": "bernoulli", "bound": "ELBO", "K": "", "images": 5, "nats_per_image": elbo,
             "se": 1.0, "bits_per_dim": 0.2, "gain_over_elbo": 0.0, "gain_se": 0.0}]  # fmt: skip
    for k, v in zip([1, 10, 100], values):
        rows.append(
            rows[0] | {"bound": "IWAE", "K": k, "nats_per_image": v, "gain_over_elbo": v - elbo, "gain_se": 0.05}
        )
    return rows


def fixture_inputs(tmp_path, iwae_values):
    from nnlab.vae.elbo import identity_table

    write_rows(tmp_path / "lg.csv", identity_table(4, 2, 0.5, 0, 200))
    write_rows(tmp_path / "iwae.csv", iwae_rows(iwae_values), IWAE_FIELDS)
    hist = [{"epoch": e, "train_elbo": -110 + 3 * e, "train_rec": -100 + 3 * e, "train_kl": 10.0,
             "test_elbo": -109 + 3 * e, "test_rec": -99 + 3 * e, "test_kl": 10.0} for e in (1, 2, 3)]  # fmt: skip
    write_rows(tmp_path / "hist.csv", hist)
    write_rows(tmp_path / "final.csv", [{"task": 33, "dataset": "cifar10", "likelihood": "discretized_logistic", "seed": 1,
               "status": "ok", "epochs_run": 3, "parameters": 10, "dims": 3072, "test_elbo": -100.0, "test_rec": -90.0,
               "test_kl": 10.0, "test_bits_per_dim": 0.047}])  # fmt: skip
    return {
        "task32_linear_gaussian": str(tmp_path / "lg.csv"),
        "task32_iwae_mnist": str(tmp_path / "iwae.csv"),
        "task33_cifar10_final": str(tmp_path / "final.csv"),
        "task33_cifar10_history": str(tmp_path / "hist.csv"),
        **{f"task33_cifar10_{k}": f"x/{k}.png" for k in ("samples", "reconstructions", "elbo")},
    }


CFG32 = {"linear_gaussian": {"data_dim": 4, "latent_dim": 2, "sigma": 0.5, "seed": 0, "mc_samples": 200},
         "iwae": {"n_images": 5, "ks": [1, 10, 100], "seed": 0}}  # fmt: skip
CFG33 = {"model": {"latent_dim": 8, "channels": [4, 8]}, "lr": 0.001, "batch_size": 16, "seed": 1,
         "datasets": {"cifar10": {"epochs": 3, "likelihood": "discretized_logistic"}},
         "figures": {"n_samples": 4, "n_reconstructions": 4, "ncol": 2, "seed": 0}}  # fmt: skip


def render(section, s):
    return section_tex(ROOT / "report" / "en", f"sections/task{section}.tex.j2", s=s)


def test_task32_facts_and_rendering(tmp_path):
    inputs = fixture_inputs(tmp_path, [-100.01, -99.0, -98.5])
    s = task32.build(inputs, CFG32, {}, lambda p: p)
    f = s["lg_facts"]
    assert f["identity_holds"] and f["bounded"] and f["n"] == 5
    i = s["iwae"][0]["facts"]
    assert (
        i["monotone"]
        and i["above_elbo"]
        and i["l1"]["verdict"] == "within noise"
        and i["last_step"] == pytest.approx(0.5)
    )
    tex = render(32, s)
    assert (
        "Jensen" in tex and "concave" in tex and r"=\mathrm{ELBO}(x)+\mathrm{KL}(q_\phi(z|x)\,\|\,p_\theta(z|x))" in tex
    )
    assert "increase with $K$" in tex and "a bug" not in tex
    assert "-98.50" in tex  # a number from the fixture CSV


def test_task32_flags_a_non_monotone_table(tmp_path):
    inputs = fixture_inputs(tmp_path, [-100.0, -101.0, -98.0])
    s = task32.build(inputs, CFG32, {}, lambda p: p)
    assert not s["iwae"][0]["facts"]["monotone"]
    assert "which the nesting forbids: a bug" in render(32, s)


def test_task33_facts_and_rendering(tmp_path):
    inputs = fixture_inputs(tmp_path, [-100.0, -99.0, -98.0])
    s = task33.build(inputs, CFG33, {"cifar10": {"epochs": 30, "verdict": "poor & blurry"}}, lambda p: p)
    r = s["runs"][0]
    assert r["facts"]["best_epoch"] == 3 and r["facts"]["still_improving"]
    assert r["facts"]["kl_share"] == pytest.approx(0.1)
    tex = render(33, s)
    assert "still rising" in tex and r"poor \& blurry" in tex and "x/samples.png" in tex
    assert "256 probabilities sum to one" in tex and "beats the 8 bits" in tex


@pytest.mark.slow
def test_smoke_pdf_has_tasks_32_and_33(smoke_build):
    text = pdf_text(smoke_build / "results/report.pdf")
    for title in ("Task 32: The evidence lower bound", "Task 33: Image generation with a VAE"):
        section = text.split(title)[-1][:3000]
        assert "Not run." not in section
    lg = read_rows(smoke_build / "results/task32/linear_gaussian.csv")
    assert f"{lg[1]['elbo']:.4f}" in text and f"{lg[0]['log_px']:.4f}" in text
    for ds in ("mnist", "cifar10"):
        final = read_rows(smoke_build / f"results/task33/{ds}/final.csv")[0]
        assert f"{final['test_elbo']:.1f}" in text
        iwae = read_rows(smoke_build / f"results/task32/iwae_{ds}.csv")
        vals = [r["nats_per_image"] for r in iwae if r["bound"] == "IWAE"]
        assert vals == sorted(vals)
        assert f"{iwae[-1]['bits_per_dim']:.4f}" in text
        assert (smoke_build / f"results/task33/{ds}/model.pt").stat().st_size > 1000
    assert "Jensen" in text and "increase with K" in text
