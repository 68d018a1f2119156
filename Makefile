# neas_mm: `make test` and `make demo` set everything up first (idempotently).
#
# The virtual environment lives in the checkout (.venv). Each step leaves a
# stamp inside it that depends on its requirements file, so a second run only
# redoes what changed. PYTHON names the bare interpreter that creates the venv.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMPS := $(VENV)/.stamps

.PHONY: env test demo clean-env help

help:
	@echo "make test   set up .venv (first run ~25 min: torch, mmcv build) and run the test suite"
	@echo "make demo   set up .venv and run the pipeline on the embedded digits data"
	@echo "make env    only set up .venv"

$(STAMPS)/venv:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade "pip>=23.2"
	mkdir -p $(STAMPS) && touch $@

$(STAMPS)/torch: requirements/torch.txt $(STAMPS)/venv
	$(PIP) install -r requirements/torch.txt
	touch $@

# mmcv needs torch in the build environment and its compiled ops (mmcv._ext).
# A wheel pip cached from a build against another torch fails to import its
# ops (ABI): then it is rebuilt without the cache.
$(STAMPS)/mmcv: requirements/mmcv.txt $(STAMPS)/torch
	MMCV_WITH_OPS=1 MAX_JOBS=2 $(PIP) install --no-build-isolation -r requirements/mmcv.txt
	$(PY) -c "import mmcv.ops" 2>/dev/null || MMCV_WITH_OPS=1 MAX_JOBS=2 \
		$(PIP) install --no-build-isolation --no-cache-dir --force-reinstall \
		--no-deps -r requirements/mmcv.txt
	$(PY) -c "import mmcv.ops"
	touch $@

$(STAMPS)/runtime: requirements/runtime.txt requirements/tests.txt $(STAMPS)/mmcv
	$(PIP) install -r requirements/runtime.txt -r requirements/tests.txt
	touch $@

$(STAMPS)/neas_mm: setup.py $(STAMPS)/runtime
	$(PIP) install --no-build-isolation --no-deps -e .
	touch $@

env: $(STAMPS)/neas_mm

test: env
	$(PY) -m pytest tests

demo: env
	$(PY) tools/demo.py

clean-env:
	rm -rf $(VENV)
