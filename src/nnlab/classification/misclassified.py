"""Task 30: which misclassified test images to show (the gallery itself: `figures.gallery`)."""

from __future__ import annotations


def misclassified(rows: list[dict], count: int) -> tuple[list[dict], int]:
    """`count` wrongly predicted test images drawn across the true classes, and how many are wrong in all.

    `rows` are a predictions CSV's rows (index, label, prediction). The first error (by index) of
    each class in turn, then the second of each, ...: a test set sorted by class would otherwise show
    one class only. Deterministic, not a random draw, so the figure is the same on every rerun.
    """
    wrong = [r for r in rows if r["label"] != r["prediction"]]
    by_class: dict = {}
    for r in wrong:
        by_class.setdefault(r["label"], []).append(r)
    queues = [by_class[c] for c in sorted(by_class)]
    shown = [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]
    return shown[:count], len(wrong)
