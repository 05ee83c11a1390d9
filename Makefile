# Backchannel's front door. `make run` and `make test` are the README's two commands.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
DEV_ENV := DJANGO_DEBUG=1

.PHONY: run test check serve bench install install-dev clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

install: $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements.txt

install-dev: $(BIN)/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt

# Set up everything and serve the site at http://127.0.0.1:8000 (debug on).
run: install
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py setup_roles
	$(DEV_ENV) $(PY) manage.py loaddemo
	$(DEV_ENV) $(PY) manage.py create_local_admin
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# The whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
test: install-dev
	$(BIN)/pytest

# Linters and schema checks, as CI runs them.
check: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(DEV_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(DEV_ENV) $(PY) manage.py check

# Production serving: debug off, gunicorn, hashed and compressed static files.
# Needs DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS in the environment.
serve: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput
	$(BIN)/gunicorn backchannel.wsgi

# The benchmark (100,000 meetings, app vs Datasette; see bench/RESULTS.md). DATABASE_URL for PostgreSQL.
bench: install-dev
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) staticfiles artifacts
