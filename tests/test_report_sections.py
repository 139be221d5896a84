"""The report as a whole and the sections of tasks 22 and 23, rendered from fixture data.

The fixture CSVs are written by the real package functions (sympy derivation, summaries of fake
gradient-norm runs, benchmark files), then the real builders and templates turn them into LaTeX.
"""

import hashlib
import re
import shutil
import types

import pytest
import yaml
from conftest import ROOT, pdf_text
from test_derivations import ORIGINAL
from test_gradnorms import fake_summary

from nnlab.gradients import derivations
from nnlab.precision import report_facts
from nnlab.report import common
from nnlab.report.benchmarks import collect, earlier_attempts, measured, totals
from nnlab.report.build import render
from nnlab.report.compile import compile_pdf, overflows
from nnlab.report.scorecard import claims
from nnlab.report.sections import MODULES, SECTIONS, TASKS, build_all, required, section
from nnlab.results import read_rows, write_rows
from nnlab.words import MissingWord

CFG22 = {"layers": 3, "check_points": 3, "check_range": [-1.5, 1.5], "check_seed": 5, "rtol": 1e-10}
CFG23 = {
    "dataset": "mnist", "activations": ["sigmoid", "relu"], "depths": [4, 8], "width": 8,
    "optimizer": "adam", "lr": 0.001, "batch_size": 128, "epochs": 1, "measure_samples": 100, "seeds": [1, 2],
}  # fmt: skip


def task22_inputs(tmp, original=ORIGINAL):
    r = derivations.verify(3, CFG22["check_points"], -1.5, 1.5, CFG22["check_seed"], CFG22["rtol"])
    paths = {k: str(tmp / f"t22_{k}.csv") for k in ("expressions", "autograd", "checks", "original")}
    write_rows(paths["expressions"], r["expressions"])
    write_rows(paths["autograd"], r["autograd"])
    write_rows(paths["checks"], r["checks"])
    write_rows(
        paths["original"],
        derivations.compare_with_original(r["exprs"], original),
        ["name", "lhs", "original", "ours", "agrees"],
    )
    return {f"task22_{k}": v for k, v in paths.items()}


def task23_inputs(tmp, decays=None):
    (tmp / "runs").mkdir(exist_ok=True)
    layers, ratios = fake_summary(tmp / "runs", **({"decays": decays} if decays else {}))
    paths = {
        "task23_norms": str(tmp / "t23_norms.csv"),
        "task23_ratios": str(tmp / "t23_ratios.csv"),
        "task23_derivation": str(tmp / "t23_derivation.csv"),
        "task23_figure": str(tmp / "t23_figure.pdf"),
    }
    write_rows(paths["task23_norms"], layers)
    write_rows(paths["task23_ratios"], ratios)
    write_rows(paths["task23_derivation"], derivations.activation_facts(CFG23["depths"]))
    from nnlab.gradients.figures import norms_by_layer

    norms_by_layer(layers, paths["task23_figure"])
    return paths


def benchmark_rows(tmp, restored=None):
    root = tmp / "benchmarks"
    header = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
    files = {"derive_task22/all.tsv": "6.66\t0:00:06\t554.84\t1\t1\t1\t0\t0\t40\t2.94\n",
             "gradnorms_task23/relu_depth4_seed1.tsv": "12.3\t0:00:12\t-\t-\t-\t-\t-\t-\t-\t4.76\n"}  # fmt: skip
    for name, line in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(header + line)
    # the gradient job was stopped after epoch 2 of 3 and resumed: its log says so, its timing.csv
    # (beside the checkpoint) keeps the seconds of all three epochs
    run, logs = tmp / "run", tmp / "logs"
    run.mkdir(exist_ok=True)
    (run / "timing.csv").write_text("epoch,seconds\n1,5.0\n2,7.0\n3,11.0\n")
    (logs / "gradnorms_task23").mkdir(parents=True, exist_ok=True)
    (logs / "gradnorms_task23/relu_depth4_seed1.log").write_text(
        f"run ...\nresuming from {run / 'checkpoint.pt'} after epoch 2/3\nepoch 3/3 ...\n"
    )
    return collect(sorted(str(root / n) for n in files), root, logs, restored)


def restored_record(tmp):
    """The results archive's record (results/restored.json) of a restore that put task 22's derivation in
    place (its benchmark is still the archived file) and task 23's gradient job, which was trained again
    since (its benchmark file is its own now)."""
    root = tmp / "benchmarks"
    derive, grad = root / "derive_task22/all.tsv", root / "gradnorms_task23/relu_depth4_seed1.tsv"
    sha = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    build = {"commit": "0123456789abcdef0123", "date": "2025-01-31", "cpu": "Xeon (family 6, model 143; amx_bf16)",
             "precision": ["bfloat16", "float32"], "configfiles": []}  # fmt: skip
    return {"build": build, "stale": [], "restored": [
        {"rule": "derive_task22", "wildcards": {}, "benchmark": str(derive), "sha256": sha(derive)},
        {"rule": "gradnorms_task23", "wildcards": {}, "benchmark": str(grad), "sha256": "0" * 64},
    ]}  # fmt: skip


def render_report(tmp, inputs, title="A title", scale="smoke", changed=(), language="en", original=None,
                  report=ROOT / "report", restored=False):  # fmt: skip
    cfg = {"scale": scale, "task22": CFG22, "task23": CFG23, "report": {"title": title, "author": "me"}}
    original = original if original is not None else yaml.safe_load((ROOT / "report/original.yaml").read_text())
    sections, missing = build_all(inputs, cfg, original, lambda p: p, list(changed))
    rows = benchmark_rows(tmp)
    record = restored_record(tmp) if restored else None  # of the files just written
    rows = benchmark_rows(tmp, record) if restored else rows
    tex = tmp / "main.tex"
    render(
        report / language,
        tex,
        {
            "title": title, "author": "me", "scale": scale, "tasks": list(TASKS), "sections": sections, "unfinished": [], "missing_inputs": missing,
            "changed": list(changed), "claims": claims(sections, original), "software": common.software(),
            "commit": common.commit(ROOT), "machine": common.machine(), "precision": report_facts("auto"),
            "benchmarks": measured(rows), "benchmark_totals": totals(measured(rows)),
            "restored_build": record and record["build"],
        },
    )  # fmt: skip
    return tex, sections


def test_benchmarks_are_parsed(tmp_path):
    rows = benchmark_rows(tmp_path)
    assert [(r["rule"], r["job"]) for r in rows] == [
        ("derive_task22", "all"),
        ("gradnorms_task23", "relu_depth4_seed1"),
    ]
    assert rows[0]["seconds"] == 6.66 and rows[0]["max_rss_mb"] == 554.84 and rows[1]["cpu_seconds"] == 4.76
    assert rows[1]["max_rss_mb"] != rows[1]["max_rss_mb"]  # "-" -> NaN
    t = totals(rows)
    assert t["jobs"] == 2 and t["max_rss_mb"] == 554.84
    # the resumed job's earlier attempt trained epochs 1-2 (5 + 7 s): added to its wall time and the total
    assert (rows[0]["resumed_after"], rows[1]["resumed_after"]) == (0, 2) and rows[1]["earlier_seconds"] == 12.0
    assert [r["wall_seconds"] for r in measured(rows)] == [6.66, pytest.approx(24.3)]
    assert t["seconds"] == pytest.approx(18.96 + 12.0) and t["earlier_seconds"] == 12.0 and t["resumed"] == 1


def test_a_restored_job_is_marked_while_its_benchmark_file_is_the_archived_one(tmp_path):
    benchmark_rows(tmp_path)
    record = restored_record(tmp_path)
    rows = benchmark_rows(tmp_path, record)
    # the derivation's file is the archived one; the gradient job's is not (trained again since)
    assert [r["restored"] for r in rows] == [True, False]
    assert not any(r["restored"] for r in benchmark_rows(tmp_path))  # no record: nothing restored
    # through the table's CSV, as the render reads it
    write_rows(tmp_path / "table.csv", rows, list(rows[0]))
    back = measured(read_rows(tmp_path / "table.csv"))
    assert [r["restored"] for r in back] == [True, False] and totals(back)["restored"] == 1


def test_the_title_page_and_the_job_table_say_what_was_restored(tmp_path):
    tex, _ = render_report(tmp_path, {}, restored=True)
    body = " ".join(tex.read_text().split())
    title = body.split("\\begin{titlepage}")[-1].split("\\end{titlepage}")[0]
    assert (
        "The results of 1 of the 2 jobs behind this report were restored from the results archive built on "
        "2025-01-31 at commit 0123456789ab on Xeon (family 6, model 143; amx\\_bf16) (precision bfloat16, float32); "
        "the others ran in this build." in title
    )
    # the restored row is marked; the job trained again since is not
    assert "\\texttt{all} & 6.7\\,\\ddag &" in body and "24.3\\,\\dag &" in body
    assert "\\ddag{} restored from the results archive (1 of 2 jobs)" in body
    # nothing restored: no sentence, no mark
    (tmp_path / "plain").mkdir()
    plain = render_report(tmp_path / "plain", {})[0].read_text()
    assert "results archive" not in plain and "\\ddag" not in plain


def test_a_resumed_job_without_its_timing_file_is_counted_but_not_guessed(tmp_path):
    log = tmp_path / "job.log"
    log.write_text(f"resuming from {tmp_path / 'gone/checkpoint.pt'} after epoch 4/10\n")
    earlier = earlier_attempts(log)
    assert earlier["resumed_after"] == 4 and earlier["earlier_seconds"] != earlier["earlier_seconds"]  # NaN
    assert earlier_attempts(tmp_path / "no.log") == {"resumed_after": 0, "earlier_seconds": 0.0}


def test_whole_report_compiles_with_fixture_sections(tmp_path):
    inputs = task22_inputs(tmp_path) | task23_inputs(tmp_path)
    changed = [
        {"key": "task23.depths", "ours": [4], "default": [10, 20], "given": False},
        {"key": "task23.report_name_#1", "ours": "a_b", "default": "(not set)", "given": False},
        {"key": "task24.epochs", "ours": 3, "default": 10, "given": True},
    ]
    tex, sections = render_report(tmp_path, inputs, changed=changed)
    compile_pdf(tex, tmp_path / "report.pdf", tmp_path / "tex.log")
    # every table (the appendix's too) within the margins: no overfull box from an alignment
    assert not overflows((tmp_path / "tex.log").read_text(), tex.read_text())
    assert "/work/" not in tex.read_text() and str(tmp_path) not in tex.read_text()  # no path of this machine
    text = re.sub(r"\s+", " ", pdf_text(tmp_path / "report.pdf"))
    for heading in ("Summary", "Task 22: Backpropagation on a scalar chain", "Task 23: Vanishing gradients",
                    "Conclusion", "References", "Appendix: how this report was built"):  # fmt: skip
        assert heading in text
    # task 22: the checks, a value of the autograd table, the correction of the original's h(2)
    assert "Checks: 9 of 9 passed." in text and "Corrections to the original" in text
    # the appendix: the resumed job marked, its earlier attempt's 12 s in its row and in the total
    assert "1 job was stopped and resumed from a checkpoint (marked †)" in text and "adds the 12.0 s" in text
    assert "relu_depth4_seed1 24.3 †" in text and "jobs took 31.0 s of wall time" in text
    first = read_rows(inputs["task22_autograd"])[0]
    assert f"{first['x']:.3f}".replace("-", "−") in text
    assert "the original gives h(2) =" in text and "9 agree, and 1 differs" in text
    # task 23: table and discussion from the fixture's ratios (sigmoid decays 0.2 per layer)
    assert "Table 2: Task 23" in text and "multiplied by 0.200 per layer" in text
    assert "orders of magnitude less gradient to its first layer" in text
    assert "At every depth run, then, the sigmoid network" in text
    # the report as a whole: not-run boxes for the other tasks, references, benchmarks
    assert text.count("Not run.") == len(TASKS) - 2
    assert "Mölder" in text and "Kingma" in text and "McMahan" in text and "Krizhevsky" in text and "LeCun" in text
    assert "derive_task22" in text and "relu_depth4_seed1" in text and "554.84" not in text and "555" in text
    assert sorted(sections) == [22, 23]
    # what the scale changed: only what the original states counts as a departure; all are listed (escaped)
    # in the appendix, "not given" where the original is silent; the section names its own
    assert "1 setting the original states differs" in text
    appendix = text.split("Settings changed from config.yaml")[1].split("Jobs.")[0]
    for cell in ("task23.depths", "[4]", "[10, 20]", "task23.report_-name_#1", "a_b", "(not set)", "not given"):
        assert cell.replace("-", "") in appendix.replace("-", "")
    assert "depths [4] (config.yaml: [10, 20]; not given by the original)" in text
    assert "Configuration." not in text  # not every key: what changed, the software and the commit
    assert f"Workflow commit {common.commit(ROOT)}" in text
    # the scorecard opens the report: the original's claims of tasks 22 and 23 with a verdict
    # (the tex: pdftotext interleaves a table's columns)
    card = " ".join(tex.read_text().split("Claims scorecard.")[1].split("\\tableofcontents")[0].split())
    assert "\\textbf{reproduced}: the derivatives agree; the one wrong formula is a transcription slip" in card
    assert "the sigmoid causes the vanishing-gradient problem" in card and card.count("(its §") == 2


def test_whole_report_compiles_in_japanese_with_the_same_numbers(tmp_path):
    inputs = task22_inputs(tmp_path) | task23_inputs(tmp_path)
    title = "日本語のレポート naïve Ωμέγα"
    tex, _ = render_report(tmp_path, inputs, title=title, language="ja", restored=True)
    compile_pdf(tex, tmp_path / "report.pdf", tmp_path / "tex.log")
    text = re.sub(r"\s+", " ", pdf_text(tmp_path / "report.pdf"))
    for heading in (
        "概要",
        "課題 22: スカラーの連鎖における誤差逆伝播法",
        "課題 23: 勾配消失問題",
        "まとめ",
        "参考文献",
    ):
        assert heading in text
    assert title in text and "検査: 9 件中 9 件が合格。" in text and text.count("未実行。") == len(TASKS) - 2
    for r in read_rows(inputs["task23_ratios"]):
        assert f"{r['hidden_factor_gmean']:.3f}" in text
    # a job restored from the results archive: the title page names the archive's build, the table marks it
    squeezed = text.replace(" ", "")  # a line may break anywhere in Japanese
    assert "2個のジョブのうち1個の結果は、2025-01-31にコミット0123456789abから" in squeezed and "6.7‡" in squeezed


def test_task23_discussion_follows_the_data(tmp_path):
    # no vanishing in this fixture: the text must not claim the predicted gap
    tex, _ = render_report(tmp_path, task23_inputs(tmp_path, decays={"sigmoid": 1.0, "relu": 1.0}))
    body = tex.read_text()
    assert "do not show the predicted gap" in body and "At every depth, then" not in body
    assert "does not\npass less gradient" in body or "does not pass less gradient" in body


def test_task22_original_that_agrees(tmp_path):
    fixed = dict(ORIGINAL, h2="w2**2*x**4")
    tex, sections = render_report(tmp_path, task22_inputs(tmp_path, fixed))
    assert not sections[22]["wrong"] and "all agree" in tex.read_text()


def test_nasty_title_is_escaped_in_the_rendered_tex(tmp_path):
    nasty = r"\input{/etc/passwd} 100% $x$ & #1 a_b ^c ~d {e} é"
    tex, _ = render_report(tmp_path, {}, title=nasty)
    body = tex.read_text()
    assert r"\textbackslash{}input\{/etc/passwd\} 100\% \$x\$ \& \#1 a\_b" in body
    assert "\\input{/etc" not in body


def test_sci_filter():
    from nnlab.report.latex import sci

    assert sci(-1.2345e-5) == r"$-1.23\times 10^{-5}$" and sci(4672.14, 2) == r"$4.7\times 10^{3}$"
    assert sci(11.94) == "$11.9$" and sci(0.0195, 3) == "$0.0195$" and sci(float("nan")) == "--"


def test_changed_settings_list_what_a_scale_reduced():
    original = {"scale": "full", "report": {"title": "A"}, "task24": {"epochs": 10, "seeds": [1, 2, 3], "lr": 0.001}}
    quick = {"scale": "quick", "report": {"title": "B"}, "task24": {"epochs": 3, "seeds": [1], "lr": 0.001},
             "task99": {"x": 1}}  # fmt: skip
    assert common.changed_settings(quick, original) == [
        ("task24.epochs", 3, 10),
        ("task24.seeds", [1], [1, 2, 3]),
        ("task99.x", 1, "(not set)"),
    ]  # the scale's name and the report's title are labels, not settings
    assert common.changed_settings(original, original) == []


def test_section_contract_derives_the_registries():
    """Each section module declares its task, title and required inputs; the registries follow."""
    assert TASKS == tuple(sorted(SECTIONS)) == (22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33)
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    ja = yaml.safe_load((ROOT / "report/ja/terms.yaml").read_text(encoding="utf-8"))
    for task, module in SECTIONS.items():
        assert module.title and task in ja["tasks"], task
        names = required(task, config)
        assert names and all(n.startswith(f"task{task}_") for n in names), (task, names)
    assert required(33, config) == [f"task33_{d}_{k}" for d in ("mnist", "cifar10") for k in
                                    ("final", "history", "samples", "reconstructions", "elbo")]  # fmt: skip


def test_every_section_module_keeps_the_contract():
    """The results page's members are part of the one contract (nnlab.report.sections), checked for every module."""
    assert [m.__name__.rsplit(".", 1)[1] for m in MODULES] == [f"task{t}" for t in TASKS]
    for module in MODULES:
        s = section(module)
        assert s.task == module.TASK and s.headline is module.headline and s.build is module.build
        assert s.original_numbers is getattr(module, "original_numbers", s.original_numbers)
    # a module that breaks it is refused, naming the module and what is wrong
    old = types.ModuleType("nnlab.report.sections.task99")
    old.TASK, old.TITLE, old.REQUIRED = 99, "Old", ("task99_table",)
    old.build = lambda inputs, cfg, original, rel: {}
    old.headline = lambda s: {"what": "x", "text": "y"}  # the page's words now come as `terms`
    with pytest.raises(TypeError, match=r"task99 breaks the section contract.*headline\(s\) should take \(s, terms\)"):
        section(old)
    del old.build
    old.required = lambda config: []
    with pytest.raises(TypeError, match=r"no build.*either REQUIRED or required\(config\)"):
        section(old)
    # a section without its own numbers or reasons: none (the page then names only the reduced settings)
    plain = SECTIONS[22]  # task 22: the original gives formulas, no numbers
    assert plain.original_numbers({}, {}) == [] and plain.why({}, {}, {}) == []


def test_a_word_missing_from_a_language_stops_the_render_naming_it(tmp_path):
    """A builder emits keys (here task 23's activations); the language's terms.yaml must word each."""
    report = tmp_path / "report"
    shutil.copytree(ROOT / "report", report)
    terms = report / "en/terms.yaml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("  relu: ReLU\n", ""), encoding="utf-8")
    inputs = task22_inputs(tmp_path) | task23_inputs(tmp_path)
    with pytest.raises(MissingWord, match=rf"{re.escape(str(terms))} has no word for activation\.relu"):
        render_report(tmp_path, inputs, report=report)


def test_a_section_missing_an_input_is_not_run_naming_it(tmp_path):
    """Results present but a figure missing (a partial report): the section says so instead of failing."""
    inputs = task22_inputs(tmp_path) | task23_inputs(tmp_path)
    del inputs["task23_figure"]
    tex, sections = render_report(tmp_path, inputs)
    body = tex.read_text()
    assert sorted(sections) == [22]
    assert "Some of this task's results are missing" in body and "task23\\_figure" in body
    assert body.count("\\notrun{") == len(TASKS) - 1
    # only an optional input (a dataset's sidecar) and no results: the task did not run, nothing is "missing"
    sections, missing = build_all({"task24_data": "mnist.json"}, {"task24": {}}, {}, str)
    assert sections == {} and missing == {}
