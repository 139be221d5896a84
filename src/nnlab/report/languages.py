"""The languages the report can be written in: the folders `report/<lang>/` that have a main.tex.j2.

Light (no Jinja2) so the workflow can check `report.language` when it starts.
"""

from __future__ import annotations

from pathlib import Path


def languages(report_dir: str | Path) -> list[str]:
    return sorted(p.parent.name for p in Path(report_dir).glob("*/main.tex.j2"))


def language_dir(report_dir: str | Path, language: str) -> Path:
    """report/<language>, or a ValueError naming the languages there are."""
    if language not in languages(report_dir):
        raise ValueError(
            f"report.language: {language!r} has no templates (no {Path(report_dir, language, 'main.tex.j2')}); "
            f"available: {', '.join(languages(report_dir))}. A new language is a translated copy of report/en."
        )
    return Path(report_dir, language)
