# Janela: `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test test-fast test-dates lint setup setup-dev translations messages db demo bench bench-maintenance gallery clean

# Virtual environment with the pinned requirements (re-done when they change).
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(BIN)/.installed translations instance/config.toml
setup-dev: setup $(BIN)/.installed-dev

# Compiled catalogues are built, not committed.
translations: $(BIN)/.installed
	$(BIN)/pybabel compile -d noc/translations >/dev/null 2>&1 || $(BIN)/pybabel compile -d noc/translations

# Refresh the catalogues after changing texts; then translate pt_BR's new entries.
messages: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k lazy_ngettext:1,2 -o noc/translations/messages.pot .
	$(BIN)/pybabel update -i noc/translations/messages.pot -d noc/translations

# The site file with a random secret key, made once and never committed.
instance/config.toml:
	$(BIN)/python scripts/make_site_config.py $@

db: setup
	$(FLASK) noc init-db

# Start Janela on its embedded defaults: SQLite, demo data, mail captured to files.
# The demo's prefixes and ASNs are documentation space: the lab setting admits them.
run: db
	NOC_PREFIXES_LAB=true $(FLASK) noc demo --if-empty
	NOC_PREFIXES_LAB=true $(FLASK) noc serve

# The whole suite; then, unless PYTEST_ARGS chose a part of it, the date-sensitive
# tests again at other instants (test-dates below).
test: setup-dev
	bash scripts/test-services.sh
	bash scripts/setup-cmp-venv.sh
	bash scripts/setup-irrd.sh
	bash scripts/setup-axe.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(if $(PYTEST_ARGS),,bash scripts/test-dates.sh)

# The date-sensitive tests (marker `dates`, SQLite) at each instant of
# scripts/test-dates.sh: a week's days, both summer-time changes of Lisbon, late
# evening and New Year's Eve in São Paulo. No service to start.
test-dates: setup-dev
	bash scripts/setup-cmp-venv.sh
	bash scripts/test-dates.sh $(PYTEST_ARGS)

# Style and layers: ruff (pyproject.toml) and import-linter's contracts (ARCHITECTURE.md).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# The quick loop while coding: SQLite only, no browser, nothing outside pytest's
# process but the notices' parser oracle, no test slow by design (markers in
# pytest.ini); no service to start. `make test` runs them all.
FAST := not postgresql and not browser and not external and not slow
test-fast: setup-dev
	bash scripts/setup-cmp-venv.sh
	$(BIN)/python -m pytest -m "$(FAST)" $(PYTEST_ARGS)

bench: setup-dev
	$(BIN)/python bench/run.py

bench-maintenance: setup-dev
	$(BIN)/python bench/maintenance.py

# Full-page screenshots of the main pages at 1366 and 360 px in both languages, for
# review, into gallery/ (git-ignored); ARGS=--all for every kind of page of the crawl.
gallery: setup-dev
	$(BIN)/python scripts/gallery.py $(ARGS)

clean:
	rm -rf $(VENV) .venv-cmp .venv-irrd .venv-mta .pytest_cache .hypothesis
