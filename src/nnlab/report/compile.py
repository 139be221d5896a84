"""Compile LaTeX with latexmk and LuaLaTeX: no shell escape, stop on the first error, show the relevant
lines. TeX's output is read as bytes and decoded leniently (a log may split a UTF-8 character at its
line width)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from nnlab.io import atomic_path


class LatexError(RuntimeError):
    pass


def error_lines(log_text: str, context: int = 3, limit: int = 40) -> list[str]:
    """The `! ...` error lines of a TeX log with a few lines after each (not the whole log)."""
    lines = log_text.splitlines()
    out: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("!") or re.match(r"^\S+\.tex:\d+: ", line):
            out.extend(lines[i : i + 1 + context])
            out.append("...")
    return out[:limit]


TABLE_ENVIRONMENTS = r"(?:tabular|longtable)"


def overflows(log_text: str, tex_text: str, tolerance_pt: float = 1.0, text_tolerance_pt: float = 10.0) -> list[str]:
    """The log's overfull boxes that run visibly past the margin: wider than `tolerance_pt` where they
    come from a table or a figure, wider than `text_tolerance_pt` anywhere else (a line of text that
    TeX could not break, e.g. a long formula: the full build's list of widths ran 45 pt into the
    margin; a point or two is invisible and common where a heading ends in an unbreakable word).
    TeX reports a tabular, or a row of figures, as a line of its paragraph, so a box is a table's or a
    figure's when its line range meets a tabular or longtable environment or an \\includegraphics of
    `tex_text` (the file TeX compiled, its line numbers). Figures print at their drawn size
    (nnlab.plots): one drawn too wide for its place shows here."""
    inside, depth = set(), 0
    for number, line in enumerate(tex_text.splitlines(), 1):
        depth += len(re.findall(rf"\\begin\{{{TABLE_ENVIRONMENTS}\*?\}}", line))
        if depth or "\\includegraphics" in line:
            inside.add(number)
        depth -= len(re.findall(rf"\\end\{{{TABLE_ENVIRONMENTS}\*?\}}", line))
    found = re.finditer(
        r"Overfull \\hbox \(([\d.]+)pt too wide\) in (?:paragraph|alignment) at lines (\d+)--(\d+)", log_text
    )

    def limit(first: int, last: int) -> float:
        return tolerance_pt if any(n in inside for n in range(first, last + 1)) else text_tolerance_pt

    return [m[0] for m in found if float(m[1]) > limit(int(m[2]), int(m[3]))]


def compile_pdf(tex: str | Path, pdf: str | Path, log: str | Path | None = None) -> None:
    """Build `tex` into `pdf`. The TeX log is copied to `log`; on error LatexError shows its core."""
    tex = Path(tex).resolve()
    if shutil.which("latexmk") is None:
        raise LatexError(
            "latexmk is not installed. Run `make setup` (as root it installs TeX Live), or: apt-get install "
            "texlive-latex-extra texlive-pictures texlive-science texlive-luatex texlive-lang-japanese latexmk"
        )
    outdir = tex.parent / "build"
    outdir.mkdir(exist_ok=True)
    env = dict(os.environ, SOURCE_DATE_EPOCH="0", FORCE_SOURCE_DATE="1")  # reproducible PDF
    cmd = [
        "latexmk", "-lualatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
        "-no-shell-escape", f"-outdir={outdir}", tex.name,
    ]  # fmt: skip
    proc = subprocess.run(cmd, cwd=tex.parent, env=env, capture_output=True)
    output = (proc.stdout + proc.stderr).decode("utf-8", errors="replace")
    tex_log = outdir / f"{tex.stem}.log"
    log_text = tex_log.read_bytes().decode("utf-8", errors="replace") if tex_log.exists() else output
    if log is not None:
        with atomic_path(log) as tmp:
            tmp.write_text(log_text, encoding="utf-8")
    if proc.returncode != 0:
        core = "\n".join(error_lines(log_text)) or output[-3000:]
        raise LatexError(f"LaTeX failed on {tex} (full log: {log or tex_log}):\n{core}")
    with atomic_path(pdf) as tmp:
        shutil.copyfile(outdir / f"{tex.stem}.pdf", tmp)
    for line in overflows(log_text, tex.read_text(encoding="utf-8", errors="replace")):
        print(f"warning: a line, table or figure runs past the margin: {line}")  # the job's log; tests fail on it
