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


def _test_images(task: int, s: dict):
    """How many test images task `task`'s accuracies count (for the paired test), where known."""
    if task == 24:
        return s["facts"]["n"] if s["facts"] else None
    if task == 27:
        return (s["facts"]["best_vs"] or {}).get("n")
    if task == 29:
        return (s["facts"].get("winner_vs") or {}).get("n")
    if task == 30:
        d = next((d for d in s["datasets"] if d["name"] == "cifar10"), s["datasets"][0])
        return d["n_test"]
    return None


def _dataset(s: dict, row: dict) -> dict | None:
    """Task 30's dataset whose table holds `row`."""
    return next((d for d in s["datasets"] if any(r is row for r in d["rows"])), None)


def _number_rows(sections: dict) -> list[dict]:
    """(task, what, summary row, test images) for every number the original reports."""
    out = []
    if 24 in sections:
        s = sections[24]
        out += [(24, f"test accuracy, {r['name']}", r, _test_images(24, s)) for r in s["rows"]]
    if 27 in sections:
        s = sections[27]
        out += [(27, f"test accuracy, width {r['width']:,}", r, _test_images(27, s)) for r in s["rows"]]
    if 29 in sections:
        s = sections[29]
        out += [(29, f"test accuracy, {r['name']}", r, _test_images(29, s)) for r in s["rows"] if not r["all_diverged"]]
    if 30 in sections:
        for d in sections[30]["datasets"]:
            out += [(30, f"test accuracy, {r['name']}, {d['label']}", r, d["n_test"]) for r in d["rows"]]
    return [x for x in out if x[2].get("original") is not None]


def why(task: int, s: dict, row: dict, vs: dict | None, terms: dict, settings_beside: bool = False) -> str:
    """Why our number differs from the original's beyond the noise, in the facts the report gives
    for it: what the original leaves to us, how this build departs from it, and (task 29) what the
    other protocol gives. Empty where the verdict is not "differs". `settings_beside`: the page shows
    the build's departing settings in a column of their own, so name them only by reference."""
    if not vs or vs["verdict"] != "differs":
        return ""
    words, parts = terms["why"], []
    if task == 29 and row.get("seq_runs"):
        agrees = "sequential agrees" if row["seq_agrees"] else "sequential differs"
        parts.append(words[agrees].format(accuracy=_num(row["seq_test_accuracy_mean"])))
    if task == 30:
        parts.append(words["our networks"])
        d = _dataset(s, row)
        if d and d["lossy"]:
            parts.append(words["lossy"].format(dataset=d["label"]))
    if s.get("reduced"):
        parts.append(words["reduced beside"] if settings_beside else words["reduced"].format(settings=departures(s)))
    return "; ".join(parts) or words["unexplained"]


def numbers(sections: dict, terms: dict) -> list[dict]:
    """Every number the original reports, beside ours: {task, what, ours, original, difference, verdict, why}."""
    rows = []
    for task, what, r, n in _number_rows(sections):
        vs = _versus(r, n)
        rows.append({"task": task, "what": what, "ours": _mean_sd(r), "original": _num(r["original"]),
                     "difference": _points(r["test_accuracy_mean"] - r["original"]),
                     "verdict": _verdict_words(vs, terms), "why": why(task, sections[task], r, vs, terms)})  # fmt: skip
    return rows


def _headline(task: int, s: dict) -> tuple[str, str, float | None, dict | None]:
    """(what, ours, original value or None, summary row compared with it or None) for task `task`."""
    if task == 22:
        worst = max(r["max_rel_error"] for r in s["autograd"]) if s["autograd"] else math.nan
        agree = sum(r["agrees"] for r in s["compared"])
        return ("formulas vs sympy; gradients vs autograd",
                f"{agree} of {len(s['compared'])} formulas agree; max relative error {worst:.1e}", None, None)  # fmt: skip
    if task == 23:
        p = next((p for p in s["pairs"] if p["phase"] == "init"), None)
        if not p:
            return "first-layer / output gradient norm at initialisation", "–", None, None
        return (f"first-layer / output gradient norm at initialisation, depth {p['depth']}",
                f"sigmoid {p['sigmoid']['ratio_first_output_gmean']:.1e}, "
                f"ReLU {p['relu']['ratio_first_output_gmean']:.2g}", None, None)  # fmt: skip
    if task == 24:
        row = next((r for r in s["rows"] if r["loss"] == "cross_entropy"), s["rows"][0])
        return f"test accuracy, {row['name']}", _mean_sd(row), row["original"], row
    if task == 25:
        f = s["facts"]
        mean, sd = f["final_loss"]
        # a run still falling at its end has no settling epoch: that number would only measure its length
        when = (
            "still falling at the end"
            if f["still_falling"]
            else f"settled at epoch {f['settle_min']}–{f['settle_max']}"
        )
        return (f"training MSE after {f['epochs']} epochs ({when})",
                f"{mean:.4g}" + (f" ± {sd:.2g}" if f["runs"] > 1 else ""), None, None)  # fmt: skip
    if task == 27:
        best = s["facts"]["best"]
        if not best:
            return "test accuracy, best width", "–", None, None
        return f"test accuracy, best width ({best['width']:,})", _mean_sd(best), best["original"], best
    if task == 28:
        f = s["facts"]
        return (f"test accuracy after {f['epochs']} epochs (best {f['best_acc']:.4f} at epoch {f['best_acc_epoch']})",
                _mean_sd(s["summary"]), None, None)  # fmt: skip
    if task == 29:
        row = next((r for r in s["rows"] if r["optimizer"] == "adam"), None)
        if row is None:
            return "test accuracy, Adam", "–", None, None
        return "test accuracy, Adam (the original's best)", _mean_sd(row), row["original"], row
    if task == 30:
        d = next((d for d in s["datasets"] if d["name"] == "cifar10"), s["datasets"][0])
        row = next((r for r in d["rows"] if r["model"] == "cnn"), d["rows"][0])
        return f"test accuracy, {row['name']}, {d['label']}", _mean_sd(row), row["original"], row
    if task == 31:
        rows = [r for r in s["rows"] if r["method"] != "pca"]
        vals = [r["knn_selected"] for r in rows]
        mean = sum(vals) / len(vals) if vals else math.nan
        return ("k-NN accuracy of the 2-D code, digits 0/1/2 (leave-one-out)",
                f"{mean:.4f} ({len(vals)} seed{'s' if len(vals) != 1 else ''}; chance {s['facts']['chance']:.3f})",
                None, None)  # fmt: skip
    if task == 32:
        f = s["lg_facts"]
        gains = ", ".join(f"{d['name']} {d['facts']['last']['gain_over_elbo']:.2f} nats (K = {d['facts']['last']['K']})"
                          for d in s["iwae"])  # fmt: skip
        return ("bound checks; IWAE gain over the ELBO",
                f"{f['mc_within']} of {f['n']} exact checks hold" + (f"; {gains}" if gains else ""), None, None)  # fmt: skip
    if task == 33:
        parts = [f"{r['name']} {r['test_bits_per_dim']:.3f}" for r in s["runs"] if r["status"] == "ok"]
        return "test negative ELBO, bits per dimension", ", ".join(parts) or "–", None, None
    raise KeyError(f"no headline for task {task}")


def headlines(sections: dict, claims: list[dict], terms: dict) -> list[dict]:
    """A row per task with results: {task, what, ours, original, difference, verdict, why, claims, departures}; the
    original's value is "–" where it reports no number (its claims are judged in `claims`)."""
    rows = []
    for task, s in sorted(sections.items()):
        what, ours, original, row = _headline(task, s)
        if row is not None and original is not None:
            vs = _versus(row, _test_images(task, s))
            verdict, explained = _verdict_words(vs, terms), why(task, s, row, vs, terms, settings_beside=True)
            difference = _points(row["test_accuracy_mean"] - original)
        else:
            verdict, explained, difference = "–", "", "–"
        judged = [
            f"{terms['scorecard'][c['verdict']]}: {terms['claims'][c['id']]} — {terms['reasons'].get(c['reason'], c['reason'])}"
            for c in claims
            if c["task"] == task
        ]
        rows.append({"task": task, "what": what, "ours": ours, "original": _num(original) if original is not None else "–",
                     "difference": difference, "verdict": verdict, "why": explained, "claims": judged,
                     "departures": departures(s)})  # fmt: skip
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
