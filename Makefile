# Front door peer review: the two commands are `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run worker test screenshots install python-deps node-deps static chromium lint format migrate demo check-migrations ci clean

## run: install everything, migrate, load the demo and serve on http://127.0.0.1:8000, with the
## email worker beside the web server (Ctrl+C stops both)
# The demo relaxes two-factor sign-in (TWO_FACTOR_REQUIRED=false): a development setting only, shown as
# a warning on every page and reported as an error by `check --deploy`.
DEV_ENV := DEBUG=true TWO_FACTOR_REQUIRED=false SITE_URL=http://$(HOST):$(PORT)
run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py load_demo
	$(DEV_ENV) $(BIN)/python manage.py send_reminders --schedule
	@echo "Serving on http://$(HOST):$(PORT)/ with the email worker beside it (Ctrl+C stops both)"
	@$(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## worker: the email worker alone (docs/deploy.md, "The worker"), for a second terminal
worker:
	$(DEV_ENV) $(BIN)/python manage.py db_worker

## test: install everything and run the whole test suite (set DATABASE_URL=postgres://... for PostgreSQL)
# The suite runs on every core (pytest-xdist; each worker has its own test database, live server and
# browser). TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
test: install chromium
	$(BIN)/pytest -n $(TEST_WORKERS)

## screenshots: retake the README's screenshots (docs/screenshots/) with the browser test of a review's life
screenshots: install chromium
	SCREENSHOTS_DIR=docs/screenshots $(BIN)/pytest tests/e2e/test_review_life.py -q

install: python-deps node-deps static

$(BIN)/uv:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

python-deps: $(BIN)/uv
	$(BIN)/uv sync --frozen --inexact --quiet

node-deps:
	npm ci --no-audit --no-fund --loglevel=error

static:
	mkdir -p static/build static/govuk
	npx --no-install sass --no-source-map --style=compressed --quiet-deps \
		--load-path=node_modules/govuk-frontend/dist static/scss/app.scss static/build/app.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/
	cp node_modules/htmx.org/dist/htmx.min.js static/build/
	mkdir -p static/build/fonts && for sub in latin latin-ext greek cyrillic; do \
	  for f in 400-normal 400-italic 700-normal 700-italic; do \
	  cp node_modules/@fontsource/source-sans-3/files/source-sans-3-$$sub-$$f.woff static/build/fonts/; done; done
	cp node_modules/@fontsource/source-sans-3/LICENSE static/build/fonts/OFL.txt
	rm -rf static/govuk/assets && cp -r node_modules/govuk-frontend/dist/govuk/assets static/govuk/assets

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here); the
# rendering tests read PDFs with poppler's pdftotext and qpdf; letters in Chinese or Japanese need the
# Noto CJK fonts (Latin, Greek and Cyrillic come with the bundled font).
SYSTEM_PACKAGES := chromium:/usr/bin/chromium poppler-utils:/usr/bin/pdftotext qpdf:/usr/bin/qpdf \
	fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc pandoc:/usr/bin/pandoc
chromium:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
	  [ -e "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's$$missing for the tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "The tests need:$$missing. Install them (Debian/Ubuntu: sudo apt-get install$$missing) and run make test again." >&2; \
	    exit 1; \
	  fi; \
	fi

lint: python-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: python-deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: python-deps
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test

migrate: python-deps
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py load_demo

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules static/build static/govuk staticfiles .pytest_cache
