# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench notebooks graphviz lint docs docs-check browser clean

$(STAMP): setup.cfg pyproject.toml
	@echo "setting up $(VENV): a virtual environment with chaingrad and its test tools (first time only)"
	$(PYTHON) -m venv $(VENV)
	@echo "installing pip, then chaingrad with numpy, matplotlib, graphviz, tqdm and the dev extra"
	@echo "(pytest, hypothesis, ruff, nbclient, ipykernel, scikit-learn) from PyPI: about a minute"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)
	@echo "$(VENV) is ready"

# $(call debian,COMMANDS,PACKAGES,WHAT,ELSE): when one of COMMANDS is missing, install the
# Debian PACKAGES if we are root; otherwise say what to install and run ELSE (`exit 1` to fail).
define debian
@missing=; for c in $(1); do command -v $$c >/dev/null 2>&1 || missing=$$c; done; \
if [ -n "$$missing" ]; then \
  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
    echo "installing $(3) (Debian packages $(2))"; \
    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(2) >/dev/null; \
  else \
    echo "note: $$missing is missing: $(3) (sudo apt-get install $(2))" >&2; $(4); \
  fi; \
fi
endef

# Drawings (SVG, the explorer, the player) need no Graphviz. Its `dot` only adds PNG/PDF files.
graphviz:
	$(call debian,dot,graphviz,Graphviz: PNG/PDF drawings need it,true)

# Chromium and its WebDriver, for the real-browser tests (the explorer, the player, the site).
browser:
	$(call debian,chromium chromedriver,chromium chromium-driver,Chromium and its WebDriver for the browser tests,exit 1)

demo: $(STAMP)
	$(BIN)/chaingrad demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/demo.py
	$(BIN)/python bench/compiled.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/player.py
	$(BIN)/python bench/playground.py

# JupyterLab refuses to run as root unless told: say it when we are root.
notebooks: $(STAMP)
	@echo "installing the notebooks extra (JupyterLab) into $(VENV)"
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) notebooks/

# The documentation site (docs/README.md): every walkthrough executed, warnings are errors.
docs: $(STAMP) graphviz
	@echo "installing the docs extra (Sphinx, myst-nb, furo, latex2mathml, selenium) into $(VENV)"
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	$(BIN)/sphinx-build -W --keep-going -b html -j 1 docs docs/_build/html
	@echo "open docs/_build/html/index.html"

# The built site checked: no web references, and a real browser shows a walkthrough's drawings.
docs-check: docs browser
	$(BIN)/python -m pytest -p no:cacheprovider docs/test_site.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis runs docs/_build docs/api/generated docs/walkthroughs
