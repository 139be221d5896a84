"""The report's figure helpers (matplotlib, headless). Vector PDF, written atomically. Each
experiment's figures are in its subpackage's `figures` module (e.g. nnlab.classification.figures).

Every figure is drawn at the size it prints (`figure`: a fraction of the report's text width) and the
templates include it at that natural size, unscaled, so its type prints at the sizes set here: 8 pt and
up. `save` refuses a figure wider than the text or with smaller type.

Every text of a figure (axis labels, titles, legends) is `word(key, ...)`: the words of the language that
`use_language` loaded (report/<lang>/figures.yaml, every key in every language, English included).
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.ticker  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from nnlab.io import write_bytes  # noqa: E402
from nnlab.words import MissingWord, Words, read_words  # noqa: E402

# The report's text width: A4 less two 2.5 cm margins (report/preamble.tex.j2, geometry).
TEXT_WIDTH_IN = (210 - 2 * 25) / 25.4
MIN_POINTS = 8.0  # the smallest type a printed figure may have
plt.rcParams.update(
    {
        "font.size": 8,
        "axes.titlesize": 9,
        "axes.labelsize": 8,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.title_fontsize": 8,
        "figure.titlesize": 9,
    }
)

_TEXT: Words | None = None  # the figures' words in the language of use_language


def use_language(path) -> None:
    """Label this process's figures in a language. `path`: its report/<lang>/figures.yaml, with `text`,
    the words by key (`word`), and optionally `fonts`, families tried in order for each character."""
    global _TEXT
    words = read_words(path)
    _TEXT = words["text"]
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
    else:  # matplotlib's own (a process that switches back from a language with fonts)
        plt.rcParams["font.family"] = matplotlib.rcParamsDefault["font.family"]
        plt.rcParams["pdf.fonttype"] = matplotlib.rcParamsDefault["pdf.fonttype"]


def word(key: str, **fields) -> str:
    """The text of `key` (a dotted path such as "names.mnist") in the language of `use_language`, its
    `{field}`s filled from `fields` (numbers come formatted: every language prints them alike). A text
    without fields is used as written, so its TeX braces need no doubling."""
    if _TEXT is None:
        raise RuntimeError("no figure language: call nnlab.plots.use_language(report/<lang>/figures.yaml) first")
    text = _TEXT.at(key)
    if not fields:
        return text
    try:
        return text.format_map(fields)
    except (KeyError, IndexError) as err:
        given = ", ".join(sorted(fields))
        raise MissingWord(f"{_TEXT._source}: text.{key} = {text!r} asks for {err}; the figure gives {given}") from None


def epoch_axis(ax) -> None:
    """An x axis of epochs: labelled so, whole numbers only (no tick at 2.5)."""
    ax.set_xlabel(word("epoch"))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))


def figure(width: float = 1.0, height: float = 2.6, nrows: int = 1, ncols: int = 1, **kw):
    """(fig, axes) drawn at print size: `width` a fraction of the text width, `height` in inches;
    constrained layout keeps every label inside that size."""
    return plt.subplots(nrows, ncols, figsize=(width * TEXT_WIDTH_IN, height), layout="constrained", **kw)


def canvas(width: float = 1.0, height: float = 2.6, layout: str | None = "constrained"):
    """An empty figure at print size, as `figure`; `layout=None` for axes placed by hand."""
    return plt.figure(figsize=(width * TEXT_WIDTH_IN, height), layout=layout)


def check_print_size(fig, path) -> None:
    """Refuse a figure that would print wider than the text or with type under MIN_POINTS: the
    templates include figures unscaled, so its size in inches and points is its printed size."""
    if fig.get_figwidth() > TEXT_WIDTH_IN + 1e-6:
        raise ValueError(f"{path}: {fig.get_figwidth():.2f} in wide, wider than the text ({TEXT_WIDTH_IN:.2f} in)")
    small = sorted(
        {(t.get_text(), t.get_fontsize()) for t in fig.findobj(matplotlib.text.Text)
         if t.get_visible() and t.get_text().strip() and t.get_fontsize() < MIN_POINTS - 1e-9}
    )  # fmt: skip
    if small:
        raise ValueError(f"{path}: type under {MIN_POINTS:g} pt at print size: {small[:5]}")


def save(fig, path) -> None:
    """Render in memory, then write atomically (`nnlab.io.write_bytes`: on a full disk matplotlib's
    PDF writer fails with an unrelated AttributeError). The file is exactly the figure's size."""
    check_print_size(fig, path)
    buf, fmt = io.BytesIO(), Path(path).suffix[1:]
    # No timestamps in the file, so an unchanged figure is byte-identical on rerun.
    fig.savefig(buf, format=fmt, metadata={"CreationDate": None} if fmt == "pdf" else None)
    plt.close(fig)
    write_bytes(path, buf.getbuffer())
