# jirga — build, test, demo. `make` builds ./jirga; `make test` runs every test and ends
# with "N passed, N failed". `make SAN=1 ...` builds with AddressSanitizer and
# UndefinedBehaviorSanitizer into build-san/.

CC ?= cc
SAN ?= 0
ifeq ($(SAN),1)
  BUILD := build-san
  OPT := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDSAN := -fsanitize=address,undefined
  BIN := $(BUILD)/jirga
else
  BUILD := build
  OPT := -O2 -g
  LDSAN :=
  BIN := jirga
endif
PQ_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-format-truncation -Iinclude $(PQ_CFLAGS)
LDLIBS := -lutf8proc -ljansson -lsqlite3 -lmicrohttpd -lpq -lpthread

LIB_SRC := $(wildcard src/base/*.c src/text/*.c src/lexicon/*.c src/dict/*.c src/parse/*.c \
                      src/code/*.c src/out/*.c src/input/*.c src/export/*.c src/store/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
# jirga serve (src/serve/) and its web page: every file of web/ is compiled into the
# binary by tools/embed.c (web/node_modules and the npm manifests are not served).
SERVE_OBJ := $(patsubst %.c,$(BUILD)/%.o,$(wildcard src/serve/*.c)) $(BUILD)/gen/web_files.o
WEB_FILES := $(wildcard web/*.html web/*.js web/*.css web/vendor/*)
LIB := $(BUILD)/libjirga.a
PLACES := dictionaries/gen/places.tsv

.PHONY: all test demo clean setup golden-update unit bench bench-cost bench-stream bench-serve bench-store eval fuzz fuzz-build fuzz-replay conformance

all: $(BIN) $(PLACES)

# The gazetteer is generated from Debian's libgeonames and iso-codes (tools/gazetteer.c).
ISO3166 := /usr/share/iso-codes/json/iso_3166-1.json
build/tools/gazetteer: tools/gazetteer.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror $$(pkg-config --cflags geonames) $< -o $@ \
		$$(pkg-config --libs geonames) -ljansson -lutf8proc -lm

$(PLACES): build/tools/gazetteer
	@mkdir -p $(dir $@)
	build/tools/gazetteer $(ISO3166) $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O2 -Wall -Wextra -Werror $< -o $@

$(BUILD)/gen/web_files.c: $(BUILD)/tools/embed $(WEB_FILES)
	@mkdir -p $(dir $@)
	$(BUILD)/tools/embed $@ web $(WEB_FILES)

$(BUILD)/gen/web_files.o: $(BUILD)/gen/web_files.c
	$(CC) $(CFLAGS) -c $< -o $@

$(BIN): $(CLI_OBJ) $(SERVE_OBJ) $(LIB)
	$(CC) $(LDSAN) -o $@ $(CLI_OBJ) $(SERVE_OBJ) $(LIB) $(LDLIBS)

# Unit tests (cmocka), one binary per file in tests/unit/.
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Isrc $(LDSAN) -o $@ $< $(LIB) $(LDLIBS) -lcmocka

unit: $(UNIT_BIN)

setup:
	./scripts/setup.sh

# Throughput benchmark (bench/): sentences/s, MB/s, events/s, load time, peak RSS.
bench: all
	python3 bench/run.py

# What a sentence costs on callgrind's simulated machine (instructions, cache misses,
# mispredicted branches): a measure of change that does not depend on the machine's load.
bench-cost: all
	python3 bench/cost.py

# Memory on a long stream: STREAM_GB gigabytes (default 1) on standard input, resident
# memory sampled every tenth (bench/stream.py).
bench-stream: all
	python3 bench/stream.py

# Load test of jirga serve (bench/serve.py): wrk, 100,000 POST /v1/code on loopback;
# requests/s, p99 latency, errors, RSS before and after (figures in docs/serve.md).
bench-serve: all
	python3 bench/serve.py

# Event store ingest, SQLite against PostgreSQL (bench/store.py): events/s.
bench-store: all
	python3 bench/store.py

# Accuracy on the development gold set and on the held-out test set (tests/gold/README.md:
# tune on dev only).
eval: all
	@echo "== development set (tests/gold/dev.jsonl)"
	./jirga eval --gold tests/gold/dev.jsonl
	@echo "== held-out test set (tests/gold/test.jsonl)"
	./jirga eval --gold tests/gold/test.jsonl

# The peers' suites: TABARI's validation records and PETRARCH's unit tests (docs/compat.md),
# pass counts held to tests/conformance/baseline.txt; skipped when ../shared is absent.
conformance: all
	./tests/conformance/run.sh

# The README's first command: install what is missing, build, code an example article.
demo:
	./scripts/setup.sh
	$(MAKE) all
	./jirga code --date 2021-03-09 examples/afghan-talks.txt

# Fuzzing (tests/fuzz/; its README says what each target feeds): libFuzzer targets built
# with clang, the library sources compiled into each with -fsanitize=fuzzer,address,
# undefined (not the gcc-built libjirga.a).
# `make fuzz` runs each target FUZZ_SECONDS (default 60), FUZZ_JOBS at a time (one per core), from its seed corpus
# tests/fuzz/TARGET/; findings land in build-fuzz/artifacts/. `make test` only replays
# the seeds and tests/fuzz/crashes/ (tests/fuzz/run.sh --replay).
FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := text dict jsonl code tables peer http
FUZZ_BUILD ?= build-fuzz
FUZZ_EXTRA ?= # more flags, such as -fno-sanitize=nonnull-attribute to fuzz past a known report
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
               -fno-sanitize-recover=all -Wall -Wextra -Iinclude -Isrc $(PQ_CFLAGS) -DJIRGA_ROOT='"$(CURDIR)"' $(FUZZ_EXTRA)
FUZZ_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJ) -o $@ $(LDLIBS)

# fuzz_http also takes the server (src/serve/) and the web page it embeds.
FUZZ_SERVE_OBJ := $(FUZZ_BUILD)/src/serve/serve.o $(FUZZ_BUILD)/gen/web_files.o
$(FUZZ_BUILD)/gen/web_files.o: $(BUILD)/gen/web_files.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BUILD)/fuzz_http: tests/fuzz/fuzz_http.c tests/fuzz/fuzz.h $(FUZZ_OBJ) $(FUZZ_SERVE_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $< $(FUZZ_OBJ) $(FUZZ_SERVE_OBJ) -o $@ $(LDLIBS)

fuzz-build: $(FUZZ_BIN)
.SECONDARY: $(FUZZ_OBJ) $(FUZZ_SERVE_OBJ)

fuzz: fuzz-build $(PLACES)
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh $(FUZZ_TARGETS)

fuzz-replay: fuzz-build $(PLACES)
	FUZZ_BUILD=$(FUZZ_BUILD) ./tests/fuzz/run.sh --replay

# Runs every test: unit tests, golden tests, the seed article, the same under
# AddressSanitizer + UndefinedBehaviorSanitizer, and the fuzz corpora replayed (when
# clang is installed). Last line: "N passed, N failed".
test:
	./scripts/setup.sh
	$(MAKE) all unit
	$(MAKE) SAN=1 all unit
	@if command -v $(FUZZ_CC) >/dev/null 2>&1; then $(MAKE) fuzz-build; \
	else echo "fuzz targets not built: $(FUZZ_CC) is not installed (scripts/setup.sh installs it)"; fi
	./tests/run.sh

# Shows every change of golden output for review, then writes the new outputs.
golden-update: all
	./tests/golden-update.sh

clean:
	rm -rf build build-san build-fuzz jirga dictionaries/gen

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SERVE_OBJ:.o=.d) $(wildcard $(FUZZ_BUILD)/src/*/*.d)
