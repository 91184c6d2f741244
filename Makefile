# OpenICS: `make run` serves a demo on http://127.0.0.1:8000; `make test` runs the suite.
# Everything is installed into .venv and node_modules from pinned lock files.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OPENICS := $(BIN)/openics
DEMO_CHILDREN ?= 300
DEMO_SEED ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test bench lint typecheck format check-deploy install assets lock demo clean messages

$(VENV)/.installed: requirements/lock.txt requirements/dev-lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "OpenICS needs Python 3.11 or newer"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/lock.txt -r requirements/dev-lock.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

openics/web/static/build/openics.css: node_modules/.installed openics/web/assets/openics.scss openics/web/build-assets.mjs
	npm run --silent build

install: $(VENV)/.installed
assets: openics/web/static/build/openics.css

# The demo: SQLite under var/, demo data loaded the first time only.
run: install assets
	mkdir -p var
	OPENICS_DEMO=1 $(OPENICS) migrate --noinput
	OPENICS_DEMO=1 $(OPENICS) demo --if-empty --children $(DEMO_CHILDREN) --seed $(DEMO_SEED)
	OPENICS_DEMO=1 $(OPENICS) demo_logins
	OPENICS_DEMO=1 $(OPENICS) runserver --noreload $(HOST):$(PORT)

# SQLite by default; PostgreSQL when DATABASE_URL is set.  Browser tests run
# where /usr/bin/chromium exists.  Exit code 5 (no tests collected) is a failure.
test: install assets
	OPENICS_TESTING=1 $(BIN)/pytest $(PYTEST_ARGS)

bench: install assets
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	OPENICS_TESTING=1 $(BIN)/mypy openics

check-deploy: install assets
	OPENICS_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-value-for-the-check \
	OPENICS_ALLOWED_HOSTS=openics.example.org OPENICS_AUDIT_SALT=check-deploy-salt \
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	$(OPENICS) check --deploy --fail-level WARNING

# Extract translatable strings into the Welsh and Polish catalogs (needs GNU
# gettext's xgettext), then compile them; the compiled .mo files are committed.
# The labels of the record definitions and plan types are copied into
# openics/web/definition_strings.py first, so that xgettext finds them.
messages: install
	OPENICS_DEMO=1 $(OPENICS) definition_strings
	OPENICS_DEMO=1 $(OPENICS) makemessages -l cy -l pl --no-location \
		--ignore ".venv/*" --ignore "node_modules/*" --ignore "*/tests/*" --ignore "bench/*"
	OPENICS_DEMO=1 $(OPENICS) compile_translations

# Re-pin dependencies after editing requirements/*.in.
lock: install
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links -o lock.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --no-header --allow-unsafe --no-emit-index-url --no-emit-find-links -o dev-lock.txt dev.in

clean:
	rm -rf $(VENV) node_modules var openics/web/static/build openics/web/static/vendor
