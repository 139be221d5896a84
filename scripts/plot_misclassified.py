"""A few misclassified test images per dataset and model, one row each (plot_*_misclassified rules).

Inputs: `predictions` (one CSV per entry of params.runs, same order), `npz`/`meta` (one dataset cache
per entry of params.datasets). Params: runs [{dataset, model}], datasets, per_model (images per row).
"""

from nnlab.classification.figures import class_word, gallery
from nnlab.classification.misclassified import misclassified
from nnlab.data import load_cache
from nnlab.logs import tee_to
from nnlab.plots import use_language, word
from nnlab.results import read_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive


with tee_to(sm.log[0]):
    use_language(sm.input.figure_words)
    data = {d: load_cache(n, m) for d, n, m in zip(sm.params.datasets, sm.input.npz, sm.input.meta, strict=True)}
    panels = []
    for run, csv in zip(sm.params.runs, sm.input.predictions, strict=True):
        ds = data[run["dataset"]]
        shown, wrong = misclassified(read_rows(csv), sm.params.per_model)
        panels.append({
            "title": word("misclassified_title", dataset=word(f"names.{run['dataset']}"),
                          model=word(f"names.{run['model']}"), wrong=wrong, total=len(ds.y_test)),
            "images": ds.x_test[[r["index"] for r in shown]],
            # two lines: CIFAR-10's class names side by side overrun the narrow columns at 8 pt
            "captions": [word("misclassified_caption", label=class_word(ds.classes[r["label"]]),
                              prediction=class_word(ds.classes[r["prediction"]])) for r in shown],
            "note": word("no_errors"),
        })  # fmt: skip
        print(f"{run}: {wrong} misclassified, showing {len(shown)}")
    gallery(panels, sm.output.figure, sm.params.per_model)
