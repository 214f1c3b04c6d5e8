# Gazette: `make run` serves the archive, `make test` runs the suite. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test install install-dev migrate demo index static serve lint format bench clean opensearch opensearch-stop

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

migrate: install
	$(BIN)/python manage.py migrate --noinput

# Idempotent: a second run reports the seeds as duplicates and inserts nothing.
demo: migrate
	$(BIN)/python manage.py import_articles demo/seeds

index: migrate
	$(BIN)/python manage.py rebuild_index --noinput

static: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0

# One gunicorn worker at a time applies index changes (archive/search/writer.py).
serve:
	$(BIN)/gunicorn -c config/gunicorn.conf.py --bind $(HOST):$(PORT) --workers $(WORKERS)

run: migrate demo index static serve

test: install-dev
	$(BIN)/pytest

# radon only reports, so its list of functions graded D or worse is what fails the step.
lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@worse="$$($(BIN)/radon cc --min D --show-complexity archive)" || exit 1; \
	if [ -n "$$worse" ]; then printf 'Split these, nothing in archive/ may grade worse than C:\n%s\n' "$$worse"; exit 1; fi

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The search benchmark (bench/README.md); not part of `make test`. SIZES=2000 for a quick look.
SIZES ?= 10000,50000
bench: install
	$(BIN)/python -m bench.run --sizes $(SIZES)

# A 3-node OpenSearch cluster on loopback (HTTP 9201-9203), OpenSearch's own server code run from Maven
# Central's jars (ops/opensearch/). SEARCH_URL=opensearch://127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203/gazette
OPENSEARCH_DIR ?= var/opensearch
opensearch:
	mvn -q -B -Dstyle.color=never -f ops/opensearch/pom.xml package
	ops/opensearch/cluster start $(OPENSEARCH_DIR)
	ops/opensearch/cluster wait

opensearch-stop:
	ops/opensearch/cluster stop $(OPENSEARCH_DIR)

clean:
	rm -rf $(VENV) var .pytest_cache
