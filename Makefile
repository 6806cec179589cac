# front-core-client: `make install` then `make test` is all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
SPEC ?=
SPEC_BUILD := build/spec
SOURCE_SPEC := $(SPEC_BUILD)/core-api.json
PATCHED_SPEC := $(SPEC_BUILD)/core-api.patched.json
GENERATED := generated/front_core_api
GENERATED_STAMP := build/generated.stamp
# The Channel API (tools/apis.py): its own pin and patches, the same tools and templates.
CHANNEL_SPEC ?=
CHANNEL_SOURCE_SPEC := $(SPEC_BUILD)/channel-api.json
CHANNEL_PATCHED_SPEC := $(SPEC_BUILD)/channel-api.patched.json
CHANNEL_GENERATED := generated/front_channel_api
CHANNEL_GENERATED_STAMP := build/generated-channel.stamp
TEMPLATES := $(wildcard templates/*.jinja templates/*/*.jinja) templates/config.yaml templates/generator-warnings.yaml
# The facade step of tools/generate.py: its code and the naming exceptions; the query objects.
FACADE_INPUTS := tools/facade.py tools/facade_names.py spec/facade-names.yaml tools/query_objects.py spec/query-objects.yaml overlay/front_client/extensions.py
export PYTHONUTF8 := 1

.PHONY: help install spec generate update-spec test demo lint format bench dist docs mutate sweep clean distclean lock record record-live FORCE

help:
	@echo "make help      this list (the default target)"
	@echo "make install   venv in .venv with pinned deps, patched spec, generated client"
	@echo "make demo      a realistic job against the Front emulator: no token, no network (installs first)"
	@echo "make test      every test (pipeline, overlay, limiter, contract, packaging; installs first)"
	@echo "make generate  regenerate generated/front_core_api and front_channel_api (quick when nothing changed);"
	@echo "               SPEC=<file> / CHANNEL_SPEC=<file> to override"
	@echo "make update-spec [API=core|channel] SPEC=<file> [COMMIT=<sha>] [DATE=YYYY-MM-DD] [FORMAT=text|markdown|json]"
	@echo "               move the API's pin to another Front spec, regenerate, print the API change report;"
	@echo "               COMMIT=<sha> alone downloads that commit's file; then make test, make record"
	@echo "make spec      fetch + verify + patch + validate the spec into $(SPEC_BUILD)/"
	@echo "make lint      ruff + mypy on the hand-written code"
	@echo "make format    ruff format + ruff check --fix on the hand-written code"
	@echo "make record    re-record tests/cassettes from nothing (Prism + the emulator), then replay them offline"
	@echo "make record-live   read-only operations against the real API (FRONT_API_TOKEN) into build/cassettes-live"
	@echo "make bench     benchmarks (figures are in README.md)"
	@echo "make docs      API reference of the facade (every method) into build/docs/"
	@echo "make dist      wheel + sdist into dist/ (both carry the generated clients and py.typed)"
	@echo "make lock      re-pin requirements/dev.txt from requirements/dev.in"
	@echo "make sweep SPECS=<git dir of frontapp/front-api-specs> [JOBS=1]"
	@echo "               every published core spec through patch, generate (with the facade), import"
	@echo "make mutate    mutation testing of the overlay (mutmut, tens of minutes; MUTATE=multipart for one module)"
	@echo "make clean     remove build output (build/, dist/, generated/front_core_api, generated/front_channel_api)"
	@echo "make distclean clean, and remove .venv and node_modules"

install: $(VENV)/.installed node_modules/.installed generate

# Prism (the spec-driven mock server) for recording cassettes and the cross-version smoke tests.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: requirements/dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==26.3
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Fetching always runs (SPEC= may change) but rewrites the file only when its bytes change.
$(SOURCE_SPEC): FORCE $(VENV)/.installed
	$(BIN)/python -m tools.fetch_spec --output $@ $(if $(SPEC),--spec $(SPEC))

$(PATCHED_SPEC): $(SOURCE_SPEC) spec/patches.overlay.yaml overlay/front_client/tiers.json tools/patch_spec.py
	$(BIN)/python -m tools.patch_spec $(SOURCE_SPEC) $@

$(CHANNEL_SOURCE_SPEC): FORCE $(VENV)/.installed
	$(BIN)/python -m tools.fetch_spec --api channel --output $@ $(if $(CHANNEL_SPEC),--spec $(CHANNEL_SPEC))

$(CHANNEL_PATCHED_SPEC): $(CHANNEL_SOURCE_SPEC) spec/channel/patches.overlay.yaml overlay/front_client/tiers.json tools/patch_spec.py
	$(BIN)/python -m tools.patch_spec $(CHANNEL_SOURCE_SPEC) $@ --patches spec/channel/patches.overlay.yaml

spec: $(PATCHED_SPEC) $(CHANNEL_PATCHED_SPEC)

$(GENERATED_STAMP): $(PATCHED_SPEC) $(TEMPLATES) $(FACADE_INPUTS) tools/generate.py tools/response_shapes.py spec/pin.json
	$(BIN)/python -m tools.generate $(PATCHED_SPEC) --output $(GENERATED) --source $(SOURCE_SPEC)
	touch $@

$(CHANNEL_GENERATED_STAMP): $(CHANNEL_PATCHED_SPEC) $(TEMPLATES) $(FACADE_INPUTS) tools/generate.py tools/response_shapes.py spec/channel/pin.json
	$(BIN)/python -m tools.generate $(CHANNEL_PATCHED_SPEC) --api channel --output $(CHANNEL_GENERATED) --source $(CHANNEL_SOURCE_SPEC)
	touch $@

generate: $(GENERATED_STAMP) $(CHANNEL_GENERATED_STAMP)

# Move the pin to another version of Front's spec, regenerate, and print the API change report.
FORMAT ?= text
API ?= core
update-spec: $(VENV)/.installed
	$(BIN)/python -m tools.update_spec --api $(API) $(if $(SPEC),--spec $(SPEC)) $(if $(COMMIT),--commit $(COMMIT)) \
		$(if $(DATE),--date $(DATE)) --format $(FORMAT)
	$(if $(filter channel,$(API)),touch $(CHANNEL_SOURCE_SPEC) $(CHANNEL_PATCHED_SPEC) $(CHANNEL_GENERATED_STAMP),touch $(SOURCE_SPEC) $(PATCHED_SPEC) $(GENERATED_STAMP))

# Each of `make test` and `make demo` installs what it needs first, so either works on a fresh clone.
test: $(VENV)/.installed node_modules/.installed generate
	$(BIN)/python -m pytest

demo: $(VENV)/.installed generate
	$(BIN)/python -m tools.demo

# Cassettes: `make test` replays tests/cassettes offline; these re-record them (see tools/record.py).
record: $(VENV)/.installed node_modules/.installed generate
	$(BIN)/python -m tools.record

record-live: $(VENV)/.installed generate
	$(BIN)/python -m tools.record --live

bench: $(VENV)/.installed generate
	$(BIN)/python -m bench.generated_bench
	$(BIN)/python -m bench.limiter_bench

docs: $(VENV)/.installed generate
	$(BIN)/python -m tools.facade_docs --output build/docs

# Mutation testing (not part of `make test`): tools/mutate.py lists the modules and the tests of each.
MUTATE ?=
mutate: $(VENV)/.installed generate
	$(BIN)/python -m tools.mutate $(MUTATE)

# Every published version of Front's core spec through the pipeline (tools/sweep.py; not part of make test).
SPECS ?=
JOBS ?= 1
sweep: $(VENV)/.installed
	@test -n "$(SPECS)" || { echo "give SPECS=<git dir or clone of frontapp/front-api-specs>"; exit 2; }
	$(BIN)/python -m tools.sweep $(SPECS) --jobs $(JOBS) --results build/sweep.jsonl

lint: $(VENV)/.installed
	$(BIN)/ruff check overlay tests tools bench
	$(BIN)/ruff format --check overlay tests tools bench
	$(BIN)/mypy

format: $(VENV)/.installed
	$(BIN)/ruff format overlay tests tools bench
	$(BIN)/ruff check --fix overlay tests tools bench

lock: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements/dev.in
	(echo "# Exact pins of every package in the dev environment: generated by 'make lock' from dev.in."; \
	 $(BIN)/python -m pip freeze --exclude-editable | grep -v '^front-core-client') > requirements/dev.txt

# The wheel and the sdist, built with the pinned tools of .venv (the same hook runs under pip install).
dist: $(VENV)/.installed generate
	rm -rf dist
	$(BIN)/python -m hatchling build --directory dist
	@ls -l dist

clean:
	rm -rf build dist $(GENERATED) $(CHANNEL_GENERATED)

distclean: clean
	rm -rf $(VENV) node_modules

FORCE:
