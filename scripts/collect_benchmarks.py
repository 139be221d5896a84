"""Gather the benchmark files of the jobs behind the report into one CSV (rule collect_benchmarks)."""

from nnlab.logs import tee_to
from nnlab.report.benchmarks import collect, restored_record
from nnlab.results import write_rows

sm = snakemake  # noqa: F821 - injected by Snakemake's script: directive

with tee_to(sm.log[0]):
    # the results archive's record, where `make report` restored jobs (an empty input otherwise)
    restored = restored_record(list(sm.input.restored))
    rows = collect(list(sm.input.benchmarks), sm.params.root, sm.params.logs, restored)
    columns = ["rule", "job", "seconds", "cpu_seconds", "max_rss_mb", "resumed_after", "earlier_seconds", "restored"]
    write_rows(sm.output.table, rows, columns)
    print(f"{len(rows)} jobs -> {sm.output.table}")
