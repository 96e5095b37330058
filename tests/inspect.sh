#!/usr/bin/env bash
# `kleym-fn inspect` tests. Every tests/inspect/cases/<name>/ holds
#   args           the arguments after `inspect` (one line; paths from the
#                  repository root, where the tests run)
#   stdin          optional: what goes to stdin (default: nothing)
#   env            optional: VAR=value lines for the environment
#   expected.out   the whole expected stdout
#   expected-exit  the expected exit status
#   expected.err   optional: the whole expected stderr
# Then tests/inspect_json.py checks the JSON output: its shape, and that
# inspect and the function agree about every binding of every golden case.
# The fixture packages keep their Kptfile as Kptfile.fixture (a committed
# Kptfile would make them subpackages of the repository's kpt package): the
# cases run in a scratch root where examples/ and tests/cases/ are the
# repository's and tests/inspect/fixtures/ a copy with the Kptfiles named.
# Closes with "inspect: N passed, N failed".
# Usage: tests/inspect.sh BINARY [--update]   (BINARY may carry a runner)
set -u
update=${2:-}
# The binary by its absolute path (the cases run elsewhere), after any
# runner prefix.
read -r -a words <<< "$1"
last=${words[${#words[@]}-1]}
words[${#words[@]}-1]=$(cd "$(dirname "$last")" && pwd)/$(basename "$last")
bin="${words[*]}"
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
suite=inspect
. "$here/lib.sh"
work=$tmp/root
"$here/inspect-root.sh" "$root" "$work" || exit 1
cd "$work" || exit 1
for dir in "$root"/tests/inspect/cases/*/; do
    name=$(basename "$dir")
    read -r -a args < "$dir/args"
    envs=()
    [ -f "$dir/env" ] && mapfile -t envs < "$dir/env"
    stdin=/dev/null
    [ -f "$dir/stdin" ] && stdin=$(cat "$dir/stdin")
    # a case that hangs fails (exit 124) instead of stopping the suite
    timeout 300 env -u KLEYM_TRUST_DOMAIN -u KLEYM_CLUSTERSPIFFEID_CLASS_NAME ${envs[@]+"${envs[@]}"} \
        $bin inspect "${args[@]}" < "$stdin" > "$tmp/out" 2> "$tmp/err"
    code=$?
    if [ "$update" = --update ]; then
        cp "$tmp/out" "$dir/expected.out"
        echo "$code" > "$dir/expected-exit"
        [ -s "$tmp/err" ] && cp "$tmp/err" "$dir/expected.err" || rm -f "$dir/expected.err"
    fi
    problems=()
    [ "$code" = "$(cat "$dir/expected-exit")" ] || problems+=("exit $code, want $(cat "$dir/expected-exit")")
    cmp -s "$tmp/out" "$dir/expected.out" || problems+=("stdout differs")
    if [ -f "$dir/expected.err" ]; then
        cmp -s "$tmp/err" "$dir/expected.err" || problems+=("stderr differs")
    elif [ -s "$tmp/err" ]; then
        problems+=("unexpected stderr: $(head -c 200 "$tmp/err")")
    fi
    tally "$name" ${problems[@]+"${problems[@]}"}
    [ ${#problems[@]} -gt 0 ] && [ -n "${VERBOSE:-}" ] && diff "$dir/expected.out" "$tmp/out" | head -20
done
cd "$root" || exit 1
# A terminal on stdin: usage and exit 2 at once, never a silent wait (the
# function and inspect alike). script(1) gives the command a terminal.
tty_usage() { # arguments after the binary
    timeout 20 script -qec "$bin $* < /dev/tty; echo exit=\$?" /dev/null > "$tmp/tty.log" 2>&1
    grep -q 'stdin is a terminal' "$tmp/tty.log" && grep -q '^usage: kleym-fn' "$tmp/tty.log" &&
        grep -q 'exit=2' "$tmp/tty.log" || { cat "$tmp/tty.log"; false; }
}
if command -v script > /dev/null; then
    check tty-function-usage tty_usage
    check tty-inspect-usage tty_usage inspect
else
    bad "tty (script(1) from bsdutils is needed)"
fi
# The JSON: shape, and the same answers as the function (INSPECT_JSON=
# examples-only checks the examples' JSON only, as the valgrind run does).
if ${PYTHON:-python3} "$here/inspect_json.py" "$bin" ${INSPECT_JSON:+--examples-only} > "$tmp/json.log" 2>&1; then
    ok
else
    bad json
fi
cat "$tmp/json.log"
finish
