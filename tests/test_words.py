"""Words live in the language folders: code names things by keys, each language's terms.yaml (report) and
figures.yaml (figures) hold the words, and a missing key is an error naming the key and the file."""

import re
import string

import pytest
import yaml
from conftest import ROOT

from nnlab import plots
from nnlab.data.sources import CIFAR10_CLASSES, SPECS
from nnlab.losses import LOSSES
from nnlab.models import ACTIVATIONS
from nnlab.optim import OPTIMIZERS
from nnlab.report.languages import languages
from nnlab.report.networks import KNOWN
from nnlab.vae.elbo import candidate_qs, make_model
from nnlab.vae.model import LIKELIHOODS
from nnlab.words import MissingWord, read_words

LANGUAGES = languages(ROOT / "report")
MODELS = ("cnn", "mlp")  # task 30's kinds of network


def keys(d: dict, prefix: str = "") -> dict[str, str]:
    """Every leaf of a nested mapping by its dotted key."""
    out = {}
    for k, v in d.items():
        out |= keys(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v}
    return out


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_a_missing_key_names_the_key_and_the_file(tmp_path):
    (tmp_path / "terms.yaml").write_text("loss:\n  mse: MSE\n")
    words = read_words(tmp_path / "terms.yaml")
    assert words["loss"]["mse"] == "MSE" and words.at("loss.mse") == "MSE"
    with pytest.raises(MissingWord, match=rf"{re.escape(str(tmp_path / 'terms.yaml'))} has no word for loss\.hinge"):
        words["loss"]["hinge"]
    with pytest.raises(MissingWord, match="has no word for datasets"):
        words.at("datasets.mnist")
    # a language without the file: every lookup fails naming the file it lacks
    with pytest.raises(MissingWord, match=r"xx/terms\.yaml has no word for loss"):
        read_words(tmp_path / "xx/terms.yaml")["loss"]


def test_a_figure_text_by_key_in_each_language(tmp_path):
    assert plots.word("hidden_units") == "hidden units"
    assert plots.word("model_f") == "model $f_{NN}$"  # no fields: TeX braces as written
    assert plots.word("curve", label=plots.word("names.cross_entropy"), split=plots.word("test")) == (
        "cross-entropy (test)"
    )
    plots.use_language(ROOT / "report/ja/figures.yaml")
    assert plots.word("curve", label=plots.word("names.cross_entropy"), split=plots.word("test")) == (
        "クロスエントロピー（テスト）"
    )
    assert plots.word("misclassified_title", dataset="MNIST", model="CNN", wrong=12, total=1000) == (
        "MNIST CNN\n1000 枚中 12 枚を誤分類"
    )
    # a key the language lacks, or a field its text asks for that the figure does not give
    (tmp_path / "figures.yaml").write_text('text:\n  seed: "seed {seed} of {runs}"\n')
    plots.use_language(tmp_path / "figures.yaml")
    with pytest.raises(
        MissingWord, match=rf"{re.escape(str(tmp_path / 'figures.yaml'))} has no word for text\.hidden_units"
    ):
        plots.word("hidden_units")
    with pytest.raises(MissingWord, match=r"text\.seed = 'seed \{seed\} of \{runs\}' asks for 'runs'"):
        plots.word("seed", seed=1)


def test_a_figure_with_a_missing_key_is_not_drawn(tmp_path):
    from nnlab.classification.figures import metric_vs_setting

    (tmp_path / "t.csv").write_text("width,runs,test_accuracy_mean,test_accuracy_std\n10,1,0.9,0\n")
    with pytest.raises(MissingWord, match="has no word for text.no_such_label"):
        metric_vs_setting(tmp_path / "t.csv", "width", tmp_path / "f.pdf", xlabel="no_such_label")
    assert not (tmp_path / "f.pdf").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_has_every_figure_key_with_the_same_fields(language):
    english = keys(yaml.safe_load((ROOT / "report/en/figures.yaml").read_text(encoding="utf-8"))["text"])
    words = keys(yaml.safe_load((ROOT / f"report/{language}/figures.yaml").read_text(encoding="utf-8"))["text"])
    assert sorted(words) == sorted(english)
    for key, text in english.items():
        if fields(text) and not fields(text) <= {"NN"}:  # a text with fields: the same fields in every language
            assert fields(words[key]) == fields(text), (language, key)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_names_what_the_code_names(language):
    """A word for every key a builder or a figure can emit: losses, activations, optimisers, datasets,
    likelihoods, task 30's models and known networks, task 32's q, task 33's original verdicts."""
    terms = read_words(ROOT / f"report/{language}/terms.yaml")
    figures = read_words(ROOT / f"report/{language}/figures.yaml")["text"]
    original = yaml.safe_load((ROOT / "report/original.yaml").read_text(encoding="utf-8"))
    named = {
        "loss": LOSSES, "activation": ACTIVATIONS, "optimizers": OPTIMIZERS, "datasets": SPECS,
        "likelihood": LIKELIHOODS, "models": MODELS, "networks": [name for _, name in KNOWN],
        "q": [q for q, _, _ in candidate_qs(*make_model(4, 2, 0.5, 0))],
        "original_verdict": [v["verdict"] for v in original["task33"].values()],
    }  # fmt: skip
    for group, names in named.items():
        for name in names:
            assert terms[group][name], (language, group, name)
    assert terms["not_reported"]
    for name in [*LOSSES, *ACTIVATIONS, *OPTIMIZERS, *SPECS, *LIKELIHOODS, *MODELS]:
        assert figures["names"][name], (language, name)
    for name in CIFAR10_CLASSES:
        assert figures["classes"][name], (language, name)
