# nnlab: one command to set up and build the report, one to set up and test.
#   make report   full rebuild (snakemake --cores <CPUs>)    make smoke   synthetic data, minutes
#   make test     the whole test suite (what CI runs)     make setup   just the environment
#   make test-fast  all but the end-to-end workflow runs (minutes)
SHELL := /bin/bash
PY := .venv/bin/python
VENV_STAMP := .venv/.installed
# LuaLaTeX with luatexja (Japanese), the report's fonts (Latin Modern, DejaVu, IPAex) and fontconfig,
# which finds them; the Japanese and LuaTeX part adds 443 MB (119 MB download, about 2 minutes).
TEX_PACKAGES := texlive-latex-base texlive-latex-recommended texlive-latex-extra \
	texlive-pictures texlive-science texlive-luatex texlive-lang-japanese lmodern latexmk poppler-utils \
	fontconfig fonts-lmodern fonts-dejavu-core fonts-ipaexfont-mincho fonts-ipaexfont-gothic
SNAKEMAKE := .venv/bin/snakemake
# A build killed outright leaves Snakemake's lock; clear it when no Snakemake runs here, so the same
# command resumes the build (workflow/lib/nnlab_workflow/locks.py).
UNLOCK := $(PY) workflow/lib/nnlab_workflow/locks.py
# One 1-thread training job per CPU (config `threads: 1`): more jobs than CPUs only slow each other.
CORES ?= $(shell nproc 2>/dev/null || echo 4)

.PHONY: setup tex report quick smoke test test-fast bench publish status clean

setup: $(VENV_STAMP) tex

# Reinstall only when the pins change: a second `make setup` takes a second.
$(VENV_STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $@

tex:
	@if command -v latexmk >/dev/null && command -v lualatex >/dev/null && command -v pdftoppm >/dev/null \
		&& kpsewhich luatexja.sty >/dev/null && command -v fc-list >/dev/null \
		&& fc-list :family=IPAexMincho | grep -q . && fc-list :family=IPAexGothic | grep -q . \
		&& fc-list ":family=DejaVu Serif" | grep -q . && fc-list ":family=Latin Modern Roman" | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		echo "Installing TeX Live (LuaLaTeX, luatexja), latexmk and fonts (Debian packages)..."; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(TEX_PACKAGES) >/dev/null \
		|| { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(TEX_PACKAGES) >/dev/null; }; \
	else \
		echo "TeX Live (LuaLaTeX, luatexja)/latexmk/fonts missing. Install them with:"; \
		echo "  sudo apt-get install --no-install-recommends $(TEX_PACKAGES)"; exit 1; \
	fi

# The published full build's results: a job whose rule, settings, code and inputs equal an archived
# job's is restored from it instead of trained, once the datasets are cached (workflow/lib/
# nnlab_workflow/archive.py); a damaged or foreign archive says so in one line and the build trains.
# RETRAIN=all ignores the archive.
ARCHIVE := docs/full-results.tar.xz
ARCHIVE_TOOL := $(PY) workflow/lib/nnlab_workflow/archive.py

# --keep-going: a failed job (e.g. out of memory) does not stop the other tasks; then a second pass
# builds the report from what finished, marking the failed tasks "not run", and make still fails.
report: setup
	$(UNLOCK)
	@if [ "$(RETRAIN)" != all ] && [ -f $(ARCHIVE) ]; then \
		$(SNAKEMAKE) --cores $(CORES) --until prepare_dataset --quiet && { $(ARCHIVE_TOOL) restore $(ARCHIVE) || true; }; fi
	$(SNAKEMAKE) --cores $(CORES) --keep-going || { \
		echo "Some jobs failed (see above). Building the report from the results that exist..."; \
		$(SNAKEMAKE) --cores $(CORES) --config partial_report=True; exit 1; }

# Copy a finished full build's PDF and results page into docs/ (refused, naming why, for anything else).
publish: setup
	$(PY) -m nnlab.report.publish results docs
	$(ARCHIVE_TOOL) pack $(ARCHIVE)

# Which archived results no longer match the code or settings (they train again in `make report`).
status: setup
	$(ARCHIVE_TOOL) status $(ARCHIVE)

# Every task on the real data at reduced settings (scales/quick.yaml): about 7 minutes on 2 idle cores.
quick: setup
	$(UNLOCK)
	$(SNAKEMAKE) --cores 2 --configfile scales/quick.yaml --keep-going

smoke: setup
	$(UNLOCK)
	$(SNAKEMAKE) --cores 2 --configfile scales/smoke.yaml

# Every test, one worker per CPU (pytest-xdist); a test file runs on one worker (the Slurm tests share
# one cluster), and the smoke build is made once for all workers (tests/conftest.py).
test: setup
	$(PY) -m pytest -q -n $(CORES) --dist loadfile --no-loadscope-reorder

# The edit-test loop: everything but the end-to-end workflow runs (marked slow). CI runs `make test`.
test-fast: setup
	$(PY) -m pytest -q -n $(CORES) --dist loadfile --no-loadscope-reorder -m "not slow"

# Speed: our engine vs the usual PyTorch pipeline, FLOP/s vs torch.mm, workflow overhead.
bench: setup
	$(PY) benchmarks/run.py

clean:
	rm -rf results .snakemake
