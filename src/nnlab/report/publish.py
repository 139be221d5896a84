"""Publish a finished build: copy its PDF and results page into docs/, after checking it is one.

`python -m nnlab.report.publish` (what `make publish` runs) copies results/report.pdf to
docs/report.pdf (docs/report-<lang>.pdf for another language) and results/results.md to
docs/results.md, but only a build a reader can trust as "the report": built at the scale asked for
(`full` unless told otherwise), every section present (no "Not run."), and small enough to keep in
the repository. A refusal names what is wrong and changes nothing in docs/.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from nnlab.io import write_bytes

MAX_BYTES = 5 * 2**20  # the PDF is committed: keep the repository small


class PublishError(RuntimeError):
    """A build that must not be published, and why."""


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def check(results: Path, scale: str) -> list[Path]:
    """The files to publish from `results`, or PublishError naming every problem at once."""
    pdf, md = results / "report.pdf", results / "results.md"
    missing = [str(p) for p in (pdf, md) if not p.exists()]
    if missing:
        raise PublishError(f"missing {', '.join(missing)}: build it first (make report)")
    problems = []
    text = " ".join(pdf_text(pdf).split())
    if f"Built at scale {scale}" not in text and f"規模 {scale} で作成" not in text:
        problems.append(f"{pdf} was not built at scale {scale!r} (its title page says otherwise)")
    if "Not run." in text or "未実行。" in text:
        problems.append(f"{pdf} has sections marked not run: some jobs failed; rerun `make report`")
    if f"`{scale}` build" not in md.read_text():
        problems.append(f"{md} is not from a {scale!r} build")
    if pdf.stat().st_size > MAX_BYTES:
        problems.append(f"{pdf} is {pdf.stat().st_size / 2**20:.1f} MB, over {MAX_BYTES / 2**20:.0f} MB")
    if problems:
        raise PublishError("not published:\n  " + "\n  ".join(problems))
    return [pdf, md]


def publish(results: Path, docs: Path, scale: str = "full", lang: str = "en") -> list[Path]:
    """Copy the checked build into `docs`; returns the written paths."""
    pdf, md = check(Path(results), scale)
    docs = Path(docs)
    targets = [(pdf, docs / ("report.pdf" if lang == "en" else f"report-{lang}.pdf"))]
    if lang == "en":  # the results page is in English; another language's build adds its PDF only
        targets.append((md, docs / "results.md"))
    for src, dst in targets:
        write_bytes(dst, src.read_bytes())
    return [dst for _, dst in targets]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("results", nargs="?", default="results", help="the build's results folder")
    ap.add_argument("docs", nargs="?", default="docs", help="where to publish")
    ap.add_argument("--scale", default="full", help="the scale the build must have (default: full)")
    ap.add_argument("--lang", default="en", help="the report's language (another writes report-<lang>.pdf)")
    args = ap.parse_args(argv)
    try:
        for path in publish(Path(args.results), Path(args.docs), args.scale, args.lang):
            print(f"published {path}")
    except PublishError as e:
        print(e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
