# Cloak: `make run` and `make test` are the two commands a new machine needs.
SWIFT ?= swift
SOURCES := Package.swift hal Sources Tests

.PHONY: all setup build test unit-tests lint format run virtual-bench clean
.PHONY: install package package-test
PREFIX ?= /usr/local
DESTDIR ?=
LIBGPIOD ?= 1

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
	scripts/model-check
	scripts/dashboard-test
	@if [ "$${CLOAK_SKIP_PACKAGE_TEST:-0}" = 1 ]; then echo "make test: PACKAGE TEST SKIPPED (CLOAK_SKIP_PACKAGE_TEST=1)"; else scripts/package-test; fi
	scripts/api-fuzz
	@scripts/run-virtual-bench-if-enabled

# The main job: the controller on the `sim` board (mock HAL + chip emulators).
run: setup
	$(SWIFT) build --product cloak
	$(SWIFT) run --skip-build cloak run

virtual-bench: setup
	scripts/virtual-bench

clean:
	rm -rf .build

# Deployment (docs/deployment.md): the release binary with the Swift runtime linked
# statically, boards, stations, systemd unit, udev rules and /etc/cloak.
install: setup
	scripts/install --prefix "$(PREFIX)" $(if $(DESTDIR),--destdir "$(DESTDIR)")

# The Debian package for one libgpiod major (LIBGPIOD=1: bookworm, 2: trixie).
package: setup
	scripts/package-deb --libgpiod $(LIBGPIOD)

# The package installed on a debootstrap Debian 12 chroot, the unit verified, the
# installed binary's notify protocol tested (also part of `make test`).
package-test: setup
	scripts/package-test
