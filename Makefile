# The course's commands. `make lab` opens the course; `make test` runs everything CI runs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NB ?=
# Jupyter refuses to run as root unless told to (containers, cloud shells).
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root,)

.PHONY: setup lab test unit notebooks record author outputs models bench fault-matrix lint clean

# helpers/bootstrap.py: new .venv, then `uv sync --locked` (the versions in uv.lock), the course editable.
$(STAMP): pyproject.toml uv.lock helpers/bootstrap.py
	$(PYTHON) helpers/bootstrap.py
	@touch $(STAMP)

setup: $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks --ContentsManager.allow_hidden=True $(LAB_FLAGS)

test: $(STAMP)
	$(BIN)/ruff check helpers tests recordings/authored imgs audio
	$(BIN)/course models
	COURSE_MODE=replay $(BIN)/python -m pytest -n 2 --dist loadscope --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg tests notebooks solutions

record: $(STAMP)
	$(BIN)/course record $(NB)

author: $(STAMP)
	$(BIN)/course author $(NB)

outputs: $(STAMP)
	$(BIN)/course outputs $(NB)

models: $(STAMP)
	$(BIN)/course models

bench: $(STAMP)
	$(BIN)/course bench

fault-matrix: $(STAMP)
	$(BIN)/python -m tests.fault_matrix --write

environment.yml: pyproject.toml
	$(BIN)/python -m helpers.environment > environment.yml

lint: $(STAMP)
	$(BIN)/ruff check helpers tests recordings/authored imgs audio

clean:
	rm -rf $(VENV) build *.egg-info

# Every notebook in a real browser: JupyterLab on 127.0.0.1 driven by headless Chromium (the system's
# `chromium`; Playwright downloads nothing), then lesson 03's chat box. Screenshots: build/browser/.
.PHONY: test-browser
test-browser: $(STAMP)
	@$(BIN)/python -c 'import playwright' 2>/dev/null || $(PYTHON) helpers/bootstrap.py --extra dev --extra browser
	COURSE_MODE=replay $(BIN)/python -m tests.browser
