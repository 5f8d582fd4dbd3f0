# The two commands of the README: `make run` and `make test`. Both are safe to repeat.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test setup lint browser serve clean

run: setup ## Install, migrate, load the demo organisation and serve it on 127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@WATCH_PID=$$PPID bash scripts/worker.sh &  # background jobs (recordings); stops with make
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: setup browser ## The whole suite: unit, integration and browser tests (SQLite, or DATABASE_URL)
	$(BIN)/pytest $(PYTEST_ARGS)

setup: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else f"SalesHeart needs Python 3.12 or newer; {sys.executable} is {v.major}.{v.minor}. Run with PYTHON=python3.13 (or install one).")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

browser: ## Chromium for the browser tests, from Debian's packages (no browser download)
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-audio-tools.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

serve: setup ## The production setup locally: gunicorn, DEBUG off, plain HTTP on 127.0.0.1:8000
	$(BIN)/python manage.py migrate --noinput
	DEBUG=false ALLOW_PLAIN_HTTP=true SECRET_KEY=$${SECRET_KEY:-local-production-trial-key-change-me-0123456789abcdef} \
		sh -c '$(BIN)/python manage.py collectstatic --noinput -v0 && $(BIN)/gunicorn -c gunicorn.conf.py'

clean:
	rm -rf $(VENV) staticfiles *.egg-info
