# make book   build the book (creates .venv from requirements.txt when missing)
# make test   run every test
# make release  regenerate exercises/ from solutions/ with nbgrader
# make lab     JupyterLab for a student on their own (README: For students)
VENV := .venv
BIN := $(VENV)/bin
# nbgrader runs its helper commands (alembic) from PATH
export PATH := $(CURDIR)/$(BIN):$(PATH)
# idle OpenMP threads sleep instead of spinning: on 2 shared cores spinning made
# training 10-30x slower while another notebook or grading ran beside it
export OMP_WAIT_POLICY := PASSIVE

.PHONY: book test release lab clean

$(VENV)/installed: requirements.txt
	test -x $(BIN)/python || python3 -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

book: $(VENV)/installed
	$(BIN)/jupyter-book build . -W -n --keep-going
	@echo "The book is in _build/html/index.html"

test: $(VENV)/installed
	$(BIN)/python -m pytest -n 2 --dist loadfile -p no:cacheprovider --nbmake --nbmake-timeout=300 tests solutions

# one assignment with `make release A=ex01-shapes-and-counts`
release: $(VENV)/installed
	for a in $(if $(A),$(A),$(notdir $(wildcard solutions/*))); do \
	  $(BIN)/nbgrader generate_assignment --force $$a || exit 1; done

# the student's tools only: Validate, no instructor panels and no Assignment List, which
# needs a class's exchange (jupyter/on-your-own/labconfig/page_config.json)
lab: $(VENV)/installed
	JUPYTER_CONFIG_PATH=$(CURDIR)/jupyter/on-your-own$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH)) \
	  $(BIN)/jupyter lab

clean:
	rm -rf _build
