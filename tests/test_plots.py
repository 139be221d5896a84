"""Figures print at their drawn size: no wider than the text, no type under 8 pt (nnlab.plots)."""

import subprocess

import pytest

from nnlab.plots import MIN_POINTS, TEXT_WIDTH_IN, figure, plt, save


def test_a_figure_file_is_exactly_its_print_size(tmp_path):
    fig, ax = figure(0.49, 2.4)
    ax.plot([1, 2], [3, 4])
    ax.set_ylabel("a label long enough to need room on the left")
    save(fig, tmp_path / "f.pdf")
    info = subprocess.run(["pdfinfo", str(tmp_path / "f.pdf")], capture_output=True, text=True, check=True).stdout
    size = info.split("Page size:")[1].split("pts")[0].split("x")
    assert [round(float(v) / 72, 2) for v in size] == [round(0.49 * TEXT_WIDTH_IN, 2), 2.4]


def test_type_under_8_points_is_refused_and_nothing_written(tmp_path):
    fig, ax = figure(0.5, 2.0)
    ax.set_title("fine")
    ax.text(0.5, 0.5, "too small", fontsize=MIN_POINTS - 1)
    with pytest.raises(ValueError, match=r"type under 8 pt at print size: \[\('too small', 7"):
        save(fig, tmp_path / "f.pdf")
    assert not (tmp_path / "f.pdf").exists()


def test_a_figure_wider_than_the_text_is_refused(tmp_path):
    fig, _ = plt.subplots(figsize=(TEXT_WIDTH_IN + 0.5, 2))
    with pytest.raises(ValueError, match="wider than the text"):
        save(fig, tmp_path / "f.pdf")
    plt.close(fig)


def test_the_default_type_is_8_points_or_more():
    fig, ax = figure()
    ax.plot([1, 2], [1, 2], label="x")
    ax.legend()
    ax.set_title("t")
    sizes = {t.get_fontsize() for t in fig.findobj(plt.matplotlib.text.Text) if t.get_text()}
    plt.close(fig)
    assert min(sizes) >= MIN_POINTS
