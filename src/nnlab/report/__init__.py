"""Report: Jinja2 LaTeX rendering with escaping, discussion text from results, latexmk compile."""
