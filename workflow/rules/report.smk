# The language's templates and the shared preamble.
REPORT_TEMPLATES = sorted(str(p) for p in [*REPORT_DIR.rglob("*.tex.j2"), Path("report/preamble.tex.j2")])


rule collect_benchmarks:
    """Tabulate wall time, CPU time and peak memory of every job behind the report (its benchmark files)."""
    input:
        benchmarks=report_benchmarks,
        restored=archive_record,
    output:
        table="results/report/benchmarks.csv",
    conda:
        ENV_REPORT
    params:
        root=BENCH_ROOT,
        logs=LOG_ROOT,  # a resumed job's log names its checkpoint: its earlier attempts' epochs are added
    message:
        "Collecting the jobs' wall time and peak memory for the appendix"
    script:
        "../../scripts/collect_benchmarks.py"


rule render_report:
    """Fill the LaTeX templates with this run's tables, figures, config and the original's numbers."""
    input:
        unpack(report_inputs),
        main_template=str(REPORT_DIR / "main.tex.j2"),
        templates=REPORT_TEMPLATES,
        terms=str(REPORT_DIR / "terms.yaml"),
        original="report/original.yaml",
        benchmarks=rules.collect_benchmarks.output.table,
        restored=archive_record,
    output:
        tex="results/report/main.tex",
    conda:
        ENV_REPORT
    params:
        config=config,
        defaults=DEFAULT_CONFIG,
        template_dir=lambda wildcards, input: os.path.dirname(input.main_template),
        language=config["report"]["language"],
        # tasks that have rules in this workflow: one without results is marked as not finished
        registered=sorted({int(k.split("_")[0].removeprefix("task")) for k in REPORT_INPUTS}),
    message:
        "Rendering the LaTeX report"
    script:
        "../../scripts/render_report.py"


rule write_results:
    """The results at a glance (docs/results.md when published): a row per task with our headline
    number beside the original's, the claims' verdicts, every number the original reports."""
    input:
        unpack(report_inputs),
        terms="report/en/terms.yaml",
        original="report/original.yaml",
    output:
        md=in_report("results/results.md", "results", file="results.md"),
    conda:
        ENV_REPORT
    params:
        config=config,
        defaults=DEFAULT_CONFIG,
    message:
        "Writing the results at a glance (results.md)"
    script:
        "../../scripts/write_results.py"


rule compile_report:
    """Compile the report with latexmk (no shell escape, stop on first error)."""
    input:
        tex=rules.render_report.output.tex,
        figures=report_figures,
    output:
        pdf=in_report("results/report.pdf", "pdf", file="report.pdf"),
    conda:
        ENV_REPORT
    resources:
        runtime=10,
    message:
        "Compiling the PDF report with latexmk"
    script:
        "../../scripts/compile_report.py"
