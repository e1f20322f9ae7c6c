# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench notebooks graphviz lint docs docs-check browser clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Drawings (SVG, the explorer, the player) need no Graphviz. Its `dot` only adds PNG/PDF
# files: `make graphviz` installs Debian's package when we can (root), else says how.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Graphviz (Debian package graphviz)"; \
	    (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  else \
	    echo "note: Graphviz's dot is missing: PNG/PDF drawings need it (sudo apt-get install graphviz)" >&2; \
	  fi; }

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

notebooks: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	$(BIN)/jupyter lab notebooks/

# The documentation site (docs/README.md): every walkthrough executed, warnings are errors.
docs: $(STAMP) graphviz
	$(BIN)/python -m pip install --quiet -e '.[docs]'
	$(BIN)/sphinx-build -W --keep-going -b html -j 1 docs docs/_build/html
	@echo "open docs/_build/html/index.html"

# The built site checked: no web references, and a real browser shows a walkthrough's drawings.
docs-check: docs browser
	$(BIN)/python -m pytest -p no:cacheprovider docs/test_site.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache .hypothesis runs docs/_build docs/api/generated docs/walkthroughs
