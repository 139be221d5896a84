"""Render the main LaTeX document of one language from its templates and a context.

`report/<lang>/` holds a language's templates (`main.tex.j2`, `sections/`) and its words
(`terms.yaml`, the template context `T`); `report/preamble.tex.j2` is shared. A new language is a new
folder: the section builders' facts are the same for all.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from nnlab.io import write_text
from nnlab.report import fonts
from nnlab.report.latex import make_env
from nnlab.report.sections import TITLES
from nnlab.words import read_words


def section_tex(template_dir: str | Path, name: str, **context) -> str:
    """One template of a language rendered on its own (a section, for tests and checks), with the
    language's words `T` and the shared templates beside it."""
    template_dir = Path(template_dir)
    env = make_env([template_dir, template_dir.parent])
    return env.get_template(name).render(T=read_words(template_dir / "terms.yaml"), **context)


def render(template_dir: str | Path, out_tex: str | Path, context: dict, main: str = "main.tex.j2") -> list[str]:
    """Write `out_tex`; return (and print, for the job's log) one warning line per character that no
    font of the report has, which prints as a placeholder box."""
    template_dir = Path(template_dir)
    fonts.coverage()  # a missing font stops here, naming its package, before any work
    env = make_env([template_dir, template_dir.parent], covered=fonts.covered)
    words = read_words(template_dir / "terms.yaml")
    # each section's title: the language's translation, else the section module's own (English)
    titles = {task: words.get("tasks", {}).get(task, title) for task, title in TITLES.items()}
    # tasks with some required inputs absent (nnlab.report.sections.build_all): none unless given
    full = {"fonts": fonts.FONTS, "T": words, "titles": titles, "missing_inputs": {}, **context}
    write_text(out_tex, env.get_template(main).render(**full))
    warnings = [
        f"warning: no font of the report has U+{ord(ch):04X} {unicodedata.name(ch, '(unnamed)')}; "
        f"it prints as a box reading U+{ord(ch):04X}"
        for ch in sorted(env.missing_glyphs)
    ]
    for line in warnings:
        print(line)
    return warnings
