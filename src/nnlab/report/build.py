"""Render the main LaTeX document from the templates and a context."""

from __future__ import annotations

from pathlib import Path

from nnlab.io import write_text
from nnlab.report.latex import make_env


def render(template_dir: str | Path, out_tex: str | Path, context: dict, main: str = "main.tex.j2") -> None:
    env = make_env(template_dir)
    write_text(out_tex, env.get_template(main).render(**context))
