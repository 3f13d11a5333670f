# Förderwerk – the two commands of the README:
#   make run    set up everything, migrate, load the demo partnership, serve http://127.0.0.1:5000
#   make test   set up everything including the dev tools, then run lint and the whole suite
#   make unit   (for developers) the fast test layer: domain and forms, seconds, no database
# CI runs `make test` with CI=true (see .ci/run): then PostgreSQL, Redis, LibreOffice and
# browser tests fail instead of skipping when something they need is missing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

# Debian packages the service needs: LibreOffice (DOCX → PDF/A, with Debian's python3-uno),
# the fonts the templates use (without them page breaks change), poppler-utils (PDF text and
# previews), chromium (browser tests).
SYSTEM_PACKAGES := libreoffice-writer-nogui python3-uno fonts-liberation2 fonts-crosextra-carlito poppler-utils libjemalloc2 chromium

.PHONY: run test unit lint audit sysdeps install install-dev migrate demo rules-doc i18n-extract i18n-update i18n-compile

# Links in e-mails point to the configured site (FOERDERWERK_BASE_URL); for `make run` that is
# the address it serves, also with another PORT, unless one is configured.
run: sysdeps install migrate demo
	FOERDERWERK_BASE_URL="$${FOERDERWERK_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/foerderwerk serve --bind $(HOST):$(PORT)

# AUDIT=1 adds the dependency audit (R29) to `make test`. It needs the network and is meant
# for CI; it is not switched on in .ci/run yet: the package index this CI reaches does not
# serve the per-version vulnerability data pip-audit reads, so every package comes back "not
# audited" and the strict audit fails (docs/operations.md, "Abhängigkeiten prüfen").
AUDIT ?= 0

# The suite runs in TEST_JOBS pytest-xdist workers, one test file per worker at a time (module
# fixtures such as a private PostgreSQL cluster stay in one process). Two per core: most tests
# wait for another process (LibreOffice, gunicorn, chromium, PostgreSQL, a CLI run), so two
# workers per core keep the cores busy – on 2 cores 15:22 serial, 9:25–10:59 with 2 workers,
# 7:49 with 4 (docs/decisions.md). TEST_JOBS=0 runs everything in one process.
# --no-loadscope-reorder: xdist would hand out the files with the most tests first, which
# leaves the few long ones (batch, bench, browser: a handful of tests of a minute each) for the
# end, where one worker runs them while the others wait; tests/conftest.py puts them first
# (LONG_FILES) and the short tests fill the gaps.
TEST_JOBS ?= $(shell n=$$(( $$(nproc) * 2 )); [ $$n -gt 8 ] && n=8; echo $$n)

# Bytecode for the tests, kept under .venv/: this machine kind sets PYTHONDONTWRITEBYTECODE=1,
# and then every worker rewrote the asserts of all test modules again (15 s of CPU each) and
# every `foerderwerk`, gunicorn or Celery process a test starts compiled the service again.
TEST_ENV := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/$(VENV)/pycache

test: sysdeps install-dev lint $(if $(filter 1,$(AUDIT)),audit)
	$(TEST_ENV) $(BIN)/python -m compileall -q -j 0 service forms
	$(TEST_ENV) $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

# The fast layer: the pure funding rules and the forms, no database, no LibreOffice, no
# service – seconds. tests/conftest.py refuses a test here that takes a database or an app.
UNIT_TESTS := tests/domain tests/forms tests/test_dependencies.py

unit: install-dev
	$(TEST_ENV) FOERDERWERK_TEST_LAYER=unit $(BIN)/python -m pytest -q $(UNIT_TESTS) $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy --strict service forms

# Known vulnerabilities in every installed package except the project itself. --strict: a
# package that could not be audited (no network, no data for its version) fails the audit
# loudly instead of being skipped.
audit: install-dev
	$(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off

sysdeps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
	  echo "Installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "Missing system packages. Please run once:"; \
	  echo "  sudo apt-get install -y --no-install-recommends$$missing"; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools

# Stamp files: reinstall only when pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/foerderwerk db upgrade

demo: install
	$(BIN)/foerderwerk demo

# docs/rules.md is the catalogue of the rule codes, generated from their definitions in
# service/domain (tests/cli/test_rules.py fails while it is out of date).
rules-doc: install
	$(BIN)/foerderwerk rules --format markdown > docs/rules.md

# Translators' workflow: extract English msgids, update the catalogs, compile.
i18n-extract: install-dev
	$(BIN)/pybabel extract -F locale/babel.cfg -k N_ -k plural_message:1,2 -k _l -k lazy_gettext \
	  --no-location --sort-output --project Förderwerk -o locale/messages.pot service forms

i18n-update: i18n-extract
	$(BIN)/pybabel update -i locale/messages.pot -d locale --no-fuzzy-matching --ignore-obsolete

i18n-compile: install-dev
	$(BIN)/pybabel compile -d locale --statistics
