"""The results page's "why it differs": each reason comes from a fact of the section, never by default."""

from pathlib import Path

from nnlab.report.results_table import why
from nnlab.words import read_words

ROOT = Path(__file__).resolve().parents[1]
TERMS = read_words(ROOT / "report/en/terms.yaml")
DIFFERS, NOISE = {"verdict": "differs"}, {"verdict": "within noise"}


def test_only_a_difference_beyond_the_noise_is_explained():
    row = {"seq_runs": 3, "seq_agrees": True, "seq_test_accuracy_mean": 0.95}
    assert why(29, {}, row, NOISE, TERMS) == ""
    assert why(29, {}, row, None, TERMS) == ""


def test_task29_names_what_the_sequential_protocol_gives():
    agrees = why(29, {}, {"seq_runs": 3, "seq_agrees": True, "seq_test_accuracy_mean": 0.95234}, DIFFERS, TERMS)
    assert "0.9523" in agrees and "agrees with the original" in agrees
    differs = why(29, {}, {"seq_runs": 3, "seq_agrees": False, "seq_test_accuracy_mean": 0.5}, DIFFERS, TERMS)
    assert "0.5000" in differs and "differs too" in differs
    # without sequential runs nothing is claimed about them
    assert "sequential" not in why(29, {}, {"seq_runs": 0}, DIFFERS, TERMS)


def test_task30_names_our_networks_and_lossy_images_only_where_they_are():
    cifar, mnist = {"lossy": True, "name": "cifar10"}, {"lossy": False, "name": "mnist"}
    cifar["rows"], mnist["rows"] = [{"model": "cnn"}], [{"model": "cnn"}]
    s = {"datasets": [mnist, cifar]}
    on_cifar, on_mnist = why(30, s, cifar["rows"][0], DIFFERS, TERMS), why(30, s, mnist["rows"][0], DIFFERS, TERMS)
    assert "our choice" in on_cifar and "CIFAR-10 images are JPEG copies" in on_cifar
    assert "our choice" in on_mnist and "JPEG" not in on_mnist


def test_reduced_settings_are_named_or_pointed_to_and_nothing_else_is_unexplained():
    reduced = {"reduced": [{"key": "epochs", "ours": 3, "default": 10, "given": True}]}
    assert "epochs 3 (the original: 10)" in why(24, reduced, {}, DIFFERS, TERMS)
    assert why(24, reduced, {}, DIFFERS, TERMS, settings_beside=True).endswith("(last column)")
    assert why(24, {"reduced": []}, {}, DIFFERS, TERMS) == TERMS["why"]["unexplained"]
