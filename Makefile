# The fact sheet pipeline. `make` builds every sheet; `make test` runs the tests; `make check` runs everything
# (make test, the linters, and the tests that need Chromium, a real Slurm or root: docs/testing.md).
# Each creates the Python environment (.venv, from requirements.lock) on first run.

PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
READY   := $(VENV)/.ready
# .venv plus the executor plugins, for cluster runs (profiles/slurm, profiles/kubernetes)
CLUSTER := .venv-cluster
CORES   ?= all
# pytest-xdist workers of `make test`, each given whole test files (a file's fixtures are built once per worker)
TEST_WORKERS ?= 2
# The tests make test leaves to make check (pytest markers, pyproject.toml): Chromium and axe-core (browser), the
# cluster environment and a real Slurm started as root (cluster), root and apt-get (system)
MACHINE_TESTS := cluster or browser or system

.DEFAULT_GOAL := all
.PHONY: all sheets archive edition translation-out translation-in translation-reviewed preview cluster-env browser test test-machine check approve bench kill-trials lint lock clean help

all: sheets ## Build every fact sheet into output/ (the default)

sheets: $(READY) ## Build every fact sheet found under data/ (FACTSHEET_DEBUG=1 shows everything)
	$(BIN)/python -m factsheet.commands.build --cores $(CORES)

archive: $(READY) ## Build every sheet and its archival PDF/A-3a (output/archive/)
	$(BIN)/python -m factsheet.commands.build --cores $(CORES) --config archival=True

edition: $(READY) ## Start the next edition: make edition SUBJECT=canada YEAR=2024
	@test -n "$(SUBJECT)" -a -n "$(YEAR)" || { echo "usage: make edition SUBJECT=<subject> YEAR=<year>" >&2; exit 2; }
	$(BIN)/python -m factsheet.commands.new_edition $(SUBJECT) $(YEAR)

translation-out: $(READY) ## The translator's XLIFF file: make translation-out SHEET=canada/2024 LANGUAGE=fr [FILE=x.xlf]
	@test -n "$(SHEET)" -a -n "$(LANGUAGE)" || { echo "usage: make translation-out SHEET=<subject>/<edition> LANGUAGE=<language> [FILE=<file.xlf>]" >&2; exit 2; }
	$(BIN)/python -m factsheet.commands.translation out $(SHEET) $(LANGUAGE) $(if $(FILE),--file $(FILE))

translation-in: $(READY) ## Read a translated XLIFF file back into its sheet: make translation-in FILE=x.xlf
	@test -n "$(FILE)" || { echo "usage: make translation-in FILE=<file.xlf>" >&2; exit 2; }
	$(BIN)/python -m factsheet.commands.translation in $(FILE)

translation-reviewed: $(READY) ## Mark translations checked: make translation-reviewed SHEET=canada/2024 LANGUAGE=fr [KEY=narrative/intro.md]
	@test -n "$(SHEET)" -a -n "$(LANGUAGE)" || { echo "usage: make translation-reviewed SHEET=<subject>/<edition> LANGUAGE=<language> [KEY=<file>[:<key>]]" >&2; exit 2; }
	$(BIN)/python -m factsheet.commands.translation reviewed $(SHEET) $(LANGUAGE) $(if $(KEY),--key $(KEY))

preview: $(READY) ## Live preview of one sheet: make preview SHEET=canada/2023 [SHEET_LANGUAGE=fr] [PORT=8000]
	@test -n "$(SHEET)" || { echo "usage: make preview SHEET=<subject>/<edition> [SHEET_LANGUAGE=fr] [PORT=8000]" >&2; exit 2; }
	$(BIN)/python -m factsheet.commands.preview $(SHEET) --port $(or $(PORT),8000) $(if $(SHEET_LANGUAGE),--language $(SHEET_LANGUAGE))

cluster-env: $(CLUSTER)/.ready ## Create .venv-cluster: .venv plus Snakemake's executor plugins (docs/operations.md)

browser: node_modules/.package-lock.json ## Install the browser tests' Chromium (Debian packages) and axe-core (npm)
	bash scripts/browser/install.sh

test: $(READY) ## Run the tests: unit, chart, in-process and end-to-end (no root, browser, cluster or daemon needed)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "not ($(MACHINE_TESTS))"

test-machine: $(READY) $(CLUSTER)/.ready browser ## The tests make test leaves out: browser, cluster (real Slurm), system
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile -m "$(MACHINE_TESTS)"

check: test lint test-machine ## Everything: make test, the linters, then the browser, cluster and system tests

approve: $(READY) ## Accept the page images of the last failed visual test as approved (only some: SHEETS="canada-2023")
	$(BIN)/python -m factsheet.commands.approve_pages $(SHEETS)

bench: $(READY) $(CLUSTER)/.ready ## Measure builds against the engine's floor; writes bench/results.md (BENCH_OPTIONS="--sheets 10 --rounds 1")
	$(BIN)/python bench/run.py $(BENCH_OPTIONS)

kill-trials: $(READY) ## kill -9 a whole build at random moments, make again, compare with a clean build (TRIALS=20 SEED=n)
	$(BIN)/python bench/kill_trials.py $(if $(TRIALS),--trials $(TRIALS)) $(if $(SEED),--seed $(SEED))

lint: $(READY) ## Check the code (ruff), the workflow (snakemake --lint, snakefmt) and the CI workflow file
	$(BIN)/ruff check .
	$(BIN)/snakemake --lint
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/snakefmt --check Snakefile $(wildcard rules/*.smk)

lock: ## Re-resolve the pins of pyproject.toml into requirements.lock, requirements-cluster.lock, environment.yml
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet --upgrade pip
	.lock-venv/bin/python scripts/lock_environment.py
	rm -rf .lock-venv

clean: ## Remove everything generated (output/, Snakemake's records)
	rm -rf output/* .snakemake

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

$(READY): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --config-settings editable_mode=compat --editable .
	@# executor plugins left by an older lock: they belong to $(CLUSTER) only
	$(BIN)/python -m pip uninstall --quiet --yes -r requirements-cluster.lock 2>&1 | grep -v '^WARNING: Skipping' || true
	$(BIN)/python -m factsheet.stages.write_brand_assets
	touch $@

# axe-core for the browser tests, as package-lock.json pins it (npm writes node_modules/.package-lock.json).
node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is missing: install Node.js (axe-core is an npm package)" >&2; exit 1; }
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

# The cluster environment sees every package of .venv (a .pth file adds its site-packages, the pipeline's
# own package installed in place included) and adds only
# the executor plugins, which stay out of .venv: Snakemake imports every installed plugin on start.
$(CLUSTER)/.ready: $(READY) requirements-cluster.lock
	test -x $(CLUSTER)/bin/python || $(BIN)/python -m venv --without-pip $(CLUSTER)
	$(BIN)/python -c 'import sysconfig; print("import site; site.addsitedir(%r)" % sysconfig.get_path("purelib"))' > \
	  "$$($(CLUSTER)/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/factsheet-pipeline.pth"
	$(BIN)/python -m pip --python $(CLUSTER)/bin/python install --quiet --disable-pip-version-check --no-deps \
	  -r requirements-cluster.lock
	touch $@
