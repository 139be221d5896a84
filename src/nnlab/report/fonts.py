"""The report's fonts (LuaLaTeX): which families it uses, which characters they cover, and the Debian
packages that provide them.

Latin Modern sets the text; a character it lacks (Greek, Cyrillic, symbols) falls back to DejaVu,
and Japanese goes through luatexja to IPAex. A character none of them has (an emoji) would be lost,
so `escape` prints such a character as a visible placeholder and the render log names it.
"""

from __future__ import annotations

import functools
import shutil
import subprocess

# family -> the Debian package that installs it
PACKAGES = {
    "Latin Modern Roman": "fonts-lmodern",
    "Latin Modern Sans": "fonts-lmodern",
    "Latin Modern Mono": "fonts-lmodern",
    "DejaVu Serif": "fonts-dejavu-core",
    "DejaVu Sans": "fonts-dejavu-core",
    "IPAexMincho": "fonts-ipaexfont-mincho",
    "IPAexGothic": "fonts-ipaexfont-gothic",
}
FONTS = {
    "main": "Latin Modern Roman",
    "sans": "Latin Modern Sans",
    "mono": "Latin Modern Mono",
    "fallback": ["DejaVu Serif", "DejaVu Sans"],  # in this order, for what the Latin Modern fonts lack
    "japanese": "IPAexMincho",
    "japanese_sans": "IPAexGothic",  # also the bold of Japanese text (IPAex has no bold weight)
}


class FontError(RuntimeError):
    pass


def _families() -> list[str]:
    return [FONTS["main"], FONTS["sans"], FONTS["mono"], *FONTS["fallback"], FONTS["japanese"], FONTS["japanese_sans"]]


def _charset(family: str) -> list[tuple[int, int]]:
    """Code point ranges of every installed face of `family`, from fontconfig (empty: not installed)."""
    out = subprocess.run(
        ["fc-list", "-f", "%{charset}\n", f":family={family}"], capture_output=True, text=True, check=False
    ).stdout
    ranges = []
    for item in out.split():
        lo, _, hi = item.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    return ranges


@functools.cache
def coverage() -> tuple[tuple[int, int], ...]:
    """The merged code point ranges that some font of the report has. Raises FontError, naming the
    packages to install, when fontconfig is missing or a family is not installed."""
    if shutil.which("fc-list") is None:
        raise FontError("fc-list (fontconfig) is not installed: run `make setup`, or apt-get install fontconfig")
    ranges, missing = [], []
    for family in _families():
        found = _charset(family)
        if not found:
            missing.append(family)
        ranges += found
    if missing:
        pkgs = sorted({PACKAGES[f] for f in missing})
        raise FontError(
            f"the report's fonts {', '.join(missing)} are not installed: run `make setup` "
            f"(as root it installs them), or apt-get install {' '.join(pkgs)}"
        )
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return tuple((lo, hi) for lo, hi in merged)


def covered(ch: str) -> bool:
    """Whether some font of the report has the character."""
    code = ord(ch)
    if code < 0x80:
        return True
    return any(lo <= code <= hi for lo, hi in coverage())
