# finsam — GNU make. Needs only python3 (with its venv module); everything else
# is installed into the project's own virtualenv, .venv/.
#
#   make report   set up, make demo data if data/ has none, write every report
#   make test     set up, run the test suite
#
# Variables: PYTHON (python3), DATA (data), OUT (output), YEAR (latest Mätår in DATA).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.finsam-installed
DATA   ?= data
OUT    ?= output
YEAR   ?=

.DEFAULT_GOAL := help
.PHONY: help .venv test demo browser report clean bench

help:
	@echo "make report   set up .venv, generate demo data if $(DATA)/ has no .xlsx files, run finsam batch into $(OUT)/"
	@echo "make test     set up .venv and run the tests"
	@echo "make demo     generate demo registration files into $(DATA)/demo (only if $(DATA)/ has no .xlsx files)"
	@echo "make bench    run every benchmarks/*.py"
	@echo "make clean    remove $(OUT)/ and the .venv stamp (the next make reinstalls)"
	@echo "Options: YEAR=2022 (default: the latest Mätår in $(DATA)/), DATA=..., OUT=..., PYTHON=..."

# The virtualenv, (re)installed when pyproject.toml changes.
.venv: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip setuptools
	$(BIN)/python -m pip install -e ".[test]"
	touch $@

# Two workers; each test file runs whole on one of them, so that a module's fixtures (a report,
# a batch) are made once, not once per worker.
test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile tests

demo: $(STAMP)
	@if [ -n "$$(find $(DATA) -name '*.xlsx' ! -name '~$$*' ! -name '.*' 2>/dev/null | head -1)" ]; then \
		echo "$(DATA)/ already holds registration files (.xlsx): no demo data generated."; \
	else \
		echo "$(BIN)/finsam demo --out $(DATA)/demo"; \
		$(BIN)/finsam demo --out $(DATA)/demo; \
	fi

# PDFs need a Chromium-family browser. When finsam finds none and this is root with apt-get (a bare
# Debian machine), install Debian's chromium and the fonts the reports use, as .ci/run does. Otherwise
# `finsam batch` writes the HTML and Excel reports and says in one line how to get the PDFs.
# --no-upgrade: what is installed already is left as it is. `make report` must never upgrade a system
# package: a chromium that finsam could not see (hidden, or somewhere it does not look) was upgraded
# here half-way (chromium 150 with chromium-common 156), and crashed at every start after that.
BROWSER_PACKAGES := chromium fonts-dejavu-core fonts-liberation
APT_INSTALL := DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends --no-upgrade $(BROWSER_PACKAGES) </dev/null

browser: $(STAMP)
	@if ! $(BIN)/python -c "import sys; from finsam_lib.publish.pdf import find_browser; sys.exit(not find_browser())" \
		&& [ "$$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Ingen Chromium-baserad webbläsare hittades: installerar $(BROWSER_PACKAGES) för PDF-rapporterna."; \
		$(APT_INSTALL) >/dev/null 2>&1 || { apt-get update >/dev/null && $(APT_INSTALL) >/dev/null; } \
			|| echo "Kunde inte installera $(BROWSER_PACKAGES); rapporterna blir HTML och Excel." >&2; \
	fi

# The latest measurement year (Mätår on the Uppgifter sheet) of the workbooks
# under the folders given as arguments (registration.reader.latest_year). Used when YEAR is not set.
define LATEST_YEAR_PY
import sys
from finsam_lib.registration.reader import latest_year
year = latest_year(sys.argv[1:])
if year is None:
    sys.exit("No Mätår found in the registration files in " + " ".join(sys.argv[1:]) + "; give YEAR=...")
print(year)
endef
export LATEST_YEAR_PY

report: demo browser
	@if [ -d $(DATA)/demo ] && [ -n "$$(find $(DATA) -name '*.xlsx' ! -path '$(DATA)/demo/*' ! -name '~$$*' ! -name '.*' | head -1)" ]; then \
		echo "warning: $(DATA)/ holds both demo files ($(DATA)/demo) and other registration files; both are read. Delete $(DATA)/demo to report on your own data only." >&2; \
	fi
	@year="$(YEAR)"; \
	if [ -z "$$year" ]; then year=$$($(BIN)/python -c "$$LATEST_YEAR_PY" $(DATA)) || exit 1; fi; \
	echo "$(BIN)/finsam batch --data $(DATA) --year $$year --out $(OUT)"; \
	$(BIN)/finsam batch --data $(DATA) --year $$year --out $(OUT)

clean:
	rm -rf $(OUT) $(STAMP)

bench: $(STAMP)
	@for f in benchmarks/*.py; do \
		[ -e "$$f" ] || continue; \
		echo "== $$f"; \
		$(BIN)/python "$$f" || exit 1; \
	done
