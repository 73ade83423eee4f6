# The editor's commands. `make report` and `make test` are all a fresh
# Debian machine with Rust needs: they build the tool and, for the tests,
# install the document tools they read the outputs with.

CARGO ?= cargo
# One optimised profile for the editor's tool, the tests and the benchmarks,
# so Typst's dependencies are compiled once, optimised, for all three.
PROFILE := --release
BIN := target/release/report
OUT := out

RUST_SOURCES := Cargo.toml Cargo.lock $(shell find src -name '*.rs')
REPORT_SOURCES := $(shell find report-data layouts fonts -type f 2>/dev/null)

# Debian packages the tests read outputs with: pdftotext, pdfinfo, pdffonts
# (poppler-utils), qpdf, and LibreOffice for the DOCX round trip.
TEST_TOOLS := pdftotext:poppler-utils qpdf:qpdf soffice:libreoffice-writer-nogui

.PHONY: report final check placeholders new schema test lint fmt fuzz bench watch tools clean help

# Cases per fuzz property; `make fuzz FUZZ_CASES=10000` for a longer run.
FUZZ_CASES ?= 1000

help:
	@echo "make report        build out/*.pdf and out/*.docx (drafts, placeholders flagged)"
	@echo "make final         build the versions partners receive; refuses while placeholders remain"
	@echo "make check         check the sources; fails when a required section is missing"
	@echo "make placeholders  list what is still to be written, with file:line:col"
	@echo "make new NAME=...  start the next meeting's report from the last one"
	@echo "make schema        refresh schemas/, the JSON Schemas editors check the sources with"
	@echo "make test          run every test (installs the document tools if missing)"
	@echo "make watch         rebuild both documents whenever a source or layout is saved"
	@echo "make bench         measure the pipeline against typst's own compile (writes README's table)"
	@echo "make fuzz          fuzz the YAML-to-Typst path (FUZZ_CASES=$(FUZZ_CASES) per property)"

report: $(OUT)/.built

$(BIN): $(RUST_SOURCES)
	$(CARGO) build $(PROFILE) --locked
	@touch $@

$(OUT)/.built: $(BIN) $(REPORT_SOURCES)
	$(BIN) build --out $(OUT)
	@touch $@

final: $(BIN)
	$(BIN) build --final --out $(OUT)

# The next meeting's report, started from the last: make new NAME=07-seventh-meeting
new: $(BIN)
	@test -n "$(NAME)" || { echo "usage: make new NAME=07-seventh-meeting [FROM=06-sixth-meeting]"; exit 2; }
	$(BIN) new $(NAME) $(if $(FROM),--from $(FROM))

check: $(BIN)
	$(BIN) check

placeholders: $(BIN)
	$(BIN) placeholders

# After a change to the layout's sections or to the model's file shapes;
# the tests fail while schemas/ is not what this writes.
schema: $(BIN)
	$(BIN) schema schemas

test: tools lint
	$(CARGO) test $(PROFILE) --locked

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

# typst's own command line, of the version the tool is built with, which
# `make bench` compares the build with beside its in-process floor. Installed
# into target/ (a few minutes, once per version); the bench goes on without
# it if the install fails.
TYPST_VERSION = $(shell sed -n '/^name = "typst"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
TYPST_CLI := target/typst-cli/bin/typst

bench: tools
	@$(TYPST_CLI) --version 2>/dev/null | grep -qF "typst $(TYPST_VERSION) " \
		|| $(CARGO) install typst-cli --version $(TYPST_VERSION) --locked --force --root target/typst-cli \
		|| echo "typst-cli could not be installed: the bench measures without it"
	TYPST_CLI=$(abspath $(TYPST_CLI)) $(CARGO) bench --locked --bench pipeline

watch: $(BIN)
	$(BIN) watch --out $(OUT)

fuzz:
	PROPTEST_CASES=$(FUZZ_CASES) $(CARGO) test $(PROFILE) --locked --test it fuzz -- --ignored

tools:
	@missing=""; for pair in $(TEST_TOOLS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

clean:
	rm -rf $(OUT)
