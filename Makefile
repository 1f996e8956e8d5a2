# cchc — the two commands of the README and a few helpers.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000
POSTGRES_TEST_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: demo serve test test-sqlite test-postgres lint system-deps clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# The demo runs as production would show it: debug pages off (Vietnamese error pages),
# static files through WhiteNoise, a secret key made for this run, cookies over plain http.
DEMO_ENV = CCHC_DEBUG=0 CCHC_SECURE_COOKIES=0 \
	CCHC_SECRET_KEY="$${CCHC_SECRET_KEY:-$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')}"

## Install, migrate, load the demo province and serve http://127.0.0.1:8000 on SQLite.
demo: $(VENV)/.installed
	$(DEMO_ENV) $(PY) -m cchc.cli migrate --noinput
	$(DEMO_ENV) $(PY) -m cchc.cli demo
	$(DEMO_ENV) $(PY) -m cchc.cli runserver $(HOST)

## Production: gunicorn on PostgreSQL (DATABASE_URL), DEBUG off, static files through
## WhiteNoise, migrations applied first. Needs CCHC_SECRET_KEY and CCHC_ALLOWED_HOSTS; see the
## README's "Production" section for HTTPS and the rest.
serve: $(VENV)/.installed
	@test -n "$$DATABASE_URL" || { echo "Cần DATABASE_URL=postgres://… (cơ sở dữ liệu PostgreSQL của máy chủ)." >&2; exit 2; }
	@test -n "$$CCHC_SECRET_KEY" || { echo "Cần CCHC_SECRET_KEY (một chuỗi ngẫu nhiên dài, giữ bí mật)." >&2; exit 2; }
	CCHC_DEBUG=0 $(PY) -m cchc.cli migrate --noinput
	CCHC_DEBUG=0 $(PY) -m cchc.cli check --deploy --fail-level ERROR
	CCHC_DEBUG=0 CCHC_BIND=$${CCHC_BIND:-$(HOST)} $(VENV)/bin/gunicorn cchc.wsgi -c cchc/gunicorn.conf.py

## Install what the tests need and run every test: on SQLite, then on PostgreSQL.
test: $(VENV)/.installed system-deps lint test-sqlite test-postgres

test-sqlite: $(VENV)/.installed
	$(PY) -m pytest

# CCHC_TEST_POSTGRES makes tests/conftest.py point the suite at POSTGRES_TEST_URL; when no
# server answers the run skips with the reason, or fails if CCHC_REQUIRE_POSTGRES=1.
# No persistent connections: the browser tests' server threads must not hold the test database.
test-postgres: $(VENV)/.installed
	CCHC_TEST_POSTGRES=1 CCHC_DB_CONN_MAX_AGE=0 DATABASE_URL=$(POSTGRES_TEST_URL) $(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check cchc tests
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy cchc

## Debian packages for the browser tests (Chromium) and documents (fonts).
system-deps:
	@bash scripts/install-system-deps

clean:
	rm -rf $(VENV) data/cchc.sqlite3
