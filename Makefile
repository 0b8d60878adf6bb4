# The two commands a newcomer needs: `make run` and `make test`.
# Both depend on `make install`, which is quick when nothing changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := node_modules/.installed
# The project's catalogues, and in locale/libraries what the libraries' own lack.
CATALOGS := $(wildcard locale/*/LC_MESSAGES/*.po locale/libraries/*/LC_MESSAGES/*.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test mutation system-packages lint format messages lock serve edge audit bench load screenshots

LATIN_CATALOG := locale/kk_Latn/LC_MESSAGES/django.mo

install: $(INSTALLED) $(COMPILED) $(LATIN_CATALOG)

$(INSTALLED): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || \
		{ echo "Newsroom needs Python 3.13 as python3 (see .python-version), or PYTHON=/path/to/python3.13"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	@touch $@

# The page validators the tests run: the Nu Html Checker, axe-core and Lighthouse.
$(NODE_INSTALLED): package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

locale/%.mo: locale/%.po $(INSTALLED)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# The Latin-script Kazakh interface is the Kazakh one, transliterated.
$(LATIN_CATALOG): $(wildcard locale/kk/LC_MESSAGES/*.po locale/libraries/kk/LC_MESSAGES/*.po) \
		articles/editions/transliteration.py $(INSTALLED)
	DEBUG=1 $(BIN)/python manage.py build_latin_catalog

# Serve the site with demo content on the embedded SQLite database.
run: export DEBUG ?= 1
run: install
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The whole test suite, in parallel workers (pytest-xdist); set DATABASE_URL to run it
# against PostgreSQL. TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install system-packages $(NODE_INSTALLED)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

# Mutation testing of the modules that hold the rules ([tool.mutmut] in pyproject.toml):
# each small change mutmut makes to them should fail a test. Prints the score and lists
# the mutants no test caught (`.venv/bin/mutmut show NAME` shows one). One mutant at a time,
# since they share a test database: hours for all; the results are kept in mutants/, and
# the next run tests only the functions changed since. A quick look: MUTANTS='articles.desk.*'
MUTANTS ?=
mutation: install
	@mkdir -p mutants/tmp && rm -rf mutants/tmp/newsroom-test-*
	TMPDIR=$(CURDIR)/mutants/tmp $(BIN)/mutmut run --max-children 1 $(MUTANTS)
	@rm -rf mutants/tmp/newsroom-test-*
	@$(BIN)/mutmut results
	@$(BIN)/mutmut export-cicd-stats >/dev/null
	@$(BIN)/python -c 'import json; s = json.load(open("mutants/mutmut-cicd-stats.json")); \
		tested = sum(s[k] for k in ("killed", "survived", "timeout", "no_tests", "suspicious", "segfault")); \
		print("Mutation score: {killed} of {tested} mutants tested killed; {survived} survived," \
		" {timeout} timed out, {no_tests} reached by no test ({untested} of {total} not tested yet)." \
		.format(**s, tested=tested, untested=s["total"] - tested))'

# Chromium, Java, xmllint, npm and redis-server for the suite (tools/system_packages.sh).
system-packages:
	@tools/system_packages.sh

# A production-like server: gunicorn, DEBUG off, static files through whitenoise.
# Needs SECRET_KEY (and ALLOWED_HOSTS for a real host name) in the environment.
# It speaks plain http, so no redirect to https and cookies a browser sends over http.
WORKERS ?= 2
serve: export SECURE_SSL_REDIRECT ?= 0
serve: export SECURE_COOKIES ?= 0
serve: install
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py migrate --no-input -v 0
	$(BIN)/gunicorn newsroom.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile -

# `make serve` with the edge cache in front as in production (deploy/varnish/serve.sh):
# Varnish on EDGE_PORT (a free one, printed, unless given), purged by the site. Needs
# varnish and varnish-modules (`apt-get install varnish varnish-modules`).
EDGE_PORT ?=
edge: export SECURE_SSL_REDIRECT ?= 0
edge: export SECURE_COOKIES ?= 0
edge: install
	$(BIN)/python manage.py collectstatic --no-input -v 0
	$(BIN)/python manage.py migrate --no-input -v 0
	HOST=$(HOST) PORT=$(PORT) WORKERS=$(WORKERS) EDGE_PORT=$(EDGE_PORT) deploy/varnish/serve.sh

# Serves the demo content as in production and checks every page type in every
# edition with the Nu Html Checker, axe-core and Lighthouse, printing the scores.
# LIGHTHOUSE=all runs Lighthouse on every page, not only on one edition's (slow).
LIGHTHOUSE ?= some
audit: install $(NODE_INSTALLED)
	$(BIN)/python tools/audit.py --lighthouse=$(LIGHTHOUSE)

# Remakes the README's screenshots (docs/screenshots/) of the demo site in Chromium.
screenshots: install
	$(BIN)/python -m tools.screenshots

# Serves each archive size with gunicorn on PostgreSQL (and Redis), loads every page
# type with wrk without and with the page cache and through Varnish, checks the targets
# and writes docs/benchmarks.md (see tools/bench.py). The database of each size,
# newsroom_bench_<size>, is kept for the next run; BENCH_ARGS=--drop drops it.
# A quick check: make bench SIZES=1000 ROUNDS=1 DURATION=2
SIZES ?= 10000 100000
ROUNDS ?= 3
DURATION ?= 8
WARMUP ?= 2
THREADS ?= 2
CONNECTIONS ?= 16
SEED ?= 1
BENCH_ARGS ?=
bench: install
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }
	@{ PATH="$$PATH:/usr/sbin" command -v varnishd && ls /usr/lib/*/varnish/vmods/libvmod_xkey.so; } \
		>/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || apt-get install -y -qq varnish varnish-modules || \
		{ apt-get update -qq && apt-get install -y -qq varnish varnish-modules; }
	$(BIN)/python tools/bench.py --sizes $(SIZES) --rounds $(ROUNDS) --duration $(DURATION) \
		--warmup $(WARMUP) --threads $(THREADS) --connections $(CONNECTIONS) \
		--workers $(WORKERS) --seed $(SEED) $(BENCH_ARGS)

# Readers and editors at once (see tools/load.py): wrk loads the home page, the latest
# news and articles while editors sign in, edit, race each other and publish through the
# admin; then checks that nothing failed and no save was lost, and writes the load section
# of docs/benchmarks.md. The archive, newsroom_load_<articles>, is kept for the next run.
# A quick check: make load ARTICLES=2000 LOAD_DURATION=20
ARTICLES ?= 10000
LOAD_DURATION ?= 60
EDITORS ?= 4
LOAD_ARGS ?=
load: install
	@command -v wrk >/dev/null || [ "$$(id -u)" != 0 ] || \
		apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BIN)/python tools/load.py --articles $(ARTICLES) --duration $(LOAD_DURATION) \
		--editors $(EDITORS) --threads $(THREADS) --connections $(CONNECTIONS) \
		--workers $(WORKERS) --seed $(SEED) $(LOAD_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the translation catalogues from the code (needs GNU gettext).
messages: install
	DEBUG=1 $(BIN)/python manage.py makemessages -l kk -l ru --ignore=.venv --ignore=tests

# Re-resolve the dependencies after editing pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --group dev --universal --python-version 3.13 \
		--generate-hashes --no-header --quiet -o requirements.lock
