# The fact sheet pipeline. `make` builds every sheet; `make test` runs the tests.
# Both create the Python environment (.venv, from requirements.lock) on first run.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
READY   := $(VENV)/.ready
# .venv plus the executor plugins, for cluster runs (profiles/slurm, profiles/kubernetes)
CLUSTER := .venv-cluster
CORES   ?= all

.DEFAULT_GOAL := all
.PHONY: all sheets archive edition cluster-env test bench lint lock clean help

all: sheets ## Build every fact sheet into output/ (the default)

sheets: $(READY) ## Build every fact sheet found under data/ (FACTSHEET_DEBUG=1 shows everything)
	$(BIN)/python scripts/build.py --cores $(CORES)

archive: $(READY) ## Build every sheet and its archival PDF/A-3a (output/archive/)
	$(BIN)/python scripts/build.py --cores $(CORES) --config archival=True

edition: $(READY) ## Start the next edition: make edition SUBJECT=canada YEAR=2024
	@test -n "$(SUBJECT)" -a -n "$(YEAR)" || { echo "usage: make edition SUBJECT=<subject> YEAR=<year>" >&2; exit 2; }
	$(BIN)/python scripts/new_edition.py $(SUBJECT) $(YEAR)

cluster-env: $(CLUSTER)/.ready ## Create .venv-cluster: .venv plus Snakemake's executor plugins (see README, Cluster)

test: $(READY) $(CLUSTER)/.ready ## Run the tests (unit, chart, end-to-end, cluster, lint)
	$(BIN)/pytest

bench: $(READY) $(CLUSTER)/.ready ## Measure build times, memory and sizes on this machine; writes bench/results.md
	$(BIN)/python bench/run.py

lint: $(READY) ## Check the code (ruff) and the workflow (snakemake --lint)
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint

lock: ## Re-resolve the pins of pyproject.toml into requirements.lock, requirements-cluster.lock, environment.yml
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/python scripts/lock_environment.py
	rm -rf .lock-venv

clean: ## Remove everything generated (output/, Snakemake's records)
	rm -rf output/* .snakemake

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(READY): requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@# executor plugins left by an older lock: they belong to $(CLUSTER) only
	$(BIN)/python -m pip uninstall --quiet --yes -r requirements-cluster.lock 2>&1 | grep -v '^WARNING: Skipping' || true
	$(BIN)/python scripts/write_brand_assets.py
	touch $@

# The cluster environment sees every package of .venv (a .pth file names its site-packages) and adds only
# the executor plugins, which stay out of .venv: Snakemake imports every installed plugin on start.
$(CLUSTER)/.ready: $(READY) requirements-cluster.lock
	test -x $(CLUSTER)/bin/python || $(BIN)/python -m venv --without-pip $(CLUSTER)
	$(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))' > \
	  "$$($(CLUSTER)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/factsheet-pipeline.pth"
	$(BIN)/python -m pip --python $(CLUSTER)/bin/python install --quiet --disable-pip-version-check --no-deps \
	  -r requirements-cluster.lock
	touch $@
