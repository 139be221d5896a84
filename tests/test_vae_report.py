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
    s = task33.build(inputs, CFG33, {"cifar10": {"epochs": 30, "verdict": "could_not_generate"}}, lambda p: p)
    r = s["runs"][0]
    assert r["facts"]["best_epoch"] == 3 and r["facts"]["still_improving"]
    assert r["facts"]["kl_share"] == pytest.approx(0.1)
    tex = render(33, s)
    assert "still rising" in tex and "could not generate images well (Figure 5)" in tex and "x/samples.png" in tex
    assert "256 probabilities sum to one" in tex and "beats the 8 bits" in tex
    # the original's verdict is a key each language words; without one, "not reported" in that language
    s = task33.build(inputs, CFG33, {"cifar10": {"epochs": 30}}, lambda p: p)
    assert "30 epochs: not reported" in render(33, s)
    assert "30 エポック: 記載なし" in section_tex(ROOT / "report" / "ja", "sections/task33.tex.j2", s=s)


def quality_rows(dataset, samples, se=0.02):
    """A quality CSV's rows (nnlab.vae.quality.FIELDS) with the samples at normalised distance `samples`."""
    rows = []
    for key, norm in (("test", float("nan")), ("train", 0.0), ("samples", samples), ("reconstructions", 0.3),
                      ("baseline", 1.0)):  # fmt: skip
        rows.append({"dataset": dataset, "judge_seed": 1, "set": key, "images": 500, "fd": 10 * (norm if norm == norm else 0),
                     "fd_se": 0.1, "normalised": norm, "normalised_se": se if key in ("samples", "reconstructions") else 0.0,
                     "kid": 0.01, "kid_se": 0.001, "kid_normalised": norm, "confidence": 0.9, "score": 5.0,
                     "accuracy": 0.95 if key in ("test", "train", "reconstructions") else float("nan")})  # fmt: skip
    return rows


def two_datasets(tmp_path, mnist, cifar, se=0.02):
    """Section inputs for MNIST and CIFAR-10 with quality tables at those normalised distances."""
    inputs = fixture_inputs(tmp_path, [-100.0, -99.0, -98.0])
    cfg = CFG33 | {"datasets": {"mnist": {"epochs": 3, "likelihood": "bernoulli"},
                                "cifar10": {"epochs": 3, "likelihood": "discretized_logistic"}},
                   "quality": {"n_images": 500, "bootstrap": 10, "seed": 0}}  # fmt: skip
    final = read_rows(inputs["task33_cifar10_final"])[0] | {"dataset": "mnist", "likelihood": "bernoulli"}
    write_rows(tmp_path / "final_mnist.csv", [final])
    inputs |= {"task33_mnist_final": str(tmp_path / "final_mnist.csv"), "task33_mnist_history": inputs["task33_cifar10_history"],
               **{f"task33_mnist_{k}": f"x/m{k}.png" for k in ("samples", "reconstructions", "elbo")},
               "task33_quality": "x/quality.pdf"}  # fmt: skip
    for ds, value in (("mnist", mnist), ("cifar10", cifar)):
        write_rows(tmp_path / f"q_{ds}.csv", quality_rows(ds, value, se))
        inputs[f"task33_{ds}_quality"] = str(tmp_path / f"q_{ds}.csv")
    return inputs, cfg


@pytest.mark.parametrize(
    "mnist, cifar, se, verdict, reason",
    [
        (0.2, 0.6, 0.02, "reproduced", "images differ"),
        (0.6, 0.2, 0.02, "not reproduced", "images reversed"),
        (0.99, 1.3, 0.02, "not reproduced", "mnist no better"),
        (0.2, 0.25, 0.05, "inconclusive", "images within noise"),
    ],
)
def test_task33_claim_is_decided_by_the_image_measure(tmp_path, mnist, cifar, se, verdict, reason):
    from nnlab.report.scorecard import claims

    inputs, cfg = two_datasets(tmp_path, mnist, cifar, se)
    s = task33.build(inputs, cfg, {"mnist": {"epochs": 10}, "cifar10": {"epochs": 30}}, lambda p: p)
    assert s["quality"]["diff"] == pytest.approx(cifar - mnist)
    assert s["quality"]["se"] == pytest.approx(se * 2**0.5)
    original = {"claims": {"t33_generation": {"section": "20", "words": "w"}}}
    [row] = claims({33: s}, original)
    assert (row["verdict"], row["reason"]) == (verdict, reason)
    for lang in ("en", "ja"):
        tex = section_tex(ROOT / "report" / lang, "sections/task33.tex.j2", s=s)
        assert "tab:task33-quality" in tex and "x/quality.pdf" in tex
        assert f"{mnist:.3f}" in tex and f"{cifar:.3f}" in tex


def test_task33_without_quality_says_so(tmp_path):
    from nnlab.report.scorecard import claims

    s = task33.build(fixture_inputs(tmp_path, [-100.0, -99.0, -98.0]), CFG33, {}, lambda p: p)
    assert s["quality"] == {} and s["quality_figure"] is None
    [row] = claims({33: s}, {"claims": {"t33_generation": {"section": "20", "words": "w"}}})
    assert (row["verdict"], row["reason"]) == ("inconclusive", "no image measure")
    assert "tab:task33-quality" not in render(33, s) and "does not measure on both datasets" in render(33, s)


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
        quality = {r["set"]: r for r in read_rows(smoke_build / f"results/task33/{ds}/quality.csv")}
        assert quality["train"]["normalised"] == 0 and quality["baseline"]["normalised"] == pytest.approx(1)
        assert f"{quality['samples']['normalised']:.3f}" in text
    assert "Jensen" in text and "increase with K" in text
