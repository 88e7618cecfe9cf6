# `make run` and `make test` each do all set-up on a fresh Debian machine (see README).
SWIFT ?= swift
BUILD_FLAGS ?=
RELEASE_FLAGS = -c release

.PHONY: run test build build-release setup-run setup-test setup-e2e test-swift test-e2e clean fuzz fuzz-smoke sanitize
.PHONY: test-ha test-faults soak test-hostile fuzz-json fuzz-merge sanitize-e2e
.PHONY: setup-bench bench bench-growth bench-profile bench-compare bench-allocations

# The service reads config/rest-sessions.json unless RS_CONFIG names another file.
run: export RS_CONFIG ?= config/rest-sessions.json
run: setup-run build-release
	scripts/ensure-redis.sh
	exec "$$($(SWIFT) build $(RELEASE_FLAGS) --show-bin-path)/rest-sessions"

# The fuzz smoke comes first so the test runners' closing lines end the output.
test: setup-test
	$(MAKE) --no-print-directory fuzz-smoke
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	scripts/with-test-redis.sh $(MAKE) --no-print-directory --keep-going test-swift test-e2e

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

# End-to-end: the real binary, real Redis, nginx, curl, the example clients and schemathesis
# (Tests/EndToEnd, pytest). Expects RS_TEST_REDIS_URL etc. from scripts/with-test-redis.sh:
#   scripts/with-test-redis.sh make test-e2e [E2E_ARGS="-k nginx"]
E2E_VENV = .venv-test
E2E_REQUIREMENTS = Tests/EndToEnd/requirements.txt
E2E_ARGS ?=

# Creates the venv and installs the pinned packages only when missing or changed.
setup-e2e:
	@test -x $(E2E_VENV)/bin/python || python3 -m venv $(E2E_VENV)
	@cmp -s $(E2E_REQUIREMENTS) $(E2E_VENV)/requirements.installed || { \
	  $(E2E_VENV)/bin/pip install --quiet --disable-pip-version-check -r $(E2E_REQUIREMENTS) && \
	  cp $(E2E_REQUIREMENTS) $(E2E_VENV)/requirements.installed; }

test-e2e: setup-e2e
	$(SWIFT) build --product rest-sessions $(BUILD_FLAGS)
	RS_BINARY="$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))/rest-sessions" \
	  $(E2E_VENV)/bin/python -m pytest Tests/EndToEnd -p no:cacheprovider -rfE $(E2E_ARGS)

clean:
	rm -rf .build .build-*

# Fuzzing the HTTP request parser with libFuzzer (+ AddressSanitizer); see README "HTTP server".
# New inputs go to .build-fuzz/corpus, crashes to .build-fuzz/artifacts. FUZZ_SECONDS=0 runs until stopped.
FUZZ_SECONDS ?= 600
FUZZ_BUILD = $(SWIFT) build --scratch-path .build-fuzz --product HTTPParserFuzz -Xswiftc -sanitize=fuzzer,address \
	-Xswiftc -DFUZZING -Xswiftc -enable-experimental-feature -Xswiftc Extern

fuzz:
	$(FUZZ_BUILD)
	mkdir -p .build-fuzz/corpus .build-fuzz/artifacts
	"$$($(FUZZ_BUILD) --show-bin-path)/HTTPParserFuzz" -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=.build-fuzz/artifacts/ \
		-dict=Sources/HTTPParserFuzz/http.dict .build-fuzz/corpus Sources/HTTPParserFuzz/Corpus

fuzz-smoke:
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=60

# Fuzzing the JSON body path: JSONText's parser and writer and the store's d rules (no Redis).
# Its own scratch path: testability (the d rules are internal) changes every module's flags.
FUZZ_JSON_BUILD = $(SWIFT) build --scratch-path .build-fuzz-json --product JSONBodyFuzz -Xswiftc -sanitize=fuzzer,address \
	-Xswiftc -DFUZZING -Xswiftc -enable-experimental-feature -Xswiftc Extern -Xswiftc -enable-testing
fuzz-json:
	$(FUZZ_JSON_BUILD)
	mkdir -p .build-fuzz-json/corpus .build-fuzz-json/artifacts
	"$$($(FUZZ_JSON_BUILD) --show-bin-path)/JSONBodyFuzz" -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
		-rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=.build-fuzz-json/artifacts/ \
		-dict=Sources/JSONBodyFuzz/json.dict .build-fuzz-json/corpus Sources/JSONBodyFuzz/Corpus

# Folds what long runs found into the repository's seed corpora, minimised (a merge keeps only
# inputs that add coverage; set_cover_merge picks a small set that covers it all).
fuzz-merge:
	$(FUZZ_BUILD)
	$(FUZZ_JSON_BUILD)
	"$$($(FUZZ_BUILD) --show-bin-path)/HTTPParserFuzz" -set_cover_merge=1 -max_len=8192 Sources/HTTPParserFuzz/Corpus .build-fuzz/corpus
	"$$($(FUZZ_JSON_BUILD) --show-bin-path)/JSONBodyFuzz" -set_cover_merge=1 -max_len=4096 Sources/JSONBodyFuzz/Corpus .build-fuzz-json/corpus

# Every test (Swift Testing; XCTest's own runner leaks at exit) under AddressSanitizer, then
# ThreadSanitizer, with their own scratch paths. SANITIZE_TEST_FLAGS
# narrows the run, e.g. SANITIZE_TEST_FLAGS="--filter HTTPServerTests".
# One test at a time: under a sanitizer the tests that start 100,000 commands starve the others for
# seconds, and the ones that read idle times from Redis's clock then see the clock move.
# The sanitizers print their own stacks; Swift's backtracer, started on top of an ASan report,
# hung (the test process never exited), so it is off for these runs.
SANITIZE_TEST_FLAGS ?=
SANITIZER_ENV = SWIFT_BACKTRACE=enable=no \
	ASAN_OPTIONS=suppressions=$(CURDIR)/scripts/asan-suppressions.txt LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt
sanitize:
	$(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	$(SANITIZER_ENV) scripts/with-test-redis.sh $(SWIFT) test --skip-build --disable-xctest --scratch-path .build-asan --sanitize=address --no-parallel $(SANITIZE_TEST_FLAGS)
	$(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread
	$(SANITIZER_ENV) scripts/with-test-redis.sh $(SWIFT) test --skip-build --disable-xctest --scratch-path .build-tsan --sanitize=thread --no-parallel $(SANITIZE_TEST_FLAGS)

# The end-to-end suite against the binary built with SANITIZER (address or thread). A report makes
# the service exit non-zero (ASan at once, LeakSanitizer and TSan at exit), which every test checks
# when it stops the service.
SANITIZER ?= address
SANITIZER_BUILD = $(SWIFT) build --product rest-sessions --scratch-path .build-$(if $(filter thread,$(SANITIZER)),tsan,asan) --sanitize=$(SANITIZER)
sanitize-e2e: setup-test setup-e2e
	$(SANITIZER_BUILD)
	$(SANITIZER_ENV) scripts/with-test-redis.sh env RS_BINARY="$$($(SANITIZER_BUILD) --show-bin-path)/rest-sessions" \
	  $(E2E_VENV)/bin/python -m pytest Tests/EndToEnd -p no:cacheprovider -rfE $(E2E_ARGS)

# Reliability (docs/reliability.md): the real binary against Redis processes of the tests' own, on
# loopback. Each prints its figures (lines starting with FIGURE).
RELIABILITY_PYTEST = env RS_BINARY="$$($(SWIFT) build --show-bin-path $(BUILD_FLAGS))/rest-sessions" \
	$(E2E_VENV)/bin/python -m pytest -p no:cacheprovider -rfE -s

# Sentinel failovers under load: longer and more rounds than the short run inside `make test`.
HA_SECONDS ?= 10
HA_ROUNDS ?= 3
test-ha: setup-test setup-e2e
	$(SWIFT) build --product rest-sessions $(BUILD_FLAGS)
	RS_HA_SECONDS=$(HA_SECONDS) RS_HA_ROUNDS=$(HA_ROUNDS) scripts/with-test-redis.sh $(RELIABILITY_PYTEST) Tests/EndToEnd/test_ha.py

# Redis killed and stalled under load, slowloris, 10,000 idle connections, vanishing clients.
test-faults: setup-test setup-e2e
	$(SWIFT) build --product rest-sessions $(BUILD_FLAGS)
	scripts/with-test-redis.sh $(RELIABILITY_PYTEST) Tests/Reliability/test_faults.py

# schemathesis over openapi.yaml with its stateful phase, at least 5,000 generated requests.
test-hostile: setup-test setup-e2e
	$(SWIFT) build --product rest-sessions $(BUILD_FLAGS)
	scripts/with-test-redis.sh $(RELIABILITY_PYTEST) Tests/Reliability/test_hostile.py

# Ten minutes of mixed load at 50 connections (RS_SOAK_SECONDS to change); not part of make test.
soak: setup-test setup-e2e
	$(SWIFT) build --product rest-sessions $(BUILD_FLAGS)
	scripts/with-test-redis.sh $(RELIABILITY_PYTEST) Tests/Reliability/test_soak.py

# Benchmarks (README "Performance"); nothing in `make test` measures speed. Each starts its own
# redis-server and service on free loopback ports and writes bench/results/*.json.
BENCH_SECONDS ?= 10
# Root only, off by default: the service (and HTTPBench) at this nice level, e.g. -5 (README "Performance").
BENCH_SERVICE_NICE ?=
setup-bench:
	scripts/setup.sh bench

# wrk on get, set, create, mixed; HTTP alone; Redis alone (redis-benchmark on our scripts); memory.
bench: setup-bench
	BENCH_SECONDS=$(BENCH_SECONDS) BENCH_SERVICE_NICE=$(BENCH_SERVICE_NICE) python3 bench/bench.py

# 1,000 / 100,000 / 1,000,000 sessions: get latency, soapp, killall, wipe, longest Redis block.
bench-growth: setup-bench
	python3 bench/growth.py

# CPU per request of the service, Redis and wrk, and a perf profile: PROFILE_ROUTE=get|set|create|mixed|fixed,
# PROFILE_PROCESS=service|redis (which process perf samples).
PROFILE_ROUTE ?= get
PROFILE_PROCESS ?= service
bench-profile: setup-bench
	PROFILE_ROUTE=$(PROFILE_ROUTE) PROFILE_PROCESS=$(PROFILE_PROCESS) python3 bench/profile.py

# Two builds alternated (COMPARE="DIR_A DIR_B", each holding a rest-sessions binary): CPU per request
# pair by pair. bench-allocations: malloc/calloc/realloc and system calls per request, exact counts.
COMPARE ?=
COMPARE_ROUNDS ?= 6
bench-compare: setup-bench
	PROFILE_ROUTE=$(PROFILE_ROUTE) COMPARE_ROUNDS=$(COMPARE_ROUNDS) python3 bench/compare.py $(COMPARE)

bench-allocations: setup-bench
	PROFILE_ROUTE=$(PROFILE_ROUTE) python3 bench/compare.py --allocations
