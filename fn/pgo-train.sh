#!/bin/sh
# pgo-train.sh - the training run of make static's profile-guided build.
#
# Usage: fn/pgo-train.sh KLEYM_FN
#
# Runs KLEYM_FN, built with -fprofile-generate, over the repository's own
# inputs: each golden case's input as the function reads it, and kleym-fn
# inspect over each example package. It leaves its counts beside its
# objects (*.gcda), where the second compile's -fprofile-use reads them.
# Results and exit statuses do not matter here (many cases are errors on
# purpose): the suite runs every one of these inputs anyway.
#
# The counts, and so the binary, are the same on every run: the input is
# read on one thread (the two-thread read's own code is small, and GCC
# compiles code the training never ran as it would without a profile:
# -fprofile-partial-training), and address randomization is off where
# setarch can turn it off: a few branch counts follow where the heap lands
# (seen in read_list.c, resolve.c, results_fails.c; the output does not).
set -eu
fn=$1
rm -f "$(dirname "$fn")"/*.gcda
fixed=
if setarch -R true 2>/dev/null; then
    fixed="setarch -R"
fi
for input in tests/cases/*/input.yaml; do
    KLEYM_FN_READ=serial $fixed "$fn" <"$input" >/dev/null 2>&1 || true
done
for pkg in examples/*/; do
    KLEYM_FN_READ=serial $fixed "$fn" inspect "$pkg" >/dev/null 2>&1 || true
done
