# make examples  - install what is missing, then build the example PDFs into output/
# make test      - install what is missing, then run the tests (LaTeX included) and ruff
# make deps      - only the installing; safe to run again, it skips what is already there
#
# Recipes are plain /bin/sh. TeX comes from Debian's packages via apt-get (with sudo when not
# root); Python packages go into the environment of $(PYTHON).

PYTHON ?= python3
DERIVGEN ?= derivgen
TEX_PACKAGES = texlive-latex-base texlive-latex-recommended texlive-latex-extra lmodern \
	latexmk poppler-utils

.PHONY: all deps examples test

all: test

deps:
	@if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1; then \
		:; \
	else \
		if [ "$$(id -u)" -eq 0 ]; then SUDO=; \
		elif command -v sudo >/dev/null 2>&1; then SUDO=sudo; \
		else echo "make deps: latexmk/pdflatex are missing; installing them needs root or sudo" >&2; exit 1; fi; \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "make deps: latexmk/pdflatex are missing and apt-get is not available;" \
				"install a TeX distribution with latexmk and pdflatex, then run make again" >&2; \
			exit 1; \
		fi; \
		echo "make deps: installing LaTeX from Debian's packages (about 350 MB)"; \
		$$SUDO apt-get update && \
		$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
			$(TEX_PACKAGES); \
	fi
	PIP_ROOT_USER_ACTION=ignore $(PYTHON) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
	@command -v $(DERIVGEN) >/dev/null 2>&1 || { \
		echo "make deps: derivgen was installed but is not on PATH; add this directory to PATH:" \
			"$$($(PYTHON) -c 'import sysconfig; print(sysconfig.get_path("scripts"))')" >&2; \
		exit 1; }

examples: deps
	$(DERIVGEN) derive "y = W x" "dy[3]/dx[7]" --format pdf -o output/y-equals-Wx.pdf
	$(DERIVGEN) derive "y = x W" "dy/dW" --shape x=1,D --shape W=D,C --format pdf \
		-o output/y-equals-xW-by-W.pdf
	$(DERIVGEN) worksheet examples/note-examples.toml --variants 3 -o output
	$(DERIVGEN) worksheet examples/backprop-homework.toml --variants 3 -o output

test: deps
	$(PYTHON) -m pytest
	$(PYTHON) -m ruff check .
