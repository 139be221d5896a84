"""Report safety: every config/data string reaches LaTeX escaped and prints literally, in any script."""

import shutil
import subprocess

import pytest
from conftest import ROOT, pdf_text

from nnlab.report import fonts
from nnlab.report.build import render
from nnlab.report.compile import LatexError, compile_pdf, error_lines
from nnlab.report.latex import Latex, escape, make_env, num, pm

NASTY = r"\input{/etc/passwd} 100% $x$ & #1 a_b ^c ~d {e} é"
UNICODE = "naïve café Ωμέγα 日本語"
MINIMAL = '\\documentclass{article}((* include "preamble.tex.j2" *))\\begin{document}((( title )))\\end{document}\n'


def compile_title(tmp_path, title):
    """A minimal document with the report's preamble (LuaLaTeX, its fonts), compiled: (PDF text, warnings)."""
    shutil.copy(ROOT / "report/preamble.tex.j2", tmp_path)
    (tmp_path / "doc").mkdir()
    (tmp_path / "doc/main.tex.j2").write_text(MINIMAL)
    warnings = render(tmp_path / "doc", tmp_path / "main.tex", {"title": title})
    compile_pdf(tmp_path / "main.tex", tmp_path / "out.pdf", tmp_path / "tex.log")
    return pdf_text(tmp_path / "out.pdf"), warnings


def test_escape_each_special_character():
    assert escape("%$&#_{}") == r"\%\$\&\#\_\{\}"
    assert escape("\\") == r"\textbackslash{}"
    assert escape("~^") == r"\textasciitilde{}\textasciicircum{}"
    assert escape("日本語 Ωμέγα") == "日本語 Ωμέγα"  # typeset as typed (LuaLaTeX)
    assert escape(Latex(r"\textbf{x}")) == r"\textbf{x}"  # our own LaTeX passes untouched


def test_filters():
    assert num(0.92456) == "0.9246" and num(float("nan")) == "--" and num(7850) == "7\\,850"
    assert pm(0.9, 0.01, 2) == r"$0.90 \pm 0.01$" and pm(0.9, 0.0, 2) == "0.90"


def test_template_values_are_escaped(tmp_path):
    (tmp_path / "t.tex.j2").write_text(r"\textbf{((( title )))} ((( x | num(2) )))")
    out = make_env(tmp_path).get_template("t.tex.j2").render(title=NASTY, x=0.5)
    assert r"\textbackslash{}input\{/etc/passwd\}" in out and out.endswith("0.50")
    assert "\\input{" not in out


def test_nasty_and_unicode_strings_print_literally_in_the_pdf(tmp_path):
    text, warnings = compile_title(tmp_path, f"{NASTY} {UNICODE}")
    assert "input{/etc/passwd}" in text and "100%" in text and "a_b" in text and UNICODE in text
    assert "root:" not in text and warnings == []  # /etc/passwd was not read; every character had a font


def test_a_character_no_font_has_prints_as_a_placeholder_with_one_warning(tmp_path):
    missing = set()
    assert escape("a🫠", fonts.covered, missing) == r"a\nnlabmissing{U+1FAE0}" and missing == {"🫠"}
    # DejaVu has the older emoji (in black and white); the newer ones no font here has
    text, warnings = compile_title(tmp_path, "Title 🫠 🫠 😀 日本語")
    assert "U+1FAE0" in text and "😀" in text and "日本語" in text
    assert warnings == ["warning: no font of the report has U+1FAE0 MELTING FACE; it prints as a box reading U+1FAE0"]


def test_tex_output_that_is_not_utf8_is_read_leniently(tmp_path):
    # TeX may write bytes that are not UTF-8 (e.g. a character split at its log's line width)
    (tmp_path / "b.tex").write_text(
        "\\documentclass{article}\\begin{document}\\directlua{texio.write_nl(string.char(255, 254))}ok\\end{document}\n"
    )
    compile_pdf(tmp_path / "b.tex", tmp_path / "b.pdf", tmp_path / "tex.log")
    assert "\ufffd" in (tmp_path / "tex.log").read_text(encoding="utf-8") and "ok" in pdf_text(tmp_path / "b.pdf")


def test_latex_error_shows_the_relevant_lines(tmp_path):
    (tmp_path / "bad.tex").write_text("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}\n")
    with pytest.raises(LatexError) as err:
        compile_pdf(tmp_path / "bad.tex", tmp_path / "bad.pdf", tmp_path / "tex.log")
    msg = str(err.value)
    assert "Undefined control sequence" in msg and str(tmp_path / "tex.log") in msg
    assert len(msg.splitlines()) < 50 and not (tmp_path / "bad.pdf").exists()


def test_shell_escape_is_off(tmp_path):
    (tmp_path / "x.tex").write_text(
        "\\documentclass{article}\\begin{document}\\immediate\\write18{touch pwned}ok\\end{document}\n"
    )
    compile_pdf(tmp_path / "x.tex", tmp_path / "x.pdf")
    assert not (tmp_path / "pwned").exists()
    (tmp_path / "y.tex").write_text(
        "\\documentclass{article}\\begin{document}\\directlua{os.execute('touch pwned')}ok\\end{document}\n"
    )
    compile_pdf(tmp_path / "y.tex", tmp_path / "y.pdf")
    assert not (tmp_path / "pwned").exists()  # Lua cannot run commands either


def test_error_lines_extracts_only_errors():
    log = "\n".join(["noise"] * 500 + ["! Missing $ inserted.", "l.12 x_1", "", "more"] + ["noise"] * 500)
    assert error_lines(log)[:2] == ["! Missing $ inserted.", "l.12 x_1"]


def test_pdftotext_available():
    subprocess.run(["pdftotext", "-v"], capture_output=True, check=True)


def test_a_missing_font_stops_the_render_naming_its_package(tmp_path, monkeypatch):
    monkeypatch.setitem(fonts.FONTS, "fallback", ["DejaVu Serif", "No Such Font Family"])
    monkeypatch.setitem(fonts.PACKAGES, "No Such Font Family", "fonts-no-such")
    fonts.coverage.cache_clear()
    try:
        with pytest.raises(
            fonts.FontError, match="No Such Font Family are not installed.*apt-get install fonts-no-such"
        ):
            compile_title(tmp_path, "x")
    finally:
        fonts.coverage.cache_clear()
    assert not (tmp_path / "main.tex").exists()  # stopped before writing anything


def test_table_and_figure_overflows_are_found_from_the_log_and_the_tex():
    from nnlab.report.compile import overflows

    tex = (
        "text\n\\begin{table}\n\\begin{tabular}{ll}\na & b \\\\\n\\end{tabular}\n\\end{table}\nmore text\n"
        "\\includegraphics{a.pdf}\n\\includegraphics{b.pdf}\n"
    )
    log = (
        "Overfull \\hbox (40.5pt too wide) in paragraph at lines 3--5\n"
        "Overfull \\hbox (0.5pt too wide) in paragraph at lines 3--5\n"
        "Overfull \\hbox (5.0pt too wide) in paragraph at lines 7--7\n"
        "Overfull \\hbox (30.0pt too wide) in paragraph at lines 8--9\n"
        "Overfull \\hbox (44.9pt too wide) in paragraph at lines 1--1\n"
    )
    # a table or figure over 1 pt; plain text only when visibly past the margin (over 10 pt)
    assert overflows(log, tex) == [
        "Overfull \\hbox (40.5pt too wide) in paragraph at lines 3--5",
        "Overfull \\hbox (30.0pt too wide) in paragraph at lines 8--9",
        "Overfull \\hbox (44.9pt too wide) in paragraph at lines 1--1",
    ]
