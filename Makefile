# Vigie: `make demo` runs the whole pipeline on the embedded stack, `make test` runs the suite.
# Every target creates the virtual environment it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
ARGS ?=

.PHONY: demo test lint bench browser clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	# Build the detector's small-town index once, so no process builds it at start.
	$(PY) -c "from streams.detectors import default_detector; default_detector()"
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/vigie up --demo $(ARGS)

# The status-page test drives Debian's Chromium; install it when missing and we may.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "install Chromium (Debian package 'chromium') for the status-page test"; fi; }

# Two processes, one test file each at a time: each has its own broker and Redis (tests/conftest.py).
test: $(STAMP) browser
	$(PY) -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench_detect.py
	$(PY) bench/eval_detection.py
	$(PY) bench/bench_dedup.py
	$(PY) bench/bench_delivery.py
	$(PY) bench/pipeline.py
	$(PY) bench/bench_ingest.py
	$(PY) bench/bench_latency.py

clean:
	rm -rf $(VENV) .vigie .pytest_cache .mypy_cache .ruff_cache test-artifacts
