# make site       - install what is missing, build site/
# make test       - install what is missing (Debian packages, .venv, node_modules), run the
#                   static checks (ruff, mypy) and the whole test suite: one pytest process per
#                   core (pytest-xdist), then the browser tests alone (their timing is Chromium's)
# make test-fast  - the same checks and every test not marked slow or browser (about 6 minutes)
# make serve      - serve site/ on http://127.0.0.1:8000/ (after make site)
# make messages   - extract the messages of generator/ into generator/locale/messages.pot and
#                   update every translation (.po) from it (README "Languages / Bahasa")
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site test test-fast lint check serve messages clean deps-site deps-test

deps-site:
	bash tools/deps.sh site

deps-test:
	bash tools/deps.sh test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json | deps-test
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

site: deps-site $(VENV)/.installed
	$(PY) -m generator build

check: $(VENV)/.installed
	$(PY) -m generator check

lint: $(VENV)/.installed
	$(PY) -m ruff check generator tests bench tools
	$(PY) -m mypy generator

# Both runs share the sites their fixtures build (tests/helpers.py: built_once), in a folder
# made anew for each make test.
test: deps-test $(VENV)/.installed node_modules/.installed lint
	run=$$(mktemp -d) && trap 'rm -rf "$$run"' EXIT && \
	POSYANDU_TEST_RUN=$$run $(PY) -m pytest -q -n auto -m "not browser" && \
	POSYANDU_TEST_RUN=$$run $(PY) -m pytest -q -m browser

test-fast: deps-test $(VENV)/.installed node_modules/.installed lint
	$(PY) -m pytest -q -n auto -m "not slow and not browser"

messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg --add-location=file --sort-by-file --no-wrap \
	    -c TRANSLATORS: --project=posyandu-site --version=0.1.0 \
	    --copyright-holder="Posyandu site generator" -o generator/locale/messages.pot generator
	$(VENV)/bin/pybabel update -i generator/locale/messages.pot -d generator/locale \
	    --no-wrap --ignore-obsolete

serve: site
	$(PY) -m http.server --directory site --bind 127.0.0.1 8000

clean:
	rm -rf site .site.staging-* $(VENV) node_modules
