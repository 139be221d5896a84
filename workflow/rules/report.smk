REPORT_TEMPLATES = sorted(str(p) for p in Path("report").rglob("*.tex.j2"))


def report_inputs(wildcards=None):
    """All tasks' tables and figures; with `partial_report: true`, only those that exist now,
    so a report can be built after some jobs failed (their tasks then show "not run")."""
    if not config["partial_report"]:
        return REPORT_INPUTS
    return {k: v for k, v in REPORT_INPUTS.items() if Path(v).exists()}


def report_figures(wildcards=None):
    return [p for p in report_inputs().values() if p.endswith((".pdf", ".png"))]


rule render_report:
    """Fill the LaTeX templates with this run's tables, figures, config and the original's numbers."""
    input:
        unpack(report_inputs),
        templates=REPORT_TEMPLATES,
        original="report/original.yaml",
        code=REPORT_CODE,
    output:
        tex="results/report/main.tex",
    params:
        config=config,
        template_dir="report",
        # tasks that have rules in this workflow: one without results is marked as not finished
        registered=sorted({int(k.split("_")[0].removeprefix("task")) for k in REPORT_INPUTS}),
    log:
        log_path("render_report"),
    benchmark:
        bench_path("render_report")
    message:
        "Rendering the LaTeX report"
    threads: 1
    resources:
        mem_mb=500,
        runtime=5,
    conda:
        ENV_REPORT
    script:
        "../../scripts/render_report.py"


rule compile_report:
    """Compile the report with latexmk (no shell escape, stop on first error)."""
    input:
        tex="results/report/main.tex",
        figures=report_figures,
        code=code("report/compile.py"),
    output:
        pdf=report("results/report.pdf", caption="../report/pdf.rst", category="Report"),
    log:
        log_path("compile_report"),
    benchmark:
        bench_path("compile_report")
    message:
        "Compiling the PDF report with latexmk"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        ENV_REPORT
    script:
        "../../scripts/compile_report.py"
