# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test setup system-deps ingest-sample serve bench corpus clean

run: setup ingest-sample serve  ## venv, install, ingest the sample corpus, serve API and web UI

test: setup  ## the whole test suite (CI runs this)
	@bash scripts/install-system-deps.sh --browser
	$(BIN)/python -m parlens.devtools.opensearch build  # the real OpenSearch node, from Maven Central (cached in ~/.m2)
	$(BIN)/python -m pytest

setup: system-deps $(STAMP)

system-deps:  ## Debian packages: OCR and PDF rendering (`make test` adds headless Chromium)
	@bash scripts/install-system-deps.sh

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

ingest-sample:
	$(BIN)/parlens ingest corpora/samples --recursive

serve:
	$(BIN)/parlens serve

bench: setup
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/extract.py
	$(BIN)/python bench/search.py --passages 1000000

corpus: setup  ## re-render corpora/samples from corpora/src
	$(BIN)/python corpora/render.py

clean:
	rm -rf $(VENV) data
