"""The build's results at a glance (docs/results.md): a row per task with our headline number beside
the original's, and every number the original reports beside ours.

Nothing here measures or judges anew: the numbers and verdicts are the report's own, taken from the
section contexts (`nnlab.report.sections.build_all`), the claims scorecard (`nnlab.report.scorecard`)
and `nnlab.significance` (through `discussion.versus_original`), so the page cannot disagree with the
PDF built from the same results. Words come from report/en/terms.yaml (verdicts, claims, reasons, why).
"""

from __future__ import annotations

import math

from nnlab.report.discussion import versus_original
from nnlab.report.sections import SECTIONS


def _num(x, digits=4) -> str:
    return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"


def _points(diff) -> str:
    return "–" if diff is None or math.isnan(diff) else f"{100 * diff:+.2f} points"


def _mean_sd(row: dict, key: str = "test_accuracy", digits: int = 4) -> str:
    """`mean ± sd (n seeds)` of a summary row; a single run has no sd."""
    runs = row["runs"] - row.get("diverged", 0)
    mean, sd = row[f"{key}_mean"], row[f"{key}_std"]
    if runs <= 1:
        return f"{_num(mean, digits)} (1 seed)"
    return f"{_num(mean, digits)} ± {_num(sd, digits)} ({runs} seeds)"


def _versus(row: dict, n) -> dict | None:
    runs = row["runs"] - row.get("diverged", 0)
    sd = row["test_accuracy_std"]
    return versus_original(row["test_accuracy_mean"], 0.0 if sd != sd else sd, runs, row.get("original"), n)


def _verdict_words(vs: dict | None, terms: dict) -> str:
    """A comparison with the original in the report's words: the verdict, and its reason if any."""
    if not vs:
        return "–"
    reason = vs.get("reason")
    return terms["verdict"][vs["verdict"]] + (f" ({terms['reasons'].get(reason, reason)})" if reason else "")


def why(task: int, s: dict, row: dict, vs: dict | None, terms: dict, settings_beside: bool = False) -> str:
    """Why our number differs from the original's beyond the noise, in the facts the report gives
    for it: the section's own (its module's `why`: what the original leaves to us, lossy data, task
    29's other protocol), then this build's reduced settings. Empty where the verdict is not
    "differs". `settings_beside`: the page shows the reduced settings in a column of their own, so
    name them only by reference."""
    if not vs or vs["verdict"] != "differs":
        return ""
    words = terms["why"]
    parts = SECTIONS[task].why(s, row, terms)
    if s.get("reduced"):
        parts.append(words["reduced beside"] if settings_beside else words["reduced"].format(settings=departures(s)))
    return "; ".join(parts) or words["unexplained"]


def _compared(task: int, s: dict, x: dict, terms: dict, settings_beside: bool = False) -> dict:
    """A value of ours beside the original's: {ours, original, difference, verdict, why}; without an
    original value, ours alone."""
    row = x.get("row")
    ours = x.get("text") or (_mean_sd(row) if row else "–")
    original = row.get("original") if row else None
    if original is None:
        return {"ours": ours, "original": "–", "difference": "–", "verdict": "–", "why": ""}
    vs = _versus(row, x.get("n"))
    return {"ours": ours, "original": _num(original), "difference": _points(row["test_accuracy_mean"] - original),
            "verdict": _verdict_words(vs, terms), "why": why(task, s, row, vs, terms, settings_beside)}  # fmt: skip


def numbers(sections: dict, terms: dict) -> list[dict]:
    """Every number the original reports, beside ours (the sections' `original_numbers`):
    {task, what, ours, original, difference, verdict, why}."""
    rows = []
    for task, s in sorted(sections.items()):
        for x in SECTIONS[task].original_numbers(s, terms):
            if x["row"].get("original") is not None:
                rows.append({"task": task, "what": x["what"], **_compared(task, s, x, terms)})
    return rows


def headlines(sections: dict, claims: list[dict], terms: dict) -> list[dict]:
    """A row per task with results (its section's `headline`): {task, what, ours, original, difference,
    verdict, why, claims, departures}; the original's value is "–" where it reports no number (its
    claims are judged in `claims`)."""
    rows = []
    for task, s in sorted(sections.items()):
        x = SECTIONS[task].headline(s, terms)
        judged = [
            f"{terms['scorecard'][c['verdict']]}: {terms['claims'][c['id']]} — {terms['reasons'].get(c['reason'], c['reason'])}"
            for c in claims
            if c["task"] == task
        ]
        compared = _compared(task, s, x, terms, settings_beside=True)
        rows.append({"task": task, "what": x["what"], **compared, "claims": judged, "departures": departures(s)})
    return rows


def departures(s: dict) -> str:
    """This build's settings of the task that differ from config.yaml's (a reduced scale), as the
    report's sections name them: beside the original's value where it states one. The first thing
    that explains a difference from the original's numbers."""
    return "; ".join(
        f"{c['key']} {_setting(c['ours'])} ({'the original' if c['given'] else 'config.yaml'}: {_setting(c['default'])})"
        for c in s.get("reduced", [])
    )


def _setting(v) -> str:
    if isinstance(v, list):
        return ", ".join(map(str, v)) if v else "none"
    return str(v)


def _md(text) -> str:
    """A table cell: pipes escaped, in LaTeX math (which GitHub renders) as \\vert and \\Vert."""
    text = str(text).replace("\n", " ")
    if "$" in text:
        return text.replace("\\|", "\\Vert ").replace("|", "\\vert ")
    return text.replace("|", "\\|")


def markdown(heads: list[dict], nums: list[dict], meta: dict) -> str:
    """The page: a heading naming the build, the headline table, the claims, every original number."""
    lines = [
        "# nnlab results",
        "",
        f"Generated by `scripts/write_results.py` from the CSVs of a `{meta['scale']}` build"
        f" (commit {meta['commit']}, {meta['machine']}); do not edit by hand."
        " Differences are ours minus the original's; verdicts are the report's own"
        " (paired tests on the same test images, seed spread added; see the report's statistics section).",
        "",
        "## A row per task",
        "",
        "| Task | Headline | Ours | Original | Difference | Verdict | Why it differs | Settings of this build that differ |",
        "|---:|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {h['task']} | {_md(h['what'])} | {_md(h['ours'])} | {h['original']} | {h['difference']} | {_md(h['verdict'])}"
        f" | {_md(h['why'] or '–')} | {_md(h['departures'] or 'none: config.yaml as shipped')} |"
        for h in heads
    ]
    lines += ["", "## The original's claims", "", "| Task | Verdict: claim — reason |", "|---:|---|"]
    lines += [f"| {h['task']} | {_md(c)} |" for h in heads for c in h["claims"]]
    lines += [
        "",
        "## Every number the original reports",
        "",
        "| Task | Quantity | Ours | Original | Difference | Verdict | Why it differs |",
        "|---:|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['task']} | {_md(r['what'])} | {r['ours']} | {r['original']} | {r['difference']} | {_md(r['verdict'])}"
        f" | {_md(r['why'] or '–')} |"
        for r in nums
    ]
    return "\n".join(lines) + "\n"
