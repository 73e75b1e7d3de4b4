# make site   - create .venv, install the generator and build site/
# make test   - create .venv with the test tools and run the whole test suite
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

test: $(VENV)/.installed
	$(PY) -m pytest -q

serve: site
	$(PY) -m http.server --directory site --bind 127.0.0.1 8000

clean:
	rm -rf site .site.staging-* $(VENV)
