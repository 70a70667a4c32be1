# Two commands for a fresh machine:  make run  (dashboard on the sample)  |  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8501

.PHONY: setup run test lint bench sample

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: setup
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: setup
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: setup
	$(PY) -m ruff check .

sample: setup
	$(PY) data/generate_sample.py

# every benchmark at 1M customers on one generated network (kept in BENCH_WORKSPACE for
# the next run); bench_database also needs PostgreSQL (SEG_TEST_POSTGRES_URL)
BENCH_WORKSPACE ?= bench/out/workspace-1m
BENCHES := bench_cli_start bench_cli_score bench_customer_view bench_overview \
	bench_first_render bench_rerun bench_tiers bench_churn bench_clusters bench_report \
	bench_forecast bench_database bench_spark

bench: setup
	set -e; for b in $(BENCHES); do \
		echo "== $$b"; $(PY) -m bench.$$b --workspace $(BENCH_WORKSPACE); done
