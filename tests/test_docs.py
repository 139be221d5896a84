"""The published report in docs/: what the README quotes of it is what the build wrote."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_readme_quotes_the_published_results_page_verbatim():
    """The README's results rows are copied from docs/results.md (generated, never typed): each must be
    a line of it, so a republished page whose numbers changed fails here until the README follows."""
    page = (ROOT / "docs/results.md").read_text(encoding="utf-8").splitlines()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quoted = readme.split("<!-- results.md rows -->")[1].split("<!-- end -->")[0].strip().splitlines()
    assert len(quoted) >= 6  # a header, its rule and at least four tasks
    missing = [line for line in quoted if line not in page]
    assert not missing, f"README rows not in docs/results.md (republished? copy them again): {missing}"


def test_published_report_is_a_full_build():
    pdf, page = ROOT / "docs/report.pdf", (ROOT / "docs/results.md").read_text(encoding="utf-8")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size < 5 * 2**20
    assert "CSVs of a `full` build" in page
