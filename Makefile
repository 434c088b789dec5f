# Portal CMS: `make serve` and `make test` work on a fresh machine.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=

.PHONY: install serve test test-sqlite test-postgres lint format bench translations clean

install: $(VENV)/.installed cms/translations/.compiled node_modules/.vendored

# Browser libraries served by the site itself (the editor; axe-core for the tests).
node_modules/.vendored: package.json package-lock.json scripts/vendor-assets.sh
	bash scripts/vendor-assets.sh
	@if [ -d node_modules ]; then touch $@; fi

# pip -qq: errors only (its warnings about this machine's index settings and the
# build's progress would bury the server's first lines).
$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq -e '.[test]'
	touch $@

# Compile the message catalogues (.po -> .mo), the core's and each bundled plugin's,
# whenever one changes; errors only (`pybabel compile --statistics -d FOLDER` counts
# what is translated).
CATALOGUES := cms/translations $(wildcard plugins/*/translations)
cms/translations/.compiled: $(VENV)/.installed $(wildcard cms/translations/*/LC_MESSAGES/messages.po) \
		$(wildcard plugins/*/translations/*/LC_MESSAGES/messages.po)
	@echo "Compiling the message catalogues: $(CATALOGUES)"
	@for folder in $(CATALOGUES); do \
		$(BIN)/pybabel -q compile --use-fuzzy -d $$folder || exit 1; \
	done
	touch $@

serve: install
	$(BIN)/cms init
	$(BIN)/cms demo
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - wsgi:app

# The whole suite on SQLite, then again on PostgreSQL with Redis.
test: install
	bash scripts/browser-deps.sh
	$(MAKE) test-sqlite test-postgres

test-sqlite: install
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: install
	CMS_TEST_DATABASE_URL=$(PG_TEST_URL) CMS_TEST_REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Extract new strings into the catalogues (then translate cms/translations/*/messages.po).
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_ngettext:1,2 -o cms/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i cms/translations/messages.pot -d cms/translations --no-fuzzy-matching --ignore-obsolete

# Load benchmark (bench/README.md), about 25 minutes; knobs from the environment or the
# command line: DURATION=10s ROUNDS=5 SCALE_ROUNDS=3 CONNECTIONS=32 BIG=1 (0: skip 100,000
# articles) PORT=8765.
bench: install
	bash bench/run.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache cms/translations/.compiled \
		node_modules cms/static/vendor
