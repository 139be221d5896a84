"""Report safety: every config/data string reaches LaTeX escaped and prints literally."""

import subprocess

import pytest
from conftest import pdf_text

from nnlab.report.compile import LatexError, compile_pdf, error_lines
from nnlab.report.latex import Latex, escape, make_env, num, pm

NASTY = r"\input{/etc/passwd} 100% $x$ & #1 a_b ^c ~d {e} é"


def test_escape_each_special_character():
    assert escape("%$&#_{}") == r"\%\$\&\#\_\{\}"
    assert escape("\\") == r"\textbackslash{}"
    assert escape("~^") == r"\textasciitilde{}\textasciicircum{}"
    assert escape("日") == r"\texttt{U+65E5}"
    assert escape(Latex(r"\textbf{x}")) == r"\textbf{x}"  # our own LaTeX passes untouched


def test_filters():
    assert num(0.92456) == "0.9246" and num(float("nan")) == "--" and num(7850) == "7\\,850"
    assert pm(0.9, 0.01, 2) == r"$0.90 \pm 0.01$" and pm(0.9, 0.0, 2) == "0.90"


def test_template_values_are_escaped(tmp_path):
    (tmp_path / "t.tex.j2").write_text(r"\textbf{((( title )))} ((( x | num(2) )))")
    out = make_env(tmp_path).get_template("t.tex.j2").render(title=NASTY, x=0.5)
    assert r"\textbackslash{}input\{/etc/passwd\}" in out and out.endswith("0.50")
    assert "\\input{" not in out


def test_nasty_string_prints_literally_in_the_pdf(tmp_path):
    (tmp_path / "main.tex.j2").write_text(
        "\\documentclass{article}\\usepackage[T1]{fontenc}\\usepackage{lmodern}\\usepackage[utf8]{inputenc}\\begin{document}((( title )))\\end{document}\n"
    )
    (tmp_path / "main.tex").write_text(make_env(tmp_path).get_template("main.tex.j2").render(title=NASTY))
    compile_pdf(tmp_path / "main.tex", tmp_path / "out.pdf", tmp_path / "tex.log")
    text = pdf_text(tmp_path / "out.pdf")
    assert "input{/etc/passwd}" in text and "100%" in text and "a_b" in text
    assert "root:" not in text  # /etc/passwd was not read


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


def test_error_lines_extracts_only_errors():
    log = "\n".join(["noise"] * 500 + ["! Missing $ inserted.", "l.12 x_1", "", "more"] + ["noise"] * 500)
    assert error_lines(log)[:2] == ["! Missing $ inserted.", "l.12 x_1"]


def test_pdftotext_available():
    subprocess.run(["pdftotext", "-v"], capture_output=True, check=True)
