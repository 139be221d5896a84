"""Figures for the report (matplotlib, headless). Vector PDF, written atomically.

Figures are drawn with English labels; `use_language` makes `save` rewrite every text of a figure
(axis labels, titles, legends) with a language's words, report/<lang>/figures.yaml.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
import yaml  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from nnlab.io import write_bytes  # noqa: E402
from nnlab.results import read_rows  # noqa: E402

_WORDS: list[tuple[re.Pattern, str]] = []  # (English label, as a pattern; its translation)


def use_language(path) -> None:
    """Label this process's figures in a language. `path`: its report/<lang>/figures.yaml, with `fonts`,
    families tried in order for each character, and `text`, English label -> translation, where
    `{}` stands for any text (e.g. "{} (test)" -> "{}（テスト）"); the first match wins. Empty: English."""
    words = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    _WORDS.clear()
    for english, translation in (words.get("text") or {}).items():
        pattern = "^" + re.escape(english).replace(r"\{\}", "(.+?)") + "$"
        _WORDS.append((re.compile(pattern, re.S), translation))
    families = words.get("fonts")
    if families:
        known = {f.name for f in font_manager.fontManager.ttflist}
        for family in families:
            if family not in known:  # installed after matplotlib cached its font list
                files = subprocess.run(
                    ["fc-list", "-f", "%{file}\n", f":family={family}"], capture_output=True, text=True, check=False
                ).stdout.split()
                if not files:
                    raise RuntimeError(f"figure font {family!r} is not installed: run `make setup`")
                for f in files:
                    font_manager.fontManager.addfont(f)
        plt.rcParams["font.family"] = list(families)
        plt.rcParams["pdf.fonttype"] = 42  # embedded TrueType: CJK stays text (Type 3 would draw it as shapes)


def translate(text: str) -> str:
    """`text` in the language of `use_language` (unchanged when it has no translation). In a
    translation, `{}` is the next matched piece and `{2}` the third, each itself translated."""
    for pattern, translation in _WORDS:
        m = pattern.match(text)
        if m:
            return _fill(translation, [translate(g) for g in m.groups()])
    return text


def _fill(translation: str, pieces: list[str]) -> str:
    order = iter(range(len(pieces)))
    return re.sub(r"\{(\d*)\}", lambda k: pieces[int(k.group(1)) if k.group(1) else next(order)], translation)


def save(fig, path) -> None:
    """Render in memory, then write atomically (`nnlab.io.write_bytes`: on a full disk matplotlib's
    PDF writer fails with an unrelated AttributeError)."""
    for ax in fig.axes:  # epochs are whole numbers: no tick at 2.5
        if ax.get_xlabel() == "epoch":
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    if _WORDS:
        for t in fig.findobj(matplotlib.text.Text):
            if t.get_text():
                t.set_text(translate(t.get_text()))
    buf, fmt = io.BytesIO(), Path(path).suffix[1:]
    # No timestamps in the file, so an unchanged figure is byte-identical on rerun.
    fig.savefig(buf, format=fmt, bbox_inches="tight", metadata={"CreationDate": None} if fmt == "pdf" else None)
    plt.close(fig)
    write_bytes(path, buf.getbuffer())


def learning_curves(groups: dict[str, list], metric: str, path, ylabel: str | None = None) -> None:
    """Train (dashed) and test (solid) `metric` per epoch, mean over seeds with a ±1 std band.

    `groups` maps a label (e.g. "cross_entropy") to the history CSVs of its seeds.
    """
    fig, ax = plt.subplots(figsize=(5.5, 3.4))
    for i, (label, csvs) in enumerate(groups.items()):
        runs = [read_rows(c) for c in csvs]
        n = min(len(r) for r in runs)
        if n == 0:
            continue
        epochs = np.arange(1, n + 1)
        for split, style in (("train", "--"), ("test", "-")):
            vals = np.array([[row[f"{split}_{metric}"] for row in r[:n]] for r in runs])
            mean, std = vals.mean(0), vals.std(0)
            ax.plot(epochs, mean, style, color=f"C{i}", label=f"{label} ({split})")
            if len(runs) > 1:
                ax.fill_between(epochs, mean - std, mean + std, color=f"C{i}", alpha=0.2, lw=0)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel or metric.replace("_", " "))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    save(fig, path)
