# The two commands a newcomer needs: `make demo` and `make test` (README.md).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The demo runs with DEBUG on; tests use their own settings.
DEMO_ENV := DJANGO_DEBUG=true

.PHONY: demo test install serve migrate seed messages lint check db-stop clean bench audit lock

$(STAMP): pyproject.toml requirements.lock
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c requirements.lock -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(DEMO_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(DEMO_ENV) $(PY) manage.py seed_demo

demo: seed
	@echo "Serving on http://$(HOST):$(PORT)/ (log in with a user above; Ctrl-C stops)"
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

serve: install
	$(DEMO_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

# Extract (needs GNU gettext) and compile the catalogs; the .mo files are committed.
messages: install
	$(PY) scripts/messages.py

lint: install
	$(VENV)/bin/ruff check .

check: lint
	$(DEMO_ENV) $(PY) manage.py makemigrations --check --dry-run

# bandit on the code, pip-audit on requirements.lock (scripts/audit.py; CI runs it too).
audit: install
	$(PY) scripts/audit.py $(AUDIT_ARGS)

# Re-pin every installed package after a change to pyproject.toml.
lock: install
	$(PY) -m pip install --quiet -e '.[test]'
	{ sed -n '1,2p' requirements.lock; $(PY) -m pip freeze --exclude-editable | grep -v '^-e'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

bench: install
	$(DEMO_ENV) $(PY) -m bench $(BENCH)

db-stop: install
	@$(PY) -c "from pathlib import Path; from zhongwei_carbon.embedded_db import stop; print('embedded PostgreSQL stopped' if stop(Path('.pgdata').resolve()) else 'embedded PostgreSQL was not running')"

clean: db-stop
	rm -rf .pgdata .pgrun staticfiles
