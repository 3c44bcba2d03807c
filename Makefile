# The two commands: `make run` (the bot, or the offline demo without a token) and `make test`.
# Both create or refresh .venv from pyproject.toml first; nothing is installed by hand.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test lint typecheck unit bench demo venv clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"'
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

run: venv
	$(PY) -m bot

demo: venv
	$(PY) -m bot demo

test: venv
	bash scripts/ensure-postgres
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m mypy
	$(PY) -m pytest

lint: venv
	$(PY) -m ruff check bot tests benchmarks

typecheck: venv
	$(PY) -m mypy

bench: venv
	$(PY) -m bot bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
