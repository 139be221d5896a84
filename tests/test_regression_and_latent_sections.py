"""Tasks 25 and 31: the section builders compute the discussion's facts, and the templates phrase them."""

import re

import yaml
from conftest import ROOT

from nnlab.report.build import section_tex
from nnlab.report.sections import task25, task31
from nnlab.results import write_rows

CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text())
ORIGINAL = yaml.safe_load((ROOT / "report/original.yaml").read_text())


def render(task, ctx):
    return section_tex(ROOT / "report" / "en", f"sections/task{task}.tex.j2", s=ctx)


def t25_row(seed, settle, claim_loss, final_loss, variance=2.0):
    return {
        "task": 25, "seed": seed, "status": "ok", "epochs_run": 1000, "parameters": 641,
        "final_train_loss": final_loss, "grid_rmse": 0.2, "grid_max_abs": 1.0,
        "grid_rmse_center": 0.3, "grid_rmse_outer": 0.1, "target_variance": variance,
        "tolerance": 0.05, "claim_epoch": 10, "settle_epoch": settle, "loss_first": 70.0,
        "loss_at_claim": claim_loss, "loss_final": final_loss, "loss_min": final_loss, "min_epoch": 1000,
        "ratio_claim_to_final": claim_loss / final_loss,
        "linear_share_by_claim": (70 - claim_loss) / (70 - final_loss), "log_share_by_claim": 0.3,
        "holds": int(settle <= 10), "grid_rmse_at_claim": 2.5, "claim_below_constant": int(claim_loss < variance),
    }  # fmt: skip


def test_task25_claim_fails_when_the_loss_keeps_falling(tmp_path):
    write_rows(tmp_path / "t.csv", [t25_row(1, 1000, 7.0, 0.04), t25_row(2, 990, 6.0, 0.05)])
    inputs = {"task25_table": tmp_path / "t.csv", "task25_surface": "s.pdf", "task25_loss": "l.pdf"}
    s = task25.build(inputs, CONFIG["task25"], ORIGINAL["task25"], str)
    f = s["facts"]
    assert f["holds"] == "none" and (f["settle_min"], f["settle_max"]) == (990, 1000)
    assert f["above_constant"] == 2 and f["late_minimum"] == 2 and f["looks_flat"]
    text = " ".join(render(25, s).split())
    # still falling at the end: never called converged, no "settling epoch" that only measures the run's length
    assert f["still_falling"] and "This run does not support that" in text and "no settling epoch" in text
    assert "990--1000" not in text and "still falling at epoch 1000" in text
    assert not any(g["facts"]["holds"] == "all" for g in s["readings"]) and not s["claim_fits"]
    assert "worse than the constant predictor" in text and "looks flat" in text
    assert "the dip is the harder part" in text  # centre 0.3 vs outer 0.1


def test_task25_claim_holds_when_the_loss_settles_early(tmp_path):
    write_rows(tmp_path / "t.csv", [t25_row(1, 8, 0.041, 0.04)])
    inputs = {"task25_table": tmp_path / "t.csv", "task25_surface": "s.pdf", "task25_loss": "l.pdf"}
    s = task25.build(inputs, CONFIG["task25"] | {"seeds": [1]}, ORIGINAL["task25"], str)
    assert s["facts"]["holds"] == "all"
    text = " ".join(render(25, s).split())
    assert "This run agrees" in text and "does not support" not in text
    assert not s["facts"]["still_falling"]  # within 5 % from epoch 8, though still drifting down
    # one seed: no plural seed wording anywhere in the section
    assert not re.search(r"every seed|over seeds|across seeds|each seed|in all seeds|\d+ seeds", text)


def test_task25_section_says_which_reading_the_claim_fits(tmp_path):
    # batch size 100 (10 steps per epoch) keeps falling; batch size 10 (100 steps) settles by epoch 8
    rows = [t25_row(1, 990, 6.0, 0.05) | {"batch_size": 100}, t25_row(1, 8, 0.021, 0.02) | {"batch_size": 10}]
    write_rows(tmp_path / "t.csv", rows)
    inputs = {"task25_table": tmp_path / "t.csv", "task25_surface": "s.pdf", "task25_loss": "l.pdf"}
    cfg = CONFIG["task25"] | {"batch_size": 100, "alt_batch_sizes": [10]}
    s = task25.build(inputs, cfg, ORIGINAL["task25"], str)
    assert [(g["batch_size"], g["steps"]) for g in s["readings"]] == [(100, 10), (10, 100)]
    assert s["facts"]["holds"] == "none" and [g["batch_size"] for g in s["claim_fits"]] == [10]
    text = " ".join(render(25, s).split())
    assert "fits the reading with batch size 10 {(}100 batches per epoch)} and not the other" in text
    assert "as a second reading also batch size 10, i.e.\\ 100 batches per epoch" in text
    assert "of its final value, batch size 10 & 8 of 1000" in text
    assert "of its final value, batch size 100 & none: still falling at epoch 1000" in text


def t31_rows(ae_accs, pca_acc, n=300):
    rows = [{"method": "autoencoder", "seed": i + 1, "k": 5, "status": "ok", "epochs_run": 3,
             "final_train_loss": 0.17, "final_test_loss": 0.16, "n_selected": n, "knn_selected": a,
             "knn_selected_se": 0.0, "n_all": 3000, "knn_all": a, "chance": 1 / 3} for i, a in enumerate(ae_accs)]  # fmt: skip
    rows.append({"method": "pca", "seed": "", "k": 5, "status": "ok", "n_selected": n, "knn_selected": pca_acc,
                 "knn_selected_se": 0.0, "n_all": 3000, "knn_all": pca_acc, "chance": 1 / 3})  # fmt: skip
    return rows


def t31_build(tmp_path, rows):
    write_rows(tmp_path / "t.csv", rows)
    write_rows(tmp_path / "v.csv", [{"component": 1, "variance": 5.0, "explained_ratio": 0.1},
                                    {"component": 2, "variance": 3.0, "explained_ratio": 0.07}])  # fmt: skip
    inputs = {"task31_table": tmp_path / "t.csv", "task31_pca": tmp_path / "v.csv",
              "task31_scatter": "s.pdf", "task31_loss": "l.pdf"}  # fmt: skip
    return task31.build(inputs, CONFIG["task31"], ORIGINAL["task31"], str)


def test_task31_autoencoder_wins_beyond_noise(tmp_path):
    s = t31_build(tmp_path, t31_rows([0.99, 0.98, 0.99], 0.85))
    a = s["facts"]["selected"]
    # leave-one-out k-NN scores are not independent trials: only the autoencoder's seed spread can speak
    assert (
        a["winner"] == "autoencoder" and a["verdict"] == "differs" and a["test"] == "seeds" and a["ae_seeds_above"] == 3
    )
    assert abs(s["facts"]["pca_explained"] - 0.17) < 1e-12
    text = " ".join(render(31, s).split())
    assert "The autoencoder separates them better" in text and "over 3 and 1 seeds" in text
    assert "784-512-128-2-128-512-784" in text and "17.0" in text


def test_task31_one_seed_is_inconclusive(tmp_path):
    s = t31_build(tmp_path, t31_rows([0.95], 0.94))
    a = s["facts"]["selected"]
    # no binomial test on leave-one-out scores, and one seed has no spread: no verdict
    assert a["winner"] == "autoencoder" and a["verdict"] == "inconclusive" and a["reason"] == "not independent"
    text = " ".join(render(31, s).split())
    assert "not independent trials" in text and "this run cannot tell" in text
    assert "does about as well" not in text


def test_task31_small_difference_over_seeds_is_within_noise(tmp_path):
    s = t31_build(tmp_path, t31_rows([0.95, 0.93, 0.96], 0.94))
    assert s["facts"]["selected"]["verdict"] == "within noise"
    assert "a linear PCA does about as well" in " ".join(render(31, s).split())


def test_task31_pca_wins_beyond_noise(tmp_path):
    s = t31_build(tmp_path, t31_rows([0.80, 0.81, 0.79], 0.97))
    assert s["facts"]["selected"]["winner"] == "pca" and s["facts"]["selected"]["verdict"] == "differs"
    text = " ".join(render(31, s).split())
    assert "The PCA separates them better, by 17.0 percentage points" in text
    assert "the linear PCA separates them better than this autoencoder" in text and "accuracy of 80" in text
