#!/usr/bin/env bash
# Golden tests: every tests/cases/<name>/ holds
#   input.yaml | input.json   what goes to stdin
#   expected.out              the whole expected stdout (may be empty)
#   expected-exit             the expected exit status (default 0)
#   expected.err              optional: the whole expected stderr
#   args                      optional: command-line arguments, one line
#   env                       optional: VAR=value lines for the environment
# Each case also checks determinism (two runs, same bytes; the second with
# stdin a pipe, not the file: kleym-fn maps a file and reads a pipe into
# memory, and the two must not differ) and, when the function wrote a
# list, idempotence (SPEC section 7: its output run again gives the same
# bytes, and the same results on stderr, where a plain stream's results
# go), unless the case holds a file named not-idempotent.
# Every example (examples/<name>/: its YAML files, in name order, as one
# plain stream) is checked the same way: no file names its documents, so
# messages name them <stdin>:N, N their place in the output.
# Usage: tests/golden.sh BINARY [--update]
set -u
bin=$1  # may carry a runner prefix, e.g. "valgrind -q build/kleym-fn"
update=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
suite=golden
. "$here/lib.sh"

run_case() { # dir input [pipe] -> $tmp/out $tmp/err, returns exit status
    local dir=$1 input=$2 via=${3:-file} args=() envs=()
    [ -f "$dir/args" ] && read -r -a args < "$dir/args"
    [ -f "$dir/env" ] && mapfile -t envs < "$dir/env"
    if [ "$via" = pipe ]; then
        cat "$input" | timeout 300 env -u KLEYM_TRUST_DOMAIN -u KLEYM_CLUSTERSPIFFEID_CLASS_NAME \
            ${envs[@]+"${envs[@]}"} $bin "${args[@]}" > "$tmp/out" 2> "$tmp/err"
        return "${PIPESTATUS[1]}"
    fi
    timeout 300 env -u KLEYM_TRUST_DOMAIN -u KLEYM_CLUSTERSPIFFEID_CLASS_NAME ${envs[@]+"${envs[@]}"} \
        $bin "${args[@]}" < "$input" > "$tmp/out" 2> "$tmp/err"
}

# The results a run printed on stderr (its notes aside: a note says what
# the run changed, such as an owned ClusterSPIFFEID dropped).
results_of() { grep -E '^kleym-fn: (error|warning|info): ' "$1"; }

# $tmp/first and $tmp/first-err, run again (run_case DIR INPUT): what
# differs, if anything, added to problems.
check_again() {
    local dir=$1
    cp "$tmp/first" "$tmp/again-in"
    run_case "$dir" "$tmp/again-in"
    cmp -s "$tmp/out" "$tmp/first" || problems+=("not idempotent")
    if ! cmp -s <(results_of "$tmp/err") <(results_of "$tmp/first-err"); then
        problems+=("results on stderr not idempotent")
        diff <(results_of "$tmp/first-err") <(results_of "$tmp/err") | head -5
    fi
}

for dir in "$here"/cases/*/; do
    name=$(basename "$dir")
    input=$dir/input.yaml
    [ -f "$input" ] || input=$dir/input.json
    run_case "$dir" "$input"; code=$?
    if [ "$update" = --update ]; then
        cp "$tmp/out" "$dir/expected.out"
        echo "$code" > "$dir/expected-exit"
        [ -f "$dir/expected.err" ] && cp "$tmp/err" "$dir/expected.err"
    fi
    want=$(cat "$dir/expected-exit" 2>/dev/null || echo 0)
    problems=()
    [ "$code" = "$want" ] || problems+=("exit $code, want $want")
    cmp -s "$tmp/out" "$dir/expected.out" || problems+=("stdout differs: diff $dir/expected.out <(output)")
    if [ -f "$dir/expected.err" ] && ! cmp -s "$tmp/err" "$dir/expected.err"; then
        problems+=("stderr differs")
        diff "$dir/expected.err" "$tmp/err" | head -5
    fi
    cp "$tmp/out" "$tmp/first"
    cp "$tmp/err" "$tmp/first-err"
    run_case "$dir" "$input" pipe; again=$?
    { [ "$again" = "$code" ] && cmp -s "$tmp/out" "$tmp/first" &&
      cmp -s "$tmp/err" "$tmp/first-err"; } || problems+=("not deterministic (stdin a pipe)")
    if [ -s "$tmp/first" ] && [ ! -f "$dir/not-idempotent" ]; then
        check_again "$dir"
    fi
    tally "$name" ${problems[@]+"${problems[@]}"}
    [ ${#problems[@]} -gt 0 ] && [ -n "${VERBOSE:-}" ] && diff "$dir/expected.out" "$tmp/first" | head -20
done

# The examples, each as one plain stream with a trust domain (args).
echo "--trust-domain example.org" > "$tmp/args"
for ex in "$here"/../examples/*/; do
    name=example-$(basename "$ex")
    : > "$tmp/stream"
    while IFS= read -r -d '' f; do
        printf -- '---\n' >> "$tmp/stream"
        cat "$f" >> "$tmp/stream"
        printf '\n' >> "$tmp/stream"
    done < <(find "$ex" \( -name '*.yaml' -o -name '*.yml' \) -print0 | LC_ALL=C sort -z)
    problems=()
    run_case "$tmp" "$tmp/stream"; code=$?
    [ -s "$tmp/out" ] || problems+=("no output (exit $code)")
    cp "$tmp/out" "$tmp/first"
    cp "$tmp/err" "$tmp/first-err"
    [ -s "$tmp/first" ] && check_again "$tmp"
    tally "$name" ${problems[@]+"${problems[@]}"}
done
finish
