# make examples  - set up (.venv with derivgen, TeX if missing), then build example PDFs into output/
#                  and grade the example class (output/backprop-homework-graded/)
# make test      - the same set-up plus the test extras and Chromium, then the tests (LaTeX and
#                  headless-browser tests included) and ruff
# make deps      - only the set-up for examples; safe to run again, it skips what is there
#
# Python packages go into a virtual environment in the checkout ($(VENV)), never into the
# system Python (which Debian 12 and Ubuntu 24.04 mark EXTERNALLY-MANAGED). TeX comes from
# Debian's packages via apt-get (with sudo when not root) when latexmk or pdflatex is missing;
# elsewhere the set-up stops with one line saying what to install. The tests also need a
# headless Chromium (they render derivgen's HTML pages in it): Debian's chromium package, the
# same way, when no chromium is found. Recipes are plain /bin/sh.

PYTHON ?= python3
VENV ?= .venv
VENV_PYTHON = $(VENV)/bin/python
TEX_PACKAGES = texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern latexmk
PIP_INSTALL = $(VENV_PYTHON) -m pip install --quiet --disable-pip-version-check

BROWSERS = chromium chromium-browser google-chrome

.PHONY: all deps tex browser venv examples test

all: test

# Runs `apt-get $(1)` as root, with sudo when there is one; fails with a line otherwise.
define as_root
	if [ "$$(id -u)" -eq 0 ]; then env DEBIAN_FRONTEND=noninteractive apt-get $(1); \
	elif command -v sudo >/dev/null 2>&1; then sudo env DEBIAN_FRONTEND=noninteractive apt-get $(1); \
	else echo "make: installing $(2) needs root or sudo" >&2; exit 1; fi
endef

tex:
	@if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing TeX from Debian's packages (about 350 MB)"; \
		$(call as_root,update -qq,TeX) && $(call as_root,install -y -qq --no-install-recommends $(TEX_PACKAGES),TeX); \
	else \
		echo "make: latexmk and pdflatex are missing: install TeX Live (macOS: brew install" \
			"--cask mactex-no-gui; Windows: MiKTeX or TeX Live), then run make again" >&2; \
		exit 1; \
	fi

browser:
	@if (for b in $(BROWSERS); do command -v $$b && exit 0; done; exit 1) >/dev/null 2>&1; then :; \
	elif command -v apt-get >/dev/null 2>&1; then \
		echo "make: installing Chromium from Debian's packages, for the tests of the HTML pages"; \
		$(call as_root,update -qq,Chromium) && $(call as_root,install -y -qq --no-install-recommends chromium,Chromium); \
	else \
		echo "make: the tests render pages in a headless Chromium: install Chromium or Google" \
			"Chrome, then run make test again" >&2; \
		exit 1; \
	fi

# A venv that has pip; on Debian without python3-venv, that package first.
venv:
	@if [ -x $(VENV_PYTHON) ] && $(VENV_PYTHON) -m pip --version >/dev/null 2>&1; then :; \
	else \
		rm -rf $(VENV); \
		if ! $(PYTHON) -m venv $(VENV) >/dev/null 2>&1; then \
			rm -rf $(VENV); \
			if command -v apt-get >/dev/null 2>&1; then \
				echo "make: installing python3-venv from Debian's packages"; \
				$(call as_root,update -qq,python3-venv) && $(call as_root,install -y -qq python3-venv,python3-venv); \
			fi; \
			$(PYTHON) -m venv $(VENV) || { echo "make: $(PYTHON) -m venv failed; install Python's venv module" >&2; exit 1; }; \
		fi; \
		echo "make: created $(VENV)"; \
	fi

deps: tex venv
	$(PIP_INSTALL) -e .

examples: deps
	$(VENV)/bin/derivgen derive "y = W x" "dy[3]/dx[7]" --format pdf -o output/y-equals-Wx.pdf
	$(VENV)/bin/derivgen derive "y = x W" "dy/dW" --shape x=1,D --shape W=D,C --format pdf \
		-o output/y-equals-xW-by-W.pdf
	$(VENV)/bin/derivgen worksheet examples/note-examples.toml --variants 3 --outdir output
	$(VENV)/bin/derivgen worksheet examples/backprop-homework.toml --variants 3 --outdir output
	$(VENV)/bin/derivgen export moodle examples/note-examples.toml --variants 3
	$(VENV)/bin/derivgen grade examples/backprop-homework.toml examples/backprop-homework-answers.csv \
		--variants 3 --outdir output/backprop-homework-graded

test: tex browser venv
	$(PIP_INSTALL) -e '.[test]'
	$(VENV_PYTHON) -m pytest
	$(VENV_PYTHON) -m ruff check .
