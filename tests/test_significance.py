"""The report's one significance helper: known tables, clear and null cases, and that no template
or builder judges a difference by a rule of its own."""

import math
import re

import pytest
from conftest import ROOT

from nnlab import significance as sig


def table(b, c, both=0, neither=0):
    """Per-image correctness of two classifiers from a 2x2 table (b: only A right, c: only B right)."""
    a = [True] * b + [False] * c + [True] * both + [False] * neither
    bb = [False] * b + [True] * c + [True] * both + [False] * neither
    return a, bb


def test_mcnemar_midp_matches_known_values():
    # exact binomial: b=0, c=10 -> 2 * 0.5^10 minus the point mass 0.5^10
    assert sig.mcnemar_midp(0, 10) == pytest.approx(0.5**10)
    # b=2, c=8 (n=10): 2*P(X<=2) - P(X=2) = 2*56/1024 - 45/1024 = 67/1024
    assert sig.mcnemar_midp(2, 8) == pytest.approx(67 / 1024)
    assert sig.mcnemar_midp(8, 2) == sig.mcnemar_midp(2, 8)
    assert sig.mcnemar_midp(5, 5) == pytest.approx(1.0) and sig.mcnemar_midp(0, 0) == 1.0
    # large tables: mid-p close to the continuity-free chi-square test (b=60, c=100: z = 40/sqrt(160))
    assert sig.mcnemar_midp(60, 100) == pytest.approx(math.erfc(40 / math.sqrt(160) / math.sqrt(2)), rel=0.1)


def test_clearly_different_pair_differs_and_identical_pair_is_within_noise():
    a, b = table(b=150, c=20, both=9000, neither=830)
    r = sig.paired([a], [b])
    assert r["verdict"] == "differs" and r["test"] == "mcnemar" and r["p"] < 1e-10
    assert (r["b"], r["c"], r["n"]) == (150, 20, 10000) and r["diff"] == pytest.approx(0.013)
    same = sig.paired([a], [a])
    assert same["verdict"] == "within noise" and same["diff"] == 0 and same["p"] == 1.0
    # a small difference on few discordant images: within noise
    a, b = table(b=12, c=8, both=9000, neither=980)
    assert sig.paired([a], [b])["verdict"] == "within noise"


def test_seed_spread_is_added_where_there_are_seeds():
    a1, b1 = table(b=60, c=30, both=9000, neither=910)
    one = sig.paired([a1], [b1])
    assert one["verdict"] == "differs"  # 30 more images right, McNemar p ~ 0.002
    # the same gap, but a's seeds disagree by as much: the seed spread swamps it
    a2, _ = table(b=0, c=90, both=9000, neither=910)
    a3, _ = table(b=120, c=0, both=9000, neither=880)
    many = sig.paired([a1, a2, a3], [b1, b1, b1])
    assert many["test"] == "paired+seeds" and many["seeds"] == (3, 3)
    assert many["verdict"] == "within noise" and many["se"] > one["se"]


def test_accuracies_without_predictions_are_bounded_by_the_unknown_disagreement():
    # 0.99 vs 0.95 on 10000 images: differs however the errors overlap
    assert sig.accuracies(0.99, 0.95, 10000)["verdict"] == "differs"
    assert sig.accuracies(0.9305, 0.9305, 10000)["verdict"] == "within noise"
    # 0.6 points: significant if the errors nest, not if they are disjoint
    r = sig.accuracies(0.9305, 0.9246, 10000)
    assert r["verdict"] == "inconclusive" and r["reason"] == "no predictions"
    low, high = r["p_range"]
    assert low < sig.ALPHA <= high
    # seeds: a large seed spread makes even a clear gap noise
    assert sig.accuracies(0.99, 0.95, 10000, sd_a=0.05, runs_a=3, sd_b=0.05, runs_b=3)["verdict"] == "within noise"


def test_seed_only_quantities_need_two_seeds():
    assert sig.seeds(1.0, 0.1, 1, 3.0, 0.1, 1)["verdict"] == "inconclusive"
    assert sig.seeds(1.0, 0.1, 3, 3.0, 0.1, 3)["verdict"] == "differs"
    assert sig.seeds(1.0, 1.0, 3, 1.2, 1.0, 3)["verdict"] == "within noise"


def test_knn_leave_one_out_scores_get_no_per_point_test():
    r = sig.not_independent([0.95], 0.60)
    assert r["verdict"] == "inconclusive" and r["reason"] == "not independent"
    assert sig.not_independent([0.95, 0.94, 0.96], 0.60)["verdict"] == "differs"


def test_significance_words_come_only_from_the_helper():
    """No builder computes a verdict of its own (no 'twice the standard error' rules) and no
    template phrases one outside the one macro file per language."""
    sections = ROOT / "src/nnlab/report"
    for path in sections.rglob("*.py"):
        text = path.read_text()
        assert not re.search(r"2 \* .*se\b|> 2 \*|<= 2 \*|\"significant\"|binomial_se", text), path
    words = re.compile(r"beyond (the )?(seed|test)[- ]|within (the )?(seed|test)[- ]|seed-to-seed noise|"
                       r"real (effect|difference)|ばらつきを超え|ばらつきの範囲内")  # fmt: skip
    for lang in ("en", "ja"):
        for path in (ROOT / "report" / lang).rglob("*.j2"):
            if path.name == "significance.tex.j2":
                continue
            assert not words.search(path.read_text(encoding="utf-8")), path
