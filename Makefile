# kleym-fn - render-time compiler of Kleym identity intent into SPIRE
# ClusterSPIFFEIDs, as a KRM function.
#
#   make deps    install build and test dependencies (Debian + npm)
#   make         build build/kleym-fn
#   make demo    render examples/basic and print the result
#   make test    the whole suite (unit, golden, CRD schema, real tools)

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -Iinclude
LDLIBS  += -lfyaml -lnettle
BUILD   ?= build

LIB_SRCS := src/buf.c src/scalar.c src/read.c src/view.c src/config.c \
            src/identity.c src/resolve.c src/conflicts.c src/emit.c \
            src/render.c src/results.c src/write.c src/kleym.c
LIB_OBJS := $(LIB_SRCS:src/%.c=$(BUILD)/%.o)
HEADERS  := $(wildcard include/*.h)

.PHONY: all deps demo test unit golden clean

all: $(BUILD)/kleym-fn

$(BUILD)/%.o: src/%.c $(HEADERS) | $(BUILD)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libkleym.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BUILD)/kleym-fn: $(BUILD)/main.o $(BUILD)/libkleym.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD):
	mkdir -p $(BUILD)

clean:
	rm -rf build build-*
