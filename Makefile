# `make run` and `make test` each do all set-up on a fresh Debian machine (see README).
SWIFT ?= swift
BUILD_FLAGS ?=
RELEASE_FLAGS = -c release

.PHONY: run test build build-release setup-run setup-test test-swift test-e2e clean

run: setup-run build-release
	scripts/ensure-redis.sh
	exec "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/rest-sessions"

test: setup-test
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	scripts/with-test-redis.sh $(MAKE) --no-print-directory test-swift

setup-run:
	scripts/setup.sh run

setup-test:
	scripts/setup.sh test

build:
	$(SWIFT) build $(BUILD_FLAGS)

build-release:
	$(SWIFT) build $(RELEASE_FLAGS) $(BUILD_FLAGS)

# Expects RS_TEST_REDIS_URL from scripts/with-test-redis.sh.
test-swift:
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

clean:
	rm -rf .build .build-*
