# kmscourse: the README's commands. Everything installs into .venv from PyPI by this file alone.
# `make lab` to learn, `make course` to run every lesson headless, `make test` for the whole suite.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Extra arguments for `jupyter lab`, e.g. make lab LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
# Parallel pytest workers for `make test`. Three on two cores: the suite waits on kernels, servers and the browser
# about a third of the time, so a third worker fills it (measured on 2 cores: main stage 296 s with 3, 393 s with 2;
# browser 139 s with 3, 165 s with 2).
WORKERS ?= 3

# Every recipe, and the kernels and `!aws` cells they start, use the course's own tools first.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

STAMP := $(VENV)/.kmscourse-installed
TEST_STAMP := $(VENV)/.kmscourse-test-installed

.PHONY: test-hub10 test-cohort-lessons lab course test lint labs outputs docs fidelity check-python clean help

help:
	@echo "make lab      install into .venv and start JupyterLab on the course"
	@echo "make course   run every lesson notebook headless on the emulator, with a summary table"
	@echo "make test     install test extras, run ruff and mypy, then the whole suite"
	@echo "make lint     ruff and mypy only"
	@echo "make test-hub10  the workshop hub test with 10 learners (not part of make test)"
	@echo "make test-cohort-lessons  every lesson as a sandbox cohort learner (not part of make test)"
	@echo "make labs     regenerate labs/ from solutions/"
	@echo "make outputs  re-execute notebooks/ in place, refreshing their committed outputs"
	@echo "make fidelity regenerate the emulator fidelity table from the conformance suite"

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "kmscourse needs Python 3.11 or newer as '$(PYTHON)'; install it, or run: make $(MAKECMDGOALS) PYTHON=python3.11"; exit 2; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# pip compiles every module up front (about half of the install's time), and that is kept: where
# PYTHONDONTWRITEBYTECODE is set (CI here), a module pip left uncompiled is compiled again by every process importing it.
PIP_INSTALL := $(BIN)/python -m pip install --quiet -c constraints.txt

$(STAMP): pyproject.toml emulator/pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) -e ./emulator -e .
	touch $@

# The test extras in one pip run with the course (not after it): one resolution and one build of each package.
$(TEST_STAMP): pyproject.toml emulator/pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(PIP_INSTALL) -e ./emulator -e '.[test]'
	touch $(STAMP) $@

# Copies each lab to my-labs/ once (the learner's own, never overwritten), then opens lesson 00 with etc/jupyter
# first on the config path, which switches off the test-only extensions (nbgrader's) that `make test` installs into
# the same .venv (src/kmscourse/learner_lab.py; conda users run the same `kmscourse jupyter`).
lab: $(STAMP)
	$(BIN)/kmscourse jupyter $(LAB_ARGS)

course: $(STAMP)
	$(BIN)/kmscourse course

# Two runs. The first spreads test by test; it executes every lesson (Run All twice, the first run compared with
# the committed outputs as nbval compares them, tests/test_notebooks.py), solution and lab. The browser suite
# (tests/browser: JupyterLab in Chromium) runs last, one lesson per worker (--dist loadscope).
# (`pytest notebooks/NN-slug.ipynb` still runs nbval itself, cell by cell, for a lesson's author.)
test: $(TEST_STAMP) lint
	$(BIN)/pytest -n $(WORKERS) --durations=15 --ignore=tests/browser tests emulator/tests
	$(BIN)/pytest -q -n $(WORKERS) --dist loadscope --durations=5 tests/browser

# The workshop hub test with 10 learners' servers and kernels at once (left out of `make test`, marked hub10).
test-hub10: $(TEST_STAMP)
	$(BIN)/pytest -m hub10 -s tests/test_workshop_hub.py

# Every lesson as a sandbox cohort learner under templates/cohort-learner.yaml (left out of `make test`, marked cohort_lessons).
test-cohort-lessons: $(TEST_STAMP)
	$(BIN)/pytest -m cohort_lessons tests/test_cohort_lessons.py

# ruff and mypy as configured in pyproject.toml; a finding fails `make test`.
lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

labs: $(TEST_STAMP)
	$(BIN)/kmscourse labs

outputs: $(STAMP)
	$(BIN)/python -m kmscourse.outputs notebooks/*.ipynb

# Regenerate emulator/src/kmsemu/data/fidelity.json ("what the emulator reproduces") and the table in
# emulator/README.md from the conformance suite's results.
fidelity: $(TEST_STAMP)
	KMSEMU_FIDELITY_WRITE=1 $(BIN)/pytest emulator/tests/conformance -n $(WORKERS) -q -p no:cacheprovider
	$(BIN)/python -m kmscourse.devdocs

# Regenerate the module table in docs/architecture.md, the settings table in docs/configuration.md, and docs/fidelity.md.
docs: $(STAMP)
	$(BIN)/python -m kmscourse.devdocs

clean:
	rm -rf build work notebooks/work solutions/work labs/work .pytest_cache
