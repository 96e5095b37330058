#!/usr/bin/env bash
# A long fuzzing campaign that goes on after a finding: runs the libFuzzer
# target (make fuzz) until TOTAL seconds have passed, moves every crash-* to
# build-fuzz/findings/, and prints the executions of each round.
# Usage: tests/fuzz/campaign.sh TOTAL_SECONDS
set -u
total=${1:?usage: campaign.sh TOTAL_SECONDS}
cd "$(dirname "$0")/../.."
mkdir -p build-fuzz/findings
start=$(date +%s) execs=0 rounds=0
while :; do
    left=$((total - ($(date +%s) - start)))
    [ "$left" -gt 5 ] || break
    make -s fuzz FUZZ_SECONDS="$left" > build-fuzz/round.log 2>&1
    rounds=$((rounds + 1))
    n=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' build-fuzz/round.log | tail -1)
    execs=$((execs + ${n:-0}))
    for c in build-fuzz/crash-* build-fuzz/timeout-* build-fuzz/oom-* build-fuzz/leak-*; do
        [ -e "$c" ] || continue
        echo "finding: $c"
        grep -E "fuzz:|SUMMARY|runtime error" build-fuzz/round.log | head -3
        mv "$c" build-fuzz/findings/
    done
done
echo "campaign: ${total}s, $rounds rounds, $execs executions," \
     "corpus $(ls build-fuzz/corpus | wc -l) files," \
     "findings $(ls build-fuzz/findings | wc -l)"
