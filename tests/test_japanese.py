"""The report in Japanese (report.language: ja) from the smoke build's results: switching the language
replans only figures and the report, retrains nothing, and the PDF carries the same numbers in
Japanese, with any Unicode title printed as typed and a character no font has as a placeholder."""

import re
import shutil

import pytest
import yaml
from conftest import FIGURE_RULES, ROOT, SMOKE_TITLE, pdf_text, snakemake
from test_incremental import planned

from nnlab.report.sections import TASKS

pytestmark = pytest.mark.slow

SMOKE = ("--cores", "2", "--configfile", "scales/smoke.yaml")
NO_GLYPH = "🫠"  # U+1FAE0, in no font of the report
# Switching the language redraws the figures (their labels) and rewrites the report, nothing else.
REPORT = {"collect_benchmarks", "render_report", "compile_report", "write_results", "all"}


def body(text: str, appendix: str) -> str:
    """The report before its appendix (whose job table the Japanese build's redrawn figures change)."""
    return text.rsplit(appendix, 1)[0]  # the last occurrence: the first is in the table of contents


def numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+\.\d+", text))


@pytest.fixture(scope="module")
def ja_build(smoke_build, tmp_path_factory):
    """The smoke build switched to Japanese: (workdir, planned rules of the switch, PDF text, render log)."""
    wd = tmp_path_factory.mktemp("ja") / "wf"
    shutil.copytree(smoke_build, wd, symlinks=True)  # copy2: mtimes survive
    (wd / "ja.yaml").write_text("report: {language: ja}\n")
    plan = planned(wd, "--configfile", "scales/smoke.yaml", "ja.yaml")
    overlay = {"report": {"language": "ja", "title": f"{SMOKE_TITLE} {NO_GLYPH}"}}
    (wd / "ja.yaml").write_text(yaml.safe_dump(overlay, allow_unicode=True))
    snakemake(wd, *SMOKE, "ja.yaml")
    text = re.sub(r"\s+", " ", pdf_text(wd / "results/report.pdf"))
    return wd, plan, text, (wd / "results/logs/render_report/all.log").read_text(encoding="utf-8")


def test_switching_the_language_retrains_nothing(ja_build):
    _, plan, _, _ = ja_build
    assert {"render_report", "compile_report"} <= set(plan) <= FIGURE_RULES | REPORT, sorted(plan)


def test_japanese_report_has_every_task_and_the_title_as_typed(ja_build):
    _, _, text, log = ja_build
    words = yaml.safe_load((ROOT / "report/ja/terms.yaml").read_text(encoding="utf-8"))
    for task in TASKS:
        assert f"課題 {task}: {words['tasks'][task]}" in text
    for heading in ("概要", "目次", "まとめ", "参考文献", "付録: このレポートの作成環境"):
        assert heading in text
    assert SMOKE_TITLE in text and "root:" not in text  # injection strings and Unicode, literally
    assert "U+1FAE0" in text  # the placeholder of a character no font has, and one warning naming it
    assert [line for line in log.splitlines() if "U+1FAE0" in line] == [
        "warning: no font of the report has U+1FAE0 MELTING FACE; it prints as a box reading U+1FAE0"
    ]
    assert "未実行" not in text


def test_japanese_report_prints_the_same_numbers(smoke_build, ja_build):
    _, _, ja, _ = ja_build
    en = re.sub(r"\s+", " ", pdf_text(smoke_build / "results/report.pdf"))
    en_numbers, ja_numbers = numbers(body(en, "Appendix: how this report was built")), numbers(body(ja, "付録: "))
    assert len(en_numbers) > 100
    assert en_numbers == ja_numbers, (sorted(en_numbers - ja_numbers), sorted(ja_numbers - en_numbers))


def test_japanese_figures_are_labelled_in_japanese(ja_build):
    wd, _, _, _ = ja_build
    assert "エポック" in pdf_text(wd / "results/task24/figures/accuracy.pdf")
    assert "テスト画像の割合" in pdf_text(wd / "results/task29/figures/predictions.pdf")
