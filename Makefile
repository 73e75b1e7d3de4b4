# make site   - create .venv, install the generator and build site/
# make test   - create .venv and node_modules with the test tools, run the whole test suite
# make serve  - serve site/ on http://127.0.0.1:8000/ (after make site)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: site test check serve clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

site: $(VENV)/.installed
	$(PY) -m generator build

check: $(VENV)/.installed
	$(PY) -m generator check

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest -q

serve: site
	$(PY) -m http.server --directory site --bind 127.0.0.1 8000

clean:
	rm -rf site .site.staging-* $(VENV) node_modules
