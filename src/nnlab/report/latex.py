"""Jinja2 for LaTeX: delimiters that do not clash with TeX, and escaping of every value.

Every value printed by a template is escaped unless it is a `Latex` string, which only our own
filters produce. So a config string such as `\\input{/etc/passwd}` prints literally. Any other
Unicode character is typeset as typed (LuaLaTeX), except one that no font of the report has.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import jinja2

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
}


class Latex(str):
    """A string that is already LaTeX and must not be escaped again."""


def escape(text, covered: Callable[[str], bool] | None = None, missing: set | None = None) -> Latex:
    """Escape a value so LaTeX prints it literally.

    With `covered` (does some font have this character?), a character no font has prints as a
    placeholder box showing its code point, e.g. U+1F600, and is added to `missing`.
    """
    if isinstance(text, Latex):
        return text
    out = []
    for ch in str(text):
        if ch in _SPECIAL:
            out.append(_SPECIAL[ch])
        elif covered is not None and not covered(ch):
            out.append(rf"\nnlabmissing{{U+{ord(ch):04X}}}")
            if missing is not None:
                missing.add(ch)
        else:
            out.append(ch)
    return Latex("".join(out))


def num(value, digits: int = 4) -> Latex:
    """A number with fixed digits; NaN (a missing value) prints as an en dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Latex("--")
    if isinstance(value, int):
        return Latex(f"{value:,}".replace(",", "\\,"))
    return Latex(f"{value:.{digits}f}")


def pm(mean, std, digits: int = 4) -> Latex:
    """mean ± std in math mode (std omitted when it is zero, i.e. a single seed)."""
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return Latex("--")
    if not std:
        return num(mean, digits)
    return Latex(f"${mean:.{digits}f} \\pm {std:.{digits}f}$")


def sci(value, digits: int = 3) -> Latex:
    """`digits` significant figures: plain for 0.01 <= |value| < 1000 (e.g. 0.0195, 11.9), else
    scientific in math mode (e.g. $-1.23\\times 10^{-5}$). NaN or inf prints as an en dash."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return Latex("--")
    mant, exp = f"{float(value):.{digits - 1}e}".split("e")
    exp = int(exp)
    if -2 <= exp <= 2:
        return Latex(f"${float(value):.{max(digits - 1 - exp, 0)}f}$")
    return Latex(f"${mant}\\times 10^{{{exp}}}$")


def make_env(template_dirs, covered: Callable[[str], bool] | None = None) -> jinja2.Environment:
    """`template_dirs`: a folder or a list searched in order. The characters that `covered` rejects
    are collected in `env.missing_glyphs`, so the caller can name them in its log."""
    dirs = [str(d) for d in template_dirs] if isinstance(template_dirs, (list, tuple)) else [str(template_dirs)]
    missing: set[str] = set()
    esc = lambda value: escape(value, covered, missing)  # noqa: E731
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(dirs),
        block_start_string="((*",
        block_end_string="*))",
        variable_start_string="(((",
        variable_end_string=")))",
        comment_start_string="((=",
        comment_end_string="=))",
        line_comment_prefix="%#",
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        undefined=jinja2.StrictUndefined,  # a missing value is an error, never an empty cell
        finalize=esc,
    )
    env.missing_glyphs = missing
    env.filters.update(num=num, pm=pm, sci=sci, e=esc, latex=Latex)
    return env
