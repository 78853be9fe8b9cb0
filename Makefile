# Cloak: `make run` and `make test` are the two commands a new machine needs.
SWIFT ?= swift
SOURCES := Package.swift hal Sources Tests

.PHONY: all setup build test unit-tests lint format run virtual-bench clean

all: build

setup:
	@scripts/setup

build: setup
	$(SWIFT) build

lint:
	$(SWIFT) format lint --strict --recursive $(SOURCES)

format:
	$(SWIFT) format format --in-place --recursive $(SOURCES)

unit-tests: setup
	$(SWIFT) build --build-tests
	$(SWIFT) build --product cloak
	$(SWIFT) test --skip-build

# The whole suite: style, unit tests, the CLI end to end, then the virtual hardware bench.
test: setup lint unit-tests
	scripts/cli-smoke
	scripts/leak-check
	@scripts/run-virtual-bench-if-enabled

# The main job: the controller on the `sim` board (mock HAL + chip emulators).
run: setup
	$(SWIFT) build --product cloak
	$(SWIFT) run --skip-build cloak run

virtual-bench: setup
	scripts/virtual-bench

clean:
	rm -rf .build
