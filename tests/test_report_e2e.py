"""End to end (smoke build): tasks 22 and 23 in the PDF, the config title printed literally, and
the appendix's job table covering every job behind the report."""

import re

import pytest
from conftest import SMOKE_TITLE, pdf_text

from nnlab.results import read_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def text(smoke_build):
    return re.sub(r"\s+", " ", pdf_text(smoke_build / "results/report.pdf"))


def test_derivation_jobs_ran_and_passed(smoke_build, text):
    checks = read_rows(smoke_build / "results/task22/checks.csv")
    assert len(checks) >= 8 and all(str(c["passed"]) == "True" for c in checks)
    assert {c["kind"] for c in checks} == {"symbolic", "autograd"}
    assert "Task 22: Backpropagation on a scalar chain" in text
    assert f"Checks: {len(checks)} of {len(checks)} passed." in text
    row = read_rows(smoke_build / "results/task22/autograd.csv")[0]
    assert f"{row['w2']:.3f}".replace("-", "−") in text
    assert "the original gives h(2) =" in text  # the corrected summary formula
    facts = {r["fact"]: r for r in read_rows(smoke_build / "results/task23/derivation.csv")}
    assert facts["sigmoid_derivative_max"]["value"] == 0.25


def test_task23_section_prints_this_runs_numbers(smoke_build, text):
    assert "Task 23: Vanishing gradients" in text and "Figure 1: Task 23" in text
    for r in read_rows(smoke_build / "results/task23/ratios.csv"):
        assert f"{r['hidden_factor_gmean']:.3f}" in text
    assert (smoke_build / "results/task23/figures/gradient_norms.pdf").stat().st_size > 5000


def test_config_title_prints_literally(smoke_build, text):
    assert SMOKE_TITLE in text
    assert "root:" not in text


def test_every_job_behind_the_report_is_in_the_appendix(smoke_build, text):
    bench = smoke_build / "results/benchmarks"
    after = {"render_report", "collect_benchmarks", "compile_report"}  # run after the table is made
    on_disk = {(p.parent.name, p.stem) for p in bench.glob("*/*.tsv") if p.parent.name not in after}
    listed = {(r["rule"], str(r["job"])) for r in read_rows(smoke_build / "results/report/benchmarks.csv")}
    assert on_disk == listed, f"jobs without register_benchmarks(...): {sorted(on_disk - listed)}"
    assert "Jobs. Wall time, CPU time and peak memory" in text
    for rule, job in listed:
        assert f"{rule} {job}" in text


def test_summary_states_a_result_for_every_task(smoke_build, text):
    """Every task has a summary line with its result; none sends the reader to its section."""
    summary = text[text.index("Summary") : text.index("Contents")]
    assert "see its section" not in summary
    ids = [int(i) for i in re.findall(r"Task (\d+)\. ", summary)]
    assert ids == [22, 23, 24, 25, 27, 28, 29, 30, 31, 32, 33]
    lines = re.split(r"Task \d+\. ", summary)[1:]
    for task_id, line in zip(ids, lines, strict=True):  # task 22's result is a count of checks, the rest measured
        assert re.search(r"\d" if task_id == 22 else r"\d\.\d", line), (
            f"task {task_id}'s line has no number: {line[:200]}"
        )
    # the tasks with an original number say whether ours agrees with it
    for task_id, line in zip(ids, lines, strict=True):
        if task_id in (27, 29, 30):
            assert re.search(r"agrees|differs|cannot be judged", line), f"task {task_id}: {line[:300]}"
    assert "batch size 10" in summary and "protocol" in summary  # task 25's readings, task 29's protocols
    assert "Glorot-uniform weights [" in text  # the setup paragraphs say which initialisation ran (and cite it)
